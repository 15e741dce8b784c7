"""Public pages of the programme record: lists with filters, and details.

Every record is read through its model's ``visible_to(user)`` (articles: drafts; contributions:
publication; projects, events, organisations, seizures, participants, donors: demo records, seen
only by demo accounts) everywhere, including the related lists on detail pages, so that a demo
record's page is a 404 for everyone else. Participants appear only as protected aggregates,
except to those who may see personal data (``can_see_personal_data``): the event page then
lists them, and writes them in the access log (``accesslog.log.saw``).
"""


from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q
from django.shortcuts import redirect
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from accesslog.log import saw
from activities import aggregates
from activities.exports import EVENT_COLUMNS, PROJECT_COLUMNS, SEIZURE_COLUMNS
from activities.filters import ArticleFilter, EventFilter, ProjectFilter, SeizureFilter
from activities.models import (
    Article,
    Country,
    Event,
    EventTrainerOrganisation,
    Organisation,
    Person,
    Project,
    Seizure,
)
from unodc_portal.core.exports import DownloadLinksMixin, ExportMixin
from unodc_portal.core.lists import DetailPageMixin, ListPageMixin, capped
from unodc_portal.core.roles import can_see_personal_data


def visible_articles(user):
    """The articles a user may read, in bulletin order, for ``Prefetch("articles", …)``."""
    return Article.objects.visible_to(user).only(
        "slug", "title", "start_date", "end_date", "year", "month", "date_wording", "bulletin",
        "position", "status",
    )


# --------------------------------------------------------------------------------------------
# Articles
# --------------------------------------------------------------------------------------------
class ArticleListView(ListPageMixin, FilterView):
    filterset_class = ArticleFilter
    template_name = "activities/article_list.html"

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user)


class ArticleDetailView(DetailPageMixin, DetailView):
    template_name = "activities/article_detail.html"
    list_url_name = "activities:article_list"
    list_label = _("Articles")

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user).select_related("bulletin")\
            .prefetch_related(
                Prefetch("projects", queryset=Project.objects.visible_to(self.request.user)
                         .only("code", "title", "is_demo")),
                Prefetch("events", queryset=Event.objects.visible_to(self.request.user)
                         .select_related("country")),
                Prefetch("organisations",
                         queryset=Organisation.objects.visible_to(self.request.user)),
                Prefetch("people", queryset=Person.objects.select_related("organisation")),
                Prefetch("seizures",
                         queryset=Seizure.objects.visible_to(self.request.user).with_related()),
                "countries",
            )


# --------------------------------------------------------------------------------------------
# Projects
# --------------------------------------------------------------------------------------------
class ProjectListView(DownloadLinksMixin, ListPageMixin, FilterView):
    filterset_class = ProjectFilter
    template_name = "activities/project_list.html"
    export_url_name = "activities:project_export"

    def get_queryset(self):
        return Project.objects.visible_to(self.request.user).prefetch_related(
            "countries", "themes"
        )


class ProjectExportView(ExportMixin, ProjectListView):
    export_columns = PROJECT_COLUMNS
    list_url_name = "activities:project_list"


class ProjectDetailView(DetailPageMixin, DetailView):
    template_name = "activities/project_detail.html"
    slug_field = slug_url_kwarg = "code"
    list_url_name = "activities:project_list"
    list_label = _("Projects")

    def crumb_label(self):
        return self.object.code

    def get_queryset(self):
        user = self.request.user
        return Project.objects.visible_to(user).select_related("parent").prefetch_related(
            "countries", "themes",
            Prefetch("implementers", queryset=Organisation.objects.visible_to(user)),
            Prefetch("beneficiaries", queryset=Organisation.objects.visible_to(user)),
            Prefetch("children", queryset=Project.objects.visible_to(user)
                     .only("code", "title", "parent", "is_demo")),
            Prefetch("articles", queryset=visible_articles(user)),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        user = self.request.user
        context.update(
            # The page names each event's country and organiser, not its projects.
            events=capped(
                project.events.visible_to(user).select_related("country", "organiser"),
                "activities:event_list", project=project.code,
            ),
            seizures=capped(
                project.seizures.visible_to(user).with_related(), "activities:seizure_list",
                project=project.code,
            ),
        )
        return context


# --------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------
class EventListView(DownloadLinksMixin, ListPageMixin, FilterView):
    filterset_class = EventFilter
    template_name = "activities/event_list.html"
    export_url_name = "activities:event_export"

    def get_queryset(self):
        return Event.objects.visible_to(self.request.user).with_related()


class EventExportView(ExportMixin, EventListView):
    export_columns = EVENT_COLUMNS
    list_url_name = "activities:event_list"


class EventDetailView(DetailPageMixin, DetailView):
    template_name = "activities/event_detail.html"
    list_url_name = "activities:event_list"
    list_label = _("Events")

    def get_queryset(self):
        user = self.request.user
        return Event.objects.visible_to(user).with_related().prefetch_related(
            Prefetch("trainers", queryset=Person.objects.select_related("organisation")),
            Prefetch(
                "trainer_links",
                queryset=EventTrainerOrganisation.objects.select_related("organisation"),
            ),
            Prefetch("articles", queryset=visible_articles(user)),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        figures = aggregates.participant_figures(aggregates.registered_participants(event))
        context["participants"] = figures
        if can_see_personal_data(self.request.user):
            participations = context["participations"] = list(
                event.participations.visible_to(self.request.user).select_related(
                    "participant__organisation", "participant__country"
                ).order_by("participant__name", "participant__pk")
            )
            saw(self.request, (p.participant_id for p in participations))
        return context


# --------------------------------------------------------------------------------------------
# Seizures
# --------------------------------------------------------------------------------------------
class SeizureListView(DownloadLinksMixin, ListPageMixin, FilterView):
    filterset_class = SeizureFilter
    template_name = "activities/seizure_list.html"
    export_url_name = "activities:seizure_export"

    def get_queryset(self):
        return Seizure.objects.visible_to(self.request.user).with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["totals"] = aggregates.seizure_totals(self.object_list.order_by())
        return context


class SeizureExportView(ExportMixin, SeizureListView):
    export_columns = SEIZURE_COLUMNS
    list_url_name = "activities:seizure_list"


class SeizureDetailView(DetailPageMixin, DetailView):
    template_name = "activities/seizure_detail.html"
    list_url_name = "activities:seizure_list"
    list_label = _("Seizures")

    def crumb_label(self):
        # The quantity in the reader's language (a decimal comma in Russian), never grouped.
        quantity = number_format(self.object.quantity.normalize(), use_l10n=True)
        return f"{self.object.substance.name}, {quantity} {self.object.get_unit_display()}"

    def get_queryset(self):
        return Seizure.objects.visible_to(self.request.user).with_related().prefetch_related(
            Prefetch("articles", queryset=visible_articles(self.request.user))
        )


# --------------------------------------------------------------------------------------------
# People and organisations
# --------------------------------------------------------------------------------------------
class PersonDetailView(DetailPageMixin, DetailView):
    template_name = "activities/person_detail.html"

    def get_queryset(self):
        return Person.objects.select_related("organisation").prefetch_related(
            Prefetch("trained_events",
                     queryset=Event.objects.visible_to(self.request.user).with_related()),
            Prefetch("articles", queryset=visible_articles(self.request.user)),
        )


class OrganisationDetailView(DetailPageMixin, DetailView):
    template_name = "activities/organisation_detail.html"

    def get_queryset(self):
        user = self.request.user
        projects = Project.objects.visible_to(user).only("code", "title", "is_demo")
        return Organisation.objects.visible_to(user).select_related(
            "country", "donor"
        ).prefetch_related(
            "people",
            Prefetch("organised_events", queryset=Event.objects.visible_to(user).with_related()),
            Prefetch(
                "trainer_links",
                queryset=EventTrainerOrganisation.objects.filter(
                    event__in=Event.objects.visible_to(user)
                ).select_related("event"),
            ),
            Prefetch("implemented_projects", queryset=projects),
            Prefetch("benefiting_projects", queryset=projects),
            Prefetch("seizures", queryset=Seizure.objects.visible_to(user).with_related()),
            Prefetch("articles", queryset=visible_articles(user)),
        )


# --------------------------------------------------------------------------------------------
# Countries
# --------------------------------------------------------------------------------------------
def country_records(user, country):
    """The visible records that place something in ``country``: projects by their countries,
    events and seizures by their country, articles by the countries they mention."""
    return {
        "events": Event.objects.visible_to(user).filter(country=country),
        "seizures": Seizure.objects.visible_to(user).filter(country=country),
        "projects": Project.objects.visible_to(user).filter(countries=country),
        "articles": Article.objects.visible_to(user).filter(countries=country),
    }


class CountryListView(ListView):
    """The countries some visible record is placed in, by name, with what each has. One query:
    each kind of record is read once for the countries it names (``IN`` a subquery, which
    PostgreSQL hashes), not searched once per country."""

    template_name = "activities/country_list.html"
    context_object_name = "countries"

    def get_queryset(self):
        user = self.request.user
        named = {
            "events": Event.objects.visible_to(user).values("country_id"),
            "seizures": Seizure.objects.visible_to(user).values("country_id"),
            "projects": Project.countries.through.objects.filter(
                project__in=Project.objects.visible_to(user)).values("country_id"),
            "articles": Article.countries.through.objects.filter(
                article__in=Article.objects.visible_to(user)).values("country_id"),
        }
        countries = Country.objects.by_name().annotate(**{
            f"has_{name}": ExpressionWrapper(Q(pk__in=ids.order_by()),
                                             output_field=BooleanField())
            for name, ids in named.items()
        })
        return [country for country in countries
                if any(getattr(country, f"has_{name}") for name in named)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["crumbs"] = [("", _("Countries"))]
        return context


class CountryDetailView(DetailPageMixin, DetailView):
    """A country's projects, events, seizures (with kilogram totals), the articles that
    mention it, and the registrations of its people as the events publish them. A code in
    lower case is sent to its page; an unknown one is a 404."""

    template_name = "activities/country_detail.html"
    slug_field = slug_url_kwarg = "code"
    list_url_name = "activities:country_list"
    list_label = _("Countries")
    queryset = Country.objects.all()

    def get(self, request, *args, **kwargs):
        code = kwargs["code"]
        if code != code.upper():
            return redirect("activities:country_detail", code.upper(), permanent=True)
        return super().get(request, *args, **kwargs)

    def crumb_label(self):
        return self.object.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        country = self.object
        code = country.code.code
        user = self.request.user
        records = country_records(user, country)
        # A project is the country's when it names it, or when its events or seizures are there.
        projects = Project.objects.visible_to(user).filter(
            Q(pk__in=Project.countries.through.objects.filter(country=country)
              .values("project_id"))
            | Q(pk__in=Event.projects.through.objects.filter(
                event__in=records["events"].order_by().values("pk")).values("project_id"))
            | Q(pk__in=records["seizures"].order_by().values("project_id"))
        ).only("code", "title", "kind", "status", "is_demo").order_by("code")
        context.update(
            projects=capped(projects, "activities:project_list", country=code),
            events=capped(records["events"].with_related(), "activities:event_list",
                          country=code),
            seizures=capped(records["seizures"].with_related(), "activities:seizure_list",
                            country=code),
            totals=aggregates.seizure_totals(records["seizures"].order_by()),
            articles=capped(visible_articles(user).filter(countries=country),
                            "activities:article_list", country=code),
            participants=aggregates.country_figures(code),
        )
        context["has_records"] = any(
            context[name].rows for name in ("projects", "events", "seizures")
        )
        return context
