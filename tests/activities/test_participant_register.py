"""The participant register: search, filters and each person's number of events."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(db):
    kg, uz = factories.CountryFactory(code="KG"), factories.CountryFactory(code="UZ")
    agency = factories.OrganisationFactory(name="Customs Committee", country=uz)
    old = factories.EventFactory(start_date=None, end_date=None, year=2010)
    new = factories.EventFactory()
    alisher = factories.ParticipantFactory(name="Alisher Usmonov", sex="male", country=uz,
                                           organisation=agency)
    aigerim = factories.ParticipantFactory(name="Aigerim Bekova", sex="female", country=kg)
    factories.ParticipationFactory(participant=alisher, event=old)
    factories.ParticipationFactory(participant=alisher, event=new)
    factories.ParticipationFactory(participant=aigerim, event=new)
    return {"alisher": alisher, "aigerim": aigerim, "old": old, "new": new, "uz": uz,
            "agency": agency}


def names(client, **params):
    response = client.get(reverse("activities:participant_list"), params)
    assert response.status_code == 200
    return [p.name for p in response.context["object_list"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Aigerim Bekova", "Alisher Usmonov"]),
        ({"q": "Усмонов"}, ["Alisher Usmonov"]),
        ({"q": "usmanov"}, ["Alisher Usmonov"]),
        ({"sex": "female"}, ["Aigerim Bekova"]),
        ({"year": "2010"}, ["Alisher Usmonov"]),
        ({"year": "2011"}, ["Aigerim Bekova", "Alisher Usmonov"]),
        ({"q": "no-such-person"}, []),
    ],
)
def test_register_search_and_filters(officer_client, register, params, expected):
    assert names(officer_client, **params) == expected


def test_register_filters_by_event_organisation_and_country(officer_client, register):
    assert names(officer_client, event=register["old"].slug) == ["Alisher Usmonov"]
    assert names(officer_client, organisation=register["agency"].slug) == ["Alisher Usmonov"]
    assert names(officer_client, country="UZ") == ["Alisher Usmonov"]


def test_register_counts_each_persons_events(officer_client, register):
    response = officer_client.get(reverse("activities:participant_list"))
    counts = {p.name: p.event_count for p in response.context["object_list"]}
    assert counts == {"Alisher Usmonov": 2, "Aigerim Bekova": 1}


def test_bad_filter_values_do_not_break_the_page(officer_client, register):
    response = officer_client.get(reverse("activities:participant_list"),
                                  {"year": "abc", "event": "999999"})
    assert response.status_code == 200
    assert response.context["filter"].errors
    assert "Select a valid choice" in response.content.decode()
    # As on every public list: a page number that is no page gives a page, never a 404.
    for page in ["999", "x"]:
        response = officer_client.get(reverse("activities:participant_list"), {"page": page})
        assert response.status_code == 200 and "Main navigation" in response.content.decode()
        assert response.context["page_obj"].number == 1


# --------------------------------------------------------------------------------------------
# Pages: the shared list mechanism (unodc_portal.core.lists), as on the public lists
# --------------------------------------------------------------------------------------------
@pytest.fixture
def twelve(db):
    return factories.ParticipantFactory.create_batch(12)


def register_page(client, **params):
    response = client.get(reverse("activities:participant_list"), params)
    assert response.status_code == 200
    return response


def test_register_pages_with_the_chosen_page_size(officer_client, twelve):
    first = register_page(officer_client, page_size=10)
    assert first.context["paginator"].per_page == 10
    assert len(first.context["page_obj"].object_list) == 10
    html = first.content.decode()
    assert "1\u201310 of 12" in html
    assert 'value="10" selected' in html  # the page-size chooser shows the choice
    assert "page=2" in html and "page_size=10" in html  # the next page keeps the size
    second = register_page(officer_client, page_size=10, page=2)
    assert second.context["page_obj"].number == 2
    assert len(second.context["page_obj"].object_list) == 2
    # Each shown row carries its number of events, on every page.
    assert all(hasattr(p, "event_count") for p in second.context["page_obj"])


def test_register_default_page_size_is_that_of_every_list(officer_client):
    factories.ParticipantFactory.create_batch(26)
    response = register_page(officer_client)
    assert response.context["paginator"].per_page == 25
    assert len(response.context["page_obj"].object_list) == 25


@pytest.mark.parametrize(("page", "shown"), [("abc", 1), ("0", 1), ("-3", 1), ("999", 2)])
def test_register_forgives_page_numbers_as_public_lists_do(officer_client, twelve, page, shown):
    response = register_page(officer_client, page_size=10, page=page)
    assert response.context["page_obj"].number == shown


def test_register_unknown_page_size_is_a_form_error_and_the_default_is_used(officer_client,
                                                                           twelve):
    response = register_page(officer_client, page_size=7)
    assert "page_size" in response.context["page_size_form"].errors
    assert response.context["paginator"].per_page == 25
