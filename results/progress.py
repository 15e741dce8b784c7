"""What a reader sees of a results framework: each indicator's baseline and, per period, its
target, its actual and the progress against the target. Every surface — the project page, the
home page's headline indicators, the API, the IATI file and the donor report pack — reads
frameworks through ``framework()`` / ``headline()``, so that they show the same figures under
the same rules:

- an entered actual is shown to everyone once an admin has approved it; officers and admins
  also see a pending one, marked pending (``Actual.state == PENDING``);
- a computed actual comes from ``results.compute`` (the record), with its breakdowns by sex and
  by country protected by the small-group rule;
- an indicator with a qualitative note and no numeric actual shows the note as worded.

INTERFACE (issue 16). The dataclasses below are the contract between the helpers; the
implementation of the computed figures lives in ``results.compute``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from results.models import Indicator, Period, Result


@dataclass
class Cell:
    """One group of a breakdown: ``key`` (sex value or country code), its label, and its
    value — None where the small-group rule hides it (``shown`` then says "fewer than 3")."""

    key: str
    label: str
    value: Decimal | None
    shown: str


@dataclass
class Unplaced:
    """Records known only by their year (or month) that a period shorter than that cannot
    place: listed beside the figure, never counted in it."""

    label: str  # e.g. "2011 (year only)"
    value: Decimal


@dataclass
class Money:
    currency: str
    amount: Decimal


@dataclass
class Actual:
    """A period's actual as a reader may see it."""

    VALUE = "value"  # a number (possibly 0: records of that kind exist, none in the period)
    NO_DATA = "no_data"  # no record of that kind can count / nothing entered or approved
    PENDING = "pending"  # an entered value awaiting approval (officers and admins only)
    QUALITATIVE = "qualitative"  # the indicator's note as worded, no number

    state: str
    value: Decimal | None = None
    breakdown: dict[str, list[Cell]] = field(default_factory=dict)  # "sex", "country"
    # The breakdown is not shown, so that no small group can be picked out (people trained:
    # results.people.publishable()).
    withheld: bool = False
    unplaced: list[Unplaced] = field(default_factory=list)
    per_currency: list[Money] = field(default_factory=list)  # contributions received
    usd: Decimal | None = None  # contributions: the US-dollar equivalent where rates exist
    usd_partial: bool = False  # some contributions lack a rate: the USD figure is partial
    note: str = ""


@dataclass
class PeriodRow:
    period: Period
    target: Decimal | None
    actual: Actual
    progress: Decimal | None  # actual / target * 100, where both are numbers and target > 0


@dataclass
class IndicatorRow:
    indicator: Indicator
    periods: list[PeriodRow]


@dataclass
class ResultRow:
    result: Result
    indicators: list[IndicatorRow]
    outputs: list[ResultRow] = field(default_factory=list)  # outputs under this outcome


def framework(project, user) -> list[ResultRow]:
    """The project's framework as ``user`` may see it: outcomes with their outputs nested,
    then outputs under no outcome, each in order. A fixed number of queries."""
    return frameworks([project], user)[project.pk]


def frameworks(projects, user) -> dict[int, list[ResultRow]]:
    """``framework()`` for several projects at once, by project id, in the same fixed number
    of queries whatever their number (the IATI file reads every project's)."""
    from results import compute

    ids = [project.pk for project in projects]
    results = list(
        Result.objects.filter(project__in=ids).order_by("project", "order", "pk")
    )
    indicators = list(
        Indicator.objects.filter(result__in=results).select_related("substance")
        .prefetch_related("periods").order_by("order", "pk")
    )
    # Each indicator's result and its project in memory: the sources read them without a
    # query per indicator.
    by_pk = {project.pk: project for project in projects}
    loaded = {r.pk: r for r in results}
    for result in results:
        result.project = by_pk[result.project_id]
    for indicator in indicators:
        indicator.result = loaded[indicator.result_id]
    actuals = compute.actuals(projects[0] if len(ids) == 1 else None, indicators, user)
    by_result: dict[int, list[IndicatorRow]] = {}
    for indicator in indicators:
        rows = [period_row(period, actuals.get(period.pk)) for period in indicator.periods.all()]
        by_result.setdefault(indicator.result_id, []).append(IndicatorRow(indicator, rows))
    rows = {r.pk: ResultRow(r, by_result.get(r.pk, [])) for r in results}
    top: dict[int, list[ResultRow]] = {pk: [] for pk in ids}
    for result in results:
        if result.parent_id and result.parent_id in rows:
            rows[result.parent_id].outputs.append(rows[result.pk])
        else:
            top[result.project_id].append(rows[result.pk])
    return top


def headline(user) -> list[IndicatorRow]:
    """The indicators admins mark as headline, of the projects ``user`` may see; a computed one
    with the one period the home page shows (``current_period()``): the home page computes one
    figure per indicator, not every quarter of every year of every headline project."""
    from results import compute

    indicators = list(
        Indicator.objects.visible_to(user).headline().select_related("result__project",
                                                                      "substance")
        .prefetch_related("periods").order_by("result__project__code", "order", "pk")
    )
    for indicator in indicators:
        # An entered actual costs nothing to read: the latest with a figure for this reader
        # is chosen on the page. A computed one is computed for the current period only.
        if indicator.is_computed:
            current = current_period(list(indicator.periods.all()))
            _keep_periods(indicator, [current] if current else [])
    actuals = compute.actuals(None, indicators, user)
    return [IndicatorRow(i, [period_row(p, actuals.get(p.pk)) for p in i.periods.all()])
            for i in indicators]


def current_period(periods: list[Period], today: datetime.date | None = None) -> Period | None:
    """The period a summary shows: the latest that has begun (a framework's current quarter, or
    its last when all are past); where none has begun, the first."""
    today = today or timezone.localdate()
    begun = [p for p in periods if p.start <= today]
    if begun:
        return max(begun, key=lambda p: (p.start, p.end))
    return min(periods, key=lambda p: (p.start, p.end), default=None)


def _keep_periods(indicator: Indicator, periods: list[Period]) -> None:
    """Narrow an indicator's prefetched periods (what every source reads through
    ``indicator.periods.all()``) to ``periods``, in memory."""
    kept = Period.objects.all()
    kept._result_cache = periods
    kept._prefetch_done = True
    indicator._prefetched_objects_cache["periods"] = kept


def period_row(period: Period, actual: Actual | None) -> PeriodRow:
    actual = actual or Actual(Actual.NO_DATA)
    progress = None
    if actual.state == Actual.VALUE and actual.value is not None and period.target:
        progress = (actual.value / period.target * 100).quantize(Decimal("0.1"))
    return PeriodRow(period, period.target, actual, progress)
