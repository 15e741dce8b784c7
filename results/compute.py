"""Each period's actual as a reader may see it (issue 16, point 2): the dispatcher that every
surface reaches through ``results.progress``.

- **Entered indicators** (``Source.MANUAL``): an approved actual is shown to everyone; a pending
  one only to those who enter or approve actuals (officers and admins), as ``Actual.PENDING`` —
  everyone else sees no data, there being one value per period.
- **Computed indicators**: one call per source for all the indicators of that source at once
  (people trained and reported participants, ``results.people``; events held, seizures in
  kilograms and contributions received, ``results.record``), each a fixed number of grouped
  queries whatever the number of indicators, periods, projects or rows.
- An indicator with a qualitative note ("more than 40 tonnes since 2008") and no numeric
  actual shows the note as worded (``Actual.QUALITATIVE``).

**Cached.** The figures are kept in the shared cache (``unodc_portal.core.pagecache.cache()``)
under the page cache's current generation, which every write replaces: a second reader of the
same figures reads one cache entry and no figure is older than the last write. The entry is
keyed by what the figures depend on beyond the record: the indicators and periods asked for, the
reader's view (the public; a donor, who sees its own unpublished contributions; those who see
pending actuals; admins, who see every contribution; demo accounts) and the language of the
labels. Nothing is cached with the page cache off (``PORTAL_PAGE_CACHE=0``), inside a
transaction that has written (its figures may not be committed yet), or when the cache does not
answer (logged, then computed as if uncached — never an error).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace

from django.conf import settings
from django.utils.translation import get_language

from activities.models import Project
from donors.models import donor_for
from results import people, record
from results.models import Indicator, Period, Result
from results.progress import Actual
from unodc_portal.core import pagecache
from unodc_portal.core.roles import can_see_personal_data, is_demo_user

logger = logging.getLogger(__name__)

Source = Indicator.Source

# The computed sources and who computes them: (indicators, user) -> {period pk: Actual}.
COMPUTERS = {
    Source.PEOPLE_TRAINED: people.people_trained,
    Source.REPORTED_PARTICIPANTS: people.reported_participants,
    Source.EVENTS_HELD: record.events_held,
    Source.SEIZURES_KG: record.seizures_kg,
    Source.CONTRIBUTIONS_RECEIVED: record.contributions_received,
}
CACHE_PREFIX = "results:actuals:"


def actuals(project, indicators: list[Indicator], user) -> dict[int, Actual]:
    """Each period's actual as ``user`` may see it, for indicators (with their periods
    prefetched) of ``project`` (None: indicators of several projects, e.g. the headline). A
    number of queries that depends on the sources present, never on the rows or periods; none
    but one cache read when the same figures were computed since the last write."""
    indicators = list(indicators)
    if not indicators:
        return {}
    key = _cache_key(indicators, user)
    generation, cached = _read(key)
    if cached is not None:
        return cached
    out = _compute(project, indicators, user)
    _write(key, generation, out)
    return out


def sees_pending(user) -> bool:
    """Officers and admins, who enter and approve actuals, see those awaiting approval."""
    return bool(user and user.is_authenticated
                and (user.is_staff or user.has_perm("results.change_period")))


def _compute(project, indicators: list[Indicator], user) -> dict[int, Actual]:
    _attach_projects(project, indicators)
    out: dict[int, Actual] = {}
    pending = sees_pending(user)
    by_source: dict[str, list[Indicator]] = {}
    for indicator in indicators:
        if indicator.source == Source.MANUAL:
            for period in indicator.periods.all():
                out[period.pk] = _entered(period, pending)
        elif indicator.source in COMPUTERS:
            by_source.setdefault(indicator.source, []).append(indicator)
    for source, group in by_source.items():
        out.update(COMPUTERS[source](group, user))
    for indicator in indicators:
        if not indicator.qualitative_note:
            continue
        for period in indicator.periods.all():
            if out.get(period.pk, Actual(Actual.NO_DATA)).state == Actual.NO_DATA:
                out[period.pk] = Actual(Actual.QUALITATIVE, note=indicator.qualitative_note)
    return out


def _entered(period: Period, pending: bool) -> Actual:
    if period.actual_status == Period.Status.APPROVED and period.actual is not None:
        return Actual(Actual.VALUE, period.actual, note=period.actual_note)
    if period.actual_status == Period.Status.PENDING and pending:
        return Actual(Actual.PENDING, period.actual, note=period.actual_note)
    return Actual(Actual.NO_DATA)


def _attach_projects(project, indicators: list[Indicator]) -> None:
    """Every indicator's ``result`` and its ``project`` in memory, so that the sources read
    them without a query per indicator: at most one query for the results not loaded with
    their indicators and one for the projects not loaded with their results."""
    result_field = Indicator._meta.get_field("result")
    project_field = Result._meta.get_field("project")
    missing = {i.result_id for i in indicators if not result_field.is_cached(i)}
    loaded = Result.objects.select_related("project").in_bulk(missing) if missing else {}
    for indicator in indicators:
        if indicator.result_id in loaded:
            indicator.result = loaded[indicator.result_id]
    results = [i.result for i in indicators if not project_field.is_cached(i.result)]
    projects = {project.pk: project} if project is not None else {}
    wanted = {r.project_id for r in results} - projects.keys()
    if wanted:
        projects.update(Project.objects.in_bulk(wanted))
    for result in results:
        result.project = projects[result.project_id]


# --------------------------------------------------------------------------------------------
# The cache
# --------------------------------------------------------------------------------------------
def reader(user) -> tuple:
    """What the figures depend on about the reader (the cache key's part)."""
    if not user or not user.is_authenticated:
        return ("public",)
    if user.has_perm("donors.change_contribution"):
        contributions = "all"
    else:
        donor = donor_for(user)
        contributions = f"donor:{donor.pk}" if donor else "published"
    return (contributions, sees_pending(user), can_see_personal_data(user),
            is_demo_user(user))


def _cache_key(indicators: list[Indicator], user) -> str | None:
    if not settings.PAGE_CACHE:
        return None
    asked = tuple((i.pk, tuple(p.pk for p in i.periods.all())) for i in indicators)
    text = repr((asked, reader(user), get_language()))
    return CACHE_PREFIX + hashlib.sha256(text.encode()).hexdigest()


def _read(key: str | None) -> tuple[str | None, dict | None]:
    """(the current generation, the cached figures of ``key`` if computed under it)."""
    if key is None or pagecache.invalidation_waits_for_commit():
        return None, None
    generation, entry = pagecache.lookup(key, what="results")
    if generation is None:
        return None, None
    if isinstance(entry, dict) and entry.get("generation") == generation:
        return generation, entry["actuals"]
    return generation, None


def _as_text(out: dict[int, Actual]) -> dict[int, Actual]:
    """The figures with their labels as text in the current language (the key names it): a
    lazy label is pickled as its function and rebuilt as a new class when read, about 0.7 ms
    each, hundreds of times per headline."""
    return {
        pk: replace(
            actual,
            breakdown={name: [replace(cell, label=str(cell.label), shown=str(cell.shown))
                              for cell in cells]
                       for name, cells in actual.breakdown.items()},
            unplaced=[replace(u, label=str(u.label)) for u in actual.unplaced],
            note=str(actual.note),
        )
        for pk, actual in out.items()
    }


def _write(key: str | None, generation: str | None, out: dict[int, Actual]) -> None:
    if key is None or generation is None:
        return
    try:
        pagecache.cache().set(key, {"generation": generation, "actuals": _as_text(out)},
                              settings.PAGE_CACHE_SECONDS)
    except Exception as exc:
        logger.warning("The results cache could not store figures (%r).", exc)
