"""What goes into a donor's report pack for a period (issue 16, point 5), read once and written
twice: as a workbook of every row (``results.pack_xlsx``) and as a printed summary
(``results.pack_pdf``).

- **Visibility.** Everything is read as the reader may see it, through the models'
  ``visible_to(user)``: the donor's contributions (``Contribution.objects.visible_to``:
  unpublished ones only in the donor's own and admins' packs, an officer's pack holds the
  published ones), the projects and what they supported through THE selector of the donor pages
  (``donors.supported.supported_projects``, given those contributions), each project's results
  framework through ``results.progress.framework(project, user)``, and the events, seizures and
  articles of those projects through their own ``visible_to``. Nothing here reads participants:
  people trained appear only as the protected breakdowns the donor pages publish (the stored
  registrations of the supported selector) and the protected breakdowns of computed indicators.
- **The period.** A record counts in the period when its date falls in it, or when only its
  year is known and the period covers that whole year (the results' rule); a record known only
  by a year the period covers in part is not counted, and the pack says how many there are
  ("year only, not placed").
- **Figures** (totals) leave demo records out for everyone (``donors.totals``); lists show what
  the pages list.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from activities.models import Article, Event, Project, Seizure
from donors import totals
from donors.models import Contribution, Donor, donor_for
from donors.supported import Supported, supported_projects
from results.progress import ResultRow, frameworks

# A list printed in the PDF stops here and says that the workbook has the rest.
PDF_LIST_LIMIT = 50


@dataclass(frozen=True)
class PackPeriod:
    """The days a pack covers, both included, and how it is named ("2011", "2011 Q2", or the
    two dates)."""

    start: datetime.date
    end: datetime.date
    year: int | None = None
    quarter: int | None = None

    @classmethod
    def of_year(cls, year: int, quarter: int | None = None) -> PackPeriod:
        if quarter:
            first = 3 * (quarter - 1) + 1
            last_month = first + 2
            end = (datetime.date(year + 1, 1, 1) if last_month == 12
                   else datetime.date(year, last_month + 1, 1)) - datetime.timedelta(days=1)
            return cls(datetime.date(year, first, 1), end, year, quarter)
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31), year)

    @property
    def label(self) -> str:
        """The period in the reader's language."""
        if self.year and self.quarter:
            return gettext("%(year)s, quarter %(quarter)s") % {
                "year": self.year, "quarter": self.quarter}
        if self.year:
            return str(self.year)
        return gettext("%(start)s to %(end)s") % {
            "start": date_format(self.start, "DATE_FORMAT"),
            "end": date_format(self.end, "DATE_FORMAT")}

    @property
    def slug(self) -> str:
        """The period in a file name."""
        if self.year and self.quarter:
            return f"{self.year}-q{self.quarter}"
        if self.year:
            return str(self.year)
        return f"{self.start.isoformat()}-{self.end.isoformat()}"

    @property
    def whole_years(self) -> tuple[int, int] | None:
        """The first and last calendar years the period covers whole, or None."""
        first = self.start.year if (self.start.month, self.start.day) == (1, 1) \
            else self.start.year + 1
        last = self.end.year if (self.end.month, self.end.day) == (12, 31) else self.end.year - 1
        return (first, last) if first <= last else None

    def placed(self, date_field: str, year_field: str = "year") -> Q:
        """Records dated in the period, or known only by a year the period covers whole."""
        condition = Q(**{f"{date_field}__gte": self.start, f"{date_field}__lte": self.end})
        years = self.whole_years
        if years:
            condition |= Q(**{f"{date_field}__isnull": True, f"{year_field}__gte": years[0],
                              f"{year_field}__lte": years[1]})
        return condition

    def unplaced(self, date_field: str, year_field: str = "year") -> Q:
        """Records known only by a year the period covers in part: not counted, said."""
        condition = Q(**{f"{date_field}__isnull": True, f"{year_field}__gte": self.start.year,
                         f"{year_field}__lte": self.end.year})
        years = self.whole_years
        if years:
            condition &= ~Q(**{f"{year_field}__gte": years[0], f"{year_field}__lte": years[1]})
        return condition


@dataclass
class KindRow:
    """Contributions of one kind in one currency (or without an amount)."""

    kind: str
    currency: str
    contributions: int
    amount: Decimal | None


@dataclass
class ProjectFramework:
    project: Project
    results: list[ResultRow] = field(default_factory=list)


@dataclass
class Pack:
    donor: Donor
    period: PackPeriod
    reader: object  # the user the pack is made for: every list is read as they may see it
    generated: datetime.datetime
    # The reader sees the donor's unpublished contributions (its own account, or an admin).
    with_unpublished: bool
    contributions: object  # the queryset of the period's contributions, as the reader sees them
    unplaced_contributions: int
    totals: totals.ContributionTotals
    by_kind: list[KindRow]
    supported: Supported
    frameworks: list[ProjectFramework]
    events: object
    unplaced_events: int
    seizures: object
    seizure_kg: list[tuple[str, int, Decimal | None]]  # substance, individual seizures, kg
    articles: object

    @property
    def project_ids(self) -> list[int]:
        return [item.project.pk for item in self.supported.projects]


def build_pack(donor: Donor, user, period: PackPeriod) -> Pack:
    """The pack of ``donor`` for ``period`` as ``user`` may see it, in a fixed number of
    queries (the projects' frameworks read at once, ``results.progress.frameworks``); the lists
    (contributions, events, seizures, articles) are querysets, read by each format as it
    writes."""
    contributions = (
        Contribution.objects.visible_to(user).filter(donor=donor)
        .filter(period.placed("date")).order_by("date", "year", "key")
    )
    unplaced_contributions = (
        Contribution.objects.visible_to(user).filter(donor=donor)
        .filter(period.unplaced("date")).count()
    )
    by_kind = [
        KindRow(row["kind"], row["currency"] or "", row["n"],
                row["total"] if row["currency"] else None)
        for row in contributions.real().order_by().values("kind", "currency")
        .annotate(n=Count("pk"), total=Sum("amount")).order_by("kind", "currency")
    ]
    supported = supported_projects(donor, user, contributions)
    ids = [item.project.pk for item in supported.projects]
    projects = [item.project for item in supported.projects]
    by_project = frameworks(projects, user) if projects else {}
    project_frameworks = [
        ProjectFramework(project, _in_period(by_project[project.pk], period))
        for project in projects if by_project.get(project.pk)
    ]
    events = (
        Event.objects.visible_to(user).filter(
            pk__in=Event.projects.through.objects.filter(project__in=ids).values("event"))
        .filter(period.placed("start_date"))
        .order_by("start_date", "year", "slug")
    )
    unplaced_events = (
        Event.objects.visible_to(user).filter(
            pk__in=Event.projects.through.objects.filter(project__in=ids).values("event"))
        .filter(period.unplaced("start_date")).count()
    )
    seizures = (
        Seizure.objects.visible_to(user).filter(project__in=ids).filter(period.placed("date"))
        .order_by("date", "year", "key")
    )
    individual = Q(kind=Seizure.Kind.INDIVIDUAL)
    seizure_kg = list(
        seizures.real().order_by().values_list("substance__name")
        .annotate(n=Count("pk", filter=individual), kg=Sum("quantity_kg", filter=individual))
        .order_by("substance__name")
    )
    about = (
        Q(pk__in=Article.projects.through.objects.filter(project__in=ids).values("article"))
        | Q(pk__in=Article.seizures.through.objects.filter(
            seizure__in=Seizure.objects.visible_to(user).filter(project__in=ids))
            .values("article"))
    )
    articles = (
        Article.objects.visible_to(user).filter(about).filter(period.placed("start_date"))
        .select_related("bulletin").defer("body").order_by("start_date", "year", "slug")
    )
    return Pack(
        donor=donor, period=period, reader=user, generated=timezone.localtime(),
        with_unpublished=_sees_unpublished(donor, user),
        contributions=contributions, unplaced_contributions=unplaced_contributions,
        totals=totals.contribution_totals(contributions, per_project=True), by_kind=by_kind,
        supported=supported, frameworks=project_frameworks,
        events=events, unplaced_events=unplaced_events,
        seizures=seizures, seizure_kg=seizure_kg, articles=articles,
    )


def heading_lines(pack: Pack) -> list[str]:
    """The lines that open the summary sheet and the PDF's first page."""
    lines = [
        gettext("Donor: %(donor)s") % {"donor": pack.donor.name},
        gettext("Period: %(period)s") % {"period": pack.period.label},
        gettext("Generated: %(date)s") % {
            "date": date_format(pack.generated, "DATETIME_FORMAT")},
    ]
    if pack.with_unpublished:
        lines.append(gettext("This pack includes the donor's unpublished contributions: "
                             "do not publish it as it is."))
    else:
        lines.append(gettext("This pack holds published contributions only."))
    return lines


def _sees_unpublished(donor: Donor, user) -> bool:
    if user.has_perm("donors.change_contribution"):
        return True
    own = donor_for(user)
    return own is not None and own.pk == donor.pk


def _in_period(rows: list[ResultRow], period: PackPeriod) -> list[ResultRow]:
    """The framework with each indicator's periods narrowed to those sharing a day with the
    pack's period (the indicator itself stays, with its baseline)."""
    for row in rows:
        for indicator in row.indicators:
            indicator.periods = [
                p for p in indicator.periods
                if p.period.start <= period.end and p.period.end >= period.start
            ]
        _in_period(row.outputs, period)
    return rows


def walk(rows: list[ResultRow], depth: int = 0):
    """(depth, result row) for each result, outcomes before their outputs."""
    for row in rows:
        yield depth, row
        yield from walk(row.outputs, depth + 1)


# --------------------------------------------------------------------------------------------
# The summary tables, shared by both formats: values stay numbers and dates (the workbook
# writes them as such, the PDF formats them in the reader's language).
# --------------------------------------------------------------------------------------------
@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list]
    note: str = ""


def actual_text(actual) -> str | Decimal | None:
    """A period's actual as a cell: its number, or what stands for it."""
    from results.progress import Actual

    if actual.state == Actual.VALUE:
        if actual.per_currency:
            return "; ".join(f"{money.amount} {money.currency}" for money in actual.per_currency)
        return actual.value
    if actual.state == Actual.PENDING:
        return gettext("%(value)s (pending approval)") % {"value": actual.value}
    if actual.state == Actual.QUALITATIVE:
        return actual.note
    return gettext("no data")


def _money_table(title: str, first: str | None, rows, note: str = "") -> Table:
    """One row per group (``first`` names the groups; None: per currency, the currency is
    the group) and currency: the group's count on its first line."""
    out = []
    for row in rows:
        lines = row.lines or [None]
        for n, line in enumerate(lines):
            cells = [str(row.label) if n == 0 else ""] if first else []
            out.append([
                *cells,
                row.contributions if n == 0 else None,
                line.currency if line else str(row.label),
                line.total if line else None,
                line.usd if line else None,
            ])
    headers = [first] if first else []
    return Table(title, [*headers, gettext("Contributions"), gettext("Currency"),
                         gettext("Amount"), gettext("US-dollar equivalent")], out, note)


def summary_tables(pack: Pack) -> list[Table]:
    """The contributions' totals (per currency, per year, per kind, per project), in the
    reader's language."""
    per_currency = pack.totals.per_currency
    usd = totals.UsdTotal.of(per_currency)
    notes = []
    if usd is not None:
        if usd.complete:
            notes.append(gettext("Total in US dollars: %(usd)s.") % {"usd": _money(usd.usd)})
        else:
            notes.append(gettext(
                "Total in US dollars, partial: %(usd)s for %(with_rate)s of %(with_amount)s "
                "contributions with an amount; %(missing)s.") % {
                "usd": _money(usd.usd), "with_rate": usd.with_rate,
                "with_amount": usd.with_amount,
                "missing": "; ".join(str(m) for m in usd.missing_named)})
    missing = sorted({str(m) for row in per_currency for line in row.lines
                      for m in line.missing})
    if missing and usd is None:
        notes.append("; ".join(missing) + ".")
    if pack.unplaced_contributions:
        notes.append(gettext(
            "%(n)s contributions known only by a year this period covers in part are not "
            "counted (year only, not placed).") % {"n": pack.unplaced_contributions})
    kinds = dict(Contribution.Kind.choices)
    return [
        _money_table(gettext("Contributions per currency"), None, per_currency,
                     " ".join(notes)),
        _money_table(gettext("Contributions per year"), gettext("Year"), pack.totals.by_year),
        Table(gettext("Contributions per kind"),
              [gettext("Kind"), gettext("Currency"), gettext("Contributions"),
               gettext("Amount")],
              [[str(kinds.get(r.kind, r.kind)), r.currency or gettext("Amount not stated"),
                r.contributions, r.amount] for r in pack.by_kind]),
        _money_table(gettext("Contributions per project"), gettext("Project"),
                     pack.totals.by_project),
    ]


def _money(value: Decimal | None) -> str:
    from django.utils.formats import number_format

    if value is None:
        return ""
    return "USD " + number_format(value, 2, use_l10n=True, force_grouping=True)


def project_tables(pack: Pack) -> list[Table]:
    """The projects the contributions support, and their activity (the supported selector's
    figures: every year, real records only)."""
    supported = pack.supported
    note = ""
    if supported.more:
        note = gettext("The first %(n)s projects by code are shown.") % {"n": supported.limit}
    projects = Table(
        gettext("Projects these contributions support"),
        [gettext("Project"), gettext("Title"), gettext("Other donors"), gettext("Events"),
         gettext("Seizures")],
        [[item.project.code, item.project.title,
          ", ".join(str(link.label) for link in item.other_donors) or gettext("only this donor"),
          item.events, item.seizures] for item in supported.projects],
        note,
    )
    by_kind = Table(
        gettext("Events of these projects by kind (all years)"),
        [gettext("Project"), gettext("Kind"), gettext("Events")],
        [[item.project.code, str(link.label), link.count]
         for item in supported.projects for link in item.events_by_kind],
    )
    by_year = Table(
        gettext("Events of these projects by year (all years)"),
        [gettext("Project"), gettext("Year"), gettext("Events")],
        [[item.project.code, str(link.label), link.count]
         for item in supported.projects for link in item.events_by_year],
    )
    people = []
    for item in supported.projects:
        for breakdown in item.registrations:
            if not breakdown.cells:
                continue  # no event of the project lists its groups this way
            people.append([item.project.code, breakdown.caption, gettext("Total"),
                           breakdown.total_shown])
            for cell in breakdown.cells:
                people.append([item.project.code, breakdown.caption, str(cell.label),
                               cell.value if cell.value is not None else cell.shown])
    registrations = Table(
        gettext("People trained: registrations at these projects' events, by sex and by "
                "country (all years)"),
        [gettext("Project"), gettext("Breakdown"), gettext("Group"),
         gettext("Registrations")],
        people,
        gettext("A group of fewer than 3 people reads \"fewer than 3\"; a group from which it "
                "could be worked out reads \"not shown\"."),
    )
    seizures = Table(
        gettext("Seizures under these projects in the period, by substance"),
        [gettext("Substance"), gettext("Individual seizures"), gettext("Kilograms")],
        [[name, n, kg] for name, n, kg in pack.seizure_kg],
        gettext("Kilograms add up individual seizures only; aggregate figures are listed in "
                "the workbook, never added in."),
    )
    return [projects, by_kind, by_year, registrations, seizures]


def indicator_table(pack: Pack) -> Table:
    """Each indicator of the projects' frameworks, per period sharing a day with the pack's."""
    rows = []
    for item in pack.frameworks:
        for depth, result in walk(item.results):
            for indicator_row in result.indicators:
                indicator = indicator_row.indicator
                periods = indicator_row.periods or [None]
                for period_row in periods:
                    rows.append([
                        item.project.code,
                        ("  " * depth) + result.result.title,
                        indicator.title,
                        indicator.unit,
                        indicator.baseline_value,
                        period_row.period.start if period_row else None,
                        period_row.period.end if period_row else None,
                        period_row.target if period_row else None,
                        actual_text(period_row.actual) if period_row else gettext(
                            "no period in the pack's"),
                        period_row.progress if period_row else None,
                    ])
    return Table(
        gettext("Indicator progress"),
        [gettext("Project"), gettext("Result"), gettext("Indicator"), gettext("Unit"),
         gettext("Baseline"), gettext("From"), gettext("To"), gettext("Target"),
         gettext("Actual"), gettext("Progress (%)")],
        rows,
    )


def indicator_breakdowns(pack: Pack) -> Table:
    """Computed actuals' breakdowns by sex and by country, protected as ``results.compute``
    gives them (a hidden group carries no number)."""
    rows = []
    for item in pack.frameworks:
        for _depth, result in walk(item.results):
            for indicator_row in result.indicators:
                for period_row in indicator_row.periods:
                    if period_row.actual.withheld:
                        rows.append([
                            item.project.code, indicator_row.indicator.title,
                            period_row.period.start, period_row.period.end, "", "",
                            gettext("Not shown, so that no small group can be picked out"),
                        ])
                        continue
                    for dimension, cells in period_row.actual.breakdown.items():
                        for cell in cells:
                            rows.append([
                                item.project.code, indicator_row.indicator.title,
                                period_row.period.start, period_row.period.end, dimension,
                                str(cell.label),
                                cell.value if cell.value is not None else cell.shown,
                            ])
    return Table(
        gettext("Indicator breakdowns"),
        [gettext("Project"), gettext("Indicator"), gettext("From"), gettext("To"),
         gettext("Breakdown"), gettext("Group"), gettext("Value")],
        rows,
    )
