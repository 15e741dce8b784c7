"""The filters' search as you type (``activities/lookups.py``): what each lookup answers, to
whom, within which limits, and how it refuses bad input; and the register's filter form, which
renders the chosen event only, never the whole table."""

import datetime
import json

import pytest
from django.urls import reverse

from tests import factories
from tests.querycount import count_queries
from unodc_portal.core.filters import LOOKUP_LIMIT, LOOKUP_MAX_LENGTH

pytestmark = pytest.mark.django_db

EVENTS = reverse("activities:event_lookup")
ORGANISATIONS = reverse("activities:organisation_lookup")


def results(client, url, q, status=200):
    response = client.get(url, {"q": q})
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    return response.json()["results"]


@pytest.fixture
def events(db):
    return {
        "old": factories.EventFactory(title="Border liaison workshop", slug="border-2010",
                                      start_date=datetime.date(2010, 5, 3), end_date=None,
                                      city="Osh"),
        "new": factories.EventFactory(title="Border liaison workshop", slug="border-2012",
                                      start_date=datetime.date(2012, 6, 4), end_date=None,
                                      city="Khorog"),
        "other": factories.EventFactory(title="Precursor control seminar", slug="precursors"),
    }


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------
def test_events_are_found_by_every_word_of_their_title_newest_first(client, events):
    assert results(client, EVENTS, "liaison BORDER") == [
        {"value": "border-2012", "id": events["new"].pk,
         "text": "Border liaison workshop, 4 June 2012, Khorog"},
        {"value": "border-2010", "id": events["old"].pk,
         "text": "Border liaison workshop, 3 May 2010, Osh"},
    ]
    assert results(client, EVENTS, "border seminar") == []
    assert [r["value"] for r in results(client, EVENTS, "precursor")] == ["precursors"]


def test_organisations_are_found_by_name_or_acronym(client):
    dca = factories.OrganisationFactory(slug="dca", name="Drug Control Agency", acronym="DCA")
    factories.OrganisationFactory(slug="customs", name="Customs Committee", acronym="")
    assert results(client, ORGANISATIONS, "dca") == [
        {"value": "dca", "id": dca.pk, "text": "Drug Control Agency (DCA)"}
    ]
    assert [r["value"] for r in results(client, ORGANISATIONS, "comm")] == ["customs"]


PROJECTS = reverse("activities:project_lookup")
PEOPLE = reverse("activities:person_lookup")


def test_projects_are_found_by_code_or_title_with_their_id(client):
    kgz = factories.ProjectFactory(code="KGZK50", title="Drug control agency support")
    factories.ProjectFactory(code="TARCET", title="Precursors in Central Asia")
    factories.ProjectFactory(code="DEMO1", title="Drug demo", is_demo=True)
    assert results(client, PROJECTS, "kgzk") == [
        {"value": "KGZK50", "id": kgz.pk, "text": "KGZK50 — Drug control agency support"}]
    assert [r["value"] for r in results(client, PROJECTS, "drug")] == ["KGZK50"]


def test_people_who_trained_come_first_most_recent_then_most_often(client):
    """A head of state who opened workshops but never trained sorts after every trainer,
    though the name comes first in the alphabet; trainers by their latest training, then by
    how often; demo events count for demo accounts only."""
    president = factories.PersonFactory(name="Aaron Petrov", position="Head of State")
    often = factories.PersonFactory(name="Zara Petrov", position="Police trainer")
    recent = factories.PersonFactory(name="Yuri Petrov", position="Police trainer")
    once = factories.PersonFactory(name="Xenia Petrov", position="Police trainer")
    never = factories.PersonFactory(name="Boris Petrov", position="Minister")

    def trained(person, year, **kwargs):
        factories.EventFactory(start_date=datetime.date(year, 3, 5), end_date=None,
                               **kwargs).trainers.add(person)

    for year in (2009, 2010, 2010):
        trained(often, year)
    trained(recent, 2014)
    trained(once, 2010)
    trained(president, 2020, is_demo=True)

    found = results(client, PEOPLE, "petrov")
    assert [r["id"] for r in found] == [recent.pk, often.pk, once.pk, president.pk, never.pk]
    assert found[1]["text"].startswith("Zara Petrov, Police trainer, ")
    assert [r["id"] for r in results(client, PEOPLE, "police trainer")] == [
        recent.pk, often.pk, once.pk]


def test_the_people_lookup_counts_the_matched_people_only_in_bounded_queries(
        client, django_assert_max_num_queries):
    for n in range(LOOKUP_LIMIT + 5):
        factories.EventFactory().trainers.add(factories.PersonFactory(name=f"Ivanov {n}"))
    with django_assert_max_num_queries(2):
        assert len(results(client, PEOPLE, "ivanov")) == LOOKUP_LIMIT


def test_fewer_than_two_characters_give_no_results_and_no_query(client, events,
                                                                 django_assert_num_queries):
    with django_assert_num_queries(0):
        assert results(client, EVENTS, "b") == []
        assert results(client, EVENTS, " b ") == []
    assert results(client, EVENTS, "bo") != []


def test_at_most_twenty_results(client):
    factories.EventFactory.create_batch(LOOKUP_LIMIT + 5, title="Annual meeting")
    assert len(results(client, EVENTS, "annual")) == LOOKUP_LIMIT


# --------------------------------------------------------------------------------------------
# Visibility: demo records for demo accounts only, for every role
# --------------------------------------------------------------------------------------------
@pytest.fixture
def demo_records(events):
    factories.EventFactory(title="Demo — Border workshop", slug="demo-border", is_demo=True)
    factories.OrganisationFactory(slug="demo-agency", name="Demo — Border Agency",
                                  is_demo=True)


@pytest.mark.parametrize("role", ["anonymous", "officer", "admin", "donor"])
def test_demo_records_are_not_offered_to_real_accounts(role, client, demo_records, request):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(f"{role}_user"))
    assert "demo-border" not in [r["value"] for r in results(client, EVENTS, "border")]
    assert results(client, ORGANISATIONS, "border") == []


def test_demo_accounts_are_offered_demo_records(demo_client, demo_records):
    assert "demo-border" in [r["value"] for r in results(demo_client, EVENTS, "border")]
    assert [r["value"] for r in results(demo_client, ORGANISATIONS, "border")] == [
        "demo-agency"
    ]


def test_a_demo_event_in_the_address_is_not_shown_to_a_real_officer(officer_client,
                                                                    demo_records):
    response = officer_client.get(reverse("activities:participant_list"),
                                  {"event": "demo-border"})
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert "Demo — Border workshop" not in html


# --------------------------------------------------------------------------------------------
# Bad input: a 400 in JSON with the reason, never a server error
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("q", "message"), [
    ("x" * (LOOKUP_MAX_LENGTH + 1), "at most 100 characters"),
    ("border\x01", "control character"),
])
def test_bad_input_is_refused_with_a_reason(client, events, q, message):
    response = client.get(EVENTS, {"q": q})
    assert response.status_code == 400
    assert message in response.json()["error"]


@pytest.mark.parametrize("url", [EVENTS, ORGANISATIONS])
def test_a_nul_character_is_refused_in_json(client, url):
    response = client.get(f"{url}?q=bo%00rder")
    assert response.status_code == 400
    assert "NUL" in json.loads(response.content)["error"]


def test_the_longest_search_allowed_is_answered(client, events):
    assert results(client, EVENTS, "b" * LOOKUP_MAX_LENGTH) == []


# --------------------------------------------------------------------------------------------
# The register's filter form: the chosen event only, whatever the number of events
# --------------------------------------------------------------------------------------------
REGISTER = reverse("activities:participant_list")


def test_the_register_offers_the_search_not_a_list_of_events(officer_client, events):
    html = officer_client.get(REGISTER).content.decode()
    assert f'data-lookup-url="{EVENTS}"' in html
    assert f'data-lookup-url="{ORGANISATIONS}"' in html
    assert "border-2010" not in html and "Precursor control seminar" not in html
    assert "vendor/tom-select/tom-select.complete.min.js" in html
    assert "js/lookup.js" in html


def test_an_event_in_the_address_is_shown_chosen_by_its_title_and_filters(officer_client,
                                                                          events):
    chosen = factories.ParticipantFactory(name="Alisher Usmonov")
    factories.ParticipationFactory(participant=chosen, event=events["old"])
    factories.ParticipationFactory(event=events["new"])
    response = officer_client.get(REGISTER, {"event": "border-2010"})
    html = response.content.decode()
    assert ('<option value="border-2010" selected>Border liaison workshop, 3 May 2010, Osh'
            '</option>') in html
    assert "border-2012" not in html
    assert [p.name for p in response.context["object_list"]] == ["Alisher Usmonov"]


def test_pages_without_a_searchable_filter_do_not_load_the_widget(client):
    html = client.get(reverse("activities:event_list")).content.decode()
    assert "tom-select" not in html and "lookup.js" not in html


def test_the_register_form_costs_the_same_with_5_or_50_events(officer_client):
    factories.ParticipantFactory()
    factories.EventFactory.create_batch(5, title="Regional workshop")
    chosen = factories.EventFactory(slug="chosen", title="Chosen event")
    officer_client.get(REGISTER)  # warm-up
    for url in (REGISTER, f"{REGISTER}?event=chosen"):
        few_queries, _ = count_queries(officer_client, url)
        few_bytes = len(officer_client.get(url).content)
        factories.EventFactory.create_batch(45, title="Regional workshop")
        many_queries, _ = count_queries(officer_client, url)
        many_bytes = len(officer_client.get(url).content)
        assert (few_queries, few_bytes) == (many_queries, many_bytes), url
    assert chosen.title in officer_client.get(f"{REGISTER}?event=chosen").content.decode()
