"""Who may open each page of the donors app, and what each role sees there (the engine and the
world are in tests/access.py). Every URL of the app needs an entry here
(tests/portal/test_access_coverage.py walks the resolver)."""

import pytest
from django.urls import reverse

from tests import access
from tests.access import CONTRIBUTIONS, DONORS_ONLY, PUBLIC, Expect

world = access.world_fixture()

CSV, XLSX = "text/csv", "application/vnd.openxmlformats"
# The donor workspace: each donor's users see their own contributions, published or not, and
# nobody else's.
OWN_ONLY = {
    "donor_unpublished": ["donor"],
    "other_unpublished": ["other_donor"],
    "published": ["other_donor"],  # the other donor's published contribution
}
# A donor's page: its own unpublished contribution for its users and admins.
DONOR_B_PAGE = {"other_unpublished": ["other_donor", "admin"], "published": access.ROLES}
# Donor Alpha is an organisation that articles mention: drafts only for admins.
DONOR_A_PAGE = {"donor_unpublished": ["donor", "admin"], "draft": ["admin"]}

EXPECTATIONS = {
    "donors:donor_list": Expect(PUBLIC),
    "donors:donor_export": Expect(PUBLIC, lambda w: ["xlsx"], content_type=XLSX),
    "donors:donor_export#csv": Expect(PUBLIC, lambda w: ["csv"], content_type=CSV),
    "donors:donor_detail": Expect(PUBLIC, lambda w: [w.donor_b.slug], shows=DONOR_B_PAGE),
    "donors:donor_detail#donor": Expect(PUBLIC, lambda w: [w.donor_a.slug], shows=DONOR_A_PAGE),
    "donors:contribution_list": Expect(PUBLIC, shows=CONTRIBUTIONS),
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
