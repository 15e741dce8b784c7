"""The pages that show both domains, composed here, the one layer that sees both: a project,
an event and an article with the contributions and donors that point at them, and the project
list filtered by donor. ``unodc_portal.urls`` serves these in place of activities' own.

Every contribution is read through ``Contribution.objects.visible_to(user)`` (publication and
demo records), as on the donors' pages; a project's results framework through
``results.progress.framework(project, user)``, as on the API and in IATI.
"""

from django.urls import path

from activities import api as activities_api
from activities import views as activities_views
from donors import totals
from donors.models import Contribution, Donor
from results import progress
from unodc_portal.core.lists import capped
from unodc_portal.site.filters import ProjectFilter


class ArticleDetailView(activities_views.ArticleDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        contributions = Contribution.objects.visible_to(user).filter(article=self.object)
        context["donors"] = Donor.objects.visible_to(user).filter(
            pk__in=contributions.values("donor")
        )
        return context


class ProjectListView(activities_views.ProjectListView):
    filterset_class = ProjectFilter


class ProjectExportView(activities_views.ProjectExportView):
    filterset_class = ProjectFilter


class ProjectDetailView(activities_views.ProjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        contributions = Contribution.objects.visible_to(self.request.user).filter(
            project=project
        )
        context.update(
            contributions=capped(
                contributions.select_related("donor", "event"), "donors:contribution_list",
                project=project.code,
            ),
            contribution_totals=totals.currency_totals(contributions),
            # Outcomes, outputs and indicators as this reader may see them (pending actuals for
            # officers and admins only); empty when the project has no framework.
            framework=progress.framework(project, self.request.user),
        )
        return context


class EventDetailView(activities_views.EventDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Through the event's manager, so that each contribution's event is this one (no query).
        context["contributions"] = self.object.contributions.visible_to(
            self.request.user
        ).select_related("donor", "project")
        return context


class ProjectViewSet(activities_api.ProjectViewSet):
    filterset_class = ProjectFilter


# activities' URL names whose pages are served by the versions above.
PAGES = {
    "article_detail": ArticleDetailView,
    "project_list": ProjectListView,
    "project_export": ProjectExportView,
    "project_detail": ProjectDetailView,
    "event_detail": EventDetailView,
}


def composed(urlpatterns, pages=PAGES):
    """``urlpatterns`` with each named page in ``pages`` served by the composed view, at the
    same address, name and place in the list."""
    return [
        path(str(p.pattern), pages[p.name].as_view(), name=p.name) if p.name in pages else p
        for p in urlpatterns
    ]


