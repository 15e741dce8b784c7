"""Who may open each page of the activities app. Every URL of the app needs an entry here
(tests/portal/test_access_coverage.py walks the resolver)."""

import pytest

from tests import factories
from tests.pages import ROLES, assert_access

PUBLIC = dict.fromkeys(ROLES, 200)

# URL name -> (function making the URL's arguments, expected status per role)
EXPECTATIONS = {
    "activities:article_list": (list, PUBLIC),
    "activities:article_detail": (lambda: [factories.ArticleFactory().slug], PUBLIC),
    "activities:project_list": (list, PUBLIC),
    "activities:project_detail": (lambda: [factories.ProjectFactory().code], PUBLIC),
    "activities:event_list": (list, PUBLIC),
    "activities:event_detail": (lambda: [factories.EventFactory().slug], PUBLIC),
    "activities:seizure_list": (list, PUBLIC),
    "activities:seizure_detail": (lambda: [factories.SeizureFactory().pk], PUBLIC),
    "activities:person_detail": (lambda: [factories.PersonFactory().slug], PUBLIC),
    "activities:organisation_detail": (lambda: [factories.OrganisationFactory().slug], PUBLIC),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(EXPECTATIONS))
def test_page_answers_each_role_as_expected(name, role, client, request):
    assert_access(EXPECTATIONS, name, role, client, request)
