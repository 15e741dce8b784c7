"""The framework's editing pages over a world of minimal records (each factory's
``minimal=True``: a period without target or actual, an indicator without unit): every page
renders for every role, never a server error — as tests/portal/test_minimal_records.py does for
the other apps' pages."""

import pytest

from tests import access
from tests.results.test_editing_access import EXPECTATIONS

world = access.world_fixture(access.build_minimal_world)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), access.cells(EXPECTATIONS))
def test_every_page_renders_minimal_records_for_every_role(name, role, world, client):
    expect = EXPECTATIONS[name]
    response = access.client_for(role, client, world).get(expect.url(name, world))
    wanted = expect.status[role]
    if isinstance(wanted, access.Redirect):
        assert response.status_code == 302
    else:
        assert response.status_code == wanted
