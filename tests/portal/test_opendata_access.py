"""Who may open each open-data address (the IATI file, the API, its schema and documentation):
everyone — what each caller sees is decided by the models' visibility rules. Every URL of the
``opendata`` namespace needs an entry here (tests/portal/test_access_coverage.py walks the
resolver)."""

import pytest

from tests import factories
from tests.pages import ROLES, assert_access

PUBLIC = dict.fromkeys(ROLES, 200)

# URL name -> (function making the URL's arguments, expected status per role)
EXPECTATIONS = {
    "opendata:iati_activities": (list, PUBLIC),
    "opendata:schema": (list, PUBLIC),
    "opendata:docs": (list, PUBLIC),
    "opendata:api-root": (list, PUBLIC),
    "opendata:project-list": (list, PUBLIC),
    "opendata:project-detail": (lambda: [factories.ProjectFactory().code], PUBLIC),
    "opendata:event-list": (list, PUBLIC),
    "opendata:event-detail": (lambda: [factories.EventFactory().slug], PUBLIC),
    "opendata:seizure-list": (list, PUBLIC),
    "opendata:seizure-detail": (lambda: [factories.SeizureFactory().pk], PUBLIC),
    "opendata:donor-list": (list, PUBLIC),
    "opendata:donor-detail": (lambda: [factories.DonorFactory().slug], PUBLIC),
    "opendata:contribution-list": (list, PUBLIC),
    "opendata:contribution-detail": (lambda: [factories.ContributionFactory().key], PUBLIC),
    "opendata:article-list": (list, PUBLIC),
    "opendata:article-detail": (lambda: [factories.ArticleFactory().slug], PUBLIC),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(EXPECTATIONS))
def test_open_data_answers_each_role_as_expected(name, role, client, request):
    assert_access(EXPECTATIONS, name, role, client, request)
