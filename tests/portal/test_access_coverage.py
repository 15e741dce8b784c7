"""Every URL of the activities and donors apps has an access expectation (who gets which
status) in tests/<app>/test_access.py, so that no page is added without deciding who may see it."""

from django.urls import get_resolver

from tests.activities.test_access import EXPECTATIONS as ACTIVITIES
from tests.donors.test_access import EXPECTATIONS as DONORS


def url_names(namespace):
    resolver = get_resolver().namespace_dict[namespace][1]
    return {
        f"{namespace}:{name}" for name in resolver.reverse_dict if isinstance(name, str)
    }


def test_every_app_url_has_an_access_expectation():
    missing = (url_names("activities") - set(ACTIVITIES)) | (url_names("donors") - set(DONORS))
    assert missing == set(), f"add these to tests/<app>/test_access.py: {sorted(missing)}"


def test_no_expectation_names_a_url_that_does_not_exist():
    stale = (set(ACTIVITIES) - url_names("activities")) | (set(DONORS) - url_names("donors"))
    assert stale == set()
