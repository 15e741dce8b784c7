# ruff: noqa: RUF001, RUF002, RUF003 (Russian text, no-break spaces and en dashes are what these tests read)
"""Donors and money in Russian (under /ru/): amounts grouped the Russian way (3 000 000 EUR, a
no-break space between groups, a decimal comma), the US-dollar total and its notes, the rate
notes with their months, plural forms (1 / 2–4 / 5+), filter labels and choices, and XLSX
headers in the reader's language while CSV keeps its English column names. The English pages
are unchanged at their old addresses."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from lxml import html as lxml_html
from openpyxl import load_workbook

from donors.currency import MissingRate, UsdEquivalent
from donors.templatetags.money_lines import money, money_short
from tests import factories

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def ru(name, *args):
    """The Russian address of a page."""
    with translation.override("ru"):
        return reverse(name, args=args)


def en(name, *args):
    """The English address of a page (whatever language a previous request left active)."""
    with translation.override("en-gb"):
        return reverse(name, args=args)


def squeeze(text: str) -> str:
    """Runs of spaces and line breaks as one space; no-break spaces kept (str.split() would
    take them for spaces)."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def page_text(response) -> str:
    assert response.status_code == 200
    return squeeze(lxml_html.fromstring(response.content.decode()).text_content())


def content(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def rate(currency, year, month, usd):
    factories.ExchangeRateFactory(currency=currency, month=datetime.date(year, month, 1),
                                  usd_per_unit=Decimal(usd))


@pytest.fixture
def money_rows(db):
    """One contribution in EUR, two in GBP and five in USD (the three Russian plural forms),
    all of April 2011; EUR has its rate, GBP has none."""
    canada = factories.DonorFactory(slug="canada", name="Canada")
    rate("EUR", 2011, 4, "1.4")
    factories.ContributionFactory(donor=canada, amount=Decimal(3000000), currency="EUR")
    for _ in range(2):
        factories.ContributionFactory(donor=canada, amount=Decimal("1234.5"), currency="GBP")
    for _ in range(5):
        factories.ContributionFactory(donor=canada, amount=Decimal(100000), currency="USD")
    return canada


# Numbers and money ------------------------------------------------------------------------
def test_money_is_grouped_with_no_break_spaces_and_the_currency_after_it_in_russian():
    with translation.override("ru"):
        assert money(Decimal(3000000), "EUR") == f"3{NBSP}000{NBSP}000 EUR"
        assert money(Decimal("1234.5"), "USD") == f"1{NBSP}234,50 USD"
        assert money(Decimal("-1234567.891"), "USD") == f"-1{NBSP}234{NBSP}567,89 USD"
        assert money(None, "USD") == "сумма не указана"
        assert money_short(Decimal("4323456.78")) == "4,3 млн USD"
        assert money_short(Decimal(812000), "EUR") == "812 тыс. EUR"
        assert money_short(Decimal("2500000000")) == "2,5 млрд USD"


def test_money_in_english_reads_as_before():
    with translation.override("en-gb"):
        assert money(Decimal(3000000), "EUR") == "EUR 3,000,000"
        assert money(Decimal("1234.5"), "USD") == "USD 1,234.50"
        assert money(Decimal("0.125"), "USD") == "USD 0.12"  # half to even, as before
        assert money(None, "USD") == "amount not stated"
        assert money_short(Decimal("4323456.78")) == "USD 4.3 million"
        assert money_short(Decimal(999999)) == "USD 1 million"


def test_rate_notes_name_the_months_in_russian():
    line = UsdEquivalent("EUR")
    line.add(datetime.date(2010, 7, 1), Decimal(10), Decimal(14))
    line.add(datetime.date(2011, 3, 1), Decimal(10), Decimal(14))
    line.add(datetime.date(2011, 7, 1), Decimal(10), None)
    with translation.override("ru"):
        assert line.rate_note == ("по месячным курсам за июль 2010 – март 2011; "
                                  "нет курса EUR за июль 2011")
        assert str(MissingRate("GBP", None)) == "у суммы в GBP нет даты, поэтому нет курса"
    with translation.override("en-gb"):
        assert line.rate_note == ("at the monthly rates of July 2010 to March 2011; "
                                  "no rate for EUR, July 2011")


# Pages ------------------------------------------------------------------------------------
def test_the_contributions_list_reads_in_russian(client, money_rows):
    text = page_text(client.get(ru("donors:contribution_list")))
    for words in ("Взносы", "Итоги", "По донорам", "По проектам", "По годам", "Суммы",
                  "Неполный итог в долларах США", "нет курса GBP за апрель 2011",
                  "суммы без курса не учтены", f"3{NBSP}000{NBSP}000 EUR",
                  f"≈ 4{NBSP}200{NBSP}000 USD, по курсу за апрель 2011",
                  "Число взносов по донорам и годам", "Суммы в EUR по донорам и годам",
                  "15 апреля 2011"):
        assert words in text, words
    # 1 / 2–4 / 5+ under the figures per currency
    assert "1 взнос " in text and "2 взноса" in text and "5 взносов" in text
    # The partial total: "по 6 из 8 взносов"
    assert "по 6 из 8 взносов" in text
    for english in ("Totals", "By donor", "Partial total", "no rate for", "per donor"):
        assert english not in text, english


def test_the_us_dollar_total_reads_in_russian_when_every_rate_is_known(client):
    rate("EUR", 2011, 4, "1.4")
    factories.ContributionFactory(amount=Decimal(3000000), currency="EUR")
    factories.ContributionFactory(amount=Decimal("123456.78"), currency="USD")
    html = client.get(ru("donors:contribution_list")).content.decode()
    card = squeeze(lxml_html.fromstring(html).find_class("usd-total")[0].text_content())
    assert card == (f"Итого в долларах США 4,3 млн USD по всем 2 взносам с указанной суммой "
                    f"4{NBSP}323{NBSP}456,78 USD: эквиваленты в долларах США по операционному "
                    "курсу ООН за месяц каждого взноса.")


def test_the_english_contributions_list_is_unchanged(client, money_rows):
    text = page_text(client.get(en("donors:contribution_list")))
    assert "EUR 3,000,000" in text and "at the rate of April 2011" in text
    assert "no rate for GBP, April 2011" in text and "5 contributions" in text
    assert "15 Apr 2011" in text
    assert "Взносы" not in text


def test_the_filters_and_their_choices_read_in_russian(client, money_rows):
    doc = lxml_html.fromstring(client.get(ru("donors:contribution_list")).content.decode())
    labels = " ".join(" ".join(label.text_content().split()) for label in doc.iter("label"))
    assert "Поиск по донору, проекту и переданному" in labels
    assert "Год с" in labels and "Год по" in labels
    options = [" ".join(o.text_content().split()) for o in doc.iter("option")]
    assert "Сумма, по возрастанию" in options and "Сумма, по убыванию" in options
    assert "Любой" in options


def test_the_donor_page_reads_in_russian(client, money_rows):
    text = page_text(client.get(ru("donors:donor_detail", "canada")))
    for words in ("Взносы", "Проекты, в которые вносит взносы этот донор",
                  "Фильтры, сортировка и итоги этих взносов", f"3{NBSP}000{NBSP}000 EUR"):
        assert words in text, words


def test_the_donor_list_reads_in_russian(client, money_rows):
    text = page_text(client.get(ru("donors:donor_list")))
    assert "Доноры" in text and "Правительства, межправительственные органы" in text
    doc = lxml_html.fromstring(client.get(ru("donors:donor_list")).content.decode())
    options = [" ".join(o.text_content().split()) for o in doc.iter("option")]
    assert "Название, от А до Я" in options


def test_the_donor_workspace_reads_in_russian(client, donor_user):
    donor = donor_user.donor_account.donor
    factories.ContributionFactory(donor=donor, amount=Decimal(50000), currency="EUR",
                                  is_published=False)
    client.force_login(donor_user)
    text = page_text(client.get(ru("donors:my_contributions")))
    for words in ("Мои взносы", "опубликованные и нет", "Не опубликовано",
                  f"50{NBSP}000 EUR", "нет эквивалента в долларах США: нет курса EUR за "
                  "апрель 2011"):
        assert words in text, words


# Downloads --------------------------------------------------------------------------------
def test_xlsx_headers_follow_the_readers_language_and_csv_keeps_english(client, money_rows):
    xlsx = content(client.get(ru("donors:contribution_export", "xlsx")))
    sheet = load_workbook(io.BytesIO(xlsx), read_only=True).worksheets[0]
    headers = next(sheet.iter_rows(values_only=True))
    assert headers[:4] == ("Ключ", "Донор", "Ключ донора", "Проект")
    assert "Эквивалент в долларах США" in headers

    english = content(client.get(en("donors:contribution_export", "xlsx")))
    sheet = load_workbook(io.BytesIO(english), read_only=True).worksheets[0]
    assert next(sheet.iter_rows(values_only=True))[:2] == ("Key", "Donor")

    text = content(client.get(ru("donors:contribution_export", "csv"))).decode("utf-8")
    header = next(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header[:4] == ["Key", "Donor", "Donor key", "Project"]
    assert "US-dollar equivalent" in header

    donors = content(client.get(ru("donors:donor_export", "xlsx")))
    sheet = load_workbook(io.BytesIO(donors), read_only=True).worksheets[0]
    assert next(sheet.iter_rows(values_only=True))[:3] == ("Ключ", "Название", "Вид")
