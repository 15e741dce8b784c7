"""Every URL of the activities and donors apps, and of open data (the IATI file and the API), has
an access expectation (who gets which status) in tests/<app>/test_access.py or
tests/portal/test_opendata_access.py, so that no page is added without deciding who may see it."""

from django.urls import get_resolver

from tests.activities.test_access import EXPECTATIONS as ACTIVITIES
from tests.donors.test_access import EXPECTATIONS as DONORS
from tests.portal.test_opendata_access import EXPECTATIONS as OPENDATA

# namespace -> its expectations
COVERED = {"activities": ACTIVITIES, "donors": DONORS, "opendata": OPENDATA}


def url_names(namespace):
    resolver = get_resolver().namespace_dict[namespace][1]
    return {
        f"{namespace}:{name}" for name in resolver.reverse_dict if isinstance(name, str)
    }


def test_every_app_url_has_an_access_expectation():
    missing = set().union(*(url_names(ns) - set(exp) for ns, exp in COVERED.items()))
    assert missing == set(), f"add these to tests/<app>/test_access.py: {sorted(missing)}"


def test_no_expectation_names_a_url_that_does_not_exist():
    stale = set().union(*(set(exp) - url_names(ns) for ns, exp in COVERED.items()))
    assert stale == set()
