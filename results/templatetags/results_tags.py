"""How a results framework reads on a page: the project page's "Results" section and the home
page's headline indicators (issue 16, point 3).

The pages pass in what ``results.progress.framework(project, user)`` and
``results.progress.headline(user)`` give; nothing here queries the database, so a framework
adds only its own fixed queries to a page. Every figure is the ``Actual`` as that reader may see
it: a pending actual reaches these templates only for officers and admins, and is marked so.

- ``{% results_framework rows %}`` — outcomes with their outputs nested, each indicator with its
  unit, baseline and, per period, target, actual and progress against the target: a table,
  and a chart of the same numbers (``includes/chart.html``, described by that table);
- ``{% headline_indicators rows %}`` — the compact list of the home page;
- filters ``figure`` (a value in the reader's language), ``period_label`` and ``percent``.
"""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, pgettext

from donors.currency import USD
from results.models import Indicator
from results.progress import Actual, IndicatorRow, PeriodRow
from unodc_portal.core.templatetags.portal import money

register = template.Library()

DASH = "\u2013"  # en dash, for ranges


def _decimal_text(value: Decimal, places: int) -> str:
    """The value with the language's digit grouping and decimal separator, trailing zeros of
    the decimals dropped: 1234.50 → "1,234.5" (Russian «1 234,5»)."""
    text = number_format(Decimal(value).quantize(Decimal(1).scaleb(-places)), places,
                         use_l10n=True, force_grouping=True)
    if places:
        separator = get_format("DECIMAL_SEPARATOR", use_l10n=True)
        if separator in text:
            text = text.rstrip("0").rstrip(separator)
    return text


@register.filter
def figure(value, indicator: Indicator | None = None) -> str:
    """A target, an actual or a baseline in the reader's language; a percentage with its sign.
    Empty for None (the templates say what is missing in words)."""
    if value is None:
        return ""
    places = 0 if indicator is not None and indicator.measure == Indicator.Measure.COUNT else 2
    text = _decimal_text(value, places)
    if indicator is not None and indicator.measure == Indicator.Measure.PERCENTAGE:
        # Translators: a percentage; Russian puts a no-break space before the sign.
        return gettext("%(number)s%%") % {"number": text}
    return text


@register.filter
def percent(value) -> str:
    """Progress against target: "75%" ("75,5 %" in Russian); empty for None."""
    if value is None:
        return ""
    return gettext("%(number)s%%") % {"number": _decimal_text(value, 1)}


@register.filter
def period_label(period) -> str:
    """A period as people say it: "2011" for a calendar year, else its first and last days."""
    if period.is_year:
        return str(period.start.year)
    return f"{date_format(period.start, 'j E Y')} {DASH} {date_format(period.end, 'j E Y')}"


def _chart_number(row: PeriodRow):
    actual = row.actual
    if actual.state == Actual.VALUE and actual.value is not None:
        return float(actual.value)
    return None


def progress_chart_spec(row: IndicatorRow) -> dict | None:
    """Target and actual per period as grouped bars (static/js/charts.js), or None where no
    period has a number to draw. Only values every reader of this page may see are drawn: a
    pending actual stays in the table, marked."""
    periods = row.periods
    targets = [float(p.target) if p.target is not None else None for p in periods]
    actuals = [_chart_number(p) for p in periods]
    if all(v is None for v in targets + actuals):
        return None
    indicator = row.indicator
    return {
        "type": "bar",
        "labels": [period_label(p.period) for p in periods],
        "datasets": [
            {"label": gettext("Target"), "data": targets},
            {"label": gettext("Actual"), "data": actuals},
        ],
        "x_title": gettext("Period"),
        "y_title": indicator.unit or indicator.get_measure_display(),
        "series_title": gettext("Figure"),
        "counts": indicator.measure == Indicator.Measure.COUNT,
    }


@register.inclusion_tag("results/includes/progress.html")
def results_framework(rows, heading_id="results-heading"):
    """The "Results" section of a project page; nothing at all when ``rows`` is empty (the
    project has no framework, or none this reader may see)."""
    return {"rows": rows, "heading_id": heading_id}


@register.inclusion_tag("results/includes/progress_indicator.html")
def indicator_progress(row: IndicatorRow, heading_tag="h4"):
    """One indicator: unit, baseline, the table of its periods and the chart of the same
    numbers (the chart described by the table, ``aria-describedby``)."""
    element_id = f"indicator-{row.indicator.key}"
    return {
        "row": row,
        "indicator": row.indicator,
        "heading_tag": heading_tag,
        "element_id": element_id,
        "table_id": f"{element_id}-table",
        "chart_id": f"{element_id}-chart",
        "chart_spec": progress_chart_spec(row),
        "chart_title": gettext("%(indicator)s: target and actual per period")
        % {"indicator": row.indicator.title},
        "shows_progress": any(p.progress is not None for p in row.periods),
    }


@register.inclusion_tag("results/includes/progress_actual.html")
def actual_figure(actual: Actual, indicator: Indicator):
    """A period's actual in words: its number (or amounts per currency and in US dollars,
    "partial" where some lack a rate), "pending approval" (officers and admins only reach
    this), "no data", or the note as worded; the records listed beside it, not counted."""
    return {"actual": actual, "indicator": indicator, "state": actual.state}


@register.simple_tag
def actual_money(actual: Actual) -> str:
    """Contributions received: the amount in each currency (never added across currencies),
    then their US-dollar equivalents added up, marked "partial" where some amounts have no rate
    for their month (left out, never counted as zero). In the portal's one money format
    (``unodc_portal.core.templatetags.portal.money``, as ``money_line`` prints it)."""
    html = format_html_join("", '<span class="d-block money actual-money">{}</span>',
                            ((money(row.amount, row.currency),) for row in actual.per_currency))
    if actual.usd is None:
        return html
    partial = ""
    if actual.usd_partial:
        partial = format_html(
            ' <span class="badge text-bg-light border usd-partial" title="{}">{}</span>',
            gettext("Some of these amounts have no exchange rate for their month: they are "
                    "left out of the US-dollar figure, not counted as zero."),
            pgettext("a US-dollar total missing some rates", "partial"),
        )
    return html + format_html('<span class="d-block actual-usd">{}{}</span>',
                              money(actual.usd, USD), partial)


@register.filter
def breakdown_title(dimension: str) -> str:
    """"By sex", "By country": the title of one of an actual's breakdowns."""
    titles = {"sex": gettext("By sex"), "country": gettext("By country")}
    return titles.get(dimension, dimension)


def latest(row: IndicatorRow) -> PeriodRow | None:
    """The period the home page shows: the latest one with a figure, else the latest one."""
    with_figure = [p for p in row.periods if p.actual.state != Actual.NO_DATA]
    chosen = with_figure or row.periods
    return max(chosen, key=lambda p: (p.period.end, p.period.start)) if chosen else None


@register.inclusion_tag("results/includes/progress_headline.html")
def headline_indicators(rows):
    """The home page's headline indicators, compact: each one's latest figure against its
    target, linking to its project's results."""
    return {"items": [(row, latest(row)) for row in rows]}


@register.simple_tag
def state_label(actual: Actual) -> str:
    """The state of an actual in words, where it has no number to show (the API gives it as
    ``state_label`` beside the code)."""
    return {
        Actual.VALUE: "",
        Actual.NO_DATA: pgettext("indicator actual", "no data"),
        Actual.PENDING: gettext("pending approval"),
        Actual.QUALITATIVE: gettext("stated in words"),
    }.get(actual.state, "")
