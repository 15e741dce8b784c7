"""Public pages of donors and contributions. Every contribution, total and chart comes from
``Contribution.objects.visible_to(user)``: published ones for everyone, a donor's own
unpublished ones for its users, all for admins. Donors, projects and events come from their
``visible_to(user)`` too (demo records for demo accounts only); totals leave demo records out for
everyone (``activities.aggregates``)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext, gettext_lazy
from django.views.generic import DetailView
from django_filters.views import FilterView

from activities.models import Article
from donors import totals
from donors.exports import CONTRIBUTION_COLUMNS, DONOR_COLUMNS
from donors.filters import ContributionFilter, DonorFilter, MyContributionFilter
from donors.models import Contribution, Donor, donor_for
from donors.supported import supported_projects
from unodc_portal.core.exports import DownloadLinksMixin, ExportMixin
from unodc_portal.core.lists import DetailPageMixin, ListPageMixin, capped


def visible_count(user):
    """The number of a donor's contributions that ``user`` may see, as a subquery (real ones:
    no figure counts demo records)."""
    return Coalesce(
        Subquery(
            Contribution.objects.visible_to(user).real().filter(donor=OuterRef("pk"))
            .order_by().values("donor").annotate(n=Count("pk")).values("n")
        ),
        0,
    )


class DonorListView(DownloadLinksMixin, ListPageMixin, FilterView):
    filterset_class = DonorFilter
    template_name = "donors/donor_list.html"
    export_url_name = "donors:donor_export"

    def get_queryset(self):
        return Donor.objects.visible_to(self.request.user).select_related("country").annotate(
            contribution_count=visible_count(self.request.user)
        )


class DonorExportView(ExportMixin, DonorListView):
    export_columns = DONOR_COLUMNS
    list_url_name = "donors:donor_list"


class DonorDetailView(DetailPageMixin, DetailView):
    template_name = "donors/donor_detail.html"
    list_url_name = "donors:donor_list"
    list_label = gettext_lazy("Donors")

    def get_queryset(self):
        return Donor.objects.visible_to(self.request.user).select_related(
            "country", "organisation"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        contributions = Contribution.objects.visible_to(user).filter(donor=self.object)
        context["contributions"] = capped(
            contributions.select_related("project", "event"), "donors:contribution_list",
            donor=self.object.slug,
        )
        context["contribution_totals"] = totals.currency_totals(contributions)
        mentions = Q(pk__in=contributions.exclude(article=None).values("article"))
        if self.object.organisation_id:
            mentions |= Q(pk__in=Article.organisations.through.objects.filter(
                organisation=self.object.organisation_id).values("article"))
        # What the contributions the reader may see supported (issue 14, point 7), and the
        # articles that mention the donor, read with the projects' articles.
        supported = supported_projects(self.object, user, contributions, mentions=mentions)
        context.update(supported=supported, articles=supported.mentions)
        return context


class ContributionListView(DownloadLinksMixin, ListPageMixin, FilterView):
    filterset_class = ContributionFilter
    template_name = "donors/contribution_list.html"
    export_url_name = "donors:contribution_export"

    def get_queryset(self):
        user = self.request.user
        return Contribution.objects.visible_to(user).with_related(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["totals"] = totals.contribution_totals(self.object_list)
        context.setdefault("hide_donor", False)
        return context


class ContributionExportView(ExportMixin, ContributionListView):
    export_columns = CONTRIBUTION_COLUMNS
    list_url_name = "donors:contribution_list"


# --------------------------------------------------------------------------------------------
# The donor workspace
# --------------------------------------------------------------------------------------------
class DonorWorkspaceMixin(LoginRequiredMixin):
    """Anonymous → sign-in; signed in without a donor account → 403. Sets ``self.donor``."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.donor = donor_for(request.user)
            if self.donor is None:
                raise PermissionDenied(gettext("This page is for donors' accounts."))
        return super().dispatch(request, *args, **kwargs)


WORKSPACE_RELATED_LIMIT = 20


class MyContributionListView(DonorWorkspaceMixin, DownloadLinksMixin, ListPageMixin, FilterView):
    """The signed-in donor's own contributions, published or not, with totals per currency and
    per year (US-dollar equivalents beside them), a chart, the projects they support with what
    each supported, and the articles that report them. Rows come from ``visible_to(user)``,
    narrowed to the donor's own."""

    filterset_class = MyContributionFilter
    template_name = "donors/contribution_workspace.html"
    export_url_name = "donors:my_contribution_export"

    def get_queryset(self):
        return (
            Contribution.objects.visible_to(self.request.user).filter(donor=self.donor)
            .with_related(self.request.user)
        )

    def get_paginator(self, queryset, per_page, **kwargs):
        """The totals' grouped query counts the rows too: the list runs no ``COUNT`` of its
        own."""
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        paginator.count = self.totals.listed
        return paginator

    def paginate_queryset(self, queryset, page_size):
        """The page's rows read their source article in their own query, not a prefetch: joined,
        and dropped where the reader may not see it (``with_visible_article``'s rule)."""
        self.totals = totals.contribution_totals(queryset, per_project=True)
        user = self.request.user
        queryset = queryset.prefetch_related(None).select_related("article").annotate(
            source_visible=Exists(Article.objects.visible_to(user).filter(pk=OuterRef("article")))
        )
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = rows = list(rows)
        for row in rows:
            if not row.source_visible:
                row.article = None
        return paginator, page, rows, is_paginated

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rows = self.object_list.order_by()
        mentions = (
            Q(pk__in=rows.exclude(article=None).values("article"))
            | Q(pk__in=Article.projects.through.objects.filter(
                project__in=rows.values("project")).values("article"))
        )
        if self.donor.organisation_id:
            mentions |= Q(pk__in=Article.organisations.through.objects.filter(
                organisation=self.donor.organisation_id).values("article"))
        context.update(
            donor=self.donor,
            hide_donor=True,
            totals=self.totals,
            # What the contributions listed supported (issue 14, point 7), and the articles
            # that report them, their projects or the donor, read with the projects' articles.
            supported=supported_projects(self.donor, user, self.object_list, mentions=mentions,
                                         mentions_limit=WORKSPACE_RELATED_LIMIT),
            related_limit=WORKSPACE_RELATED_LIMIT,
        )
        return context


class MyContributionExportView(ExportMixin, MyContributionListView):
    export_columns = CONTRIBUTION_COLUMNS
    list_url_name = "donors:my_contributions"
