"""Stored participant summaries: each real event's exact figures and the register's published
sums, kept equal to their recomputation from the rows (README, "Stored summaries").

- ``EventFigure`` rows hold each real event's exact distinct-participant count per group (what
  ``aggregates._event_rows`` computes for it) and what the event publishes for the group
  (``protect()`` on those exact counts, with today's labels).
- ``RegisterCell`` / ``RegisterTotal`` hold the home page's figures: the events' *published*
  figures added up (the trust rule, README "Privacy"), so a pure function of the exact counts.
  They move by delta: when an event's stored figures change, what it published before is
  subtracted and what it publishes now is added.
- ``ProjectCell`` / ``ProjectTotal`` hold the same sums over each project's events, by sex and by
  country (``aggregates.registrations_by``, the donor pages): they equal, over every link of an
  event to a project, that event's stored published figures added up. So they move when an
  event's stored figures change (by the same difference, on each of its projects) and when a
  link is made or broken (``Event.projects`` added, removed or cleared from either side, an event
  deleted: its stored figures added to or subtracted from the project); a deleted project's rows
  go with it (cascade).

Every writer of what the figures read (a participation, a participant's sex, country,
organisation or demo flag, an event's demo flag or deletion, an organisation's or a country's
label, which breaks ties in ``protect()``) ends in ``refresh_events``, in its own transaction:
signals for writes through ``save()`` / ``delete()`` (raw saves of a restore excepted: it
rebuilds); services that write in bulk open ``writing()``, which lets ``update()`` /
``bulk_create()`` through, gathers the events and refreshes them once on the way out.
``rebuild()`` recomputes everything from the rows (``manage.py rebuild_summaries``).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import Count, F, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from activities.aggregates import (
    NOT_RECORDED,
    PART_DIMENSIONS,
    _country_label,
    _organisation_url,
)
from activities.models import (
    Country,
    Dimension,
    Event,
    EventFigure,
    Organisation,
    Participant,
    Participation,
    ProjectCell,
    ProjectTotal,
    RegisterCell,
    RegisterTotal,
)
from activities.models.summaries import writing_state
from activities.privacy import SMALL_CELL, protect

DIMENSIONS = (Dimension.SEX, Dimension.COUNTRY, Dimension.ORGANISATION)
# The value each breakdown groups participations by.
_GROUP_BY = {
    Dimension.SEX: "participant__sex",
    Dimension.COUNTRY: "participant__country__code",
    Dimension.ORGANISATION: "participant__organisation_id",
}
HEADLINE = ""
EVENTS_PER_QUERY = 500
ROWS_PER_INSERT = 2000

SHOWN = EventFigure.Published.SHOWN
HIDDEN = EventFigure.Published.HIDDEN
NOT_LISTED = EventFigure.Published.NOT_LISTED


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------
@contextlib.contextmanager
def writing():
    """Where services write participations and participants in bulk: ``update()`` and
    ``bulk_create()`` are allowed, the events marked (``mark``) are gathered and refreshed once
    when the outermost block ends without an error — inside the caller's transaction, so call
    it inside ``transaction.atomic``."""
    depth = getattr(writing_state, "depth", 0)
    if depth == 0:
        writing_state.pending = set()
    writing_state.depth = depth + 1
    try:
        yield
        if depth == 0:
            while writing_state.pending:
                pending, writing_state.pending = writing_state.pending, set()
                refresh_events(pending)
    finally:
        writing_state.depth = depth
        if depth == 0:
            writing_state.pending = set()


def mark(event_ids) -> None:
    """These events' figures may have changed: refreshed now, or when ``writing()`` ends."""
    ids = {pk for pk in event_ids if pk is not None}
    if not ids:
        return
    if getattr(writing_state, "depth", 0) > 0:
        writing_state.pending |= ids
    else:
        refresh_events(ids)


def mark_participants(participant_ids) -> None:
    """The events of these participants (their sex, country, organisation or demo flag
    changed)."""
    ids = list(participant_ids)
    if ids:
        mark(Participation.objects.filter(participant_id__in=ids)
             .values_list("event_id", flat=True).distinct().order_by())


# --------------------------------------------------------------------------------------------
# An event's figures: exact counts and what they publish
# --------------------------------------------------------------------------------------------
def exact_figures(participations) -> dict[int, dict[str, dict[str, int]]]:
    """{event id: {dimension: {key: distinct participants}}} of ``participations`` (real ones
    only: pass ``Participation.objects.real()`` narrowed): three grouped queries."""
    figures: dict[int, dict[str, dict[str, int]]] = {}
    for dimension, path in _GROUP_BY.items():
        rows = (participations.values_list("event_id", F(path))
                .annotate(n=Count("participant", distinct=True)).order_by())
        for event_id, value, n in rows:
            key = "" if value is None else str(value)
            figures.setdefault(event_id, {}).setdefault(dimension, {})[key] = n
    return figures


@dataclass
class Labels:
    """Labels and addresses of groups, as the event pages print them (they break ties in
    ``protect()``)."""

    organisations: dict[str, dict] = field(default_factory=dict)
    cache: dict = field(default_factory=dict)

    @classmethod
    def of(cls, figures) -> Labels:
        ids = {int(key) for groups in figures.values()
               for key in groups.get(Dimension.ORGANISATION, ()) if key}
        organisations = {
            str(row["pk"]): row
            for row in Organisation.objects.filter(pk__in=ids).values("pk", "name", "acronym",
                                                                     "slug")
        } if ids else {}
        return cls(organisations)

    def group(self, dimension: str, key: str) -> tuple[str, str]:
        """(label, url) of a group."""
        if dimension == Dimension.SEX:
            return dict(Participant.Sex.choices).get(key, key), ""
        if dimension == Dimension.COUNTRY:
            return _country_label(key, self.cache), ""
        organisation = self.organisations.get(key) if key else None
        if organisation is None:
            return NOT_RECORDED, ""
        label = (f"{organisation['name']} ({organisation['acronym']})"
                 if organisation["acronym"] else organisation["name"])
        return label, _organisation_url(organisation["slug"], self.cache)


def published(groups: dict[str, dict[str, int]], labels: Labels) -> dict:
    """One event's stored rows: {dimension: {key: (exact n, what its page publishes)}}."""
    rows = {}
    for dimension, counts in groups.items():
        keys = {labels.group(dimension, key): key for key in counts}
        breakdown = protect("", [(label, counts[key], url) for (label, url), key in keys.items()])
        states = dict.fromkeys(counts, NOT_LISTED)
        for cell in breakdown.cells:
            states[keys[cell.label, cell.url]] = HIDDEN if cell.suppressed else SHOWN
        rows[dimension] = {key: (n, int(states[key])) for key, n in counts.items()}
    return rows


def contribution(rows: dict | None) -> Counter:
    """What one event adds to the register (``aggregates._add_up`` of its published figures):
    ("T", dimension, field) totals and ("C", dimension, key, field) cells."""
    added: Counter = Counter()
    if not rows:
        return added
    total = sum(n for n, _state in rows[Dimension.SEX].values())
    added["T", HEADLINE, "events"] += 1
    if total >= SMALL_CELL:
        added["T", HEADLINE, "total"] += total
    else:
        added["T", HEADLINE, "left_out"] += 1
    for dimension in DIMENSIONS:
        groups = rows.get(dimension, {})
        if any(state != NOT_LISTED for _n, state in groups.values()):
            added["T", dimension, "events"] += 1
            added["T", dimension, "total"] += total
            for key, (n, state) in groups.items():
                added["C", dimension, key, "listed_events"] += 1
                if state == HIDDEN:
                    added["C", dimension, key, "hidden_events"] += 1
                else:
                    added["C", dimension, key, "shown_sum"] += n
        elif total:
            added["T", dimension, "left_out"] += 1
    return added


def part_contribution(rows: dict | None) -> Counter:
    """What one event adds to each of its projects' figures (``aggregates.registrations_by``),
    per breakdown by sex and by country: ("T", dimension, "events" if it lists groups this way,
    "left_out" if it lists none) and, for each group it lists, ("C", dimension, key, field): one
    listing event, its exact count, its shown count or one event hiding it."""
    added: Counter = Counter()
    for dimension in PART_DIMENSIONS:
        groups = (rows or {}).get(dimension, {})
        states = {state for _n, state in groups.values()}
        if states - {NOT_LISTED}:
            added["T", dimension, "events"] += 1
        if NOT_LISTED in states:
            added["T", dimension, "left_out"] += 1
        for key, (n, state) in groups.items():
            if state == NOT_LISTED:
                continue
            added["C", dimension, key, "listed_events"] += 1
            added["C", dimension, key, "listed_sum"] += n
            if state == HIDDEN:
                added["C", dimension, key, "hidden_events"] += 1
            else:
                added["C", dimension, key, "shown_sum"] += n
    return added


def _stored(figures) -> dict[int, dict]:
    rows: dict[int, dict] = {}
    for event_id, dimension, key, n, state in figures.values_list(
            "event_id", "dimension", "key", "n", "published").order_by():
        rows.setdefault(event_id, {}).setdefault(dimension, {})[key] = (n, state)
    return rows


def _figure_rows(event_id: int, rows: dict) -> list[EventFigure]:
    return [EventFigure(event_id=event_id, dimension=dimension, key=key, n=n, published=state)
            for dimension, groups in rows.items() for key, (n, state) in groups.items()]


def _insert(objs) -> None:
    for start in range(0, len(objs), ROWS_PER_INSERT):
        EventFigure.objects.bulk_create(objs[start:start + ROWS_PER_INSERT])


def _chunks(ids: list, size: int = EVENTS_PER_QUERY):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


# --------------------------------------------------------------------------------------------
# The register: delta and rebuild
# --------------------------------------------------------------------------------------------
def _locked_totals() -> dict[str, RegisterTotal]:
    """The register's total rows, locked: every refresh waits for the one before it, so two
    refreshes never apply a delta computed from the same old figures."""
    names = [HEADLINE, *DIMENSIONS]
    totals = {t.dimension: t for t in
              RegisterTotal.objects.select_for_update().filter(dimension__in=names).order_by("pk")}
    if len(totals) < len(names):
        RegisterTotal.objects.bulk_create(
            [RegisterTotal(dimension=name) for name in names if name not in totals],
            ignore_conflicts=True)
        totals = {t.dimension: t for t in RegisterTotal.objects.select_for_update()
                  .filter(dimension__in=names).order_by("pk")}
    return totals


def _cell(dimension: str, key: str) -> RegisterCell:
    organisation_id = int(key) if dimension == Dimension.ORGANISATION and key else None
    return RegisterCell(dimension=dimension, key=key, organisation_id=organisation_id)


def _apply(delta: Counter, totals: dict[str, RegisterTotal]) -> None:
    changed_totals = set()
    cell_delta: dict[tuple[str, str], dict[str, int]] = {}
    for item, amount in delta.items():
        if not amount:
            continue
        if item[0] == "T":
            _kind, dimension, name = item
            setattr(totals[dimension], name, getattr(totals[dimension], name) + amount)
            changed_totals.add(dimension)
        else:
            _kind, dimension, key, name = item
            cell_delta.setdefault((dimension, key), {})[name] = amount
    if changed_totals:
        RegisterTotal.objects.bulk_update([totals[d] for d in changed_totals],
                                          ["events", "total", "left_out"])
    if not cell_delta:
        return
    condition = Q()
    for dimension in DIMENSIONS:
        keys = [key for d, key in cell_delta if d == dimension]
        if keys:
            condition |= Q(dimension=dimension, key__in=keys)
    cells = {(c.dimension, c.key): c for c in RegisterCell.objects.filter(condition)}
    _move(RegisterCell, cells, cell_delta, _cell, lambda cell: not cell.listed_events)


def _move(model, rows: dict, delta: dict, make, empty) -> None:
    """Add ``delta`` ({group: {field: amount}}) to the stored ``rows`` ({group: row}) of
    ``model``: a group not stored yet is made (``make(*group)``), a row left ``empty`` deleted."""
    new, changed, gone = [], [], []
    fields = set()
    for group, amounts in delta.items():
        row = rows.get(group)
        if row is None:
            row = make(*group)
            new.append(row)
        for name, amount in amounts.items():
            setattr(row, name, getattr(row, name) + amount)
            fields.add(name)
        if row.pk is not None:
            (gone if empty(row) else changed).append(row)
    if gone:
        model.objects.filter(pk__in=[row.pk for row in gone]).delete()
    if changed:
        model.objects.bulk_update(changed, sorted(fields))
    new = [row for row in new if not empty(row)]
    if new:
        model.objects.bulk_create(new)


def _apply_parts(deltas: dict[int, Counter]) -> None:
    """Move the projects' stored figures by ``deltas`` ({project id: ``part_contribution``s
    added up})."""
    total_delta: dict[tuple[int, str], dict[str, int]] = {}
    cell_delta: dict[tuple[int, str, str], dict[str, int]] = {}
    for project_id, delta in deltas.items():
        for item, amount in delta.items():
            if not amount:
                continue
            if item[0] == "T":
                total_delta.setdefault((project_id, item[1]), {})[item[2]] = amount
            else:
                cell_delta.setdefault((project_id, item[1], item[2]), {})[item[3]] = amount
    if total_delta:
        totals = {(t.project_id, t.dimension): t for t in ProjectTotal.objects.filter(
            project_id__in={project for project, _d in total_delta})}
        _move(ProjectTotal, totals, total_delta,
              lambda project, dimension: ProjectTotal(project_id=project, dimension=dimension),
              lambda total: not (total.events or total.left_out))
    if cell_delta:
        cells = {(c.project_id, c.dimension, c.key): c for c in ProjectCell.objects.filter(
            project_id__in={project for project, _d, _k in cell_delta},
            key__in={key for _p, _d, key in cell_delta})}
        _move(ProjectCell, cells, cell_delta,
              lambda project, dimension, key: ProjectCell(project_id=project,
                                                          dimension=dimension, key=key),
              lambda cell: not cell.listed_events)


def _links(**condition) -> list[tuple[int, int]]:
    """(event id, project id) of the links between events and projects matching ``condition``
    (on ``Event.projects.through``)."""
    return list(Event.projects.through.objects.filter(**condition)
                .values_list("event_id", "project_id").order_by())


def move_links(links, sign: int) -> None:
    """Links between events and projects made (``sign`` 1) or about to be broken (-1): each
    event's stored published figures added to or subtracted from its project's."""
    links = list(links)
    if not links:
        return
    with transaction.atomic():
        _locked_totals()  # the same lock as every refresh: the stored figures read stay put
        stored: dict[int, dict] = {}
        for chunk in _chunks(sorted({event_id for event_id, _p in links})):
            stored |= _stored(EventFigure.objects.filter(event_id__in=chunk,
                                                         dimension__in=PART_DIMENSIONS))
        deltas: dict[int, Counter] = {}
        for event_id, project_id in links:
            for item, amount in part_contribution(stored.get(event_id)).items():
                deltas.setdefault(project_id, Counter())[item] += sign * amount
        _apply_parts(deltas)


def refresh_events(event_ids) -> int:
    """Recompute the exact figures of these events from their participations (three grouped
    queries per 500 events), store what changed and move the register by the difference
    between what they published before and what they publish now. Returns how many events'
    figures changed."""
    ids = sorted({int(pk) for pk in event_ids if pk is not None})
    if not ids:
        return 0
    changed = 0
    with transaction.atomic():
        totals = _locked_totals()
        delta: Counter = Counter()
        parts: dict[int, Counter] = {}
        for chunk in _chunks(ids):
            stored = _stored(EventFigure.objects.filter(event_id__in=chunk))
            exact = exact_figures(Participation.objects.real().filter(event_id__in=chunk))
            labels = Labels.of(exact)
            new = {event_id: published(groups, labels) for event_id, groups in exact.items()}
            moved = [pk for pk in chunk if stored.get(pk) != new.get(pk)]
            if not moved:
                continue
            for pk in moved:
                delta.update(contribution(new.get(pk)))
                delta.subtract(contribution(stored.get(pk)))
            for pk, project_id in _links(event_id__in=moved):
                part = parts.setdefault(project_id, Counter())
                part.update(part_contribution(new.get(pk)))
                part.subtract(part_contribution(stored.get(pk)))
            EventFigure.objects.filter(event_id__in=moved).delete()
            _insert([obj for pk in moved if pk in new for obj in _figure_rows(pk, new[pk])])
            changed += len(moved)
        _apply(delta, totals)
        _apply_parts(parts)
    return changed


@dataclass
class Drift:
    """What ``rebuild`` found different from the recomputation (and, unless only checking,
    repaired)."""

    events: list[int] = field(default_factory=list)
    totals: list[str] = field(default_factory=list)
    cells: list[tuple[str, str]] = field(default_factory=list)
    projects: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.events or self.totals or self.cells or self.projects)

    def summary(self) -> str:
        if not self:
            return "The stored summaries equal their recomputation from the rows."
        parts = []
        if self.events:
            parts.append(f"{len(self.events):,} event(s)' figures ({_first(self.events)})")
        if self.totals:
            parts.append(f"register totals ({', '.join(t or 'headline' for t in self.totals)})")
        if self.cells:
            parts.append(f"{len(self.cells):,} register group(s)")
        if self.projects:
            parts.append(f"{len(self.projects):,} project(s)' figures ({_first(self.projects)})")
        return "Drifted: " + "; ".join(parts) + "."


def _first(ids: list[int], shown: int = 10) -> str:
    more = f" and {len(ids) - shown:,} more" if len(ids) > shown else ""
    return ", ".join(f"#{pk}" for pk in ids[:shown]) + more


def expected() -> tuple[dict[int, dict], dict[str, tuple], dict[tuple[str, str], tuple]]:
    """Everything recomputed from the rows: (event rows, register totals, register cells)."""
    exact = exact_figures(Participation.objects.real())
    labels = Labels.of(exact)
    events = {event_id: published(groups, labels) for event_id, groups in exact.items()}
    added: Counter = Counter()
    for rows in events.values():
        added.update(contribution(rows))
    totals = {name: (added["T", name, "events"], added["T", name, "total"],
                     added["T", name, "left_out"]) for name in (HEADLINE, *DIMENSIONS)}
    cells: dict[tuple[str, str], list[int]] = {}
    for item, amount in added.items():
        if item[0] == "C":
            _kind, dimension, key, name = item
            values = cells.setdefault((dimension, key), [0, 0, 0])
            values[("shown_sum", "listed_events", "hidden_events").index(name)] += amount
    return events, totals, {group: tuple(values) for group, values in cells.items()}


def expected_parts(events: dict[int, dict]) -> dict[int, tuple[dict, dict]]:
    """Each project's figures from its events' rows (``events``, as ``expected()`` or
    ``_stored`` give them): {project id: ({dimension: (events, left_out)},
    {(dimension, key): (shown_sum, listed_sum, listed_events, hidden_events)})}."""
    added: dict[int, Counter] = {}
    contributions: dict[int, Counter] = {}
    for event_id, project_id in _links():
        if event_id not in contributions:
            contributions[event_id] = part_contribution(events.get(event_id))
        added.setdefault(project_id, Counter()).update(contributions[event_id])
    projects = {}
    for project_id, sums in added.items():
        totals: dict[str, list[int]] = {}
        cells: dict[tuple[str, str], list[int]] = {}
        for item, amount in sums.items():
            if item[0] == "T":
                values = totals.setdefault(item[1], [0, 0])
                values[_PART_TOTAL_FIELDS.index(item[2])] += amount
            else:
                values = cells.setdefault(item[1:3], [0, 0, 0, 0])
                values[_PART_CELL_FIELDS.index(item[3])] += amount
        projects[project_id] = (
            {dimension: tuple(values) for dimension, values in totals.items() if any(values)},
            {group: tuple(values) for group, values in cells.items() if values[2]},
        )
    return {pk: figures for pk, figures in projects.items() if figures[0] or figures[1]}


_PART_TOTAL_FIELDS = ("events", "left_out")
_PART_CELL_FIELDS = ("shown_sum", "listed_sum", "listed_events", "hidden_events")


def stored_parts() -> dict[int, tuple[dict, dict]]:
    """The projects' stored figures, shaped as ``expected_parts`` gives them."""
    projects: dict[int, tuple[dict, dict]] = {}
    for row in ProjectTotal.objects.values_list("project_id", "dimension",
                                                *_PART_TOTAL_FIELDS):
        projects.setdefault(row[0], ({}, {}))[0][row[1]] = row[2:]
    for row in ProjectCell.objects.values_list("project_id", "dimension", "key",
                                               *_PART_CELL_FIELDS):
        projects.setdefault(row[0], ({}, {}))[1][row[1:3]] = row[3:]
    return projects


def _write_parts(project_ids: list[int], want: dict[int, tuple[dict, dict]]) -> None:
    """Replace these projects' stored figures with ``want``'s."""
    for chunk in _chunks(project_ids, 5000):
        ProjectTotal.objects.filter(project_id__in=chunk).delete()
        ProjectCell.objects.filter(project_id__in=chunk).delete()
    totals, cells = [], []
    for project_id in project_ids:
        want_totals, want_cells = want.get(project_id, ({}, {}))
        totals += [ProjectTotal(project_id=project_id, dimension=dimension,
                                **dict(zip(_PART_TOTAL_FIELDS, values, strict=True)))
                   for dimension, values in want_totals.items()]
        cells += [ProjectCell(project_id=project_id, dimension=dimension, key=key,
                              **dict(zip(_PART_CELL_FIELDS, values, strict=True)))
                  for (dimension, key), values in want_cells.items()]
    ProjectTotal.objects.bulk_create(totals, batch_size=ROWS_PER_INSERT)
    ProjectCell.objects.bulk_create(cells, batch_size=ROWS_PER_INSERT)


def stored_register() -> tuple[dict[str, tuple], dict[tuple[str, str], tuple]]:
    totals = dict.fromkeys((HEADLINE, *DIMENSIONS), (0, 0, 0))
    totals |= {t.dimension: (t.events, t.total, t.left_out) for t in RegisterTotal.objects.all()}
    cells = {(c.dimension, c.key): (c.shown_sum, c.listed_events, c.hidden_events)
             for c in RegisterCell.objects.all()}
    return totals, cells


def rebuild(*, check: bool = False) -> Drift:
    """Recompute every stored summary from the rows and compare; unless ``check``, repair what
    differs (in one transaction). Returns what differed."""
    with transaction.atomic():
        totals = _locked_totals()
        events, want_totals, want_cells = expected()
        stored = _stored(EventFigure.objects.all())
        have_totals, have_cells = stored_register()
        want_parts, have_parts = expected_parts(events), stored_parts()
        drift = Drift(
            events=sorted(pk for pk in events.keys() | stored.keys()
                          if events.get(pk) != stored.get(pk)),
            totals=[name for name in want_totals if want_totals[name] != have_totals.get(name)],
            cells=sorted(group for group in want_cells.keys() | have_cells.keys()
                         if want_cells.get(group) != have_cells.get(group)),
            projects=sorted(pk for pk in want_parts.keys() | have_parts.keys()
                            if want_parts.get(pk) != have_parts.get(pk)),
        )
        if check or not drift:
            return drift
        for chunk in _chunks(drift.events, 5000):
            EventFigure.objects.filter(event_id__in=chunk).delete()
        _insert([obj for pk in drift.events if pk in events
                 for obj in _figure_rows(pk, events[pk])])
        for name in drift.totals:
            totals[name].events, totals[name].total, totals[name].left_out = want_totals[name]
            totals[name].save(update_fields=["events", "total", "left_out"])
        if drift.cells:
            RegisterCell.objects.all().delete()
            cells = []
            for (dimension, key), (shown, listed, hidden) in want_cells.items():
                cell = _cell(dimension, key)
                cell.shown_sum, cell.listed_events, cell.hidden_events = shown, listed, hidden
                cells.append(cell)
            RegisterCell.objects.bulk_create(cells, batch_size=ROWS_PER_INSERT)
        _write_parts(drift.projects, want_parts)
    return drift


# --------------------------------------------------------------------------------------------
# Signals: writers that go through save() and delete()
# --------------------------------------------------------------------------------------------
# The fields of each model that the figures read.
_TRACKED = {
    Participation: ("event_id", "participant_id", "is_demo"),
    Participant: ("sex", "country_id", "organisation_id", "is_demo"),
    Event: ("is_demo",),
    Organisation: ("name", "acronym", "slug"),
    Country: ("code",),
}


def _values(instance) -> tuple:
    # From __dict__: never loads a deferred field (one not loaded reads as changed).
    return tuple(instance.__dict__.get(name) for name in _TRACKED[type(instance)])


def _before_save(sender, instance, raw=False, **kwargs):
    """What the row holds before the save: one query by key, on saves only (a hook on every
    load would cost every page that lists these records)."""
    instance._summary_values = None
    if raw or instance._state.adding or instance.pk is None:
        return
    instance._summary_values = (sender._base_manager.filter(pk=instance.pk)
                                .values_list(*_TRACKED[sender]).first())


def _saved(sender, instance, created, raw=False, **kwargs):
    if raw:  # a restore or loaddata: it rebuilds when done
        return
    before = getattr(instance, "_summary_values", None)
    if not created and before == _values(instance):
        return
    if sender is Participation:
        mark({instance.event_id, before[0] if before else None})
    elif created:  # a new participant, event, organisation or country is at no event yet
        return
    elif sender is Participant:
        mark_participants([instance.pk])
    elif sender is Event:
        mark([instance.pk])
    elif sender is Organisation:
        mark(Participation.objects.filter(participant__organisation=instance)
             .values_list("event_id", flat=True).distinct().order_by())
    elif sender is Country:
        mark(Participation.objects.filter(participant__country=instance)
             .values_list("event_id", flat=True).distinct().order_by())


def _deleted(sender, instance, **kwargs):
    mark([instance.event_id if sender is Participation else instance.pk])


for _model in _TRACKED:
    pre_save.connect(_before_save, sender=_model,
                     dispatch_uid=f"summaries-before-save-{_model._meta.label}")
    post_save.connect(_saved, sender=_model, dispatch_uid=f"summaries-save-{_model._meta.label}")
post_delete.connect(_deleted, sender=Participation, dispatch_uid="summaries-delete-participation")
post_delete.connect(_deleted, sender=Event, dispatch_uid="summaries-delete-event")


def _deleting_event(sender, instance, **kwargs):
    """An event about to go: its links to projects are broken (by cascade, no signal)."""
    move_links(_links(event_id=instance.pk), -1)


def _links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """``Event.projects`` written from either side (``event.projects`` or
    ``project.events``): links made add the event's published figures to the project's, links
    broken subtract them. A removal names ids that may not be linked: the links are read
    before it."""
    own, other = ("project_id", "event_id") if reverse else ("event_id", "project_id")
    if action in ("pre_remove", "pre_clear"):
        condition = {own: instance.pk}
        if pk_set is not None:
            condition[f"{other}__in"] = pk_set
        instance._summary_links = _links(**condition)
    elif action in ("post_remove", "post_clear"):
        move_links(instance.__dict__.pop("_summary_links", ()), -1)
    elif action == "post_add" and pk_set:
        move_links(((pk, instance.pk) if reverse else (instance.pk, pk) for pk in pk_set), 1)


pre_delete.connect(_deleting_event, sender=Event, dispatch_uid="summaries-deleting-event")
m2m_changed.connect(_links_changed, sender=Event.projects.through,
                    dispatch_uid="summaries-event-projects")

def fill_after_migrate(using="default", **kwargs) -> None:
    """After ``migrate``: where the summaries have never been built (the migrations that made
    their tables leave them empty) and participations exist, build them: all of them, or the
    projects' figures alone (from the events' stored figures) where only those are empty while
    a linked event has figures."""
    if using != DEFAULT_DB_ALIAS:
        return
    tables = connection.introspection.table_names()
    if any(model._meta.db_table not in tables for model in (RegisterTotal, ProjectTotal)):
        return
    if not RegisterTotal.objects.exists() and Participation.objects.exists():
        rebuild()
    elif (not ProjectTotal.objects.exists()
          and EventFigure.objects.filter(event__projects__isnull=False).exists()):
        # The projects' figures, added later: built from the events' stored figures.
        with transaction.atomic():
            _locked_totals()
            want = expected_parts(_stored(EventFigure.objects.filter(
                dimension__in=PART_DIMENSIONS)))
            _write_parts(sorted(want), want)
