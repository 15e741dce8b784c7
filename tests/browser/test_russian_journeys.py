# ruff: noqa: RUF001 (Russian text is what these journeys read)
"""Journeys in Russian, in a real browser: an officer working under /ru/ records an event with
Cyrillic participants and imports a Russian-headed spreadsheet; a visitor reading an English
article switches to Russian, stays on the article, is remembered, and switches back."""

import io
import re

import pytest
from django.utils import translation
from openpyxl import Workbook
from playwright.sync_api import expect

from activities.models import Event, ImportBatch, Participant
from tests import factories
from tests.browser.helpers import PASSWORD, problems, watch_csp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sign_in_russian(page, username):
    """Sign in on the Russian sign-in page (its labels are Russian, so by the fields' ids)."""
    page.goto("/ru/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main").get_by_role("button", name="Войти").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def officer_and_register(roles):
    officer = factories.UserFactory(username="olga")
    officer.groups.add(roles["Programme officers"])
    kyrgyzstan = factories.CountryFactory(code="KG")
    agency = factories.OrganisationFactory(name="State Service on Drug Control", acronym="SSDC",
                                           country=kyrgyzstan)
    agency.name_ru = "Государственная служба по контролю наркотиков"
    agency.save()
    factories.ParticipantFactory(name="Борисов Данияр", organisation=agency, country=kyrgyzstan)
    return officer


def test_officer_records_an_event_in_russian_with_cyrillic_participants(
    page, live_server, officer_and_register
):
    watch_csp(page)
    sign_in_russian(page, "olga")
    page.goto("/ru/workspace/")
    expect(page.locator("h1")).to_contain_text("Рабочий стол")
    page.locator('main a[href="/ru/events/new/"]').first.click()
    page.wait_for_url("**/ru/events/new/")

    page.fill("#id_event-title", "Precursor control workshop")
    page.locator("#event-russian summary").click()
    page.fill("#id_event-title_ru", "Семинар по контролю над прекурсорами")
    page.select_option("#id_event-kind", "workshop")
    page.fill("#id_event-city", "Бишкек")
    page.fill("#id_event-start_date", "2011-03-24")
    page.fill("#id_event-end_date", "2011-03-25")

    # Someone from the register, found by typing the Cyrillic name.
    page.locator("#participant-search").fill("Борисов")
    page.locator("#participant-results li", has_text="Борисов Данияр").click()
    expect(page.locator('[data-formset="part"] .participant-label strong')).to_have_text(
        ["Борисов Данияр"])
    # Two people new to the register, with Cyrillic names (Ё included).
    page.fill("#id_new-0-name", "Ёлкина Айгуль")
    page.select_option("#id_new-0-sex", "female")
    page.locator('[data-add-row="new"]').click()
    page.fill("#id_new-1-name", "Жуков Тимур")
    page.select_option("#id_new-1-sex", "male")
    page.locator('input[name="basis-source"][value="registration_form"]').check()
    page.locator('input[name="basis-contact_consent"][value="no"]').check()
    page.get_by_role("button", name="Сохранить мероприятие").click()

    # The slug comes from the English title; the saved page is the Russian one.
    page.wait_for_url("**/ru/events/precursor-control-workshop/")
    expect(page.locator(".messages")).to_contain_text(
        "Мероприятие «Семинар по контролю над прекурсорами» сохранено: 3 участника.")
    expect(page.locator("h1")).to_have_text("Семинар по контролю над прекурсорами")
    expect(page.locator("main")).to_contain_text("24–25 марта 2011")
    event = Event.objects.get(slug="precursor-control-workshop")
    assert event.title_en == "Precursor control workshop"
    assert event.title_ru == "Семинар по контролю над прекурсорами"
    assert set(event.participations.values_list("participant__name", flat=True)) == {
        "Борисов Данияр", "Ёлкина Айгуль", "Жуков Тимур"}
    assert problems(page) == []


def russian_workbook(rows) -> bytes:
    """A spreadsheet as a Russian office keeps it: Russian headers, Russian values."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Фамилия и имя", "Пол", "Организация", "Страна", "Должность",
                  "Эл. почта", "Телефон"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_officer_imports_a_russian_headed_spreadsheet(page, live_server, officer_and_register):
    event = factories.EventFactory(slug="border-liaison", title="Border liaison meeting")
    event.title_ru = "Совещание по пограничному взаимодействию"
    event.save()
    watch_csp(page)
    sign_in_russian(page, "olga")
    with translation.override("ru"):
        edit = event.get_absolute_url().rstrip("/") + "/edit/"
    page.goto(edit)
    page.get_by_role("link", name="Импорт участников").click()
    page.wait_for_url("**/ru/events/border-liaison/participants/import/")

    register_before = Participant.objects.count()
    page.set_input_files("#id_file", files=[{
        "name": "участники.xlsx", "mimeType": XLSX,
        "buffer": russian_workbook([
            ["Ёлкина Айгуль", "ж", "SSDC", "Киргизия", "инспектор", "elkina@example.org", ""],
            ["Жуков Тимур", "м", "SSDC", "KG", "", "", "+996 555 123456"],
            ["Борисов Данияр", "мужской", "SSDC", "KG", "", "", ""],  # in the register
        ]),
    }])
    page.locator('input[name="source"][value="attendance_sheet"]').check()
    page.locator('input[name="contact_consent"][value="yes"]').check()
    page.get_by_role("button", name="Загрузить и просмотреть").click()
    page.wait_for_url(re.compile(r"/ru/.*imports/\d+/$"))
    expect(page.locator("tr.import-error")).to_have_count(0)
    expect(page.locator("tr.import-new")).to_have_count(2)
    expect(page.locator("tr.import-new").first).to_contain_text("Ёлкина Айгуль")
    expect(page.locator("tr.import-match")).to_contain_text("Борисов Данияр")
    assert Participant.objects.count() == register_before  # nothing written before confirming

    page.get_by_role("button", name="Подтвердить импорт").click()
    expect(page.locator(".messages")).to_contain_text("Импортировано: 2 новые записи участников")
    expect(page.locator("h1")).to_have_text("Импортировано: участники.xlsx")

    assert Participant.objects.count() == register_before + 2
    elkina = Participant.objects.get(name="Ёлкина Айгуль")
    assert (elkina.sex, elkina.country.code, elkina.position) == ("female", "KG", "инспектор")
    assert set(event.participations.values_list("participant__name", flat=True)) == {
        "Ёлкина Айгуль", "Жуков Тимур", "Борисов Данияр"}
    assert ImportBatch.objects.filter(event=event, status="committed").count() == 1
    assert problems(page) == []


def test_visitor_switches_an_article_to_russian_and_back(page, live_server):
    article = factories.ArticleFactory(
        slug="planning-for-success", title="Planning for success",
        kicker="A meeting of minds", body="The training course was a unique opportunity.",
    )
    article.title_ru = "Планирование успеха"
    article.save()
    watch_csp(page)
    with translation.override("en-gb"):
        english = article.get_absolute_url()
    with translation.override("ru"):
        russian = article.get_absolute_url()
    assert russian == "/ru" + english

    page.goto(english)
    expect(page.locator("html")).to_have_attribute("lang", re.compile("^en"))
    expect(page.locator("h1")).to_contain_text("Planning for success")
    switcher = page.locator(".language-links")
    # Plain links, not a form: nothing to post, no CSRF token on an anonymous page.
    expect(page.locator(".language-links form")).to_have_count(0)
    switcher.get_by_role("link", name="Русский").click()

    # The same article, in Russian; the kicker and body have no Russian version, so they are
    # shown in English, marked with their own language.
    page.wait_for_url(f"**{russian}")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("h1")).to_contain_text("Планирование успеха")
    expect(page.locator('main .article-body[lang="en"]')).to_contain_text("unique opportunity")
    expect(page.locator("main .content-note").first).to_contain_text("ещё не добавлен")
    expect(switcher.locator('[aria-current="true"]')).to_have_text("Русский")

    # Remembered: the home page now opens in Russian.
    page.goto("/")
    page.wait_for_url(re.compile(r"/ru/$"))
    expect(page.locator("html")).to_have_attribute("lang", "ru")

    # And back to English, on the article again.
    page.goto(russian)
    page.locator(".language-links").get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(re.escape(english) + "$"))
    expect(page.locator("html")).to_have_attribute("lang", re.compile("^en"))
    expect(page.locator("h1")).to_contain_text("Planning for success")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"^[^?]*//[^/]+/$"))
    expect(page.locator("html")).to_have_attribute("lang", re.compile("^en"))
    assert problems(page) == []
