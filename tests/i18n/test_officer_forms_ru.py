"""The officers' event and seizure pages in Russian (issue 15): the interface strings, the forms'
messages with Russian plural forms and numbers, addresses made from Cyrillic titles, and the
event's Russian version entered beside the English one without overwriting it."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from activities.forms import EventForm, OrganisationForm
from activities.forms.common import REPORTED_PARTICIPANTS_MAX, unique_slug
from activities.models import Event, Organisation
from tests import factories

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def management(prefix, total, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def event_data(**overrides):
    country = factories.CountryFactory(code="KG")
    data = {
        "event-title": "Precursor control workshop",
        "event-slug": "",
        "event-kind": Event.Kind.WORKSHOP,
        "event-city": "Bishkek",
        "event-country": str(country.pk),
        "event-start_date": "2011-03-14",
        "event-end_date": "2011-03-18",
        **management("part", 0), **management("new", 0), **management("trainers", 0),
    }
    data.update(overrides)
    return data


def russian(name, *args, **kwargs):
    with translation.override("ru"):
        return reverse(name, *args, **kwargs)


# --------------------------------------------------------------------------------------------
# Addresses from Cyrillic titles
# --------------------------------------------------------------------------------------------
def test_a_cyrillic_title_gives_a_transliterated_address():
    assert unique_slug(Event, "Семинар по прекурсорам") == "seminar-po-prekursoram"
    assert unique_slug(Organisation, "Агентство по контролю за наркотиками") == (
        "agentstvo-po-kontrolyu-za-narkotikami")


def test_an_address_is_never_empty():
    assert unique_slug(Event, "…!?") == "record"
    assert unique_slug(Event, "") == "record"


def test_an_event_titled_in_cyrillic_is_saved_with_an_ascii_address(officer_client):
    data = event_data(**{"event-title": "Семинар по прекурсорам"})
    response = officer_client.post(reverse("activities:event_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get()
    assert event.slug == "seminar-po-prekursoram"
    assert event.slug.isascii()


def test_a_second_cyrillic_event_of_the_same_title_gets_a_numbered_address(officer_client):
    for _ in range(2):
        response = officer_client.post(
            reverse("activities:event_create"),
            event_data(**{"event-title": "Семинар по прекурсорам"}))
        assert response.status_code == 302
    assert sorted(Event.objects.values_list("slug", flat=True)) == [
        "seminar-po-prekursoram", "seminar-po-prekursoram-2"]


# --------------------------------------------------------------------------------------------
# Messages: numbers and plural forms
# --------------------------------------------------------------------------------------------
def test_the_reported_count_bound_reads_as_russian_numbers_read():
    data = {"event-reported_participants": str(REPORTED_PARTICIPANTS_MAX + 1)}
    with translation.override("ru"):
        form = EventForm(data, instance=Event(), prefix="event")
        form.is_valid()
        errors = " ".join(form.errors["reported_participants"])
    assert f"2{NBSP}147{NBSP}483{NBSP}647" in errors
    assert "Заявленное число участников не может превышать" in errors
    with translation.override("en-gb"):
        form = EventForm(data, instance=Event(), prefix="event")
        form.is_valid()
    assert "at most 2,147,483,647." in " ".join(form.errors["reported_participants"])


ADDED = ("%(count)d participant(s) were added meanwhile and are now in the list below; "
         "saving again keeps them: %(names)s.")


@pytest.mark.parametrize(("count", "word"), [
    (1, "1 участник добавлен"), (2, "2 участника добавлены"), (5, "5 участников добавлено"),
    (21, "21 участник добавлен"),
])
def test_the_stale_save_message_has_the_three_russian_plural_forms(count, word):
    with translation.override("ru"):
        text = ngettext(ADDED, ADDED, count) % {"count": count, "names": "Иванова Айгуль"}
    assert text.startswith(word)
    with translation.override("en-gb"):
        assert (ngettext(ADDED, ADDED, count) % {"count": count, "names": "x"}).startswith(
            f"{count} participant(s) were added meanwhile")


@pytest.mark.parametrize(("count", "word"), [
    (1, "1 участник."), (2, "2 участника."), (5, "5 участников."),
])
def test_the_saved_message_counts_participants_in_russian(count, word):
    with translation.override("ru"):
        text = ngettext("Saved “%(title)s” with %(count)d participant record.",
                        "Saved “%(title)s” with %(count)d participant records.",
                        count) % {"title": "Семинар", "count": count}
    assert text == f"Мероприятие «Семинар» сохранено: {word}"


def test_a_refused_event_page_says_so_in_russian(officer_client):
    data = event_data(**{"event-title": ""})
    response = officer_client.post(russian("activities:event_create"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ничего не сохранено: исправьте отмеченные ниже поля." in html


def test_a_duplicate_in_the_register_is_named_in_russian(officer_client):
    existing = factories.ParticipantFactory(name="Иванова Айгуль")
    data = event_data()
    data.update(management("new", 1))
    data.update({"new-0-name": "Иванова Айгуль", "new-0-sex": "not_recorded",
                 "new-0-status": "attended",
                 "new-0-organisation": str(existing.organisation_id)})
    response = officer_client.post(russian("activities:event_create"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Вероятно, уже есть в реестре: Иванова Айгуль (№ {existing.pk})" in html


def test_the_lookup_refusal_is_in_the_readers_language(officer_client):
    with translation.override("ru"):
        response = officer_client.get(reverse("activities:organisation_lookup"),
                                      {"q": "x" * 101}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert response.json()["error"] == "Введите не более 100 символов."


# --------------------------------------------------------------------------------------------
# The pages in Russian
# --------------------------------------------------------------------------------------------
def test_the_event_page_reads_in_russian(officer_client):
    response = officer_client.get(russian("activities:event_create"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Внести мероприятие", "Участники из реестра", "Новые участники",
                 "Организации тренеров", "Сохранить мероприятие", "Добавить организацию",
                 "Точные даты неизвестны", "Более %(count)s — уточните запрос.",
                 "Никто не найден.", "Русская версия"):
        assert text in html, text
    assert "Save the event" not in html


def test_the_seizure_page_reads_in_russian(officer_client):
    response = officer_client.get(russian("activities:seizure_create"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Внести изъятие", "килограммах", "вычисляется при сохранении",
                 "Сохранить изъятие"):
        assert text in html, text


def test_the_quick_add_page_reads_in_russian(officer_client):
    response = officer_client.get(russian("activities:organisation_create"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Добавить организацию" in html and "Отмена" in html


# --------------------------------------------------------------------------------------------
# Both languages of an event and an organisation
# --------------------------------------------------------------------------------------------
def test_saving_from_a_russian_page_writes_both_versions(officer_client):
    data = event_data(**{"event-title_ru": "Семинар по контролю над прекурсорами",
                         "event-description": "Three days on precursors.",
                         "event-description_ru": "Три дня о прекурсорах.",
                         "event-topics_ru": "прекурсоры"})
    response = officer_client.post(russian("activities:event_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get()
    assert event.title_en == "Precursor control workshop"
    assert event.title_ru == "Семинар по контролю над прекурсорами"
    assert event.description_en == "Three days on precursors."
    assert event.description_ru == "Три дня о прекурсорах."
    assert event.topics_ru == "прекурсоры"
    assert event.slug == "precursor-control-workshop"  # made from the English title


def test_editing_the_russian_title_from_a_russian_page_keeps_the_english_one(officer_client):
    event = factories.EventFactory(title="Border liaison workshop")
    data = event_data(**{"event-title": "Border liaison workshop",
                         "event-title_ru": "Семинар по пограничному взаимодействию",
                         "event-slug": event.slug,
                         "event-record_version": str(event.version)})
    response = officer_client.post(russian("activities:event_update", args=[event.slug]),
                                   data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event.refresh_from_db()
    assert event.title_en == "Border liaison workshop"
    assert event.title_ru == "Семинар по пограничному взаимодействию"
    with translation.override("ru"):
        assert event.title == "Семинар по пограничному взаимодействию"
    with translation.override("en-gb"):
        assert event.title == "Border liaison workshop"


def test_saving_from_an_english_page_leaves_the_russian_title_alone(officer_client):
    event = factories.EventFactory(title="Border liaison workshop")
    Event.objects.filter(pk=event.pk).update(title_ru="Семинар")
    event.refresh_from_db()
    data = event_data(**{"event-title": "Border liaison workshop, Osh",
                         "event-title_ru": "Семинар",
                         "event-slug": event.slug,
                         "event-record_version": str(event.version)})
    response = officer_client.post(reverse("activities:event_update", args=[event.slug]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event.refresh_from_db()
    assert (event.title_en, event.title_ru) == ("Border liaison workshop, Osh", "Семинар")


def test_the_quick_add_organisation_takes_an_optional_russian_name(officer_client):
    country = factories.CountryFactory(code="KZ")
    data = {"org-name": "Committee on Drug Control",
            "org-name_ru": "Комитет по контролю наркотиков", "org-acronym": "",
            "org-kind": Organisation.Kind.GOVERNMENT, "org-country": str(country.pk)}
    response = officer_client.post(russian("activities:organisation_create"), data,
                                   HTTP_ACCEPT="application/json")
    assert response.status_code == 201, response.content.decode()[:2000]
    organisation = Organisation.objects.get(pk=response.json()["id"])
    assert organisation.name_en == "Committee on Drug Control"
    assert organisation.name_ru == "Комитет по контролю наркотиков"
    assert organisation.slug == "committee-on-drug-control"


def test_an_organisation_known_by_its_russian_name_is_refused():
    factories.OrganisationFactory(name="Drug Control Agency")
    Organisation.objects.update(name_ru="Агентство по контролю за наркотиками")
    with translation.override("ru"):
        form = OrganisationForm({"org-name": "Something else",
                                 "org-name_ru": "Агентство по контролю за наркотиками",
                                 "org-kind": "government"}, prefix="org")
        assert not form.is_valid()
        assert "Уже есть на портале" in " ".join(form.non_field_errors())
