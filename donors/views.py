"""Public pages of donors and contributions. Every contribution, total and chart comes from
``Contribution.objects.visible_to(user)``: published ones for everyone, a donor's own
unpublished ones for its users, all for admins."""

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.views.generic import DetailView
from django_filters.views import FilterView

from activities import aggregates
from activities.models import Article, Project
from activities.views import DetailPageMixin, capped
from donors.currency import with_usd
from donors.exports import CONTRIBUTION_COLUMNS, DONOR_COLUMNS
from donors.filters import ContributionFilter, DonorFilter
from donors.models import Contribution, Donor
from unodc_portal.exports import DownloadLinksMixin, ExportMixin
from unodc_portal.lists import ListPageMixin


def visible_count(user):
    """The number of a donor's contributions that ``user`` may see, as a subquery."""
    return Coalesce(
        Subquery(
            Contribution.objects.visible_to(user).filter(donor=OuterRef("pk"))
            .order_by().values("donor").annotate(n=Count("pk")).values("n")
        ),
        0,
    )


class DonorListView(DownloadLinksMixin, ListPageMixin, FilterView):
    filterset_class = DonorFilter
    template_name = "donors/donor_list.html"
    export_url_name = "donors:donor_export"

    def get_queryset(self):
        return Donor.objects.select_related("country").annotate(
            contribution_count=visible_count(self.request.user)
        )


class DonorExportView(ExportMixin, DonorListView):
    export_columns = DONOR_COLUMNS
    list_url_name = "donors:donor_list"


class DonorDetailView(DetailPageMixin, DetailView):
    template_name = "donors/donor_detail.html"
    list_url_name = "donors:donor_list"
    list_label = "Donors"

    def get_queryset(self):
        return Donor.objects.select_related("country", "organisation")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        contributions = Contribution.objects.visible_to(user).filter(donor=self.object)
        context["contributions"] = capped(
            contributions.select_related("project", "event"), "donors:contribution_list",
            donor=self.object.slug,
        )
        context["contribution_totals"] = aggregates.currency_totals(contributions)
        context["projects"] = Project.objects.filter(
            pk__in=contributions.values("project")
        ).only("code", "title")
        mentions = Q(pk__in=contributions.exclude(article=None).values("article"))
        if self.object.organisation_id:
            mentions |= Q(organisations=self.object.organisation_id)
        context["articles"] = Article.objects.visible_to(user).filter(mentions).distinct()
        return context


class ContributionListView(DownloadLinksMixin, ListPageMixin, FilterView):
    filterset_class = ContributionFilter
    template_name = "donors/contribution_list.html"
    export_url_name = "donors:contribution_export"

    def get_queryset(self):
        return with_usd(Contribution.objects.visible_to(self.request.user).with_related())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["totals"] = aggregates.contribution_totals(self.object_list)
        return context


class ContributionExportView(ExportMixin, ContributionListView):
    export_columns = CONTRIBUTION_COLUMNS
    list_url_name = "donors:contribution_list"
