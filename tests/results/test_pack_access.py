"""Who may open the donor report pack's page and downloads, and what each role's pack shows
(the engine and the world are in tests/access.py; the PDF is read as its text). Registered in
tests/portal/test_access_coverage.py."""

import pytest

from tests import access
from tests.access import LOGIN, Expect, statuses

world = access.world_fixture()

XLSX, PDF = "application/vnd.openxmlformats", "application/pdf"
# Donor Alpha's pack: its own accounts, officers and admins; another donor's account gets the
# 404 of an unknown donor; an account in no group 403.
PACK = statuses(403, anonymous=LOGIN, donor=200, other_donor=404, officer=200, admin=200)
# What Donor Alpha's pack shows: its unpublished contribution to its own accounts and admins;
# the draft article about its project to those who may see drafts; never another donor's
# unpublished contribution (the admin's pack lists Donor Alpha's rows only), nor personal data.
SHOWS = {"donor_unpublished": ["donor", "admin"]}
MAY_SHOW = {"draft": ["admin"]}


def alpha(w):
    return [w.donor_a.slug]


EXPECTATIONS = {
    "pack:donor_report": Expect(PACK, alpha),
    "pack:donor_report#xlsx": Expect(PACK, alpha, query="?year=2011&format=xlsx",
                                     content_type=XLSX, shows=SHOWS, may_show=MAY_SHOW),
    "pack:donor_report#pdf": Expect(PACK, alpha, query="?year=2011&format=pdf",
                                    content_type=PDF, shows=SHOWS, may_show=MAY_SHOW),
    # Bad input: the form again, the error beside its field, no file.
    "pack:donor_report#bad": Expect(PACK, alpha, query="?start=2011-06-01&end=2011-01-01"
                                    "&format=pdf"),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), access.cells(EXPECTATIONS))
def test_each_role_gets_its_status_and_only_what_it_may_see(name, role, world, client):
    access.check_cell(EXPECTATIONS, name, role, world, client)
