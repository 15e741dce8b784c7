"""Every valid record renders, for every role: the whole permission matrix (every URL of
tests/<app>/test_access.py and tests/portal/test_access.py), walked over a world of *minimal*
records (each factory's ``minimal`` variant: required fields only, every optional relation
empty), answers every role without a server error — and with the status the matrix expects.
A missing variable in one of the project's templates fails too (tests/template_vars.py)."""

import pytest

from tests import access, factories
from tests.activities.test_access import EXPECTATIONS as ACTIVITIES
from tests.donors.test_access import EXPECTATIONS as DONORS
from tests.portal.test_access import EXPECTATIONS as PORTAL

minimal_world = access.world_fixture(access.build_minimal_world, name="minimal_world")

EXPECTATIONS = {**ACTIVITIES, **DONORS, **PORTAL}


def check_renders(name, role, world, client):
    expect = EXPECTATIONS[name]
    url = expect.url(name, world)
    response = access.client_for(role, client, world).get(url)
    where = f"GET {url} as {role}"
    assert response.status_code < 500, f"{where}: {response.status_code}"
    wanted = expect.status[role]
    if isinstance(wanted, access.Redirect):
        assert response.status_code == 302, f"{where}: {response.status_code}, not a redirect"
    else:
        assert response.status_code == wanted, f"{where}: {response.status_code} not {wanted}"
    access.body_text(response)  # a streamed export is produced to its end


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), access.cells(EXPECTATIONS))
def test_every_page_renders_minimal_records_for_every_role(name, role, minimal_world, client):
    check_renders(name, role, minimal_world, client)


@pytest.mark.django_db
@pytest.mark.parametrize("role", access.ROLES)
def test_an_event_with_a_participant_without_organisation_renders(role, minimal_world, client):
    """The finding of the trial: the event form, the import and the admin all accept a
    participant without an organisation, whose event page then failed for officers and
    admins."""
    participation = factories.ParticipationFactory(
        participant=factories.ParticipantFactory(organisation=None, name="Dana Orr"),
    )
    client = access.client_for(role, client, minimal_world)
    response = client.get(participation.event.get_absolute_url())
    assert response.status_code == 200
    assert ("Dana Orr" in response.content.decode()) is (role in {"officer", "admin"})


def test_every_factory_has_a_minimal_variant():
    from factory.django import DjangoModelFactory

    made = [
        value for value in vars(factories).values()
        if isinstance(value, type) and issubclass(value, DjangoModelFactory)
        and value is not DjangoModelFactory
    ]
    assert len(made) >= 17
    for factory_class in made:
        assert "minimal" in factory_class._meta.parameters, factory_class.__name__
