"""Helpers for the tests of the public pages: roles, private participants with names that cannot
appear by accident, and row builders for the query-count tests."""

import itertools

from activities import models as am
from tests import factories

ROLES = ["anonymous", "donor", "officer", "admin"]

# Participants whose name, e-mail or phone must never reach a public page.
PRIVATE_NAME = "Zebulon Quixote-Marchbanks"
PRIVATE_EMAIL_DOMAIN = "private-participant.example"
PRIVATE_PHONE_PREFIX = "+996 777 31"

_serial = itertools.count(1)


def client_for(role, client, request):
    """The test client signed in as ``role`` (fixtures ``donor_user``, ``officer_user``,
    ``admin_user`` are taken from ``request``)."""
    if role != "anonymous":
        client.force_login(request.getfixturevalue(f"{role}_user"))
    return client


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
