"""Two donors, each with an unpublished contribution: neither ever sees the other's, on any
surface — pages, totals, charts, exports, the API and the IATI file (where neither appears,
whoever asks)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

MINE, THEIRS = "CAD 111,111", "GBP 222,222"


@pytest.fixture
def secrets(donor_user, other_donor_user):
    unodc = factories.OrganisationFactory(slug="unodc", name="UNODC", kind="un")
    project = factories.ProjectFactory(code="KGZK50", title="Support to the SSDC")
    project.implementers.add(unodc)
    mine = factories.ContributionFactory(
        key="mine-unpublished", donor=donor_user.donor_account.donor, project=project,
        amount=Decimal(111111), currency="CAD", date=datetime.date(2011, 5, 1),
        is_published=False,
    )
    theirs = factories.ContributionFactory(
        key="theirs-unpublished", donor=other_donor_user.donor_account.donor, project=project,
        amount=Decimal(222222), currency="GBP", date=datetime.date(2011, 6, 1),
        is_published=False,
    )
    return {"mine": mine, "theirs": theirs, "project": project}


def text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", errors="replace")
    return response.content.decode()


def surfaces(secrets):
    project, mine, theirs = secrets["project"], secrets["mine"], secrets["theirs"]
    return [
        reverse("home"),
        reverse("donors:contribution_list"),
        reverse("donors:contribution_list") + "?currency=GBP",
        reverse("donors:donor_list"),
        reverse("donors:donor_detail", args=[mine.donor.slug]),
        reverse("donors:donor_detail", args=[theirs.donor.slug]),
        reverse("activities:project_detail", args=[project.code]),
        reverse("activities:project_list") + f"?donor={theirs.donor.slug}",
        reverse("donors:my_contributions"),
        reverse("donors:contribution_export", args=["csv"]),
        reverse("donors:my_contribution_export", args=["csv"]),
        reverse("activities:project_export", args=["csv"])
        + f"?donor={theirs.donor.slug}",
        reverse("opendata:contribution-list"),
        reverse("opendata:contribution-list") + f"?donor={theirs.donor.slug}",
        reverse("opendata:donor-list"),
        reverse("opendata:iati_activities"),
    ]


def test_a_donor_sees_its_own_unpublished_contribution_and_never_the_others(
    client, donor_user, secrets
):
    client.force_login(donor_user)
    seen_mine = False
    for url in surfaces(secrets):
        body = text(client.get(url))
        assert "theirs-unpublished" not in body and "222,222" not in body, url
        assert "222222" not in body, url
        seen_mine |= "mine-unpublished" in body or MINE in body
    assert seen_mine


def test_the_other_donor_is_kept_out_of_mine_alike(client, other_donor_user, secrets):
    client.force_login(other_donor_user)
    for url in surfaces(secrets):
        body = text(client.get(url))
        assert "mine-unpublished" not in body and "111,111" not in body, url
        assert "111111" not in body, url


def test_the_api_detail_of_the_other_donors_contribution_is_404(client, donor_user, secrets):
    client.force_login(donor_user)
    assert client.get(reverse("opendata:contribution-detail",
                              args=["theirs-unpublished"])).status_code == 404
    assert client.get(reverse("opendata:contribution-detail",
                              args=["mine-unpublished"])).status_code == 200


def test_totals_and_counts_leave_out_the_other_donors_contribution(client, donor_user, secrets):
    client.force_login(donor_user)
    response = client.get(reverse("donors:contribution_list"))
    currencies = [line.currency for row in response.context["totals"].per_currency
                  for line in row.lines]
    assert "GBP" not in currencies and "CAD" in currencies
    donors = client.get(reverse("opendata:donor-list")).json()["results"]
    counts = {d["slug"]: d["contribution_count"] for d in donors}
    assert counts[secrets["theirs"].donor.slug] == 0
    assert counts[secrets["mine"].donor.slug] == 1


def test_the_iati_file_holds_neither_unpublished_contribution_whoever_asks(
    client, donor_user, admin_user, secrets
):
    for user in (None, donor_user, admin_user):
        if user:
            client.force_login(user)
        body = client.get(reverse("opendata:iati_activities")).content.decode()
        assert "mine-unpublished" not in body and "theirs-unpublished" not in body
        assert "111111" not in body and "222222" not in body
