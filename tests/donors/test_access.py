"""Who may open each page of the donors app. Every URL of the app needs an entry here
(tests/portal/test_access_coverage.py walks the resolver)."""

import pytest

from tests import factories
from tests.pages import ROLES, assert_access

PUBLIC = dict.fromkeys(ROLES, 200)
# The donor workspace: anonymous visitors are sent to sign in; accounts without a donor get 403.
DONORS_ONLY = {"anonymous": 302, "donor": 200, "officer": 403, "admin": 403}

# URL name -> (function making the URL's arguments, expected status per role)
EXPECTATIONS = {
    "donors:donor_list": (list, PUBLIC),
    "donors:donor_export": (lambda: ["xlsx"], PUBLIC),
    "donors:donor_detail": (lambda: [factories.DonorFactory().slug], PUBLIC),
    "donors:contribution_list": (list, PUBLIC),
    "donors:contribution_export": (lambda: ["csv"], PUBLIC),
    "donors:my_contributions": (list, DONORS_ONLY),
    "donors:my_contribution_export": (lambda: ["csv"], DONORS_ONLY),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(EXPECTATIONS))
def test_page_answers_each_role_as_expected(name, role, client, request):
    assert_access(EXPECTATIONS, name, role, client, request)
