from django.contrib import admin
from django.db import models

from activities import admin as activities_admin
from activities.models import Project
from donors.models import Contribution, Donor, DonorAccount, ExchangeRate
from unodc_portal.core.admin_history import (
    DemoVisibleAdmin,
    HistoryAdmin,
    LabelledTabularInline,
    LargeTableAdmin,
    WideTextAdmin,
    register_history_log,
)
from unodc_portal.core.versioning import VersionedAdminMixin, bump_versions


class DonorAccountInline(LabelledTabularInline):
    model = DonorAccount
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Donor)
class DonorAdmin(WideTextAdmin, DemoVisibleAdmin, admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "kind", "country", "organisation"]
    list_filter = ["kind", "country"]
    list_select_related = ["country", "organisation"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country", "organisation"]
    inlines = [DonorAccountInline]


@admin.register(DonorAccount)
class DonorAccountAdmin(admin.ModelAdmin):
    list_display = ["user", "donor"]
    list_select_related = ["user", "donor"]
    search_fields = ["user__username", "user__email", "donor__name"]
    autocomplete_fields = ["user", "donor"]


@admin.register(Contribution)
class ContributionAdmin(LargeTableAdmin, DemoVisibleAdmin, VersionedAdminMixin, HistoryAdmin):
    """No donor filter: it would list every donor on every visit (thousands at scale); the
    search finds a donor's contributions by name."""

    list_display = [
        "key", "donor", "project", "kind", "amount", "currency", "in_kind_description",
        "status", "date", "year", "is_published",
    ]
    list_filter = ["is_published", "kind", "status", "currency", "year"]
    list_select_related = ["donor", "project"]
    search_fields = ["key", "donor__name", "project__code", "project__title", "in_kind_description"]
    autocomplete_fields = ["donor", "project", "event", "article"]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["currency", "month", "usd_per_unit"]
    list_filter = ["currency"]
    search_fields = ["currency"]
    date_hierarchy = "month"


register_history_log(Contribution)


class ProjectContributionInline(LabelledTabularInline):
    model = Contribution
    fk_name = "project"
    extra = 0
    fields = ["key", "donor", "kind", "amount", "currency", "status", "year", "is_published"]
    autocomplete_fields = ["donor"]
    show_change_link = True


# A project's admin page lists its contributions: donors extend activities' project admin
# (contributions point at projects; activities knows nothing of donors).
admin.site.unregister(Project)


@admin.register(Project)
class ProjectAdmin(activities_admin.ProjectAdmin):
    inlines = [*activities_admin.ProjectAdmin.inlines, ProjectContributionInline]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        # Contributions edited in the inline move their versions on (they are saved here).
        if formset.model is Contribution:
            bump_versions(Contribution, [obj.pk for obj, _ in formset.changed_objects])
