"""Who may open each page of the donors app, and what each role sees there (the engine and the
world are in tests/access.py). Every URL of the app needs an entry here
(tests/portal/test_access_coverage.py walks the resolver)."""

import pytest
from django.urls import reverse

from tests import access, factories
from tests.access import CONTRIBUTIONS, DONORS_ONLY, PUBLIC, Expect
from unodc_portal.core.roles import OFFICERS_GROUP

world = access.world_fixture()

CSV, XLSX = "text/csv", "application/vnd.openxmlformats"
# The donor workspace: each donor's users see their own contributions, published or not, and
# nobody else's.
OWN_ONLY = {
    "donor_unpublished": ["donor"],
    "other_unpublished": ["other_donor"],
    "published": ["other_donor"],  # the other donor's published contribution
}
# A donor's page: its own unpublished contribution for its users and admins; the articles about
# the seizures of its projects (issue 14), drafts only for admins.
DONOR_B_PAGE = {"other_unpublished": ["other_donor", "admin"], "published": access.ROLES,
                "draft": ["admin"]}
# Donor Alpha is an organisation that articles mention: drafts only for admins.
DONOR_A_PAGE = {"donor_unpublished": ["donor", "admin"], "draft": ["admin"]}

EXPECTATIONS = {
    "donors:donor_list": Expect(PUBLIC),
    "donors:donor_export": Expect(PUBLIC, lambda w: ["xlsx"], content_type=XLSX),
    "donors:donor_export#csv": Expect(PUBLIC, lambda w: ["csv"], content_type=CSV),
    "donors:donor_detail": Expect(PUBLIC, lambda w: [w.donor_b.slug], shows=DONOR_B_PAGE),
    "donors:donor_detail#donor": Expect(PUBLIC, lambda w: [w.donor_a.slug], shows=DONOR_A_PAGE),
    "donors:contribution_list": Expect(PUBLIC, shows=CONTRIBUTIONS),
    # Filtered by the currency of the other donor's unpublished contribution, which no other
    # row uses: neither the rows nor the totals give it away. For those who may not see it, NOK
    # is no choice, and the form says so; the choices list the donor's own ISK for its users.
    "donors:contribution_list#currency": Expect(
        PUBLIC, query="?currency=NOK", echo="NOK is not one of the available choices",
        shows={"other_unpublished": ["other_donor", "admin"], "donor_unpublished": [
            "donor", "admin"]},
    ),
    "donors:contribution_export": Expect(
        PUBLIC, lambda w: ["csv"], content_type=CSV, shows=CONTRIBUTIONS
    ),
    "donors:contribution_export#xlsx": Expect(
        PUBLIC, lambda w: ["xlsx"], content_type=XLSX, shows=CONTRIBUTIONS
    ),
    "donors:my_contributions": Expect(DONORS_ONLY, shows=OWN_ONLY),
    "donors:my_contribution_export": Expect(
        DONORS_ONLY, lambda w: ["csv"], content_type=CSV, shows=OWN_ONLY
    ),
    "donors:my_contribution_export#xlsx": Expect(
        DONORS_ONLY, lambda w: ["xlsx"], content_type=XLSX, shows=OWN_ONLY
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), access.cells(EXPECTATIONS))
def test_each_role_gets_its_status_and_only_what_it_may_see(name, role, world, client):
    access.check_cell(EXPECTATIONS, name, role, world, client)


@pytest.mark.django_db
@pytest.mark.parametrize("role", access.ROLES)
def test_donor_export_counts_only_the_contributions_the_role_may_see(role, world, client):
    """The count column is a figure too: an unpublished contribution must not be counted for
    those who may not see it."""
    response = access.client_for(role, client, world).get(
        reverse("donors:donor_export", args=["csv"])
    )
    header, *rows = access.csv_rows(access.body_text(response))
    counts = {row[header.index("Key")]: int(row[header.index("Contributions")]) for row in rows}
    may_see = {"donor-alpha": role in {"donor", "admin"}, "donor-beta": role in {
        "other_donor", "admin"}}
    assert counts == {slug: 1 + sees_unpublished for slug, sees_unpublished in may_see.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("role", access.ROLES)
def test_contribution_export_lists_exactly_the_rows_the_role_may_see(role, world, client):
    response = access.client_for(role, client, world).get(
        reverse("donors:contribution_export", args=["csv"])
    )
    header, *rows = access.csv_rows(access.body_text(response))
    keys = {row[header.index("Key")] for row in rows}
    expected = {"alpha-published", "beta-published"}
    if role in {"donor", "admin"}:
        expected.add("alpha-unpublished")
    if role in {"other_donor", "admin"}:
        expected.add("beta-unpublished")
    assert keys == expected


@pytest.mark.django_db
@pytest.mark.parametrize("role", access.ROLES)
def test_a_donor_whose_only_contribution_is_unpublished_is_not_named_as_contributor(
    role, world, client
):
    """Donors are public, but that one gave to a project, an event or an article is a figure
    of its contribution: the pages and records of what it went to name it only to admins."""
    factories.ContributionFactory(
        donor=factories.DonorFactory(name="Gammafund Withheld", slug="donor-gamma"),
        key="gamma-unpublished", project=world.project, event=world.event,
        article=world.article, is_published=False,
    )
    client = access.client_for(role, client, world)
    pages = [
        world.project.get_absolute_url(), world.event.get_absolute_url(),
        world.article.get_absolute_url(),
    ]
    # Open-data records of the same things do not list contributors at all.
    records = [
        reverse("opendata:project-detail", args=[world.project.code]),
        reverse("opendata:event-detail", args=[world.event.slug]),
        reverse("opendata:article-detail", args=[world.article.slug]),
        reverse("opendata:iati_activities"),
    ]
    for url in pages + records:
        text = access.body_text(client.get(url))
        named = "Gammafund Withheld" in text or "donor-gamma" in text
        assert named is (role == "admin" and url in pages), f"{url} as {role}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", access.ROLES)
def test_contribution_totals_count_only_the_contributions_the_role_may_see(role, world, client):
    """Each unpublished contribution is the only one in its currency: its currency is among
    the totals exactly for those who may see it."""
    response = access.client_for(role, client, world).get(reverse("donors:contribution_list"))
    currencies = {
        line.currency for row in response.context["totals"].per_currency for line in row.lines
    }
    assert world.published[0].currency in currencies
    assert ("ISK" in currencies) is (role in {"donor", "admin"})
    assert ("NOK" in currencies) is (role in {"other_donor", "admin"})


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "no_group"])
def test_officers_and_accounts_without_a_group_may_not_change_donors_or_contributions(
    role, world
):
    user = type(world.users[role]).objects.get(pk=world.users[role].pk)
    for permission in ("change_contribution", "add_contribution", "change_donor"):
        assert not user.has_perm(f"donors.{permission}"), permission
    # The officer is in the officers' group, whose permissions it does have.
    assert user.groups.filter(name=OFFICERS_GROUP).exists() is (role == "officer")
    assert user.has_perm("activities.add_event") is (role == "officer")
