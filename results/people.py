"""Indicators computed from the participant record (issue 16, point 2): people trained and
participants reported, per period of each indicator. ``results.compute`` calls them.

- **People trained** — the *distinct* participants with an "attended" participation at the
  project's events placed in the period (only events of the indicator's ``event_kinds`` when it
  names some). A yearly period is counted over the year, never added up from its quarters: a
  person trained twice in the year is one person.
- **Participants reported** — the counts the record reports for the same events
  (``Event.reported_participants``: "over forty one" is 41), added up. A separate indicator:
  the two figures are never added together.

Which records count (the world): a real project counts real records only (a participation, its
participant and its event all real, as ``Participation.objects.real()``); a demo project
(``is_demo``, seen by demo accounts only) counts everything at its own events, demo included.

Placing an event in a period: by its start date when it is known; an event known only by its
year and month counts in periods that cover the whole month; one known only by its year, in
periods that cover the whole year (``Period.covers_year``). A period that overlaps such a month
or year without covering it lists those events beside the figure (``Unplaced``, "2011 (year
only, not placed)"): the distinct attendees (or the reported counts) of those events, never
counted in the figure. Events without even a year cannot be placed anywhere and count nowhere.

"0" or "no data": an indicator whose project has at least one record that could count (an
attended participation at a dated event of those kinds; an event of those kinds with a reported
count) shows a number in every period, 0 where none falls in it; otherwise each period reads
"no data".

People trained carry breakdowns by sex and by country, protected by the portal's one
small-group rule (``activities.privacy.protect``: a group of 1 or 2 reads "fewer than 3", the
smallest other group "not shown", hidden groups after the shown ones), with the register's
labels ("Not recorded" for a person without a country). A reader without the right to personal
data sees a project's breakdowns only where none of its people-trained periods hides a group
(``publishable()``: periods nest and indicators overlap, so one shown breakdown would bound
another's hidden groups); officers and admins see each period's protected cells.

Queries: a fixed number for any number of indicators, periods and participations — people
trained two (the attendees by sex and country, which also tell which indicators have records;
the unplaced events), reported participants two (the totals; the unplaced events). People
trained join the batch's periods (a ``VALUES`` list) to the events placed in them and count
each (period, sex, country) with one ``COUNT(DISTINCT)``, so a participation is read once per
period it falls in (``_attendees``). At 1,000,000 participations
(``benchmarks/results_compute.py --sizes 1m``) a 50-period framework computes in about 70-125
ms cold and a headline in 0.4-0.7 s, against 275-550 ms and 3.5-4.7 s with one filtered
distinct column per period (medians, on a shared machine). Reported participants stay
filtered aggregate columns (sums, no distinct). Pages read the figures through
``results.compute``, which decides what is kept.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import operator
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils.dates import MONTHS
from django.utils.functional import lazy
from django.utils.translation import gettext

from activities.aggregates import BY_COUNTRY, BY_SEX, _country_label
from activities.models import Event, Participant, Participation
from activities.privacy import protect
from results.models import Indicator, Period
from results.progress import Actual, Cell, Unplaced
from unodc_portal.core.roles import can_see_personal_data, is_demo_user

ATTENDED = Participation.Status.ATTENDED


def people_trained(indicators: list[Indicator], user) -> dict[int, Actual]:
    """Each period's distinct attendees (period pk → ``Actual``), with breakdowns by sex and by
    country and the events that cannot be placed in it. ``indicators`` come with
    ``result__project`` selected and ``periods`` prefetched. Two queries."""
    batch = _Batch(indicators, user, prefix="event__")
    if not batch.indicators:
        return {}
    by_sex, by_country, could_count = _attendees(batch)
    attended = Participation.objects.filter(
        Q(status=ATTENDED) & batch.scope(
            real=Q(is_demo=False, participant__is_demo=False, event__is_demo=False))
    )
    unplaced = batch.unplaced_rows(
        attended.filter(event__start_date=None, event__year__isnull=False),
        lambda q: Count("participant", distinct=True, filter=q))

    sex_labels = dict(Participant.Sex.choices)
    names: dict = {}
    out = {}
    for indicator in batch.indicators:
        if indicator.pk not in could_count:
            out.update(batch.no_data(indicator))
            continue
        for period in indicator.periods.all():
            sex = [(sex_labels.get(group, group), n, group)
                   for group, n in by_sex.get(period.pk, ()) if n]
            country = [(_country_label(group, names), n, group or "")
                       for group, n in by_country.get(period.pk, ()) if n]
            out[period.pk] = Actual(
                Actual.VALUE, Decimal(sum(n for _label, n, _key in sex)),
                breakdown={"sex": _cells(BY_SEX, sex), "country": _cells(BY_COUNTRY, country)},
                unplaced=batch.unplaced(indicator, period, unplaced),
            )
    return out if can_see_personal_data(user) else publishable(batch.indicators, out)


def _attendees(batch: _Batch) -> tuple[dict, dict, set[int]]:
    """The distinct attendees of each period of the batch by sex and by country (period pk →
    [(group, count)]), and the indicators that have a record that could count (an attended
    participation at a dated event of their kinds, in their project's world). One query.

    Why raw SQL: one filtered ``COUNT(DISTINCT)`` column per period reads and sorts every
    participation of the batch's projects once per period (at 1M participations, seconds for
    a headline). Here the batch's periods are a ``VALUES`` list (one row per period and event
    kind the indicator names), joined to the events placed in them as ``placed()`` places them
    (start date in the period; year and month only, a month it covers whole; year only, a year
    it covers whole); each participation is then read once per period it falls in, and one
    ``COUNT(DISTINCT participant)`` grouped by (period, sex, country) counts them. Values are
    parameters; the SQL runs on SQLite and PostgreSQL. One row per indicator (no period) asks,
    with ``EXISTS``, whether anything could count."""
    rows, params = [], []
    for indicator in batch.indicators:
        project = indicator.result.project
        for kind in sorted(set(indicator.event_kinds or [])) or [""]:
            # The indicator's row: no period (its bounds match nothing).
            rows.append(_PERIOD_ROW)
            params += [None, indicator.pk, project.pk, kind, not project.is_demo,
                       _NEVER, _NEVER, 1, 0, 1, 0]
            for period in indicator.periods.all():
                rows.append(_PERIOD_ROW)
                params += [period.pk, indicator.pk, project.pk, kind, not project.is_demo,
                           period.start, period.end, *_whole_years(period),
                           *_whole_months(period)]
    values = ", ".join(rows)
    event, link = Event._meta, Event.projects.through._meta
    participation, participant = Participation._meta, Participant._meta
    country = Participant._meta.get_field("country").related_model._meta
    quote = connection.ops.quote_name
    tables = {name: quote(value) for name, value in {
        "event": event.db_table, "ev_pk": event.pk.column,
        "link": link.db_table,
        "link_event": link.get_field("event").column,
        "link_project": link.get_field("project").column,
        "participation": participation.db_table, "participant": participant.db_table,
        "pt_pk": participant.pk.column,
        "country": country.db_table, "c_pk": country.pk.column,
        "code": country.get_field("code").column,
        "pa_event": participation.get_field("event").column,
        "pa_participant": participation.get_field("participant").column,
        "pt_country": participant.get_field("country").column,
        "sex": participant.get_field("sex").column,
    }.items()}
    # The periods, and the events (of their project, their kinds and their world) placed in
    # each: a row per (period, event).
    common = f"""
        WITH periods (pid, iid, project, kind, strict, s, e, y1, y2, m1, m2) AS (
            VALUES {values}
        ),
        placed AS (
            SELECT p.pid, p.strict, ev.{tables["ev_pk"]} AS event_id
            FROM periods p
            JOIN {tables["link"]} link ON link.{tables["link_project"]} = p.project
            JOIN {tables["event"]} ev ON ev.{tables["ev_pk"]} = link.{tables["link_event"]}
            WHERE p.pid IS NOT NULL
              AND (p.kind = '' OR ev.kind = p.kind) AND (NOT p.strict OR NOT ev.is_demo)
              AND ((ev.start_date >= p.s AND ev.start_date <= p.e)
                   OR (ev.start_date IS NULL AND ev.month IS NULL
                       AND ev.year >= p.y1 AND ev.year <= p.y2)
                   OR (ev.start_date IS NULL AND ev.month IS NOT NULL
                       AND ev.year * 12 + ev.month >= p.m1 AND ev.year * 12 + ev.month <= p.m2))
        )
    """
    # Each period's distinct attendees per (sex, country): a person has one sex and one
    # country, so each is in one cell of a period, and a sex's (a country's) count is the sum
    # of its cells. One sort, one distinct count, both breakdowns.
    attendees = f"""
        SELECT pl.pid, CAST(NULL AS INTEGER), pt.{tables["sex"]}, c.{tables["code"]},
               COUNT(DISTINCT pt.{tables["pt_pk"]})
        FROM placed pl
        JOIN {tables["participation"]} pa ON pa.{tables["pa_event"]} = pl.event_id
        JOIN {tables["participant"]} pt ON pt.{tables["pt_pk"]} = pa.{tables["pa_participant"]}
        LEFT JOIN {tables["country"]} c ON c.{tables["c_pk"]} = pt.{tables["pt_country"]}
        WHERE pa.status = %s AND (NOT pl.strict OR (NOT pa.is_demo AND NOT pt.is_demo))
        GROUP BY pl.pid, pt.{tables["sex"]}, c.{tables["code"]}
    """
    # Each indicator's rows (no period): does an attended participation at a dated event of
    # its project and kinds, in its world, exist?
    could_count = f"""
        SELECT CAST(NULL AS INTEGER), p.iid, NULL, NULL, 1 FROM periods p
        WHERE p.pid IS NULL AND EXISTS (
            SELECT 1
            FROM {tables["link"]} link
            JOIN {tables["event"]} ev ON ev.{tables["ev_pk"]} = link.{tables["link_event"]}
            JOIN {tables["participation"]} pa ON pa.{tables["pa_event"]} = ev.{tables["ev_pk"]}
            JOIN {tables["participant"]} pt ON pt.{tables["pt_pk"]} = pa.{tables["pa_participant"]}
            WHERE link.{tables["link_project"]} = p.project AND ev.year IS NOT NULL
              AND (p.kind = '' OR ev.kind = p.kind) AND pa.status = %s
              AND (NOT p.strict OR (NOT ev.is_demo AND NOT pa.is_demo AND NOT pt.is_demo))
        )
    """
    sex: dict[int, dict] = {}
    country: dict[int, dict] = {}
    could: set[int] = set()
    with connection.cursor() as cursor:
        cursor.execute(common + attendees + " UNION ALL " + could_count,
                       [*params, ATTENDED, ATTENDED])
        for pid, iid, group_sex, group_country, n in cursor.fetchall():
            if pid is None:
                could.add(iid)
                continue
            cells = sex.setdefault(pid, {})
            cells[group_sex] = cells.get(group_sex, 0) + n
            cells = country.setdefault(pid, {})
            cells[group_country] = cells.get(group_country, 0) + n
    by_sex = {pid: list(cells.items()) for pid, cells in sex.items()}
    by_country = {pid: list(cells.items()) for pid, cells in country.items()}
    return by_sex, by_country, could


# A row of ``_attendees()``'s periods: (period, indicator, project, event kind or "", the
# project's world is real records only, start, end, first and last whole year, first and last
# whole month as year * 12 + month). Bounds that match nothing: an empty range.
_PERIOD_ROW = "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
_NEVER = datetime.date(1, 1, 1)


def _whole_years(period: Period) -> tuple[int, int]:
    """The first and last years ``period`` covers whole (first > last when none)."""
    s, e = period.start, period.end
    first_year = s.year if (s.month, s.day) == (1, 1) else s.year + 1
    last_year = e.year if (e.month, e.day) == (12, 31) else e.year - 1
    return first_year, last_year


def _whole_months(period: Period) -> tuple[int, int]:
    """The first and last months ``period`` covers whole, as year * 12 + month (first > last
    when none)."""
    s, e = period.start, period.end
    first = (s.year, s.month) if s.day == 1 else _next_month(s.year, s.month)
    last = (e.year, e.month) if e == _month_end(e.year, e.month) else _previous_month(
        e.year, e.month)
    return first[0] * 12 + first[1], last[0] * 12 + last[1]


def publishable(indicators: list[Indicator], actuals: dict[int, Actual]) -> dict[int, Actual]:
    """What a reader without the right to personal data may see of people-trained breakdowns:
    a project's breakdowns are published only where none of its people-trained periods hides a
    group (no "fewer than 3", no "not shown", no breakdown withheld); otherwise none of them is.

    Why all or nothing, per project: a project's periods nest (a quarter in its year) and its
    indicators count overlapping people (all events, courses only), so a shown breakdown beside
    another with a hidden group bounds that group (the year's 3 men leave the quarter's hidden
    women one value); a breakdown in which nothing is hidden bounds nothing that was hidden.
    Totals stay: they are the indicator's figure."""
    hiding: set[int] = set()
    for indicator in indicators:
        for period in indicator.periods.all():
            actual = actuals.get(period.pk)
            if actual is None or actual.state != Actual.VALUE or not actual.value:
                continue
            cells = [c for cells in actual.breakdown.values() for c in cells]
            if not cells or any(c.value is None for c in cells) or \
                    any(not actual.breakdown.get(d) for d in ("sex", "country")):
                hiding.add(indicator.result.project_id)
    for indicator in indicators:
        if indicator.result.project_id not in hiding:
            continue
        for period in indicator.periods.all():
            actual = actuals.get(period.pk)
            if actual is not None and actual.state == Actual.VALUE and actual.value:
                actual.breakdown = {}
                actual.withheld = True
    return actuals


def reported_participants(indicators: list[Indicator], user) -> dict[int, Actual]:
    """Each period's reported participant counts added up over the same events as
    ``people_trained`` (period pk → ``Actual``), with the events that cannot be placed in it.
    Two queries."""
    batch = _Batch(indicators, user, prefix="")
    if not batch.indicators:
        return {}
    events = Event.objects.filter(batch.scope(real=Q(is_demo=False)))
    totals = events.aggregate(**batch.columns(
        lambda q: Sum("reported_participants", filter=q, default=0),
        any_filter=Q(reported_participants__isnull=False)))
    unplaced = batch.unplaced_rows(
        events.filter(start_date=None, year__isnull=False, reported_participants__isnull=False),
        lambda q: Sum("reported_participants", filter=q, default=0))
    out = {}
    for indicator in batch.indicators:
        if not totals[_any(indicator)]:
            out.update(batch.no_data(indicator))
            continue
        for period in indicator.periods.all():
            out[period.pk] = Actual(
                Actual.VALUE, Decimal(totals[_column(period)]),
                unplaced=batch.unplaced(indicator, period, unplaced),
            )
    return out


# Placing records in periods
# --------------------------------------------------------------------------------------------
def placed(period: Period, prefix: str = "") -> Q:
    """The events (fields under ``prefix``) that count in ``period``: started in it; known
    only by year and month, a month it covers whole; known only by year, a year it covers
    whole."""
    s, e = period.start, period.end
    condition = Q(**{f"{prefix}start_date__gte": s, f"{prefix}start_date__lte": e})
    first_year = s.year if (s.month, s.day) == (1, 1) else s.year + 1
    last_year = e.year if (e.month, e.day) == (12, 31) else e.year - 1
    if first_year <= last_year:
        condition |= Q(**{f"{prefix}start_date": None, f"{prefix}month": None,
                          f"{prefix}year__gte": first_year, f"{prefix}year__lte": last_year})
    first = (s.year, s.month) if s.day == 1 else _next_month(s.year, s.month)
    last = (e.year, e.month) if e == _month_end(e.year, e.month) else _previous_month(
        e.year, e.month)
    if first <= last:
        year, month = f"{prefix}year", f"{prefix}month"
        condition |= (
            Q(**{f"{prefix}start_date": None, f"{month}__isnull": False})
            & (Q(**{f"{year}__gt": first[0]}) | Q(**{year: first[0], f"{month}__gte": first[1]}))
            & (Q(**{f"{year}__lt": last[0]}) | Q(**{year: last[0], f"{month}__lte": last[1]}))
        )
    return condition


def not_placed(period: Period, year: int, month: int | None) -> bool:
    """Do events known only by ``year`` (and ``month``) fall partly in ``period`` without it
    covering their year (month) whole? They are then listed beside its figure."""
    if month is None:
        return period.start.year <= year <= period.end.year and not period.covers_year(year)
    first, last = datetime.date(year, month, 1), _month_end(year, month)
    overlaps = period.start <= last and period.end >= first
    return overlaps and not (period.start <= first and period.end >= last)


def unplaced_label(year: int, month: int | None = None) -> str:
    """How events that a period cannot place are labelled beside its figure."""
    if month is None:
        return gettext("%(year)s (year only, not placed)") % {"year": year}
    return gettext("%(month)s %(year)s (month only, not placed)") % {
        "month": MONTHS[month], "year": year}


# Translated when displayed, so that a figure computed once reads right in either language.
_lazy_unplaced_label = lazy(unplaced_label, str)
_lazy_str = lazy(str, str)


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


# --------------------------------------------------------------------------------------------
# One batch of indicators: one column per period, one per indicator
# --------------------------------------------------------------------------------------------
def _column(period: Period) -> str:
    return f"p{period.pk}"


def _any(indicator: Indicator) -> str:
    return f"any{indicator.pk}"


def _unplaced_column(indicator: Indicator) -> str:
    return f"u{indicator.pk}"


@dataclass
class _Batch:
    """The indicators a call computes, and the filters on events (their fields under
    ``prefix``) that each one's columns use."""

    indicators: list[Indicator]
    user: object
    prefix: str

    def __post_init__(self):
        # Demo frameworks reach only demo accounts (``Result.visible_to``); this holds even if a
        # caller forgets.
        demo = [i for i in self.indicators if i.result.project.is_demo]
        if demo and not is_demo_user(self.user):
            self.indicators = [i for i in self.indicators if not i.result.project.is_demo]
        projects = {i.result.project for i in self.indicators}
        self.real_projects = sorted(p.pk for p in projects if not p.is_demo)
        self.demo_projects = sorted(p.pk for p in projects if p.is_demo)

    def scope(self, real: Q) -> Q:
        """The rows of the batch's projects' events in their world: real records (``real``)
        for a real project, everything for a demo one. One ``filter()`` condition, so that the
        event-project link is joined once and every column's project test reads that same
        link."""
        projects = f"{self.prefix}projects__in"
        worlds = []
        if self.real_projects:
            worlds.append(Q(**{projects: self.real_projects}) & real)
        if self.demo_projects:
            worlds.append(Q(**{projects: self.demo_projects}))
        return functools.reduce(operator.or_, worlds)

    def of(self, indicator: Indicator) -> Q:
        """The rows of the indicator's project's events, of its kinds when it names some."""
        condition = Q(**{f"{self.prefix}projects": indicator.result.project_id})
        if indicator.event_kinds:
            condition &= Q(**{f"{self.prefix}kind__in": indicator.event_kinds})
        return condition

    def columns(self, aggregate, any_filter: Q | None = None) -> dict:
        """One column per period (``aggregate`` of the rows placed in it) and one per
        indicator: how many rows could count in some period (a dated event)."""
        columns = {}
        for indicator in self.indicators:
            of = self.of(indicator)
            could_count = of & Q(**{f"{self.prefix}year__isnull": False})
            if any_filter is not None:
                could_count &= any_filter
            columns[_any(indicator)] = Count("pk", filter=could_count)
            for period in indicator.periods.all():
                columns[_column(period)] = aggregate(of & placed(period, self.prefix))
        return columns

    def unplaced_rows(self, rows, aggregate) -> list[dict]:
        """``rows`` (events known only by year or month) grouped by that year and month, with
        one column per indicator."""
        year, month = f"{self.prefix}year", f"{self.prefix}month"
        # Plain field names: values() with expressions only would group events one by one
        # under django-modeltranslation's queryset.
        return [
            {**row, "y": row[year], "m": row[month]}
            for row in rows.values(year, month).annotate(**{
                _unplaced_column(i): aggregate(self.of(i)) for i in self.indicators
            }).order_by()
        ]

    def unplaced(self, indicator: Indicator, period: Period, rows) -> list[Unplaced]:
        column = _unplaced_column(indicator)
        found = sorted(
            (row["y"], row["m"] or 0, row[column]) for row in rows
            if row[column] and not_placed(period, row["y"], row["m"])
        )
        return [Unplaced(_lazy_unplaced_label(year, month or None), Decimal(value))
                for year, month, value in found]

    def no_data(self, indicator: Indicator) -> dict[int, Actual]:
        return {period.pk: Actual(Actual.NO_DATA) for period in indicator.periods.all()}


def _cells(title, groups) -> list[Cell]:
    """``groups`` (label, count, key) protected by ``protect()``, in its order. The key rides
    in protect()'s address slot (these groups link nowhere): labels are distinct within a
    dimension, so it changes no order."""
    return [
        Cell(cell.url, cell.label,
             None if cell.value is None else Decimal(cell.value), _lazy_str(cell.figure))
        for cell in protect(title, groups).cells
    ]
