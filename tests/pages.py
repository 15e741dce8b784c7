"""Helpers for the tests of the public pages: private participants with names that cannot appear
by accident, and row builders for the query-count tests. The roles and the signed-in clients are
the permission matrix's (tests/access.py), named here as the page tests know them."""

import itertools

from activities import models as am
from tests import factories
from tests.access import FIXTURE_ROLES as ROLES
from tests.access import PRIVATE_EMAIL_DOMAIN, PRIVATE_NAME, PRIVATE_PHONE_PREFIX
from tests.access import client_for_fixture as client_for

__all__ = [
    "PRIVATE_EMAIL_DOMAIN", "PRIVATE_NAME", "PRIVATE_PHONE_PREFIX", "ROLES",
    "assert_no_personal_data", "client_for", "fresh_countries", "private_participant", "register",
]

_serial = itertools.count(1)


def private_participant(**kwargs):
    n = next(_serial)
    kwargs.setdefault("name", f"{PRIVATE_NAME} {n}")
    kwargs.setdefault("email", f"person{n}@{PRIVATE_EMAIL_DOMAIN}")
    kwargs.setdefault("phone", f"{PRIVATE_PHONE_PREFIX}{n:04d}")
    return factories.ParticipantFactory(**kwargs)


def register(event, count, **participant_kwargs):
    """``count`` private participants registered for ``event``."""
    return [
        factories.ParticipationFactory(event=event, participant=private_participant(
            **participant_kwargs
        ))
        for _ in range(count)
    ]


def assert_no_personal_data(html: str):
    assert PRIVATE_NAME not in html
    assert PRIVATE_EMAIL_DOMAIN not in html
    assert PRIVATE_PHONE_PREFIX not in html


def fresh_countries(count: int):
    """``count`` countries not yet in the database."""
    from django_countries import countries

    taken = set(am.Country.objects.values_list("code", flat=True))
    free = [code for code, _name in countries if code not in taken][:count]
    return [factories.CountryFactory(code=code) for code in free]
