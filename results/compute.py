"""Indicators computed from the record (issue 16, point 2).

PLACEHOLDER IMPLEMENTATION: correct for the simple cases, without the breakdowns, the
year-only rule, the "0 versus no data" rule, currencies or caching — the compute helper
replaces it. The signature of ``actuals()`` is the contract.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q

from activities.models import Event, Participation
from results.models import Indicator, Period
from results.progress import Actual
from unodc_portal.core.roles import can_see_personal_data


def actuals(project, indicators: list[Indicator], user) -> dict[int, Actual]:
    """Each period's actual as ``user`` may see it, for indicators (with their periods
    prefetched) of ``project`` (None: indicators of several projects, e.g. the headline)."""
    out: dict[int, Actual] = {}
    for indicator in indicators:
        for period in indicator.periods.all():
            out[period.pk] = _actual(indicator, period, user)
    return out


def _actual(indicator: Indicator, period: Period, user) -> Actual:
    if indicator.source == Indicator.Source.MANUAL:
        if period.actual_status == Period.Status.APPROVED:
            return Actual(Actual.VALUE, period.actual, note=period.actual_note)
        if period.actual_status == Period.Status.PENDING and can_see_personal_data(user):
            return Actual(Actual.PENDING, period.actual, note=period.actual_note)
        if indicator.qualitative_note:
            return Actual(Actual.QUALITATIVE, note=indicator.qualitative_note)
        return Actual(Actual.NO_DATA)
    events = Event.objects.real().filter(
        projects=indicator.result.project_id, start_date__gte=period.start,
        start_date__lte=period.end,
    )
    if indicator.event_kinds:
        events = events.filter(kind__in=indicator.event_kinds)
    if indicator.source == Indicator.Source.PEOPLE_TRAINED:
        n = (Participation.objects.filter(event__in=events,
                                          status=Participation.Status.ATTENDED)
             .values("participant").distinct().count())
        return Actual(Actual.VALUE, Decimal(n))
    if indicator.source == Indicator.Source.EVENTS_HELD:
        return Actual(Actual.VALUE, Decimal(events.count()))
    if indicator.source == Indicator.Source.REPORTED_PARTICIPANTS:
        total = sum(e.reported_participants or 0
                    for e in events.filter(~Q(reported_participants=None)))
        return Actual(Actual.VALUE, Decimal(total))
    return Actual(Actual.NO_DATA)
