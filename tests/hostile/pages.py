"""Shared pieces of the hostile-input tests: a small record set for every list to filter, clients
signed in per role, and the checks made on every answer."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client

from tests import factories
from tests.hostile.strategies import MARKUP
from unodc_portal.core.roles import DONORS_GROUP, OFFICERS_GROUP, ensure_groups

# Any answer but a server error: 2xx, a redirect (a refused export goes back to its list), 400,
# 403, 404, or 409 (a form saved from a missing or damaged version). A 500 is raised by the test
# client as the exception itself.
ACCEPTED = {200, 201, 301, 302, 400, 403, 404, 405, 409}


def records(roles):
    """A few rows in every list, so that filters, sorts and totals run over data."""
    kg = factories.CountryFactory(code="KG")
    project = factories.ProjectFactory(code="KGZK50", title="Border liaison offices")
    theme = factories.ThemeFactory(slug="precursors")
    project.themes.add(theme)
    project.countries.add(kg)
    event = factories.EventFactory(slug="border-workshop", city="Osh", country=kg)
    event.projects.add(project)
    organisation = factories.OrganisationFactory(slug="drug-control-agency", acronym="DCA")
    participants = factories.ParticipantFactory.create_batch(2, organisation=organisation)
    for participant in participants:
        factories.ParticipationFactory(event=event, participant=participant)
    # Two spellings of one name in one organisation: a group on the duplicates page.
    factories.ParticipantFactory(name="Aziz Usmonov", organisation=organisation)
    factories.ParticipantFactory(name="Азиз Усмонов", organisation=organisation)
    substance = factories.SubstanceFactory(slug="heroin", name="Heroin")
    factories.SeizureFactory(substance=substance, project=project, year=2011, date=None)
    factories.SeizureFactory(substance=substance, quantity=Decimal("3"),
                             date=datetime.date(2012, 5, 1))
    article = factories.ArticleFactory(slug="osh-workshop")
    article.projects.add(project)
    donor = factories.DonorFactory(slug="canada", name="Canada")
    factories.ContributionFactory(donor=donor, project=project, currency="EUR", year=2011)
    factories.ContributionFactory(donor=donor, project=project, is_published=False)
    donor_user = factories.DonorAccountFactory(user__username="hostile-donor", donor=donor).user
    donor_user.groups.add(roles[DONORS_GROUP])
    officer = factories.UserFactory(username="hostile-officer")
    officer.groups.add(roles[OFFICERS_GROUP])
    admin = factories.UserFactory(username="hostile-admin", is_staff=True, is_superuser=True)
    return {"event": event, "project": project, "participants": participants,
            "organisation": organisation, "donor": donor,
            "users": {"donor": donor_user, "officer": officer, "admin": admin}}


def records_fixture(name="hostile_records"):
    """A module-scoped fixture holding ``records()``: made once per test module, inside a
    transaction rolled back after the module's last test, as tests/access.py's worlds are. For
    modules whose tests only read (lists, addresses, the API): making the records for each test
    cost about a third of a second, some thirty times per module. Each test still signs its
    clients in afresh with ``clients()``: a session written in one test is rolled back with it."""

    @pytest.fixture(scope="module", name=name)
    def _records(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic():
            ensure_groups(apps)
            roles = {g.name: g for g in Group.objects.filter(
                name__in=[OFFICERS_GROUP, DONORS_GROUP])}
            yield records(roles)
            transaction.set_rollback(True)

    return _records


class Clients(dict):
    """One test client per role, signed in when first asked for."""

    def __init__(self, users):
        super().__init__()
        self.users = users

    def __missing__(self, role):
        client = Client()
        if role != "anonymous":
            client.force_login(self.users[role])
        self[role] = client
        return client


def clients(users) -> Clients:
    return Clients(users)


def assert_escaped(response, *values):
    """No markup payload among ``values`` reaches an HTML answer unescaped."""
    if "html" not in response.get("Content-Type", ""):
        return
    body = response.content.decode(errors="replace")
    for value in values:
        for payload in MARKUP:
            if payload in str(value):
                assert payload not in body, f"{payload!r} was echoed unescaped"


def assert_answered(response, *values):
    assert response.status_code in ACCEPTED, response.status_code
    assert_escaped(response, *values)
