"""Participant and seizure figures for pages and charts, computed in the database
(``values().annotate()``).

Python here only shapes the handful of grouped rows the database returns; it never loops over
records. The rules:

- **Small cells.** Participant figures go through ``activities.privacy.protect()``. The whole
  register (the home page) publishes only the events' published figures added up
  (``register_figures``): registrations, not people.
- **Seizures.** Kilogram totals add *individual* seizures only; aggregate figures (a total
  reported over years) are listed beside them with their qualifier and period, never added in.
- **Demo data.** No figure counts demo records (``is_demo``, from ``seed_demo``), whoever asks:
  every function here narrows its querysets to real records itself.

Money totals are in ``donors.totals``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from activities.models import (
    Dimension,
    Event,
    EventFigure,
    Participant,
    Participation,
    ProjectCell,
    ProjectTotal,
    RegisterCell,
    RegisterTotal,
    Seizure,
    quantity_in_kg,
)
from activities.privacy import (
    SMALL_CELL,
    Breakdown,
    Cell,
    Figure,
    State,
    format_count,
    label_order,
    protect,
)

NOT_RECORDED = _("Not recorded")

# Participants
# --------------------------------------------------------------------------------------------
@dataclass
class ParticipantFigures:
    total: Figure
    by_sex: Breakdown
    by_country: Breakdown
    by_organisation: Breakdown

    @property
    def total_shown(self) -> str:
        """The total as a page prints it, in the active language."""
        return str(self.total)

    @property
    def breakdowns(self) -> list[Breakdown]:
        return [self.by_sex, self.by_country, self.by_organisation]

    @property
    def has_complementary(self) -> bool:
        return any(b.has_complementary for b in self.breakdowns)

    @property
    def too_few(self) -> bool:
        """Fewer than 3 people: no breakdown at all."""
        return self.total.state == State.FEWER_THAN

    @property
    def broken_down(self) -> bool:
        """At least 3 people: each breakdown is shown as a table (a table may still say that
        it is withheld)."""
        return self.total.state != State.FEWER_THAN and not self.total.is_zero


# The three breakdowns of participants: (grouping aliases → field paths, ordering). Aliases have
# no "__" so that they can name values() expressions.
_BREAKDOWNS = {
    "sex": ({"sex_value": "sex"}, ["sex_value"]),
    "country": ({"country_code": "country__code"}, ["-n", "country_code"]),
    "organisation": ({"org_slug": "organisation__slug", "org_name": "organisation__name",
                      "org_acronym": "organisation__acronym"}, ["-n", "org_name"]),
}


def participant_figures(participants) -> ParticipantFigures:
    """Registered participants (a ``Participant`` queryset, one row per person) by sex, country
    and organisation, protected against small cells. Three grouped queries."""
    participants = participants.filter(is_demo=False)
    return _figures(*(
        participants.values(**{alias: F(path) for alias, path in paths.items()})
        .annotate(n=Count("pk")).order_by(*order)
        for paths, order in _BREAKDOWNS.values()
    ))


def participant_figures_by_event(event_ids) -> dict[int, ParticipantFigures]:
    """``participant_figures`` of each event in ``event_ids`` (everyone registered for it), for a
    list of events: three grouped queries whatever the number of events."""
    event_ids = list(event_ids)
    groups = {pk: [[] for _ in _BREAKDOWNS] for pk in event_ids}
    _event_rows(Participation.objects.real().filter(event__in=event_ids), groups)
    urls: dict[str, str] = {}
    return {pk: _figures(*rows, urls=urls) for pk, rows in groups.items()}


def _event_rows(participations, groups: dict) -> dict:
    """Grouped rows (with ``n``) of each event of ``participations``, one list per breakdown,
    added to ``groups`` (event pk → [sex rows, country rows, organisation rows]): one grouped
    query per breakdown over (event, group)."""
    for index, (paths, order) in enumerate(_BREAKDOWNS.values()):
        rows = participations.values(
            "event", **{alias: F(f"participant__{path}") for alias, path in paths.items()}
        ).annotate(n=Count("participant", distinct=True)).order_by("event", *order)
        for row in rows:
            groups.setdefault(row["event"], [[] for _ in _BREAKDOWNS])[index].append(row)
    return groups


def _figures(sex_rows, country_rows, organisation_rows, urls=None) -> ParticipantFigures:
    """Shape grouped rows (with ``n``) into protected breakdowns. ``urls`` caches agency
    addresses and country names across calls."""
    urls = {} if urls is None else urls
    sex_labels = dict(Participant.Sex.choices)
    by_sex = protect(BY_SEX, [
        (sex_labels.get(row["sex_value"], row["sex_value"]), row["n"], "") for row in sex_rows
    ])
    by_country = protect(BY_COUNTRY, [
        (_country_label(row["country_code"], urls), row["n"], "") for row in country_rows
    ])
    by_organisation = protect(BY_AGENCY, [
        (_organisation_label(row), row["n"], _organisation_url(row["org_slug"], urls))
        for row in organisation_rows
    ])
    return ParticipantFigures(by_sex.total, by_sex, by_country, by_organisation)


BY_SEX, BY_COUNTRY, BY_AGENCY = _("By sex"), _("By country"), _("By agency")


def _country_name(code: str) -> str:
    return countries.name(code) or code


# A country's name in the language of the page that prints it (protect() sorts it in English).
_lazy_country_name = lazy(_country_name, str)


def _country_label(code, names: dict) -> str:
    if not code:
        return NOT_RECORDED
    if ("country", code) not in names:
        names["country", code] = _lazy_country_name(code)
    return names["country", code]


def _organisation_url(slug, urls: dict) -> str:
    if not slug:
        return ""
    if slug not in urls:
        # reverse() once: a slug needs no quoting, so the others are put in its place.
        if ("organisation", None) not in urls:
            urls["organisation", None] = reverse("activities:organisation_detail",
                                                 args=[_SLUG_MARK])
        urls[slug] = urls["organisation", None].replace(_SLUG_MARK, slug)
    return urls[slug]


_SLUG_MARK = "--slug--"


# --------------------------------------------------------------------------------------------
# The whole register: what the events publish, added up
# --------------------------------------------------------------------------------------------
@dataclass
class RegisterBreakdown(Breakdown):
    """A breakdown of the register's registrations, added up over ``events`` events (those
    whose own breakdown this way is shown); ``left_out`` events with registrations show none
    (fewer than 3 registrations, or withheld) and are not in it."""

    events: int = 0
    left_out: int = 0
    unit = _("Registrations")

    @property
    def caption(self) -> str:
        caption = ngettext(
            "%(title)s: registrations at %(events)s event",
            "%(title)s: registrations at %(events)s events", self.events,
        ) % {"title": self.title, "events": format_count(self.events)}
        if self.left_out:
            caption += " " + ngettext(
                "(not counted: %(events)s event showing no breakdown this way)",
                "(not counted: %(events)s events showing no breakdown this way)", self.left_out,
            ) % {"events": format_count(self.left_out)}
        return caption


@dataclass
class RegisterFigures:
    """Registrations (a person at two events counts twice) over every event, as the events'
    pages publish them (README, "Privacy"): a pure function of the events' published figures,
    so it can tell nothing they do not.

    - ``exact``: the registrations at events whose total is shown, added up; ``small_events``
      events read "fewer than 3" (1 or 2 each), so the headline reads "at least" exact + 1 each.
    - Each breakdown adds up, over the events whose breakdown this way is shown, each group's
      shown counts; a group that any of them hides reads "not shown"."""

    exact: int
    small_events: int
    events: int
    by_sex: RegisterBreakdown
    by_country: RegisterBreakdown
    by_organisation: RegisterBreakdown

    @property
    def low(self) -> int:
        return self.exact + self.small_events

    @property
    def high(self) -> int:
        return self.exact + (SMALL_CELL - 1) * self.small_events

    @property
    def total(self) -> Figure:
        return Figure(State.AT_LEAST, self.low) if self.small_events else Figure.of(self.exact)

    @property
    def total_shown(self) -> str:
        """"at least 5" or "3", in the active language."""
        return str(self.total)

    @property
    def breakdowns(self) -> list[RegisterBreakdown]:
        return [self.by_sex, self.by_country, self.by_organisation]

    @property
    def has_complementary(self) -> bool:
        return any(cell.suppressed for b in self.breakdowns for cell in b.cells)

    @property
    def broken_down(self) -> bool:
        return self.events > 0


def register_figures() -> RegisterFigures:
    """The home page's participant figures, read from the stored summaries
    (``activities.summaries``): the register's totals and one row per group, two queries
    whatever the number of events. Equal to ``register_figures_from_rows()`` (tested)."""
    totals = {t.dimension: t for t in RegisterTotal.objects.all()}
    cells = RegisterCell.objects.filter(listed_events__gt=0).order_by().values_list(
        "dimension", "key", "shown_sum", "hidden_events", "organisation__slug",
        "organisation__name", "organisation__acronym")
    headline = totals.get("") or RegisterTotal()
    urls: dict[str, str] = {}
    sex_labels = dict(Participant.Sex.choices)
    breakdowns = []
    for dimension, title in zip(("sex", "country", "organisation"), _REGISTER_TITLES,
                                strict=True):
        groups = []
        for cell_dimension, key, shown_sum, hidden_events, slug, name, acronym in cells:
            if cell_dimension != dimension:
                continue
            if dimension == "sex":
                label, url = sex_labels.get(key, key), ""
            elif dimension == "country":
                label, url = _country_label(key, urls), ""
            else:
                label = _organisation_label({"org_slug": slug, "org_name": name,
                                             "org_acronym": acronym})
                url = _organisation_url(slug, urls)
            groups.append((label, shown_sum, url, hidden_events > 0))
        total = totals.get(dimension) or RegisterTotal()
        breakdowns.append(_register_breakdown(title, groups, total.total, total.events,
                                              total.left_out))
    return RegisterFigures(headline.total, headline.left_out, headline.events, *breakdowns)


_REGISTER_TITLES = (BY_SEX, BY_COUNTRY, BY_AGENCY)


# The register over a part of the events (issue 14: a donor's projects)
# --------------------------------------------------------------------------------------------
PART_DIMENSIONS = ("sex", "country")


def registrations_by(path: str, values, dimensions=PART_DIMENSIONS) -> dict:
    """The register's breakdowns (``register_figures``) by sex and by country over the events
    of each value of ``path`` (``"projects"``, with project ids as ``values``: the only path
    stored): {value: [RegisterBreakdown per dimension]}. Read from the stored summaries
    (``ProjectCell`` / ``ProjectTotal``, kept by ``activities.summaries``), never from
    participations nor from the events' figures: two queries whose cost follows the projects
    and their groups, not their events. Like the home page, a pure function of what the events'
    pages publish: a group adds up its shown counts over the events that list their groups this
    way, and reads "not shown" where any of them hides it; its total adds up those events'
    totals; the events that list no group this way are counted as left out."""
    if path != "projects" or not set(dimensions) <= set(PART_DIMENSIONS):
        raise ValueError(f"Stored by projects, by {PART_DIMENSIONS} only, not {path} {dimensions}")
    values = list(values)
    if not values:
        return {}
    counts = {
        (value, dimension): (events, left_out)
        for value, dimension, events, left_out in ProjectTotal.objects.filter(
            project_id__in=values, dimension__in=dimensions).order_by()
        .values_list("project_id", "dimension", "events", "left_out")
    }
    rows = ProjectCell.objects.filter(
        project_id__in=values, dimension__in=dimensions).order_by()
    urls: dict[str, str] = {}
    sex_labels = dict(Participant.Sex.choices)
    groups: dict = {}
    for value, dimension, key, shown, hidden, total in rows.values_list(
            "project_id", "dimension", "key", "shown_sum", "hidden_events", "listed_sum"):
        label = sex_labels.get(key, key) if dimension == "sex" else _country_label(key, urls)
        cells, sum_of_totals = groups.get((value, dimension), ([], 0))
        cells.append((label, shown, "", hidden > 0))
        groups[value, dimension] = (cells, sum_of_totals + total)
    titles = dict(zip(("sex", "country", "organisation"), _REGISTER_TITLES, strict=True))
    return {
        value: [
            _register_breakdown(titles[dimension], *groups.get((value, dimension), ([], 0)),
                                *counts.get((value, dimension), (0, 0)))
            for dimension in dimensions
        ]
        for value in values
    }


def register_figures_from_rows() -> RegisterFigures:
    """The home page's participant figures computed from the rows (the reference
    ``register_figures`` is tested against): every real event's protected figures (one grouped
    query per breakdown over (event, group); ``protect()`` per event in Python), added up by
    ``_add_up``, which reads only what each event publishes. Its cost grows with the events."""
    urls: dict[str, str] = {}
    per_event = [
        _figures(*rows, urls=urls)
        for rows in _event_rows(Participation.objects.real(), {}).values()
    ]
    exact = sum(f.total.published or 0 for f in per_event)
    small = sum(f.total.state == State.FEWER_THAN for f in per_event)
    return RegisterFigures(
        exact, small, len(per_event),
        *(_add_up(title, [f.breakdowns[i] for f in per_event])
          for i, title in enumerate(_REGISTER_TITLES)),
    )


def _add_up(title: str, breakdowns: list[Breakdown]) -> RegisterBreakdown:
    """Add up the published breakdowns of events: over those that list their groups, a group's
    shown counts, or "not shown" when any of them hides it. Reads only what a page prints
    (labels, addresses, shown counts, which groups are hidden, the printed total)."""
    listed = [b for b in breakdowns if b.cells]
    left_out = sum(1 for b in breakdowns if not b.cells and not b.total.is_zero)
    sums: dict[tuple[str, str], int] = {}
    hidden: set[tuple[str, str]] = set()
    for breakdown in listed:
        for cell in breakdown.cells:
            key = (cell.label, cell.url)
            if cell.suppressed:
                hidden.add(key)
                sums.setdefault(key, 0)
            else:
                sums[key] = sums.get(key, 0) + cell.figure.published
    total = sum(b.total.published for b in listed)
    groups = [(label, sums[label, url], url, (label, url) in hidden) for label, url in sums]
    return _register_breakdown(title, groups, total, len(listed), left_out)


def _register_breakdown(title: str, groups, total: int, events: int,
                        left_out: int) -> RegisterBreakdown:
    """A register breakdown from its groups ``(label, sum of shown counts, url, hidden)``:
    shown groups by count (ties by label), hidden ones after them in label order."""
    groups = sorted(groups, key=lambda group: label_order(group[:3]))
    cells = [
        Cell(label, 0 if hidden else count, url, State.NOT_SHOWN if hidden else State.SHOWN)
        for label, count, url, hidden in groups
    ]
    cells.sort(key=lambda cell: (cell.suppressed, 0 if cell.suppressed else -cell._count))
    return RegisterBreakdown(
        title, Figure.of(total), cells, has_complementary=any(hidden for *_g, hidden in groups),
        withheld=not events and bool(left_out), events=events, left_out=left_out,
    )


# --------------------------------------------------------------------------------------------
# One country's people: what the events publish for its group, added up
# --------------------------------------------------------------------------------------------
@dataclass
class CountryFigures:
    """Registrations of people from one country, as the events' pages publish them (README,
    "Privacy"): over the real events whose by-country breakdown is listed, each one's printed
    count of the country's group, added up by year and by kind of event. A pure function of
    what the event pages print (an event's group, year and kind), so it tells nothing they do
    not: ``exact`` adds up the shown counts; ``hidden_events`` read "fewer than 3" or "not
    shown" there (each at least 1), and a year or kind holding one of them reads "not shown".
    Events whose breakdown is withheld publish nothing of the group and are not counted (nor
    said to exist)."""

    exact: int
    events: int
    hidden_events: int
    by_year: RegisterBreakdown
    by_kind: RegisterBreakdown

    @property
    def total(self) -> Figure:
        if self.hidden_events:
            return Figure(State.AT_LEAST, self.exact + self.hidden_events)
        return Figure.of(self.exact)

    @property
    def total_shown(self) -> str:
        return str(self.total)

    @property
    def breakdowns(self) -> list[RegisterBreakdown]:
        return [self.by_year, self.by_kind]

    @property
    def broken_down(self) -> bool:
        return self.events > 0


def country_figures(code: str) -> CountryFigures:
    """``CountryFigures`` of the country ``code``, read from the stored events' figures
    (``EventFigure``, which holds real events only): one grouped query over that country's rows
    (index ``activities_figure_group_idx``), whatever the size of the register."""
    rows = list(
        EventFigure.objects.filter(dimension=Dimension.COUNTRY, key=code)
        .exclude(published=EventFigure.Published.NOT_LISTED)
        .values_list("event__year", "event__kind")
        .annotate(
            shown=Sum("n", filter=Q(published=EventFigure.Published.SHOWN), default=0),
            events=Count("pk"),
            hidden=Count("pk", filter=Q(published=EventFigure.Published.HIDDEN)),
        ).order_by()
    )
    exact = sum(row[2] for row in rows)
    events = sum(row[3] for row in rows)
    hidden = sum(row[4] for row in rows)
    kinds = dict(Event.Kind.choices)
    event_list = reverse("activities:event_list")
    by_year: dict[str, list] = {}
    by_kind: dict[str, list] = {}
    for year, kind, shown, _events, hidden_here in rows:
        for groups, label, url in (
            (by_year, str(year) if year else _("Year not stated"), ""),
            (by_kind, kinds.get(kind, kind), f"{event_list}?country={code}&kind={kind}"),
        ):
            group = groups.setdefault(label, [label, 0, url, False])
            group[1] += shown
            group[3] = group[3] or hidden_here > 0
    figures = CountryFigures(exact, events, hidden, *(
        _register_breakdown(title, [tuple(group) for group in groups.values()], exact, events, 0)
        for title, groups in ((_("By year"), by_year), (_("By kind of event"), by_kind))
    ))
    for breakdown in figures.breakdowns:
        breakdown.total = figures.total
    return figures


def _organisation_label(row) -> str:
    if not row["org_slug"]:
        return NOT_RECORDED
    acronym = row["org_acronym"]
    return f"{row['org_name']} ({acronym})" if acronym else row["org_name"]


def registered_participants(event=None):
    """People with at least one participation (in ``event`` when given), one row per person."""
    participations = Participation.objects.real().filter(participant=OuterRef("pk"))
    if event is not None:
        participations = participations.filter(event=event)
    return Participant.objects.real().filter(Exists(participations))


@dataclass
class ReportedParticipants:
    total: int
    events: int


def reported_participants(events) -> ReportedParticipants:
    """The participant counts as the sources report them, summed over ``events`` that give one;
    kept apart from registered participant records."""
    figures = events.filter(is_demo=False, reported_participants__isnull=False).aggregate(
        total=Sum("reported_participants"), events=Count("pk")
    )
    return ReportedParticipants(figures["total"] or 0, figures["events"])


# --------------------------------------------------------------------------------------------
# Seizures
# --------------------------------------------------------------------------------------------
@dataclass
class SubstanceTotals:
    name: str
    slug: str
    by_year: list[Decimal | None]
    total: Decimal
    seizures: int


@dataclass
class SeizureTotals:
    years: list[int | None]
    substances: list[SubstanceTotals]
    # Individual seizures without kilograms: (substance, unit label, count, reason).
    not_in_totals: list[dict]
    # The first AGGREGATE_FIGURES_SHOWN aggregate figures, and how many there are in all: the
    # pages link to the seizure list of them all rather than print thousands.
    aggregate_figures: list[Seizure]
    aggregate_count: int = 0

    @property
    def more_aggregate_figures(self) -> int:
        return self.aggregate_count - len(self.aggregate_figures)

    def chart(self) -> dict:
        """Kilograms seized per year, one stacked series per substance (individual seizures)."""
        return {
            "type": "bar",
            "stacked": True,
            "labels": [str(year) if year else gettext("Year not stated") for year in self.years],
            "datasets": [
                {"label": s.name, "data": [float(kg) if kg is not None else None
                                           for kg in s.by_year]}
                for s in self.substances
            ],
            "x_title": gettext("Year"),
            "y_title": gettext("Kilograms (individual seizures)"),
            "series_title": gettext("Substance"),
        }


AGGREGATE_FIGURES_SHOWN = 10


def seizure_totals(seizures) -> SeizureTotals:
    """Kilograms by substance and year over the individual seizures in ``seizures``; the
    individual seizures that have no kilograms, counted with the reason; and the aggregate
    figures, listed as reported (the first ``AGGREGATE_FIGURES_SHOWN``, and their number). Four
    queries."""
    seizures = seizures.filter(is_demo=False)
    individual = seizures.filter(kind=Seizure.Kind.INDIVIDUAL)
    rows = list(
        individual.filter(quantity_kg__isnull=False)
        .values("substance__slug", "substance__name", "year")
        .annotate(kg=Sum("quantity_kg"), n=Count("pk"))
        .order_by("substance__name", "year")
    )
    years = sorted({row["year"] for row in rows}, key=lambda y: (y is None, y or 0))
    substances: dict[str, SubstanceTotals] = {}
    for row in rows:
        totals = substances.setdefault(row["substance__slug"], SubstanceTotals(
            row["substance__name"], row["substance__slug"], [None] * len(years), Decimal(0), 0,
        ))
        totals.by_year[years.index(row["year"])] = row["kg"]
        totals.total += row["kg"]
        totals.seizures += row["n"]
    unit_labels = dict(Seizure.Unit.choices)
    not_in_totals = [
        {
            "substance": row["substance__name"],
            "unit": unit_labels.get(row["unit"], row["unit"]),
            "quantity": row["quantity"],
            "seizures": row["n"],
            "reason": _kg_missing_reason(row),
        }
        for row in individual.filter(quantity_kg__isnull=True)
        .values("substance__name", "substance__density_kg_per_l", "unit")
        .annotate(n=Count("pk"), quantity=Sum("quantity"))
        .order_by("substance__name", "unit")
    ]
    aggregate = seizures.filter(kind=Seizure.Kind.AGGREGATE)
    figures = list(
        aggregate.select_related("substance", "country", "project")
        .order_by("substance__name", "year", "pk")[:AGGREGATE_FIGURES_SHOWN]
    )
    return SeizureTotals(years, list(substances.values()), not_in_totals, figures,
                         aggregate.count())


def _kg_missing_reason(row) -> str:
    return quantity_in_kg(Decimal(1), row["unit"], row["substance__density_kg_per_l"])[1]
