"""Who may open the personal-data pages — a participant's subject-access file (officers and
admins) and erasure (admins only) — for every role (the engine is tests/access.py;
tests/portal/test_access_coverage.py reads ``EXPECTATIONS``). Donors and visitors never reach
them."""

import pytest

from tests import access
from tests.access import OFFICERS, PERSONAL_DATA_ROLES, Expect

pytestmark = pytest.mark.django_db
world = access.world_fixture()

PERSONAL = {"personal": PERSONAL_DATA_ROLES}
XLSX, JSON = "application/vnd.openxmlformats", "application/json"
# Asked for a participant that does not exist.
MISSING = access.statuses(403, anonymous=access.LOGIN, officer=404, admin=404)


def _participant(w):
    return [w.participants[0].pk]


EXPECTATIONS: dict = {
    # The subject-access file (officers and admins): the page names the person, the files
    # hold their data.
    "personaldata:subject_access": Expect(OFFICERS, _participant, shows=PERSONAL),
    "personaldata:subject_access#missing": Expect(MISSING, lambda w: [999999]),
    "personaldata:subject_access_file": Expect(
        OFFICERS, lambda w: [w.participants[0].pk, "xlsx"], content_type=XLSX, shows=PERSONAL),
    "personaldata:subject_access_file#json": Expect(
        OFFICERS, lambda w: [w.participants[0].pk, "json"], content_type=JSON, shows=PERSONAL),
    "personaldata:subject_access_file#missing": Expect(MISSING, lambda w: [999999, "json"]),
    "personaldata:subject_access_file#pdf": Expect(
        MISSING, lambda w: [w.participants[0].pk, "pdf"]),
}


@pytest.mark.parametrize(("name", "role"), access.cells(EXPECTATIONS))
def test_each_role_gets_its_status_and_only_what_it_may_see(name, role, world, client):
    access.check_cell(EXPECTATIONS, name, role, world, client)
