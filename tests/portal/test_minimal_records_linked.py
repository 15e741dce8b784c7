"""The walk of tests/portal/test_minimal_records.py over the minimal records linked to one
another (``access.build_linked_minimal_world``): every list of related records on every page,
each related record minimal — no server error, for any role, and the matrix's statuses."""

import pytest

from tests import access
from tests.portal.test_minimal_records import EXPECTATIONS, check_renders

linked_world = access.world_fixture(access.build_linked_minimal_world, name="linked_world")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), access.cells(EXPECTATIONS))
def test_every_page_renders_linked_minimal_records_for_every_role(
    name, role, linked_world, client
):
    check_renders(name, role, linked_world, client)
