"""Indicators computed from the record (issue 16, point 2): events held, seizures in kilograms
and contributions received, each period's ``Actual`` for every indicator of one source at once.

Each source reads **one grouped query** for all the indicators given, whatever their projects
(the home page's headline indicators span several) and whatever the number of periods: rows
grouped by project, the date as known and whatever the figure is broken down by, so that their
number is bounded by the projects' own records, then placed in each period here.

The rules every source shares (and shares with the people sources, ``results.people``):

- **Placement.** A record with a date counts in the period holding that day. A record known only
  by its year counts in periods that cover the whole year; a shorter period that shares days
  with that year lists it beside the figure (``Unplaced``, "2011 (year only)"), never counts it.
  An event known by its month (no day) is placed the same way by the month. A record without
  even a year counts nowhere.
- **0 versus no data.** A period shows 0 when the project has records of that kind that could
  count (dated, or known by their year) but none falls in the period; "no data" only where no
  record of that kind can count at all.
- **World.** A real project counts real records only; a demo project (seen by demo accounts
  only) counts its own records, demo ones included.
- **Visibility.** Contributions are read through ``Contribution.objects.visible_to(user)``: the
  public counts published ones, a donor its own unpublished ones too, admins every one.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext, ngettext
from django_countries import countries

from activities.aggregates import NOT_RECORDED
from activities.models import Event, Seizure
from donors.models import Contribution
from donors.totals import MISSING_RATES_NAMED, UsdTotal, _grouped, _money_rows, _rolled_up
from results.models import Indicator, Period
from results.people import unplaced_label
from results.progress import Actual, Cell, Money, Unplaced

IN, OUT, UNPLACED, NEVER = "in", "out", "unplaced", "never"
ZERO = Decimal(0)


# --------------------------------------------------------------------------------------------
# Placement
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Known:
    """When a record happened, as far as it is known: the day, else the month, else the
    year."""

    date: datetime.date | None = None
    year: int | None = None
    month: int | None = None

    @property
    def countable(self) -> bool:
        """Known well enough to count in some period."""
        return bool(self.date or self.year)

    def span(self) -> tuple[datetime.date, datetime.date] | None:
        if self.date:
            return self.date, self.date
        if not self.year:
            return None
        if self.month:
            first = datetime.date(self.year, self.month, 1)
            following = datetime.date(self.year + self.month // 12, self.month % 12 + 1, 1)
            return first, following - datetime.timedelta(days=1)
        return datetime.date(self.year, 1, 1), datetime.date(self.year, 12, 31)

    def place(self, period: Period) -> str:
        """IN the period, OUT of it, UNPLACED (known only by a year or month that the period
        covers in part) or NEVER (no year at all)."""
        span = self.span()
        if span is None:
            return NEVER
        first, last = span
        if period.start <= first and last <= period.end:
            return IN
        if last < period.start or first > period.end:
            return OUT
        return UNPLACED

    def label(self) -> str:
        """How an unplaced record is named beside the figure: the people sources' wording
        ("2011 (year only, not placed)"), so that every indicator says it alike."""
        return unplaced_label(self.year, self.month)


class ByYear:
    """Records indexed by the year they are known by, so that a period reads only those of the
    years it shares days with: the work grows with the records and the periods, not with their
    product (the headline's indicators have many periods over projects with many records)."""

    def __init__(self, records, known_of):
        self.years: dict[int, list] = defaultdict(list)
        for record in records:
            known = known_of(record)
            year = known.date.year if known.date else known.year
            if year:
                self.years[year].append((known, record))

    def around(self, period: Period):
        """(IN or UNPLACED, known, record) for the records the period counts or lists."""
        for year in range(period.start.year, period.end.year + 1):
            for known, record in self.years.get(year, ()):
                where = known.place(period)
                if where in (IN, UNPLACED):
                    yield where, known, record


def _real_or_demo_project(prefix: str = "", project: str = "project") -> Q:
    """Real records, or any record of a demo project (its own world)."""
    return Q(**{f"{prefix}is_demo": False}) | Q(**{f"{project}__is_demo": True})


def project_of(indicator: Indicator) -> int:
    return indicator.result.project_id


def _kg_text(value: Decimal) -> str:
    """12.500 kg → "12.5" (Russian «12,5»), grouped as the seizure pages print it."""
    text = number_format(value.quantize(Decimal("0.001")), 3, use_l10n=True,
                         force_grouping=True)
    separator = get_format("DECIMAL_SEPARATOR", use_l10n=True)
    if separator in text:
        text = text.rstrip("0").rstrip(separator)
    return text


def _count_text(value: int) -> str:
    return number_format(value, 0, use_l10n=True, force_grouping=True)


def _unplaced(totals: dict[Known, Decimal]) -> list[Unplaced]:
    return [Unplaced(known.label(), value)
            for known, value in sorted(totals.items(),
                                       key=lambda item: (item[0].year, item[0].month or 0))]


# --------------------------------------------------------------------------------------------
# Events held
# --------------------------------------------------------------------------------------------
def events_held(indicators: list[Indicator], user=None) -> dict[int, Actual]:
    """The project's events of the indicator's kinds held in each period (by their start).
    One grouped query over the projects' events."""
    indicators = [i for i in indicators if i.source == Indicator.Source.EVENTS_HELD]
    if not indicators:
        return {}
    through = Event.projects.through
    kinds = {kind for i in indicators for kind in (i.event_kinds or [])}
    rows = through.objects.filter(project_id__in={project_of(i) for i in indicators})
    if kinds and all(i.event_kinds for i in indicators):
        rows = rows.filter(event__kind__in=kinds)
    rows = (
        rows.filter(_real_or_demo_project("event__"))
        .values("project_id", "event__kind", "event__start_date", "event__year", "event__month")
        .annotate(n=Count("event_id", distinct=True))
        .order_by()
    )
    by_project: dict[int, list[tuple[str, Known, int]]] = defaultdict(list)
    for row in rows:
        known = Known(row["event__start_date"], row["event__year"], row["event__month"])
        by_project[row["project_id"]].append((row["event__kind"], known, row["n"]))
    out = {}
    for indicator in indicators:
        wanted = set(indicator.event_kinds or [])
        records = [(known, n) for kind, known, n in by_project.get(project_of(indicator), ())
                   if not wanted or kind in wanted]
        countable = any(known.countable for known, _ in records)
        index = ByYear(records, lambda record: record[0])
        for period in indicator.periods.all():
            if not countable:
                out[period.pk] = Actual(Actual.NO_DATA)
                continue
            total, unplaced = 0, defaultdict(lambda: ZERO)
            for where, known, (_, n) in index.around(period):
                if where == IN:
                    total += n
                else:
                    unplaced[known] += n
            out[period.pk] = Actual(Actual.VALUE, Decimal(total), unplaced=_unplaced(unplaced))
    return out


# --------------------------------------------------------------------------------------------
# Seizures in kilograms
# --------------------------------------------------------------------------------------------
def seizures_kg(indicators: list[Indicator], user=None) -> dict[int, Actual]:
    """Kilograms of the indicator's substance seized under the project in each period:
    individual seizures only (aggregate figures are never added), by country as the seizure
    pages list them (seizures are not personal data: no group is hidden). Seizures whose
    kilograms are not known are said in the note, not added. One grouped query."""
    indicators = [i for i in indicators
                  if i.source == Indicator.Source.SEIZURES_KG and i.substance_id]
    if not indicators:
        return {}
    rows = (
        Seizure.objects.filter(
            kind=Seizure.Kind.INDIVIDUAL,
            project_id__in={project_of(i) for i in indicators},
            substance_id__in={i.substance_id for i in indicators},
        )
        .filter(_real_or_demo_project())
        .values("project_id", "substance_id", "date", "year", "country__code")
        .annotate(kg=Sum("quantity_kg"), n=Count("pk"),
                  unknown=Count("pk", filter=Q(quantity_kg__isnull=True)))
        .order_by()
    )
    by_key: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for row in rows:
        row["known"] = Known(row["date"], row["year"])
        by_key[row["project_id"], row["substance_id"]].append(row)
    out = {}
    for indicator in indicators:
        records = by_key.get((project_of(indicator), indicator.substance_id), [])
        countable = any(r["known"].countable and r["kg"] is not None for r in records)
        index = ByYear(records, lambda row: row["known"])
        for period in indicator.periods.all():
            out[period.pk] = _seizure_actual(period, index, countable)
    return out


def _seizure_actual(period: Period, index: ByYear, countable: bool) -> Actual:
    total, unknown = ZERO, 0
    by_country: dict[str, Decimal] = defaultdict(lambda: ZERO)
    unplaced: dict[Known, Decimal] = defaultdict(lambda: ZERO)
    for where, known, row in index.around(period):
        if where == IN:
            unknown += row["unknown"]
            if row["kg"] is not None:
                total += row["kg"]
                by_country[row["country__code"] or ""] += row["kg"]
        elif row["kg"] is not None:
            unplaced[known] += row["kg"]
    note = ngettext(
        "%(count)s seizure whose weight in kilograms is not known is not added.",
        "%(count)s seizures whose weight in kilograms is not known are not added.", unknown,
    ) % {"count": _count_text(unknown)} if unknown else ""
    if not countable:
        return Actual(Actual.NO_DATA, note=note)
    cells = [
        Cell(code, (countries.name(code) or code) if code else str(NOT_RECORDED), kg,
             _kg_text(kg))
        for code, kg in by_country.items()
    ]
    # Largest first, as the seizure totals list them; ties by name.
    cells.sort(key=lambda cell: (-cell.value, cell.label))
    return Actual(Actual.VALUE, total, breakdown={"country": cells} if cells else {},
                  unplaced=_unplaced(unplaced), note=note)


# --------------------------------------------------------------------------------------------
# Contributions received
# --------------------------------------------------------------------------------------------
def contributions_received(indicators: list[Indicator], user) -> dict[int, Actual]:
    """Contributions received for the project in each period, as ``user`` may see them: the
    amounts per currency (never added across currencies) and their stored US-dollar
    equivalents added up (``donors.totals``), partial where some lack a rate. One grouped
    query (``donors.totals._grouped``)."""
    indicators = [i for i in indicators
                  if i.source == Indicator.Source.CONTRIBUTIONS_RECEIVED]
    if not indicators:
        return {}
    contributions = (
        Contribution.objects.visible_to(user)
        .filter(status=Contribution.Status.RECEIVED,
                project_id__in={project_of(i) for i in indicators})
        .filter(_real_or_demo_project())
        .order_by()
    )
    by_project: dict[int, list[dict]] = defaultdict(list)
    for row in _grouped(contributions, "project_id", "date", "year"):
        row["known"] = Known(row["date"], row["year"])
        by_project[row["project_id"]].append(row)
    out = {}
    for indicator in indicators:
        records = by_project.get(project_of(indicator), [])
        countable = any(r["known"].countable for r in records)
        index = ByYear(records, lambda row: row["known"])
        for period in indicator.periods.all():
            out[period.pk] = (_money_actual(period, index) if countable
                              else Actual(Actual.NO_DATA))
    return out


def _money_actual(period: Period, index: ByYear) -> Actual:
    placed = []
    unplaced: dict[tuple[Known, str], Decimal] = defaultdict(lambda: ZERO)
    for where, known, row in index.around(period):
        if where == IN:
            placed.append(row)
        elif row["total"] is not None:
            unplaced[known, row["currency"]] += row["total"]
    rows = _money_rows(_rolled_up(placed), lambda r: r["currency"], lambda r: "",
                       lambda r: r["currency"])
    lines = [line for row in rows for line in row.lines]
    has_usd = not lines or any(line.usd is not None for line in lines)
    across = UsdTotal.of(rows)  # two currencies or more: their equivalents added up
    if across is not None:
        usd, missing = across.usd, across.missing
    else:
        usd = lines[0].usd if lines and lines[0].usd is not None else ZERO
        missing = lines[0].missing if lines else []
    notes = []
    if missing:
        named = ", ".join(str(m) for m in missing[:MISSING_RATES_NAMED])
        if len(missing) > MISSING_RATES_NAMED:
            named += ", " + ngettext("%(count)s more", "%(count)s more",
                                     len(missing) - MISSING_RATES_NAMED) % {
                "count": len(missing) - MISSING_RATES_NAMED}
        notes.append(gettext("US dollars partial: %(missing)s.") % {"missing": named}
                     if has_usd and lines
                     else gettext("No US-dollar equivalent: %(missing)s.") % {"missing": named})
    without = sum(row.without_amount for row in rows)
    if without:
        notes.append(ngettext("%(count)s contribution without a stated amount.",
                              "%(count)s contributions without a stated amount.", without)
                     % {"count": _count_text(without)})
    return Actual(
        Actual.VALUE, usd if has_usd else None,
        unplaced=[
            Unplaced(gettext("%(when)s, %(currency)s") % {"when": known.label(),
                                                          "currency": currency}, amount)
            for (known, currency), amount in sorted(unplaced.items(),
                                                    key=lambda i: (i[0][0].year, i[0][1]))
        ],
        per_currency=[Money(line.currency, line.total) for line in lines],
        usd=usd if has_usd else None,
        usd_partial=bool(missing),
        note=" ".join(notes),
    )
