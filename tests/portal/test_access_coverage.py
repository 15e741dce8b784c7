"""Every URL of the portal — each app's pages, the project's own, open data and the Django
admin — has an access expectation (who gets which status, and who sees which private things)
in tests/<app>/test_access.py or tests/portal/test_access.py, so that no page is added without
deciding who may see it; and no expectation outlives its URL."""

from django.urls import URLPattern, URLResolver, get_resolver

from tests.access import ROLES, url_name
from tests.activities.test_access import EXPECTATIONS as ACTIVITIES
from tests.attachments.test_access import EXPECTATIONS as ATTACHMENT_FILES
from tests.attachments.test_access_manage import EXPECTATIONS as ATTACHMENT_PAGES
from tests.donors.test_access import EXPECTATIONS as DONORS
from tests.personaldata.test_access import EXPECTATIONS as PERSONAL_DATA
from tests.portal.test_access import EXPECTATIONS as PORTAL
from tests.results.test_editing_access import EXPECTATIONS as RESULTS_EDITING
from tests.results.test_pack_access import EXPECTATIONS as PACK
from tests.search.test_access import EXPECTATIONS as SEARCH

EXPECTATION_SETS = {
    "tests/activities/test_access.py": ACTIVITIES,
    "tests/attachments/test_access.py": ATTACHMENT_FILES,
    "tests/attachments/test_access_manage.py": ATTACHMENT_PAGES,
    "tests/donors/test_access.py": DONORS,
    "tests/personaldata/test_access.py": PERSONAL_DATA,
    "tests/portal/test_access.py": PORTAL,
    "tests/results/test_pack_access.py": PACK,
    "tests/results/test_editing_access.py": RESULTS_EDITING,
    "tests/search/test_access.py": SEARCH,
}

# Patterns without a name, which cannot be reversed and so are not in the matrix:
# (namespace, route) -> why.
UNNAMED_EXEMPT = {
    ("admin", "<path:object_id>/"):
        "the admin's old change address, a redirect to <object_id>/change/ (one per model)",
    ("admin", "(?P<url>.*)$"):
        "the admin's catch-all: sends anonymous visitors to sign in, else 404",
}


def url_patterns(resolver=None, namespace=""):
    """(namespace, name, route) of every pattern, through every include."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from url_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield namespace, pattern.name, str(pattern.pattern)


def url_names() -> set[str]:
    return {
        f"{namespace}:{name}" if namespace else name
        for namespace, name, _route in url_patterns() if name
    }


def expected_names() -> set[str]:
    return {url_name(key) for expectations in EXPECTATION_SETS.values() for key in expectations}


def test_the_walk_reaches_every_namespace_and_the_admin():
    names = url_names()
    assert {name.partition(":")[0] for name in names if ":" in name} >= {
        "activities", "donors", "opendata", "admin",
    }
    assert {"home", "healthz", "login", "admin:index", "admin:donors_contribution_change"} <= names


def test_every_url_has_an_access_expectation():
    missing = url_names() - expected_names()
    assert missing == set(), (
        f"decide who may open these and add them to tests/<app>/test_access.py or "
        f"tests/portal/test_access.py: {sorted(missing)}"
    )


def test_no_expectation_names_a_url_that_does_not_exist():
    stale = expected_names() - url_names()
    assert stale == set()


def test_every_unnamed_pattern_is_exempt_with_a_reason():
    unnamed = {(namespace, route) for namespace, name, route in url_patterns() if not name}
    assert unnamed == set(UNNAMED_EXEMPT)


def test_every_expectation_gives_a_status_for_each_role():
    for expectations in EXPECTATION_SETS.values():
        for key, expect in expectations.items():
            assert set(expect.status) == set(ROLES), key

