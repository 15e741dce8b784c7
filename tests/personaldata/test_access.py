"""Who may open the personal-data pages — a participant's subject-access file (officers and
admins) and erasure (admins only) — for every role (the engine is tests/access.py;
tests/portal/test_access_coverage.py reads ``EXPECTATIONS``). Donors and visitors never reach
them."""

import pytest

from tests import access
from tests.access import Expect  # noqa: F401

pytestmark = pytest.mark.django_db
world = access.world_fixture()

EXPECTATIONS: dict = {}


@pytest.mark.parametrize(("name", "role"), access.cells(EXPECTATIONS))
def test_each_role_gets_its_status_and_only_what_it_may_see(name, role, world, client):
    access.check_cell(EXPECTATIONS, name, role, world, client)
