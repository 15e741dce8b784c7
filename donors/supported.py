"""What a donor's money supported (issue 14, point 7): the projects its contributions go to and,
for each, the other donors, the events held under it, the registrations at them, the seizures
recorded under it and the articles about those seizures.

- **Which projects.** Only the contributions the reader may see decide
  (``Contribution.objects.visible_to(user)``, passed in): a project linked to a donor by an
  unpublished contribution alone is listed for that donor's accounts and admins, not for
  visitors. Projects, donors, events and articles are read through their ``visible_to(user)``.
- **Figures** count real records only, whoever asks (``activities.aggregates``). Registrations
  come from the stored summaries (``aggregates.registrations_by``), never from participations,
  and are protected as the home page's register is.
- **Bounded.** A fixed number of queries whatever the number of projects (at most
  ``PROJECTS_SHOWN``); every query is narrowed to those projects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import (
    Case,
    Count,
    F,
    Q,
    Sum,
    When,
    Window,
)
from django.db.models.functions import DenseRank
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from activities import aggregates
from activities.models import Article, Event, Project, Seizure
from activities.privacy import Breakdown
from donors.models import Contribution, Donor

PROJECTS_SHOWN = 50
ARTICLES_PER_PROJECT = 5
YEAR_NOT_STATED = _("Year not stated")


@dataclass
class Link:
    label: str
    url: str = ""
    count: int = 0


@dataclass
class SubstanceFigure:
    """Seizures of one substance under a project: how many records, and the kilograms of the
    individual seizures among them (aggregate figures are never added in)."""

    name: str
    url: str
    seizures: int
    individual: int
    kg: Decimal | None


@dataclass
class SupportedProject:
    project: Project
    other_donors: list[Link] = field(default_factory=list)
    events: int = 0
    events_by_kind: list[Link] = field(default_factory=list)
    events_by_year: list[Link] = field(default_factory=list)
    # The events the donor's own contributions name (``Contribution.event``).
    funded_events: list[Event] = field(default_factory=list)
    registrations: list[Breakdown] = field(default_factory=list)
    substances: list[SubstanceFigure] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    more_articles: bool = False

    def _url(self, name: str, **params) -> str:
        return f"{reverse(name)}?{urlencode({'project': self.project.code, **params})}"

    @property
    def html_id(self) -> str:
        """The prefix of the section's element ids (its tables: ``…-sex-table``)."""
        return f"supported-{self.project.pk}"

    @property
    def events_url(self) -> str:
        return self._url("activities:event_list")

    @property
    def seizures_url(self) -> str:
        return self._url("activities:seizure_list")

    @property
    def articles_url(self) -> str:
        return self._url("activities:article_list")

    @property
    def seizures(self) -> int:
        return sum(substance.seizures for substance in self.substances)

    @property
    def has_registrations(self) -> bool:
        return any(breakdown.total_shown != "0" or breakdown.left_out
                   for breakdown in self.registrations)


@dataclass
class Supported:
    projects: list[SupportedProject]
    # More projects than ``PROJECTS_SHOWN``: the first are shown.
    more: bool = False
    limit: int = PROJECTS_SHOWN


def supported_projects(donor: Donor, user, contributions) -> Supported:
    """The projects of ``contributions`` (the donor's contributions that ``user`` may see), with
    what each supported. Seven queries, whatever the number of projects."""
    contributions = contributions.order_by().select_related(None).prefetch_related(None)
    shown, more = _projects(donor, user, contributions)
    if shown:
        _events(shown)
        for pk, breakdowns in aggregates.registrations_by("projects", list(shown)).items():
            shown[pk].registrations = breakdowns
        _seizures(shown)
        _articles(shown, user)
    return Supported(list(shown.values()), more=more)


def _projects(donor: Donor, user, contributions) -> tuple[dict[int, SupportedProject], bool]:
    """The projects of ``contributions`` by code (the first ``PROJECTS_SHOWN``), each with the
    events its contributions name, then the other donors whose contributions to it ``user`` may
    see: two queries of distinct rows, so that their size follows the projects' donors and the
    donor's funded events, not every contribution to those projects."""
    funded = Q(event__in=Event.objects.visible_to(user))
    rows = (
        contributions.filter(project__in=Project.objects.visible_to(user))
        .annotate(
            funded_slug=Case(When(funded, then=F("event__slug"))),
            funded_title=Case(When(funded, then=F("event__title"))),
            funded_demo=Case(When(funded, then=F("event__is_demo"))),
        )
        .values_list("project", "project__code", "project__title", "project__is_demo",
                     "funded_slug", "funded_title", "funded_demo")
        .order_by("project__code", "project", "funded_title", "funded_slug").distinct()
    )
    projects: dict[int, SupportedProject] = {}
    for pk, code, title, is_demo, event_slug, event_title, event_demo in rows:
        item = projects.get(pk)
        if item is None:
            item = projects[pk] = SupportedProject(
                Project(pk=pk, code=code, title=title, is_demo=is_demo))
        if event_slug is not None:
            item.funded_events.append(Event(slug=event_slug, title=event_title,
                                            is_demo=event_demo))
    shown = dict(list(projects.items())[:PROJECTS_SHOWN])
    if shown:
        others = (
            Contribution.objects.visible_to(user)
            .filter(project__in=list(shown), donor__in=Donor.objects.visible_to(user))
            .exclude(donor=donor)
            .values_list("project", "donor__name", "donor__slug")
            .order_by("project", "donor__name", "donor__slug").distinct()
        )
        for pk, name, slug in others:
            shown[pk].other_donors.append(Link(name, reverse("donors:donor_detail", args=[slug])))
    return shown, len(projects) > PROJECTS_SHOWN


def _events(shown: dict[int, SupportedProject]) -> None:
    """Each project's real events counted by kind and by year, each linking to the event list
    filtered so."""
    kinds = dict(Event.Kind.choices)
    by_kind: dict[int, dict[str, int]] = {}
    by_year: dict[int, dict[int | None, int]] = {}
    rows = (Event.objects.real().filter(projects__in=list(shown)).order_by()
            .values_list("projects", "kind", "year").annotate(n=Count("pk")))
    for project_id, kind, year, n in rows:
        shown[project_id].events += n
        counts = by_kind.setdefault(project_id, {})
        counts[kind] = counts.get(kind, 0) + n
        years = by_year.setdefault(project_id, {})
        years[year] = years.get(year, 0) + n
    for project_id, item in shown.items():
        item.events_by_kind = sorted(
            (Link(kinds.get(kind, kind), item._url("activities:event_list", kind=kind), n)
             for kind, n in by_kind.get(project_id, {}).items()),
            key=lambda link: (-link.count, str(link.label)),
        )
        item.events_by_year = [
            Link(str(year), item._url("activities:event_list", date_after=f"{year}-01-01",
                                      date_before=f"{year}-12-31"), n)
            if year else Link(YEAR_NOT_STATED, "", n)
            for year, n in sorted(by_year.get(project_id, {}).items(),
                                  key=lambda row: (row[0] is None, -(row[0] or 0)))
        ]


def _seizures(shown: dict[int, SupportedProject]) -> None:
    """Each project's real seizures by substance (``aggregates.seizure_totals``' rule: the
    kilograms add individual seizures only)."""
    individual = Q(kind=Seizure.Kind.INDIVIDUAL)
    rows = (
        Seizure.objects.real().filter(project__in=list(shown))
        .order_by("project", "substance__name")
        .values_list("project", "substance__name", "substance__slug")
        .annotate(n=Count("pk"), individual=Count("pk", filter=individual),
                  kg=Sum("quantity_kg", filter=individual))
    )
    for project_id, name, slug, n, individual_n, kg in rows:
        item = shown[project_id]
        item.substances.append(SubstanceFigure(
            name, item._url("activities:seizure_list", substance=slug), n, individual_n, kg,
        ))


def _articles(shown: dict[int, SupportedProject], user) -> None:
    """The latest ``ARTICLES_PER_PROJECT`` articles about each project's seizures (one query: a
    rank within each project, so that no project's articles are all read)."""
    about = F("seizures__project")
    rows = (
        Article.objects.visible_to(user)
        .filter(seizures__in=Seizure.objects.visible_to(user).filter(project__in=list(shown)))
        .annotate(about=about, rank=Window(
            DenseRank(), partition_by=about,
            order_by=[F("year").desc(nulls_last=True), F("pk").desc()],
        ))
        .filter(rank__lte=ARTICLES_PER_PROJECT + 1)
        .only("slug", "title", "year").order_by("about", "rank")
    )
    for article in rows:
        item = shown[article.about]
        if any(seen.pk == article.pk for seen in item.articles):
            continue
        if len(item.articles) == ARTICLES_PER_PROJECT:
            item.more_articles = True
        else:
            item.articles.append(article)
