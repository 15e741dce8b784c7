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
  ``PROJECTS_SHOWN``); every query is narrowed to those projects. The page's own list of
  articles that mention the donor (``mentions``) is read in the projects' articles query, so
  that the donor page and the workspace stay within the house budget of 15 queries.
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
    Value,
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
    # The articles the page's ``mentions`` select, in the articles' order.
    mentions: list[Article] = field(default_factory=list)


def supported_projects(donor: Donor, user, contributions, *, mentions: Q | None = None,
                       mentions_limit: int | None = None) -> Supported:
    """The projects of ``contributions`` (the donor's contributions that ``user`` may see), with
    what each supported, and the articles ``mentions`` selects (the first ``mentions_limit``),
    read with the projects' articles. Six queries, whatever the number of projects."""
    contributions = contributions.order_by().select_related(None).prefetch_related(None)
    shown, more = _projects(donor, user, contributions)
    if shown:
        _events(shown)
        for pk, breakdowns in aggregates.registrations_by("projects", list(shown)).items():
            shown[pk].registrations = breakdowns
        _seizures(shown)
    mentioned = (
        _articles(shown, user, mentions, mentions_limit) if shown or mentions is not None
        else []
    )
    return Supported(list(shown.values()), more=more, mentions=mentioned)


def _projects(donor: Donor, user, contributions) -> tuple[dict[int, SupportedProject], bool]:
    """The projects of ``contributions`` by code (the first ``PROJECTS_SHOWN``), each with the
    events those contributions name and the other donors whose contributions to it ``user`` may
    see. One query, the union of two of distinct rows (the donor's projects with their funded
    events; the other donors of those projects), so that its size follows the projects' donors
    and the donor's funded events, not every contribution to those projects."""
    projects = (
        Project.objects.visible_to(user).filter(pk__in=contributions.values("project"))
        .order_by("code", "pk").values("pk")[:PROJECTS_SHOWN + 1]
    )
    funded = Q(event__in=Event.objects.visible_to(user))
    own = (
        contributions.filter(project__in=projects)
        .annotate(own=Value(True), slug=Case(When(funded, then=F("event__slug"))),
                  label=Case(When(funded, then=F("event__title"))),
                  demo=Case(When(funded, then=F("event__is_demo"))))
        .values_list("project", "project__code", "project__title", "project__is_demo", "own",
                     "slug", "label", "demo")
        .order_by().distinct()
    )
    others = (
        Contribution.objects.visible_to(user)
        .filter(project__in=projects, donor__in=Donor.objects.visible_to(user))
        .exclude(donor=donor)
        .annotate(own=Value(False), code=Value(""), title=Value(""), demo=Value(False))
        .values_list("project", "code", "title", "demo", "own", "donor__slug", "donor__name",
                     "demo")
        .order_by().distinct()
    )
    shown: dict[int, SupportedProject] = {}
    links: list[tuple] = []
    for row in sorted(own.union(others, all=True),
                      key=lambda row: (not row[4], row[1], row[0], row[6] or "", row[5] or "")):
        pk, code, title, is_demo, is_own, slug, label, demo = row
        if is_own:
            item = shown.get(pk)
            if item is None:
                item = shown[pk] = SupportedProject(
                    Project(pk=pk, code=code, title=title, is_demo=is_demo))
            if slug is not None:
                item.funded_events.append(Event(slug=slug, title=label, is_demo=demo))
        elif pk in shown:
            links.append((label, slug, shown[pk]))
    for name, slug, item in sorted(links, key=lambda link: link[:2]):
        item.other_donors.append(Link(name, reverse("donors:donor_detail", args=[slug])))
    more = len(shown) > PROJECTS_SHOWN
    return dict(list(shown.items())[:PROJECTS_SHOWN]), more


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


def _articles(shown: dict[int, SupportedProject], user, mentions: Q | None,
              mentions_limit: int | None) -> list[Article]:
    """The latest ``ARTICLES_PER_PROJECT`` articles about each project's seizures and the
    articles ``mentions`` selects (the first ``mentions_limit`` in the articles' order), in one
    query: a rank within each project and one among the mentions, so that no project's articles
    and no more mentions than shown are read. Returns the mentions."""
    seizures = Seizure.objects.visible_to(user).filter(project__in=list(shown))
    # Articles chosen by their ids first, so that only theirs of the seizures' links are joined.
    about_shown = Q(pk__in=Article.seizures.through.objects.filter(seizure__in=seizures)
                    .values("article"))
    mentioned = mentions if mentions is not None else Q(pk__in=[])
    about = Case(When(seizures__in=seizures, then=F("seizures__project")))
    is_mentioned = Case(When(mentioned, then=Value(True)), default=Value(False))
    wanted = Q(about__isnull=False, rank__lte=ARTICLES_PER_PROJECT + 1)
    wanted |= (Q(mentioned=True, mention_rank__lte=mentions_limit) if mentions_limit
               else Q(mentioned=True))
    rows = (
        Article.objects.visible_to(user).filter(about_shown | mentioned)
        .annotate(
            about=about, mentioned=is_mentioned,
            rank=Window(DenseRank(), partition_by=about,
                        order_by=[F("year").desc(nulls_last=True), F("pk").desc()]),
            mention_rank=Window(DenseRank(), partition_by=is_mentioned, order_by=[
                F("bulletin__period_start").desc(), F("bulletin__slug"), F("position"),
                F("pk"),
            ]),
        )
        .filter(wanted).defer("body").order_by("about", "rank")
    )
    found: dict[int, Article] = {}
    for article in rows:
        if article.mentioned:
            found.setdefault(article.pk, article)
        if article.about is None or article.rank > ARTICLES_PER_PROJECT + 1:
            continue
        item = shown[article.about]
        if any(seen.pk == article.pk for seen in item.articles):
            continue
        if len(item.articles) == ARTICLES_PER_PROJECT:
            item.more_articles = True
        else:
            item.articles.append(article)
    return sorted(found.values(), key=lambda article: article.mention_rank)
