"""No page a visitor or a donor can open shows a participant's name, e-mail or phone."""

import pytest
from django.urls import reverse

from tests import factories
from tests.pages import PRIVATE_NAME, assert_no_personal_data, client_for, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    """Records of every kind around an event with private participants."""
    agency = factories.OrganisationFactory(slug="agency", name="Drug Control Agency")
    project = factories.ProjectFactory(code="TARCET")
    event = factories.EventFactory(slug="course", organiser=agency, projects=[project])
    register(event, 7, organisation=agency, country=factories.CountryFactory(code="KG"))
    register(event, 1, organisation=agency, country=factories.CountryFactory(code="TJ"))
    person = factories.PersonFactory(slug="trainer", organisation=agency)
    event.trainers.add(person)
    article = factories.ArticleFactory(slug="report")
    article.events.add(event)
    article.organisations.add(agency)
    seizure = factories.SeizureFactory(seizing_agency=agency, project=project)
    donor = factories.DonorFactory(slug="canada", organisation=agency)
    factories.ContributionFactory(donor=donor, project=project, event=event, article=article)
    return [
        reverse("home"),
        *(reverse(f"activities:{name}") for name in
          ("article_list", "project_list", "event_list", "seizure_list")),
        reverse("donors:donor_list"), reverse("donors:contribution_list"),
        article.get_absolute_url(), project.get_absolute_url(), event.get_absolute_url(),
        seizure.get_absolute_url(), person.get_absolute_url(), agency.get_absolute_url(),
        donor.get_absolute_url(),
    ]


@pytest.mark.parametrize("role", ["anonymous", "donor"])
def test_no_public_page_shows_personal_data(role, client, request, world):
    client = client_for(role, client, request)
    for url in world:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_personal_data(response.content.decode())


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_officers_and_admins_see_names_on_the_event_page_only(role, client, request, world):
    client = client_for(role, client, request)
    with_names = [url for url in world if PRIVATE_NAME in client.get(url).content.decode()]
    assert with_names == [reverse("activities:event_detail", args=["course"])]


def test_searching_for_a_participant_finds_nothing(client, world):
    for name in ("activities:event_list", "activities:article_list", "donors:contribution_list"):
        response = client.get(reverse(name), {"q": PRIVATE_NAME})
        assert response.context["paginator"].count == 0, name
