"""Who may open the personal-data pages — a participant's subject-access file (officers and
admins) and erasure (admins only) — for every role (the engine is tests/access.py;
tests/portal/test_access_coverage.py reads ``EXPECTATIONS``). Donors and visitors never reach
them."""

import pytest
from django.urls import reverse

from tests import access
from tests.access import OFFICERS, PERSONAL_DATA_ROLES, Expect, statuses

pytestmark = pytest.mark.django_db
world = access.world_fixture()

PERSONAL = {"personal": PERSONAL_DATA_ROLES}
XLSX, JSON = "application/vnd.openxmlformats", "application/json"
# Asked for a participant that does not exist.
MISSING = access.statuses(403, anonymous=access.LOGIN, officer=404, admin=404)


def _participant(w):
    return [w.participants[0].pk]


# Erasure: admins only; officers, donors and accounts without a group 403.
ADMINS = statuses(403, anonymous=access.LOGIN, admin=200)


def a_participant(world):
    return (world.participants[2].pk,)


def an_erasure(world):
    return (world.erasure.pk,)


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

    # What the erasure will do, and the form: the person's name is shown to the admin.
    "personaldata:participant_erase": Expect(ADMINS, args=a_participant,
                                             shows={"personal": ("admin",)}),
    "personaldata:erasure_detail": Expect(ADMINS, args=an_erasure),
}


@pytest.mark.parametrize(("name", "role"), access.cells(EXPECTATIONS))
def test_each_role_gets_its_status_and_only_what_it_may_see(name, role, world, client):
    access.check_cell(EXPECTATIONS, name, role, world, client)


@pytest.mark.parametrize("role", access.NOT_STAFF)
def test_an_erasure_posted_by_anyone_but_an_admin_writes_nothing(role, world, client):
    number = world.participants[2].pk
    client = access.client_for(role, client, world)
    counts = access.every_row_count()
    response = client.post(reverse("personaldata:participant_erase", args=[number]),
                           {"number": str(number)})
    assert response.status_code in (302, 403)
    if role != "anonymous":
        assert response.status_code == 403
    assert access.every_row_count() == counts
