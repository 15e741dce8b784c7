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
    for page in ["999", "x"]:
        missing = officer_client.get(reverse("activities:participant_list"), {"page": page})
        assert missing.status_code == 404 and "Main navigation" in missing.content.decode()
