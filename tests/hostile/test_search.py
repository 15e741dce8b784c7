"""Hostile input on the site search (/search/): any words, types, pages and page sizes, in every
role, give an answer (never a server error) that repeats nothing unescaped."""

import pytest
from django.urls import reverse

from search import index
from search.filters import SearchDocumentFilter
from tests.hostile.pages import clients, records
from tests.hostile.test_lists import PUBLIC, fuzz, params

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(roles):
    made = records(roles)
    index.rebuild()  # the records are found: filters and ranking run over documents
    return clients(made["users"])


def test_search_parameters_never_give_a_server_error(client_for):
    fuzz(client_for, reverse("search:search"), params(SearchDocumentFilter), PUBLIC)
