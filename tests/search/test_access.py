"""Who may open the search page, and what each role finds there (the engine and the world are
in tests/access.py; tests/portal/test_access_coverage.py walks the resolver). The world's
index is built as the bulk commands build it (``rebuild``)."""

import pytest

from search import index
from tests import access
from tests.access import PUBLIC, Expect


def build_indexed_world():
    world = access.build_world()
    index.rebuild()
    return world


pytestmark = pytest.mark.django_db
world = access.world_fixture(build_indexed_world)

PRIVATE_NAME = access.PRIVATE_NAME

EXPECTATIONS = {
    # The draft article is about marmots: only those who may edit articles find it.
    "search:search": Expect(PUBLIC, query="?q=marmots", shows={"draft": ["admin"]}),
    # Participants are never searched, whoever asks; the page repeats the query only.
    "search:search#participant": Expect(
        PUBLIC, query=f"?q={PRIVATE_NAME.replace(' ', '+')}", echo=PRIVATE_NAME,
    ),
    # Contributions are not searched: an unpublished one's description finds nothing.
    "search:search#contribution": Expect(
        PUBLIC, query="?q=Quokka+survey+drones", echo="Quokka survey drones",
    ),
}


@pytest.mark.parametrize(("name", "role"), access.cells(EXPECTATIONS))
def test_each_role_gets_its_status_and_only_what_it_may_see(name, role, world, client):
    access.check_cell(EXPECTATIONS, name, role, world, client)


@pytest.mark.parametrize("role", access.ROLES)
def test_the_world_is_found_by_every_role(role, world, client):
    """The expectations above could pass on a page that finds nothing: it finds the record."""
    response = access.client_for(role, client, world).get("/search/?q=matrix")
    titles = [document.title for document in response.context["page_obj"]]
    assert {"Matrix workshop", "Matrix article", "MATRIX1 — Matrix project"} <= set(titles)
