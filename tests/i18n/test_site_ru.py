# ruff: noqa: RUF001, RUF003 (Russian text, en dashes)
"""The site's frame, accounts, list machinery, search and downloads in Russian: plural forms of
result counts, dates and money in the reader's language, the password-reset e-mail in the
language it was asked in, CSV columns that stay English, and Cyrillic sorted by ICU's collation
on PostgreSQL. English stays as it was."""

import csv
import datetime
import io
import re
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from activities.models import Event
from donors.filters import DonorFilter
from donors.models import Donor
from tests import factories
from unodc_portal.core.after_response import drain
from unodc_portal.core.exports import Column, Columns, write_xlsx
from unodc_portal.core.lists import counted, none_of
from unodc_portal.core.templatetags.portal import kg, money, reported_dates, seizure_period

NBSP = "\u00a0"


def ru(name, *args, **kwargs) -> str:
    with translation.override("ru"):
        return reverse(name, args=args, kwargs=kwargs)


def en(name, *args, **kwargs) -> str:
    with translation.override("en-gb"):
        return reverse(name, args=args, kwargs=kwargs)


def period(start=None, end=None, year=None, month=None, wording=""):
    return SimpleNamespace(start_date=start, end_date=end, year=year, month=month,
                           date_wording=wording)


# --------------------------------------------------------------------------------------------
# Plural forms, dates, numbers and money
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("count", "english", "russian"), [
    (1, "1 event", "1 мероприятие"),
    (2, "2 events", "2 мероприятия"),
    (5, "5 events", "5 мероприятий"),
    (11, "11 events", "11 мероприятий"),
    (21, "21 events", "21 мероприятие"),
    (24, "24 events", "24 мероприятия"),
])
def test_a_count_of_events_takes_the_plural_form_its_number_needs(count, english, russian):
    with translation.override("en-gb"):
        assert counted(Event, count) == english
    with translation.override("ru"):
        assert counted(Event, count) == russian
        assert none_of(Event) == "Нет мероприятий"


def test_participants_are_counted_in_three_russian_forms():
    from activities.models import Participant

    with translation.override("ru"):
        assert [counted(Participant, n) for n in (1, 3, 7)] == [
            "1 участник", "3 участника", "7 участников"]


def test_reported_dates_read_in_russian_with_the_month_in_the_genitive():
    same_month = period(datetime.date(2011, 3, 24), datetime.date(2011, 3, 25))
    two_months = period(datetime.date(2011, 3, 24), datetime.date(2011, 4, 2))
    two_years = period(datetime.date(2010, 12, 30), datetime.date(2011, 1, 2))
    month_only = period(year=2011, month=3)
    with translation.override("ru"):
        assert reported_dates(same_month) == "24–25 марта 2011"
        assert reported_dates(two_months) == "24 марта – 2 апреля 2011"
        assert reported_dates(two_years) == "30 декабря 2010 – 2 января 2011"
        assert reported_dates(month_only) == "март 2011"
        assert seizure_period(SimpleNamespace(date=datetime.date(2011, 5, 1))) == "1 мая 2011"


def test_dates_worded_by_the_source_are_its_english_marked_on_a_russian_page():
    late_april = period(year=2011, wording="late April")
    with translation.override("ru"):
        assert reported_dates(late_april) == '<span lang="en">late April 2011</span>'
    with translation.override("en-gb"):
        assert reported_dates(late_april) == "late April 2011"


def test_reported_dates_in_english_are_unchanged():
    with translation.override("en-gb"):
        assert reported_dates(period(datetime.date(2011, 3, 24),
                                     datetime.date(2011, 3, 25))) == "24–25 March 2011"
        assert reported_dates(period(datetime.date(2011, 3, 24),
                                     datetime.date(2011, 4, 2))) == "24 March – 2 April 2011"
        assert reported_dates(period(year=2011, month=3)) == "March 2011"
        assert reported_dates(period(year=2011)) == "2011"


def test_money_and_kilograms_in_russian_group_digits_with_a_no_break_space():
    with translation.override("ru"):
        assert money(3000000, "EUR") == f"3{NBSP}000{NBSP}000 EUR"
        assert money(Decimal("1234.5"), "USD") == f"1{NBSP}234,50 USD"
        assert money(None, "EUR") == "сумма не указана"
        assert kg(Decimal("40000.500")) == f"40{NBSP}000,5 кг"
    with translation.override("en-gb"):
        assert money(3000000, "EUR") == "EUR 3,000,000"
        assert money(Decimal("1234.5"), "USD") == "USD 1,234.50"
        assert kg(Decimal("40000.500")) == "40,000.5 kg"


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_frame_and_a_list_page_read_in_russian(client):
    for n in range(12):
        factories.EventFactory(title=f"Семинар {n}")
    page = client.get(ru("activities:event_list"), {"page_size": 10})
    assert page.status_code == 200
    html = page.content.decode()
    for words in ["Мероприятия", "Изъятия", "Войти", "Поиск по порталу", 'placeholder="Поиск"',
                  "Применить", "Сбросить фильтры", "Строк на странице", "Страница 1 из 2",
                  "Вперёд", "XLSX — формат для Excel"]:
        assert words in html, words
    count = re.search(r'id="result-count">([^<]*)<', html).group(1)
    assert count == "12 мероприятий, показаны 1–10"


@pytest.mark.django_db
def test_an_empty_list_and_the_search_page_read_in_russian(client):
    empty = client.get(ru("activities:event_list")).content.decode()
    assert "Нет мероприятий" in empty
    factories.EventFactory(title="Семинар по прекурсорам")
    from search.index import rebuild

    rebuild()
    found = client.get(ru("search:search"), {"q": "прекурсорам"}).content.decode()
    assert "1 результат" in found
    nothing = client.get(ru("search:search"), {"q": "zzzqqq"}).content.decode()
    assert "По запросу «zzzqqq» ничего не найдено." in nothing


@pytest.mark.django_db
def test_the_error_and_sign_in_pages_read_in_russian(client):
    missing = client.get(ru("home") + "no-such-page/")
    assert missing.status_code == 404
    assert "Страница не найдена" in missing.content.decode()
    login = client.get(ru("login")).content.decode()
    assert "Забыли пароль?" in login


# --------------------------------------------------------------------------------------------
# The password-reset e-mail
# --------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_reset_asked_from_a_russian_page_sends_a_russian_mail_linking_to_russian_pages(
    client, officer_user,
):
    response = client.post(ru("password_reset"), {"email": officer_user.email})
    assert response.status_code == 302
    drain()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Новый пароль для портала УНП ООН в Центральной Азии"
    assert "Здравствуйте" in message.body
    link = re.search(r"https?://[^/]+(/\S+/)", message.body).group(1)
    assert link.startswith("/ru/accounts/password/reset/")
    form = client.get(link, follow=True)
    assert "Выберите новый пароль" in form.content.decode()


@pytest.mark.django_db
def test_a_reset_asked_from_an_english_page_stays_english(client, officer_user):
    client.post(en("password_reset"), {"email": officer_user.email})
    drain()
    message = mail.outbox[0]
    assert message.subject == "New password for the UNODC Central Asia portal"
    assert "/ru/" not in message.body


# --------------------------------------------------------------------------------------------
# Downloads
# --------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_csv_downloaded_from_a_russian_page_keeps_english_column_names(client):
    factories.EventFactory(title="Семинар «Ёлка»")
    english = client.get(en("activities:event_export", "csv"))
    english_body = b"".join(english.streaming_content).decode("utf-8")
    response = client.get(ru("activities:event_export", "csv"))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), strict=True))
    english_rows = list(csv.reader(io.StringIO(english_body[1:])))
    assert rows[0] == english_rows[0]
    assert all(re.fullmatch(r"[ -~]+", header) for header in rows[0]), rows[0]
    assert any("Семинар «Ёлка»" in cell for cell in rows[1])
    assert body.endswith("\r\n")  # RFC 4180 line ends


def test_xlsx_headers_follow_the_language_and_csv_headers_stay_english(tmp_path):
    columns = Columns("things", (Column(gettext_lazy("Search"), "name"),
                                 Column(gettext_lazy("Rows per page"), "size")))
    with translation.override("ru"):
        assert columns.csv_headers == ["Search", "Rows per page"]
        assert columns.headers == ["Поиск", "Строк на странице"]
        target = tmp_path / "things.xlsx"
        write_xlsx(str(target), columns.headers, [["Ёж", 3], [True, 1]], "Things")
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0] == ("Поиск", "Строк на странице")
    assert rows[2][0] == "да"


# --------------------------------------------------------------------------------------------
# Sorting Cyrillic
# --------------------------------------------------------------------------------------------
NAMES = ["Жук", "Ёлка", "Дом", "Ель", "Аист"]


@pytest.mark.django_db
def test_russian_names_sort_in_alphabet_order_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("ICU collation is PostgreSQL's; SQLite's order of Cyrillic is not asserted")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu'")
        assert cursor.fetchone(), "this PostgreSQL has no ICU collation"
    for name in NAMES:
        factories.DonorFactory(name=name)
    with translation.override("ru"):
        names = list(DonorFilter({"sort": "name"}, queryset=Donor.objects.all()).qs
                     .values_list("name", flat=True))
        descending = list(DonorFilter({"sort": "-name"}, queryset=Donor.objects.all()).qs
                          .values_list("name", flat=True))
    # Ё sorts beside Е (as Е at first, then by the letters that follow), not before А.
    assert names == ["Аист", "Дом", "Ёлка", "Ель", "Жук"]
    assert descending == list(reversed(names))


@pytest.mark.django_db
def test_an_english_sort_is_the_columns_own_order():
    for name in ["Beta", "Alpha"]:
        factories.DonorFactory(name=name)
    with translation.override("en-gb"):
        query = str(DonorFilter({"sort": "name"}, queryset=Donor.objects.all()).qs.query)
        names = list(DonorFilter({"sort": "name"}, queryset=Donor.objects.all()).qs
                     .values_list("name", flat=True))
    assert "COLLATE" not in query
    assert names == ["Alpha", "Beta"]


# --------------------------------------------------------------------------------------------
# Breadcrumbs
# --------------------------------------------------------------------------------------------
BREADCRUMB = re.compile(r'<nav aria-label="[^"]*">\s*<ol class="breadcrumb">.*?</ol>', re.S)


@pytest.mark.django_db
def test_a_breadcrumb_names_the_list_in_russian_and_marks_an_english_title(client):
    untranslated = factories.EventFactory(title="Regional workshop")
    translated = factories.EventFactory(title="Border liaison meeting")
    translated.title_ru = "Совещание пограничных пунктов"
    translated.save()
    crumbs = BREADCRUMB.search(client.get(
        ru("activities:event_detail", slug=untranslated.slug)).content.decode()).group(0)
    assert "Главная" in crumbs and "Мероприятия" in crumbs
    assert '<span lang="en">Regional workshop</span>' in crumbs
    crumbs = BREADCRUMB.search(client.get(
        ru("activities:event_detail", slug=translated.slug)).content.decode()).group(0)
    assert "Совещание пограничных пунктов" in crumbs and 'lang="en"' not in crumbs
    english = BREADCRUMB.search(client.get(
        en("activities:event_detail", slug=untranslated.slug)).content.decode()).group(0)
    assert "Regional workshop" in english and 'lang="en"' not in english


def test_a_filter_label_first_read_in_english_still_reads_in_russian(db):
    """django-filter words a label made from the model field once and keeps it on the class's
    filter (the API schema reads them all): it must stay lazy, worded per reader."""
    from activities.filters import EventFilter

    with translation.override("en-gb"):
        assert str(EventFilter.base_filters["kind"].label) == "Kind"
        EventFilter.base_filters["kind"].field  # noqa: B018 — what schema generation does
    with translation.override("ru"):
        assert str(EventFilter().form["kind"].label) == "Вид"
    with translation.override("en-gb"):
        assert str(EventFilter().form["kind"].label) == "Kind"
