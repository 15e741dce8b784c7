# ruff: noqa: RUF001
"""The participant register, a participant's page, duplicates, merge, history and the workspace
in Russian (/ru/…): interface words translated, plural forms (1 мероприятие, 2 мероприятия,
5 мероприятий), numbers and dates the Russian way; English pages unchanged."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from activities.history import KINDS, history_entries
from activities.models import Participant
from tests import factories

pytestmark = pytest.mark.django_db


def en(name, *args):
    """A page's address in English (the language a request left active does not leak in)."""
    with translation.override("en-gb"):
        return reverse(name, args=args or None)


def ru(name, *args):
    with translation.override("ru"):
        return reverse(name, args=args or None)


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def pair(db):
    org = factories.OrganisationFactory(name="State Service on Drug Control", acronym="SSDC")
    first = factories.ParticipantFactory(name="Усмонов Алишер", organisation=org,
                                         sex=Participant.Sex.MALE)
    second = factories.ParticipantFactory(name="Usmonov Alisher", organisation=org,
                                          sex=Participant.Sex.MALE)
    for _ in range(2):
        factories.ParticipationFactory(participant=first)
    factories.ParticipationFactory(participant=second)
    return first, second


def test_the_register_reads_in_russian(officer_client, pair):
    html = page(officer_client, ru("activities:participant_list"))
    assert "Реестр участников" in html and ">ФИО<" in html and ">Пол<" in html
    assert "Проверить вероятные дубликаты" in html
    english = page(officer_client, en("activities:participant_list"))
    assert "Participant register" in english and ">Name<" in english


def test_a_participants_page_reads_in_russian(officer_client, pair):
    first, second = pair
    html = page(officer_client, ru("activities:participant_detail", first.pk))
    for words in ("№ в реестре", "История обучения", "Вероятные дубликаты",
                  "сравнить и объединить", "Последние изменения", "Создано"):
        assert words in html, words
    assert f"№\u00a0{second.pk}" in html


@pytest.mark.parametrize(("n", "form"), [
    (1, "1 мероприятие"), (2, "2 мероприятия"), (4, "4 мероприятия"), (5, "5 мероприятий"),
    (11, "11 мероприятий"), (21, "21 мероприятие"), (22, "22 мероприятия"),
])
def test_event_counts_take_the_three_russian_plural_forms(n, form):
    with translation.override("ru"):
        assert ngettext("%(n)s event", "%(n)s events", n) % {"n": n} == form


def test_the_duplicates_page_reads_in_russian_with_plural_forms(officer_client, pair):
    html = page(officer_client, ru("activities:participant_duplicates"))
    assert "<h1>Вероятные дубликаты</h1>" in html
    assert "1 группа для проверки." in html
    assert "2 мероприятия" in html and "1 мероприятие" in html
    assert "Это разные люди" in html
    first, second = sorted(pair, key=lambda p: p.pk)
    assert f"Сравнить №\u00a0{first.pk} с №\u00a0{second.pk}" in html


def test_the_merge_page_and_message_read_in_russian(officer_client, pair):
    first, second = pair
    url = ru("activities:participant_merge", first.pk, second.pk)
    html = page(officer_client, url)
    assert "Объединить две записи участников" in html and "Отмена" in html
    response = officer_client.post(url, {"keep": first.pk}, follow=True)
    assert f"Запись №\u00a0{second.pk} объединена с записью №\u00a0{first.pk}." in (
        response.content.decode())
    # The kept record lists the record merged into it, the Russian way.
    html = page(officer_client, ru("activities:participant_detail", first.pk))
    assert f"С этой записью объединено: №\u00a0{second.pk}." in html


def test_history_kinds_are_codes_shown_in_the_readers_language(officer_client, pair):
    first, _second = pair
    first.position = ""
    first.save()
    first.position = "Аналитик"
    first.save()
    entries = history_entries(first)
    assert [e.kind for e in entries] == ["~", "~", "+"]
    with translation.override("ru"):
        assert [e.kind_label for e in entries] == ["Изменено", "Изменено", "Создано"]
    with translation.override("en-gb"):
        assert [e.kind_label for e in entries] == ["Changed", "Changed", "Created"]
        assert str(KINDS["-"]) == "Deleted"
    html = page(officer_client, ru("activities:participant_history", first.pk))
    assert "История изменений записи участника «Усмонов Алишер»" in html
    assert "<del>—</del> → <ins>Аналитик</ins>" in html
    assert "Назад к участнику" in html


def test_dates_on_russian_pages_use_the_genitive_month(officer_client, pair):
    import datetime

    first, _second = pair
    event = first.participations.first().event
    event.start_date = event.end_date = datetime.date(2011, 3, 24)
    event.save()
    html = page(officer_client, ru("activities:participant_detail", first.pk))
    assert "24 марта 2011" in html
    assert "24 March 2011" in page(officer_client,
                                   en("activities:participant_detail", first.pk))


def test_the_workspace_reads_in_russian(officer_client, officer_user, pair):
    html = page(officer_client, ru("activities:workspace"))
    for words in ("Рабочий стол сотрудников программы", "Внести мероприятие",
                  "Реестр участников (2)", "Вероятные дубликаты (1)", "Не хватает записи?"):
        assert words in html, words
    english = page(officer_client, en("activities:workspace"))
    assert "Participant register (2)" in english and "Likely duplicates (1)" in english


def test_content_falls_back_to_english_marked_with_its_language(officer_client, pair):
    first, _second = pair
    event = first.participations.first().event
    event.title_en, event.title_ru = "Precursor control workshop", ""
    event.save()
    html = page(officer_client, ru("activities:participant_detail", first.pk))
    assert '<span lang="en">Precursor control workshop</span>' in html
    event.title_ru = "Семинар по контролю над прекурсорами"
    event.save()
    html = page(officer_client, ru("activities:participant_detail", first.pk))
    assert ">Семинар по контролю над прекурсорами</a>" in html
    english = page(officer_client, en("activities:participant_detail", first.pk))
    assert ">Precursor control workshop</a>" in english
