"""Grouped figures for pages and charts, computed in the database (``values().annotate()``).

Python here only shapes the handful of grouped rows the database returns; it never loops over
records. Three rules hold everywhere:

- **Small cells.** Participant figures go through ``protect()``: a group smaller than 3 reads
  "fewer than 3", and with it the smallest other group is "not shown", so that the total (which
  is shown) cannot be used to subtract back to it; hidden groups are listed after the shown
  ones, in label order. A population smaller than 3 gets no breakdown at all. The method is
  public (README, "Privacy"): what it shows narrows no hidden group beyond its label, for a
  reader who knows it. The whole register (the home page) publishes only the events' published
  figures added up (``register_figures``): registrations, not people.
- **Seizures.** Kilogram totals add *individual* seizures only; aggregate figures (a total
  reported over years) are listed beside them with their qualifier and period, never added in.
- **Money.** Contribution totals are per currency, never added across currencies; each carries
  its US-dollar equivalent at the rate of the contributions' months (``donors.currency``), with
  missing rates named, never counted as zero. Callers pass querysets that start from
  ``Contribution.objects.visible_to(user)``.
- **Demo data.** No figure counts demo records (``is_demo``, from ``seed_demo``), whoever asks:
  every function here narrows its querysets to real records itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, Exists, F, OuterRef, Sum
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django_countries import countries

from activities.models import Participant, Participation, Seizure, quantity_in_kg
from donors.currency import UsdEquivalent, usd_sum, with_month

SMALL_CELL = 3
FEWER_THAN = "fewer than 3"
NOT_SHOWN = "not shown"
NOT_RECORDED = "Not recorded"


# --------------------------------------------------------------------------------------------
# Small-cell protection
# --------------------------------------------------------------------------------------------
@dataclass
class Cell:
    """One group of a breakdown. ``shown`` is what a page prints; the exact count is kept in
    ``_count``, which templates cannot read."""

    label: str
    _count: int
    url: str = ""
    shown: str = ""
    suppressed: bool = False

    @property
    def value(self) -> int | None:
        """The number a chart may draw: None for a protected group."""
        return None if self.suppressed else self._count


@dataclass
class Breakdown:
    """A population split into groups, protected by ``protect()``."""

    title: str
    total_shown: str
    cells: list[Cell] = field(default_factory=list)
    # True when some group is not shown only so that a small group cannot be worked out.
    has_complementary: bool = False
    # True when no breakdown can be shown without revealing a small group.
    withheld: bool = False
    # What the counts count (charts' axis and series).
    unit = "Participants"

    @property
    def caption(self) -> str:
        return self.title

    @property
    def has_small_cells(self) -> bool:
        return any(cell.shown == FEWER_THAN for cell in self.cells)

    @property
    def drawable_as_bars(self) -> bool:
        """Worth a bar chart: at least two groups have a number to draw."""
        return sum(not cell.suppressed for cell in self.cells) >= 2

    @property
    def drawable_as_parts(self) -> bool:
        """Worth a doughnut of parts of the whole: every group is shown, and there are two."""
        return len(self.cells) >= 2 and not any(cell.suppressed for cell in self.cells)

    def _chart(self, kind: str) -> dict:
        """Chart.js data: protected groups are drawn as gaps and labelled as on the page."""
        return {
            "type": kind,
            "labels": [
                cell.label + (f" ({cell.shown})" if cell.suppressed else "") for cell in self.cells
            ],
            "datasets": [{
                "label": self.unit,
                "data": [cell.value for cell in self.cells],
                "display": [cell.shown for cell in self.cells],
            }],
            "horizontal": kind == "bar",
            "x_title": self.unit if kind == "bar" else "",
        }

    @property
    def chart(self) -> dict:
        return self._chart("bar")

    @property
    def chart_doughnut(self) -> dict:
        return self._chart("doughnut")


def _sums(bounds) -> tuple[int, int]:
    return sum(low for low, _high in bounds.values()), sum(high for _low, high in bounds.values())


def _interval(bounds, hidden_sum, i, all_low, all_high) -> tuple[int, int]:
    """The values group ``i`` can take when the hidden groups add up to ``hidden_sum`` and each
    lies within its bounds (an interval: with one sum over boxes, every integer in between is
    reachable); ``all_low`` and ``all_high`` are the bounds' sums."""
    low_i, high_i = bounds[i]
    others_low, others_high = all_low - low_i, all_high - high_i
    return max(low_i, hidden_sum - others_high), min(high_i, hidden_sum - others_low)


def _holds_its_label(bounds, hidden_sum, primary) -> bool:
    """Does every hidden group still allow every value its label states — 1 and 2 for "fewer
    than 3", at least two values for "not shown" — given all a reader knows?"""
    sums = _sums(bounds)  # once, not once per group: a breakdown may have many small groups
    for i in bounds:
        low, high = _interval(bounds, hidden_sum, i, *sums)
        if i in primary and (low > 1 or high < SMALL_CELL - 1):
            return False
        if i not in primary and high - low < 1:
            return False
    return True


def _label_key(group) -> tuple[str, str]:
    label, _count, url = group
    return (label.casefold(), label, url)


def protect(title: str, groups: list[tuple[str, int, str]]) -> Breakdown:
    """Protect a breakdown of people whose total is shown.

    ``groups`` are ``(label, count, url)`` with counts of 1 or more, in any order: the result
    depends on the groups, never on the order they come in. A group smaller than 3 reads
    "fewer than 3". When there is one, exactly one more group is "not shown": the smallest of
    the others (ties broken by label), so that the total cannot be used to subtract back to a
    small group. (When every group is smaller than 3, none is shown.) Where even that leaves a
    hidden group narrower than its label states, no breakdown is shown. A total smaller than 3
    reads "fewer than 3" and has no breakdown.

    The method is public (README, "Privacy"), so every choice it makes depends only on what the
    page shows: a reader who knows it learns nothing beyond the labels. Everything a reader can
    know of a hidden group:

    - "fewer than 3" — 1 or 2;
    - "not shown" — at least 3, and no more than any shown group (no more than a shown group
      whose label sorts before its own, less one: ties go to the label first in order);
    - the hidden groups add up to the total less the shown groups.

    Shown groups come first, largest first (ties by label); hidden groups come after them in
    label order, so that their place says nothing about their size.
    """
    groups = sorted(groups, key=_label_key)
    counts = [count for _label, count, _url in groups]
    total = sum(counts)
    if total < SMALL_CELL:
        return Breakdown(title, FEWER_THAN if total else "0", withheld=bool(total))
    primary = {i for i, count in enumerate(counts) if count < SMALL_CELL}
    bounds = dict.fromkeys(primary, (1, SMALL_CELL - 1))
    others = [i for i in range(len(counts)) if i not in primary]
    if primary and others:
        # Groups are in label order, so min() breaks ties between equal counts by label.
        complementary = min(others, key=counts.__getitem__)
        cap = min(
            (counts[j] if j > complementary else counts[j] - 1
             for j in others if j != complementary),
            default=total,
        )
        bounds[complementary] = (SMALL_CELL, cap)
    if bounds and not _holds_its_label(bounds, sum(counts[i] for i in bounds), primary):
        return Breakdown(title, f"{total:,}", withheld=True)
    cells = [
        Cell(label, count, url,
             FEWER_THAN if i in primary else NOT_SHOWN if i in bounds else f"{count:,}",
             suppressed=i in bounds)
        for i, (label, count, url) in enumerate(groups)
    ]
    # Shown groups by size (ties by label: sorted() keeps the label order); hidden ones after.
    cells.sort(key=lambda cell: (cell.suppressed, 0 if cell.suppressed else -cell._count))
    return Breakdown(
        title, f"{total:,}", cells, has_complementary=any(c.shown == NOT_SHOWN for c in cells)
    )


# --------------------------------------------------------------------------------------------
# Participants
# --------------------------------------------------------------------------------------------
@dataclass
class ParticipantFigures:
    total_shown: str
    by_sex: Breakdown
    by_country: Breakdown
    by_organisation: Breakdown

    @property
    def breakdowns(self) -> list[Breakdown]:
        return [self.by_sex, self.by_country, self.by_organisation]

    @property
    def has_complementary(self) -> bool:
        return any(b.has_complementary for b in self.breakdowns)

    @property
    def too_few(self) -> bool:
        """Fewer than 3 people: no breakdown at all."""
        return self.total_shown == FEWER_THAN

    @property
    def broken_down(self) -> bool:
        """At least 3 people: each breakdown is shown as a table (a table may still say that
        it is withheld)."""
        return self.total_shown not in {FEWER_THAN, "0"}


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
    by_sex = protect("By sex", [
        (sex_labels.get(row["sex_value"], row["sex_value"]), row["n"], "") for row in sex_rows
    ])
    by_country = protect("By country", [
        (_country_label(row["country_code"], urls), row["n"], "") for row in country_rows
    ])
    by_organisation = protect("By agency", [
        (_organisation_label(row), row["n"], _organisation_url(row["org_slug"], urls))
        for row in organisation_rows
    ])
    return ParticipantFigures(by_sex.total_shown, by_sex, by_country, by_organisation)


def _country_label(code, names: dict) -> str:
    if not code:
        return NOT_RECORDED
    if ("country", code) not in names:
        names["country", code] = countries.name(code) or code
    return names["country", code]


def _organisation_url(slug, urls: dict) -> str:
    if not slug:
        return ""
    if slug not in urls:
        urls[slug] = reverse("activities:organisation_detail", args=[slug])
    return urls[slug]


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
    unit = "Registrations"

    @property
    def caption(self) -> str:
        caption = f"{self.title}: registrations at {self.events:,} event{pluralize(self.events)}"
        if self.left_out:
            caption += (f" (not counted: {self.left_out:,} event{pluralize(self.left_out)} "
                        "showing no breakdown this way)")
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
    def total_shown(self) -> str:
        return f"at least {self.low:,}" if self.small_events else f"{self.exact:,}"

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
    """The home page's participant figures: every real event's protected figures (one grouped
    query per breakdown over (event, group), whatever the number of events; ``protect()`` per
    event in Python), added up by ``_add_up``, which reads only what each event publishes."""
    urls: dict[str, str] = {}
    per_event = [
        _figures(*rows, urls=urls)
        for rows in _event_rows(Participation.objects.real(), {}).values()
    ]
    exact = sum(_published_number(f.total_shown) or 0 for f in per_event)
    small = sum(f.total_shown == FEWER_THAN for f in per_event)
    return RegisterFigures(
        exact, small, len(per_event),
        *(_add_up(title, [f.breakdowns[i] for f in per_event])
          for i, title in enumerate(["By sex", "By country", "By agency"])),
    )


def _published_number(shown: str) -> int | None:
    text = shown.replace(",", "")
    return int(text) if text.isdigit() else None


def _add_up(title: str, breakdowns: list[Breakdown]) -> RegisterBreakdown:
    """Add up the published breakdowns of events: over those that list their groups, a group's
    shown counts, or "not shown" when any of them hides it. Reads only what a page prints
    (labels, addresses, shown counts, which groups are hidden, the printed total)."""
    listed = [b for b in breakdowns if b.cells]
    left_out = sum(1 for b in breakdowns if not b.cells and b.total_shown != "0")
    sums: dict[tuple[str, str], int] = {}
    hidden: set[tuple[str, str]] = set()
    for breakdown in listed:
        for cell in breakdown.cells:
            key = (cell.label, cell.url)
            if cell.suppressed:
                hidden.add(key)
                sums.setdefault(key, 0)
            else:
                sums[key] = sums.get(key, 0) + _published_number(cell.shown)
    total = sum(_published_number(b.total_shown) for b in listed)
    groups = sorted(((label, sums[label, url], url) for label, url in sums), key=_label_key)
    cells = [
        Cell(label, 0 if (label, url) in hidden else count, url,
             NOT_SHOWN if (label, url) in hidden else f"{count:,}",
             suppressed=(label, url) in hidden)
        for label, count, url in groups
    ]
    cells.sort(key=lambda cell: (cell.suppressed, 0 if cell.suppressed else -cell._count))
    return RegisterBreakdown(
        title, f"{total:,}", cells, has_complementary=bool(hidden),
        withheld=not listed and bool(left_out), events=len(listed), left_out=left_out,
    )


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
    aggregate_figures: list[Seizure]

    def chart(self) -> dict:
        """Kilograms seized per year, one stacked series per substance (individual seizures)."""
        return {
            "type": "bar",
            "stacked": True,
            "labels": [str(year) if year else "Year not stated" for year in self.years],
            "datasets": [
                {"label": s.name, "data": [float(kg) if kg is not None else None
                                           for kg in s.by_year]}
                for s in self.substances
            ],
            "x_title": "Year",
            "y_title": "Kilograms (individual seizures)",
            "series_title": "Substance",
        }


def seizure_totals(seizures) -> SeizureTotals:
    """Kilograms by substance and year over the individual seizures in ``seizures``; the
    individual seizures that have no kilograms, counted with the reason; and the aggregate
    figures, listed as reported. Three queries."""
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
    figures = list(
        seizures.filter(kind=Seizure.Kind.AGGREGATE)
        .select_related("substance", "country", "project")
        .order_by("substance__name", "year", "pk")
    )
    return SeizureTotals(years, list(substances.values()), not_in_totals, figures)


def _kg_missing_reason(row) -> str:
    return quantity_in_kg(Decimal(1), row["unit"], row["substance__density_kg_per_l"])[1]


# --------------------------------------------------------------------------------------------
# Contributions (callers pass Contribution.objects.visible_to(user), filtered)
# --------------------------------------------------------------------------------------------
@dataclass
class MoneyRow:
    """One line of a totals table: a label, its amounts per currency (each with its US-dollar
    equivalent, ``donors.currency.UsdEquivalent``), and how many of its contributions state no
    amount."""

    label: str
    url: str = ""
    lines: list[UsdEquivalent] = field(default_factory=list)
    contributions: int = 0
    without_amount: int = 0

    @property
    def amounts(self) -> list[tuple[str, Decimal]]:
        """(currency, total) per currency, never added across currencies."""
        return [(line.currency, line.total) for line in self.lines]

    @property
    def usd_total(self) -> Decimal | None:
        """The US-dollar equivalents added up across currencies, or None when a rate is
        missing for any of them (a missing rate is never counted as zero)."""
        if not self.lines or not all(line.complete for line in self.lines):
            return None
        return sum((line.usd or Decimal(0) for line in self.lines), Decimal(0))

    def line(self, currency: str) -> UsdEquivalent:
        if not self.lines or self.lines[-1].currency != currency:
            self.lines.append(UsdEquivalent(currency))
        return self.lines[-1]


def _money_rows(rows, label_of, url_of, key_of) -> list[MoneyRow]:
    """Shape grouped rows (one per key, currency and rate month, ordered by key and currency)
    into one MoneyRow per key, in order."""
    lines: dict = {}
    for row in rows:
        line = lines.setdefault(key_of(row), MoneyRow(label_of(row), url_of(row)))
        if row["total"] is not None:
            line.line(row["currency"]).add(row["usd_month"], row["total"], row["usd"])
        line.contributions += row["n"]
        line.without_amount += row["n"] - row["with_amount"]
    return list(lines.values())


def _grouped(contributions, *keys):
    """One row per combination of ``keys``, currency and rate month (``donors.currency``), with
    the amounts' sum and its US-dollar equivalent; years in order, unknown year last."""
    ordering = [F(key).asc(nulls_last=True) if key == "year" else key for key in keys]
    return (
        with_month(contributions)
        .values(*keys, "currency", "usd_month")
        .annotate(
            total=Sum("amount"), n=Count("pk"), with_amount=Count("amount"),
            usd=usd_sum(),
        )
        .order_by(*ordering, "currency", F("usd_month").asc(nulls_last=True))
    )


class ContributionTotals:
    """Totals over ``contributions`` (which must come from ``visible_to(user)``): per currency,
    by donor, by project, by year, and per donor and year. Each is one grouped query, run when
    a page first asks for it."""

    def __init__(self, contributions):
        self.contributions = contributions.filter(is_demo=False).order_by()

    @cached_property
    def per_currency(self) -> list[MoneyRow]:
        """One row per currency, then the contributions that state no amount."""
        rows = _money_rows(
            _grouped(self.contributions), lambda r: r["currency"] or "Amount not stated",
            lambda r: "", lambda r: r["currency"],
        )
        return sorted(rows, key=lambda row: not row.amounts)

    @cached_property
    def by_donor(self) -> list[MoneyRow]:
        return _money_rows(
            _grouped(self.contributions, "donor__name", "donor__slug"),
            lambda r: r["donor__name"],
            lambda r: reverse("donors:donor_detail", args=[r["donor__slug"]]),
            lambda r: r["donor__slug"],
        )

    @cached_property
    def by_project(self) -> list[MoneyRow]:
        return _money_rows(
            _grouped(self.contributions, "project__code", "project__title"),
            lambda r: f"{r['project__code']} — {r['project__title']}",
            lambda r: reverse("activities:project_detail", args=[r["project__code"]]),
            lambda r: r["project__code"],
        )

    @cached_property
    def by_year(self) -> list[MoneyRow]:
        return _money_rows(
            _grouped(self.contributions, "year"),
            lambda r: str(r["year"]) if r["year"] else "Year not stated",
            lambda r: "", lambda r: r["year"],
        )

    @cached_property
    def donor_year(self) -> list[dict]:
        return list(_grouped(self.contributions, "donor__name", "year"))

    @property
    def count(self) -> int:
        return sum(row.contributions for row in self.per_currency)

    @property
    def without_amount(self) -> int:
        return sum(row.without_amount for row in self.per_currency)

    @cached_property
    def charts(self) -> list[dict]:
        """Contributions per donor and year: their number (every contribution, with or without
        an amount), then the amounts, one chart per currency. None when no year is known: a
        single bar of "year not stated" says nothing the totals do not."""
        years = sorted({row["year"] for row in self.donor_year}, key=lambda y: (y is None, y))
        if not any(years):
            return []
        labels = [str(year) if year else "Year not stated" for year in years]
        donors = list(dict.fromkeys(row["donor__name"] for row in self.donor_year))

        def series(rows, value):
            data = {donor: [0] * len(years) for donor in donors}
            for row in rows:
                data[row["donor__name"]][years.index(row["year"])] += value(row)
            return [{"label": d, "data": values} for d, values in data.items() if any(values)]

        charts = [{
            "id": "contributions-count-chart",
            "title": "Number of contributions per donor and year",
            "type": "bar", "stacked": True, "labels": labels,
            "datasets": series(self.donor_year, lambda row: row["n"]),
            "x_title": "Year", "y_title": "Contributions", "series_title": "Donor",
        }]
        for currency in sorted({r["currency"] for r in self.donor_year if r["total"] is not None}):
            rows = [r for r in self.donor_year if r["currency"] == currency and r["total"]]
            charts.append({
                "id": f"contributions-{currency.lower()}-chart",
                "title": f"Amounts in {currency} per donor and year",
                "type": "bar", "stacked": True, "labels": labels,
                "datasets": series(rows, lambda row: float(row["total"])),
                "x_title": "Year", "y_title": currency, "series_title": "Donor",
            })
        return charts


def contribution_totals(contributions) -> ContributionTotals:
    return ContributionTotals(contributions)


def currency_totals(contributions) -> list[MoneyRow]:
    """Totals per currency only (one query), for detail pages."""
    return ContributionTotals(contributions).per_currency
