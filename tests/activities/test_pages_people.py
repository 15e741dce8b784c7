"""The person and organisation pages: public records, linked back to the articles that name
them. Participants (private) are never listed on them."""

import pytest
from django.urls import reverse

from activities.models import Article
from tests import factories
from tests.pages import ROLES, assert_no_personal_data, client_for, fresh_countries, register
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def brown(db):
    return factories.PersonFactory(
        slug="steven-brown", name="Steven Brown", position="Senior Law Enforcement Adviser",
        organisation=factories.OrganisationFactory(slug="unodc", name="UNODC ROCA", acronym=""),
    )


@pytest.mark.parametrize("role", ROLES)
def test_person_page_for_every_role(role, client, request, brown):
    event = factories.EventFactory(title="Operational planning")
    event.trainers.add(brown)
    article = factories.ArticleFactory(title="Planning for success")
    article.people.add(brown)
    draft = factories.ArticleFactory(title="Secret draft", status=Article.Status.DRAFT)
    draft.people.add(brown)
    response = client_for(role, client, request).get(brown.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Senior Law Enforcement Adviser" in html
    for record in (brown.organisation, event, article):
        assert f'href="{record.get_absolute_url()}"' in html
    assert ("Secret draft" in html) is (role == "admin")


@pytest.mark.parametrize("role", ["anonymous", "donor"])
def test_organisation_page_never_lists_its_participants(role, client, request, brown):
    event = factories.EventFactory(organiser=brown.organisation)
    register(event, 5, organisation=brown.organisation)
    html = client_for(role, client, request).get(
        brown.organisation.get_absolute_url()
    ).content.decode()
    assert_no_personal_data(html)


@pytest.mark.parametrize("role", ROLES)
def test_organisation_page_links_to_everything_it_did(role, client, request, brown):
    unodc = brown.organisation
    organised = factories.EventFactory(title="Expert meeting", organiser=unodc)
    trained = factories.EventTrainerOrganisationFactory(organisation=unodc, trainer_count=3)
    implemented = factories.ProjectFactory(code="KGZK50")
    implemented.implementers.add(unodc)
    supported = factories.ProjectFactory(code="PRISON")
    supported.beneficiaries.add(unodc)
    seizure = factories.SeizureFactory(seizing_agency=unodc)
    donor = factories.DonorFactory(organisation=unodc)
    article = factories.ArticleFactory()
    article.organisations.add(unodc)
    html = client_for(role, client, request).get(unodc.get_absolute_url()).content.decode()
    for record in (brown, organised, trained.event, implemented, supported, seizure, donor,
                   article):
        assert f'href="{record.get_absolute_url()}"' in html, record
    assert "3 trainers" in html


def test_unknown_person_or_organisation_gets_the_styled_404(client):
    for url in (reverse("activities:person_detail", args=["nobody"]),
                reverse("activities:organisation_detail", args=["nothing"])):
        response = client.get(url)
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()


def test_person_page_query_count_is_constant_and_within_budget(client, brown):
    def add_rows(n):
        for _ in range(n):
            factories.EventFactory().trainers.add(brown)
            factories.ArticleFactory().people.add(brown)

    assert_constant_queries(client, brown.get_absolute_url(), add_rows, 15)


def test_organisation_page_query_count_is_constant_and_within_budget(client, brown):
    unodc = brown.organisation
    factories.DonorFactory(organisation=unodc)

    def add_rows(n):
        countries = fresh_countries(n)
        for i in range(n):
            factories.PersonFactory(organisation=unodc)
            factories.EventFactory(organiser=unodc, country=countries[i],
                                   projects=[factories.ProjectFactory()])
            factories.EventTrainerOrganisationFactory(organisation=unodc)
            factories.ProjectFactory().implementers.add(unodc)
            factories.ProjectFactory().beneficiaries.add(unodc)
            factories.SeizureFactory(seizing_agency=unodc, country=countries[i])
            factories.ArticleFactory().organisations.add(unodc)

    assert_constant_queries(client, unodc.get_absolute_url(), add_rows, 15)
