# ruff: noqa: RUF001, RUF003 (Russian text is what these tests read)
"""Cyrillic as a first-class citizen: names in the participant register (searched however they
are written, sorted by Russian collation on PostgreSQL — not asserted on SQLite), titles sorted
and searched in the reader's language on the public lists (a record with no Russian version
sorts by its English title and is still found), slugs from Cyrillic titles transliterated, and
the site search finding a Cyrillic title."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation
from lxml import html as lxml_html

from activities.filters import EventFilter, ProjectFilter, SeizureFilter
from activities.models import Event, Participant, Project, Seizure
from tests import factories
from tests.activities.test_event_entry import add_new, event_data

pytestmark = pytest.mark.django_db

NAMES = ["Жуков Тимур", "Ершов Алексей", "Ёлкина Айгуль", "Борисов Данияр"]


def en(name, *args):
    """A page's address in English (whatever language an earlier request left active)."""
    with translation.override("en-gb"):
        return reverse(name, args=args or None)


def ru(name, *args):
    with translation.override("ru"):
        return reverse(name, args=args or None)


def text_of(response) -> str:
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode()).text_content()


def ordered(text: str, words) -> list[str]:
    """``words`` in the order they first appear in ``text``."""
    return sorted(words, key=lambda word: text.index(word))


# --------------------------------------------------------------------------------------------
# The participant register
# --------------------------------------------------------------------------------------------
@pytest.fixture
def cyrillic_people(db):
    return [factories.ParticipantFactory(name=name) for name in NAMES]


def test_the_register_lists_cyrillic_names_in_russian(officer_client, cyrillic_people):
    text = text_of(officer_client.get(ru("activities:participant_list")))
    for name in NAMES:
        assert name in text


@pytest.mark.parametrize("typed", ["Ёлкина", "ёлкина", "ЁЛКИНА", "елкина", "Elkina"])
def test_the_register_finds_a_cyrillic_name_however_it_is_typed(
    officer_client, cyrillic_people, typed
):
    text = text_of(officer_client.get(ru("activities:participant_list"), {"q": typed}))
    assert "Ёлкина Айгуль" in text
    assert "Жуков Тимур" not in text and "Борисов Данияр" not in text


def test_the_event_page_search_finds_a_cyrillic_name(officer_client, cyrillic_people):
    response = officer_client.get(en("activities:participant_search"), {"q": "ершов"})
    assert [row["name"] for row in response.json()["results"]] == ["Ершов Алексей"]


def test_the_register_sorts_cyrillic_names_in_russian_order_on_postgresql(
    officer_client, cyrillic_people
):
    if connection.vendor != "postgresql":
        pytest.skip("Russian collation is PostgreSQL's (ICU); SQLite's order of Cyrillic is "
                    "not asserted")
    response = officer_client.get(ru("activities:participant_list"))
    query = str(response.context["paginator"].object_list.query)
    assert 'COLLATE "und-x-icu"' in query
    # Ё beside Е (as Е, then by the letters that follow), never before А as in code-point order.
    assert ordered(text_of(response), NAMES) == [
        "Борисов Данияр", "Ёлкина Айгуль", "Ершов Алексей", "Жуков Тимур"]


# --------------------------------------------------------------------------------------------
# Titles in the reader's language: sorts and searches of the public lists
# --------------------------------------------------------------------------------------------
@pytest.fixture
def events(db):
    """Three events: one in English only, two with a Russian version whose Russian titles sort
    the other way round from their English ones."""
    only_english = factories.EventFactory(title="Border workshop")
    airport = factories.EventFactory(title="Airport meeting")
    airport.title_ru = "Совещание в аэропорту"
    airport.save()
    zonal = factories.EventFactory(title="Zonal training")
    zonal.title_ru = "Антинаркотический тренинг"
    zonal.save()
    return only_english, airport, zonal


def titles(filterset):
    return [str(event.title) for event in filterset.qs]


def test_a_russian_title_sort_uses_the_russian_title_and_the_english_where_there_is_none(events):
    with translation.override("ru"):
        ascending = titles(EventFilter({"sort": "title"}, queryset=Event.objects.all()))
        descending = titles(EventFilter({"sort": "-title"}, queryset=Event.objects.all()))
    # A record with no Russian version sorts by its English title, not first or last as a
    # blank; the others by the Russian title the reader sees (Latin before Cyrillic in both
    # SQLite's code-point order and ICU's).
    assert ascending == ["Border workshop", "Антинаркотический тренинг", "Совещание в аэропорту"]
    assert descending == list(reversed(ascending))


def test_an_english_title_sort_is_unchanged(events):
    with translation.override("en-gb"):
        ascending = titles(EventFilter({"sort": "title"}, queryset=Event.objects.all()))
    assert ascending == ["Airport meeting", "Border workshop", "Zonal training"]


def test_the_russian_event_list_sorted_by_title(client, events):
    text = text_of(client.get(ru("activities:event_list"), {"sort": "title"}))
    assert ordered(text, ["Border workshop", "Антинаркотический тренинг",
                          "Совещание в аэропорту"]) == [
        "Border workshop", "Антинаркотический тренинг", "Совещание в аэропорту"]


@pytest.mark.parametrize("language", ["ru", "en-gb"])
@pytest.mark.parametrize(("typed", "found"), [
    ("border", "Border workshop"),          # English only: found on a Russian page too
    ("аэропорту", "Airport meeting"),        # Russian title: found on an English page too
    ("Airport", "Airport meeting"),          # English title of a translated record
])
def test_a_title_search_matches_either_language(events, language, typed, found):
    with translation.override(language):
        qs = EventFilter({"q": typed}, queryset=Event.objects.all()).qs
        assert [event.title_en for event in qs] == [found]


def test_the_russian_event_list_finds_an_english_only_title(client, events):
    text = text_of(client.get(ru("activities:event_list"), {"q": "Border"}))
    assert "Border workshop" in text
    assert "Совещание в аэропорту" not in text


def test_projects_sort_and_search_in_the_readers_language(db):
    factories.ProjectFactory(code="AAA01", title="Zeta project")
    beta = factories.ProjectFactory(code="BBB02", title="Alpha project")
    beta.title_ru = "Проект по контролю над прекурсорами"
    beta.save()
    with translation.override("ru"):
        ordered_titles = [str(p.title) for p in
                          ProjectFilter({"sort": "title"}, queryset=Project.objects.all()).qs]
        assert ordered_titles == ["Zeta project", "Проект по контролю над прекурсорами"]
        found = ProjectFilter({"q": "Zeta"}, queryset=Project.objects.all()).qs
        assert [p.code for p in found] == ["AAA01"]
    with translation.override("en-gb"):
        found = ProjectFilter({"q": "прекурсорами"}, queryset=Project.objects.all()).qs
        assert [p.code for p in found] == ["BBB02"]


def test_seizures_sort_and_search_by_the_substance_in_the_readers_language(db):
    heroin = factories.SubstanceFactory(name="Heroin")
    heroin.name_ru = "Героин"
    heroin.save()
    hashish = factories.SubstanceFactory(name="Hashish")
    hashish.name_ru = "Гашиш"
    hashish.save()
    factories.SeizureFactory(substance=heroin)
    factories.SeizureFactory(substance=hashish)
    with translation.override("ru"):
        names = [str(s.substance.name) for s in
                 SeizureFilter({"sort": "substance"}, queryset=Seizure.objects.all()).qs]
        assert names == ["Гашиш", "Героин"]
        found = SeizureFilter({"q": "heroin"}, queryset=Seizure.objects.all()).qs
        assert [s.substance_id for s in found] == [heroin.pk]
    with translation.override("en-gb"):
        names = [str(s.substance.name) for s in
                 SeizureFilter({"sort": "substance"}, queryset=Seizure.objects.all()).qs]
        assert names == ["Hashish", "Heroin"]
        found = SeizureFilter({"q": "Гашиш"}, queryset=Seizure.objects.all()).qs
        assert [s.substance_id for s in found] == [hashish.pk]


def test_the_filter_form_reads_in_russian(client, events):
    response = client.get(ru("activities:event_list"))
    text = re.sub(r"\s+", " ", text_of(response))
    for words in ("Поиск по названиям", "Название, от А до Я", "Дата, сначала старые",
                  "Сначала новые", "Любой"):
        assert words in text, words
    english = re.sub(r"\s+", " ", text_of(client.get(en("activities:event_list"))))
    for words in ("Search titles", "Title, A to Z", "Date, oldest first", "Newest first"):
        assert words in english, words


# --------------------------------------------------------------------------------------------
# Slugs from Cyrillic titles, and the site search
# --------------------------------------------------------------------------------------------
def test_an_event_recorded_with_a_cyrillic_title_gets_a_transliterated_slug(officer_client):
    data = event_data(**{"event-title": "Семинар по прекурсорам"})
    add_new(data, [{"name": "Ёлкина Айгуль", "sex": "female"},
                   {"name": "Жуков Тимур", "sex": "male"}])
    response = officer_client.post(ru("activities:event_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get()
    assert event.slug == "seminar-po-prekursoram"
    assert response["Location"] == event.get_absolute_url()
    assert set(Participant.objects.values_list("name", flat=True)) == {
        "Ёлкина Айгуль", "Жуков Тимур"}


def test_slugs_from_cyrillic_titles_are_never_empty_and_stay_unique(officer_client):
    for _ in range(2):
        response = officer_client.post(
            ru("activities:event_create"), event_data(**{"event-title": "Тренинг"}))
        assert response.status_code == 302
    slugs = sorted(Event.objects.values_list("slug", flat=True))
    assert slugs == ["trening", "trening-2"]


def test_the_site_search_finds_a_cyrillic_title(client):
    event = factories.EventFactory(title="Border liaison workshop")
    event.title_ru = "Семинар по пограничному взаимодействию"
    event.save()
    cyrillic_only = factories.EventFactory(title="Совещание в Душанбе")
    call_command("rebuild_search_index", verbosity=0)
    text = text_of(client.get(ru("search:search"), {"q": "взаимодействию"}))
    assert "Семинар по пограничному взаимодействию" in text
    text = text_of(client.get(en("search:search"), {"q": "Душанбе"}))
    assert cyrillic_only.title in text
