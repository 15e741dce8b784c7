"""Template filters and tags shared by the public pages: dates as reported, quantities, money,
excerpts, sortable column headers and charts.

Dates, numbers and money are in the reader's language: "24-25 March 2011", "1,234.5 kg",
"EUR 3,000,000" in English; «24-25 марта 2011», «1 234,5 кг», «3 000 000 EUR» in Russian (the
day's month in the genitive, Django's ``E``; a month without a day in the nominative, ``F``;
groups of digits split by a no-break space; ranges with an en dash)."""

import datetime
from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format, number_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext

register = template.Library()

DASH = "\u2013"  # en dash, for ranges: 21-25 February 2011
# A day and its month: the month in the genitive where the language has one («24 марта 2011»).
DAY_MONTH_YEAR = "j E Y"
DAY_MONTH = "j E"


def _number(value, places: int) -> str:
    """1234.500 → "1,234.5" (Russian: «1 234,5»); whole numbers without decimals."""
    text = _grouped(Decimal(value), places)
    if places:
        separator = get_format("DECIMAL_SEPARATOR", use_l10n=True)
        if separator in text:
            text = text.rstrip("0").rstrip(separator)
    return text


def _grouped(value: Decimal, places: int) -> str:
    """``value`` rounded as Python's format rounds (half to even), with the language's digit
    grouping and decimal separator."""
    rounded = value.quantize(Decimal(1).scaleb(-places))
    return number_format(rounded, places, use_l10n=True, force_grouping=True)


def month_year(year: int, month: int) -> str:
    """"March 2011", «март 2011» (the month alone: nominative, lower case in Russian)."""
    text = date_format(datetime.date(year, month, 1), "F Y")
    return text if (get_language() or "en").startswith("en") else text[:1].lower() + text[1:]


@register.filter
def reported_dates(record) -> str:
    """``reported_dates_text`` for a page: the wording as reported is the source's English, so
    on a page in another language it is marked ``lang="en"``."""
    text = reported_dates_text(record)
    if (text and not record.start_date and record.date_wording
            and not (get_language() or "en").startswith("en")):
        return format_html('<span lang="en">{}</span>', text)
    return text


def reported_dates_text(record) -> str:
    """The dates of a record with a ``ReportedPeriod`` (events, articles): the days where known
    ("21-25 February 2011", with an en dash), else the wording as reported ("late April 2011"),
    else the month or year."""
    start, end = record.start_date, record.end_date
    if start:
        if not end or end == start:
            return date_format(start, DAY_MONTH_YEAR)
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}{DASH}{date_format(end, DAY_MONTH_YEAR)}"
        if start.year == end.year:
            return f"{date_format(start, DAY_MONTH)} {DASH} {date_format(end, DAY_MONTH_YEAR)}"
        return f"{date_format(start, DAY_MONTH_YEAR)} {DASH} {date_format(end, DAY_MONTH_YEAR)}"
    if record.date_wording:
        if record.year and str(record.year) not in record.date_wording:
            return f"{record.date_wording} {record.year}"
        return record.date_wording
    if record.year:
        return month_year(record.year, record.month) if record.month else str(record.year)
    return ""


@register.filter
def seizure_period(seizure) -> str:
    """When a seizure happened: its day, its year, or the period as reported ("since 2008")."""
    if seizure.date:
        return date_format(seizure.date, DAY_MONTH_YEAR)
    years = ""
    if seizure.year:
        years = str(seizure.year)
        if seizure.end_year and seizure.end_year != seizure.year:
            years = f"{seizure.year}{DASH}{seizure.end_year}"
    wording = seizure.period_wording
    if wording and years and years not in wording:
        return f"{wording} ({years})"
    return wording or years


def _qualifier(seizure) -> str:
    if seizure.qualifier == type(seizure).Qualifier.EXACT:
        return ""
    return f"{seizure.get_qualifier_display()} "


@register.filter
def quantity(seizure) -> str:
    """The quantity as reported, with its qualifier: "more than 40 tonnes"."""
    return f"{_qualifier(seizure)}{_number(seizure.quantity, 3)} {seizure.get_unit_display()}"


@register.filter
def quantity_kg(seizure) -> str:
    """The quantity in kilograms with the same qualifier: "more than 40,000 kg"."""
    if seizure.quantity_kg is None:
        return ""
    return f"{_qualifier(seizure)}{kg(seizure.quantity_kg)}"


@register.filter
def kg(value) -> str:
    return "" if value is None else gettext("%(number)s kg") % {"number": _number(value, 3)}


@register.simple_tag
def money(amount, currency) -> str:
    """"EUR 3,000,000" (Russian: «3 000 000 EUR»)."""
    if amount is None:
        return gettext("amount not stated")
    amount = Decimal(amount)
    places = 0 if amount == amount.to_integral_value() else 2
    text = _grouped(amount, places)
    if not currency:
        return text
    # Translators: an amount of money; Russian puts the currency after the amount.
    return gettext("%(currency)s %(amount)s") % {"currency": currency, "amount": text}


@register.filter
def count(value) -> str:
    return intcomma(value)


@register.filter
def excerpt(text, words: int = 40) -> str:
    """The first paragraph of a body, cut to ``words`` words."""
    paragraphs = (text or "").replace("\r\n", "\n").split("\n\n")  # CRLF from a textarea
    first = next((p.strip() for p in paragraphs if p.strip()), "")
    return Truncator(" ".join(first.split())).words(words, truncate="…")


@register.inclusion_tag("includes/sort_th.html", takes_context=True)
def sort_th(context, param: str, label: str, css: str = ""):
    """A sortable column header: a link that sorts by ``param``, then reverses it."""
    request = context["request"]
    current = request.GET.get("sort", "")
    direction = "ascending" if current == param else "descending" if current == f"-{param}" else ""
    query = request.GET.copy()
    query["sort"] = f"-{param}" if current == param else param
    query.pop("page", None)
    return {"label": label, "href": f"?{query.urlencode()}", "direction": direction, "css": css}


@register.inclusion_tag("includes/chart.html")
def chart(spec: dict, element_id: str, title: str = "", table_id: str = ""):
    """A Chart.js chart drawn by static/js/charts.js from ``spec`` (passed through json_script).

    Its numbers are in a table for readers without JavaScript: the table ``table_id`` on the
    page, or else one rendered here from the same data.
    """
    title = title or spec.get("title", "")
    rows = []
    if not table_id:
        # One row per series (donor, substance), one column per category (year).
        for dataset in spec.get("datasets", []):
            shown = dataset.get("display")
            rows.append((dataset["label"], [
                shown[index] if shown else _number(value, 3) if value else "—"
                for index, value in enumerate(dataset["data"])
            ]))
    return {
        "spec": spec, "element_id": element_id, "data_id": f"{element_id}-data",
        "title": title, "table_id": table_id, "rows": rows, "columns": spec.get("labels", []),
        "series_title": spec.get("series_title", ""),
    }
