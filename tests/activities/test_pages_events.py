"""The events list and the event page: participant aggregates for everyone, the participant list
for officers and admins only, small cells protected."""

import datetime

import pytest
from django.urls import reverse

from tests import factories
from tests.pages import (
    PRIVATE_NAME,
    ROLES,
    assert_no_personal_data,
    client_for,
    fresh_countries,
    register,
)
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db
LIST = reverse("activities:event_list")


def titles(response):
    return [event.title for event in response.context["page_obj"].object_list]


@pytest.fixture
def course(db):
    """A training course with 12 men from Kyrgyzstan and 2 women from Kazakhstan."""
    event = factories.EventFactory(
        slug="operational-planning", title="Operational Planning for Law Enforcement Officers",
        kind="training_course", city="Almaty", country=factories.CountryFactory(code="KZ"),
        reported_participants=41, reported_participants_wording="over forty one",
    )
    kg, kz = factories.CountryFactory(code="KG"), factories.CountryFactory(code="KZ")
    agency = factories.OrganisationFactory(name="Drug Control Agency", acronym="DCA")
    register(event, 12, sex="male", country=kg, organisation=agency)
    register(event, 2, sex="female", country=kz, organisation=agency)
    return event


@pytest.mark.parametrize("role", ROLES)
def test_event_page_shows_participant_names_only_to_officers_and_admins(
    role, client, request, course
):
    html = client_for(role, client, request).get(course.get_absolute_url()).content.decode()
    if role in {"officer", "admin"}:
        assert PRIVATE_NAME in html and "private-participant.example" in html
        assert "Participant list" in html
    else:
        assert_no_personal_data(html)
        assert "Participant list" not in html


@pytest.mark.parametrize("role", ["anonymous", "donor"])
def test_no_public_list_shows_participant_names(role, client, request, course):
    client = client_for(role, client, request)
    for url in (LIST, reverse("home"), f"{LIST}?q=Zebulon"):
        response = client.get(url)
        assert response.status_code == 200
        assert_no_personal_data(response.content.decode())


def test_event_page_shows_the_reported_count_with_its_words_apart_from_records(client, course):
    html = client.get(course.get_absolute_url()).content.decode()
    assert "41 (“over forty one”)" in html
    assert "Registered in the portal" in html
    assert ">14<" in html  # the 14 participant records, shown apart from the 41 reported


def test_small_groups_read_fewer_than_3_and_cannot_be_subtracted_back(client, course):
    response = client.get(course.get_absolute_url())
    figures = response.context["participants"]
    sexes = {cell.label: cell.shown for cell in figures.by_sex.cells}
    countries = {cell.label: cell.shown for cell in figures.by_country.cells}
    assert sexes["Female"] == countries["Kazakhstan"] == "fewer than 3"
    # The total (14) is shown, so the 12 men and 12 Kyrgyz are hidden too: 14 - 12 = 2.
    assert figures.total_shown == "14"
    assert sexes["Male"] == countries["Kyrgyzstan"] == "not shown"
    html = response.content.decode()
    assert ">12<" not in html and ">2<" not in html
    assert "fewer than 3" in html
    # The one agency has all 14: nothing small to protect.
    assert [cell.shown for cell in figures.by_organisation.cells] == ["14"]


def test_event_with_fewer_than_three_participants_shows_no_breakdown(client):
    event = factories.EventFactory()
    register(event, 2, sex="female")
    response = client.get(event.get_absolute_url())
    html = response.content.decode()
    assert response.context["participants"].total_shown == "fewer than 3"
    assert "no breakdown is shown" in html
    assert "Female" not in html


def test_event_page_charts_use_json_script_and_a_table(client):
    event = factories.EventFactory()
    register(event, 4, sex="female", country=factories.CountryFactory(code="KG"))
    register(event, 5, sex="male", country=factories.CountryFactory(code="TJ"))
    html = client.get(event.get_absolute_url()).content.decode()
    assert 'id="event-sex-chart-data" type="application/json"' in html
    assert 'data-chart="event-sex-chart-data"' in html
    assert '<caption>By sex</caption>' in html
    assert "js/charts.js" in html
    assert "<script>" not in html  # no inline script: data only through json_script


def test_event_page_links_to_trainers_organiser_projects_and_articles(client, course):
    trainer = factories.PersonFactory(name="Steven Brown")
    course.trainers.add(trainer)
    police = factories.EventTrainerOrganisationFactory(event=course, trainer_count=3)
    course.organiser = factories.OrganisationFactory(name="UNODC ROCA")
    course.save()
    project = factories.ProjectFactory(code="TARCET")
    course.projects.add(project)
    article = factories.ArticleFactory(title="Planning for success")
    article.events.add(course)
    html = client.get(course.get_absolute_url()).content.decode()
    for record in (trainer, police.organisation, course.organiser, project, article):
        assert f'href="{record.get_absolute_url()}"' in html
    assert "3 from" in html


def test_worded_dates_are_shown_as_reported(client):
    event = factories.EventFactory(
        title="Executive Director's visit", start_date=None, end_date=None, year=2011, month=4,
        date_wording="late April",
    )
    assert "late April 2011" in client.get(event.get_absolute_url()).content.decode()
    assert "late April 2011" in client.get(LIST).content.decode()


def test_unknown_event_gets_the_styled_404(client):
    response = client.get(reverse("activities:event_detail", args=["no-such-event"]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


# --- filters -------------------------------------------------------------------------------
@pytest.fixture
def events(db):
    kg, kz = factories.CountryFactory(code="KG"), factories.CountryFactory(code="KZ")
    tarcet = factories.ProjectFactory(code="TARCET")
    factories.EventFactory(
        title="Operational planning", kind="training_course", city="Almaty", country=kz,
        start_date=datetime.date(2011, 2, 21), end_date=datetime.date(2011, 2, 25),
        projects=[tarcet],
    )
    factories.EventFactory(
        title="Expert meeting", kind="expert_meeting", city="Bishkek", country=kg,
        start_date=datetime.date(2011, 3, 10), end_date=datetime.date(2011, 3, 11),
    )
    factories.EventFactory(
        title="Official visit", kind="official_visit", city="Bishkek", country=kg,
        start_date=None, end_date=None, year=2011, month=4, date_wording="late April",
    )


@pytest.mark.parametrize(("params", "expected"), [
    ({"kind": "expert_meeting"}, ["Expert meeting"]),
    ({"country": "KG"}, ["Expert meeting", "Official visit"]),
    ({"city": "Almaty"}, ["Operational planning"]),
    ({"project": "TARCET"}, ["Operational planning"]),
    ({"q": "visit"}, ["Official visit"]),
    ({"date_after": "2011-03-11"}, ["Expert meeting", "Official visit"]),
    ({"date_before": "2011-02-22"}, ["Operational planning"]),
    ({"date_after": "2011-04-10", "date_before": "2011-04-20"}, ["Official visit"]),
    ({"city": "Bishkek", "kind": "official_visit"}, ["Official visit"]),
])
def test_filters_narrow_the_events(client, events, params, expected):
    response = client.get(LIST, {**params, "sort": "title"})
    assert not response.context["filter"].form.errors
    assert titles(response) == expected


@pytest.mark.parametrize(("params", "field"), [
    ({"kind": "party"}, "kind"),
    ({"city": "Atlantis"}, "city"),
    ({"date_after": "abc"}, "date_after"),
    ({"date_after": "2011-05-01", "date_before": "2011-01-01"}, "date_before"),
    ({"project": "NOPE"}, "project"),
])
def test_malformed_event_filters_are_form_errors(client, events, params, field):
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    assert titles(response) == []


def test_events_list_newest_first_by_default_with_worded_dates_in_place(client, events):
    assert titles(client.get(LIST)) == ["Official visit", "Expert meeting", "Operational planning"]
    assert titles(client.get(LIST, {"sort": "date"})) == [
        "Operational planning", "Expert meeting", "Official visit",
    ]
    assert titles(client.get(LIST, {"sort": "-city"}))[0] == "Expert meeting"


# --- query budget --------------------------------------------------------------------------
def test_events_list_query_count_is_constant_and_within_budget(client):
    def add_rows(n):
        countries = fresh_countries(n)
        for i in range(n):
            factories.EventFactory(
                country=countries[i], city=f"City {i}", projects=[factories.ProjectFactory()]
            )

    assert_constant_queries(client, LIST, add_rows, 15)


@pytest.mark.parametrize("role", ["anonymous", "officer"])
def test_event_page_query_count_is_constant_and_within_budget(role, client, request):
    event = factories.EventFactory(organiser=factories.OrganisationFactory())
    client = client_for(role, client, request)

    def add_rows(n):
        countries = fresh_countries(n)
        for i in range(n):
            event.projects.add(factories.ProjectFactory())
            event.trainers.add(factories.PersonFactory())
            factories.EventTrainerOrganisationFactory(event=event)
            factories.ContributionFactory(event=event)
            factories.ArticleFactory().events.add(event)
            register(event, 3, country=countries[i], organisation=factories.OrganisationFactory())

    budget = 15 if role == "anonymous" else 22
    assert_constant_queries(client, event.get_absolute_url(), add_rows, budget)
