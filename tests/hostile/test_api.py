"""Every parameter of the JSON API (/api/): the list pages' filters, ``page``, ``page_size``,
DRF's ``format``, ``ordering`` and ``search``, and hostile record keys in the path. A value that
does not fit is a 400 (or 404 for a page or record that does not exist), never a server error."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from activities.api import ArticleViewSet, EventViewSet, ProjectViewSet, SeizureViewSet
from donors.api import ContributionViewSet, DonorViewSet
from tests.hostile import strategies as hs
from tests.hostile.conftest import examples
from tests.hostile.pages import ACCEPTED, clients, records_fixture

pytestmark = pytest.mark.django_db

# Parameters DRF or a client might send although no filter declares them.
GENERIC = ["page", "page_size", "format", "ordering", "search", "limit", "offset", "cursor"]
VIEWSETS = {
    "project": ProjectViewSet,
    "event": EventViewSet,
    "seizure": SeizureViewSet,
    "donor": DonorViewSet,
    "contribution": ContributionViewSet,
    "article": ArticleViewSet,
}
ROLES = ("anonymous", "donor", "officer", "admin")


hostile_records = records_fixture()


@pytest.fixture
def client_for(hostile_records):
    return clients(hostile_records["users"])


def assert_json_answer(response):
    assert response.status_code in ACCEPTED, response.status_code
    if response.status_code in {200, 400, 404}:
        assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
        response.json()


@pytest.mark.parametrize("basename", VIEWSETS)
def test_api_list_parameters_never_give_a_server_error(client_for, basename):
    names = [*VIEWSETS[basename].filterset_class.base_filters, *GENERIC]
    url = reverse(f"opendata:{basename}-list")

    # Page numbers in digits int() refuses, or too long for it, gave server errors.
    @examples(8)
    @example(role="anonymous", pairs=[("page", "²")])
    @example(role="anonymous", pairs=[("page_size", "9" * 5000)])
    @given(
        role=st.sampled_from(ROLES),
        pairs=st.lists(st.tuples(st.sampled_from(names), hs.hostile), min_size=1, max_size=4),
    )
    def check(role, pairs):
        data = {}
        for name, value in pairs:
            data.setdefault(name, []).append(value)
        assert_json_answer(client_for[role].get(url, data))

    check()


@pytest.mark.parametrize("basename", VIEWSETS)
def test_api_record_keys_never_give_a_server_error(client_for, basename):
    list_url = reverse(f"opendata:{basename}-list")

    @examples(5)
    @given(role=st.sampled_from(ROLES), key=hs.hostile.filter(bool))
    def check(role, key):
        response = client_for[role].get(f"{list_url}{quote(key, safe='')}/")
        assert response.status_code in ACCEPTED, response.status_code

    check()


def test_api_schema_and_root_parameters_never_give_a_server_error(client_for):
    urls = ["/api/", reverse("opendata:schema"), reverse("opendata:docs")]

    @examples(3)
    @given(
        url=st.sampled_from(urls),
        pairs=st.lists(st.tuples(st.sampled_from(["format", "lang", "version", "q"]),
                                 hs.hostile), min_size=1, max_size=3),
    )
    def check(url, pairs):
        response = client_for["anonymous"].get(url, dict(pairs))
        assert response.status_code in ACCEPTED, response.status_code

    check()


def test_a_bad_token_is_refused_not_a_server_error(client_for):
    # A header reaches Django as Latin-1 text (WSGI): the tokens a client can send.
    @examples(4)
    @given(token=hs.hostile.map(lambda t: t.encode("utf-8").decode("latin-1")).filter(
        lambda t: not any(ch in t for ch in "\x00\n\r")))
    def check(token):
        response = client_for["anonymous"].get(
            reverse("opendata:contribution-list"), HTTP_AUTHORIZATION=f"Token {token}"
        )
        assert response.status_code in {200, 401}, response.status_code

    check()
