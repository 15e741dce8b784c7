"""Results frameworks in the admin: results with their indicators inline, indicators with their
periods inline, and periods with the queue of pending actuals (the filter *Pending approval* and
the action *Approve selected actuals*). Each change form carries its record's version
(``VersionedAdminMixin``: two admins' edits are never silently lost), each record keeps its
history (simple-history's admin), and the wording is edited in English and Russian
(modeltranslation's admin, as activities' records are). A project's admin page lists its
results: results extend the project admin that donors extended (activities knows nothing of
results, donors neither)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from activities.models import Project
from donors import admin as donors_admin
from results import approval
from results.models import Indicator, Period, Result
from unodc_portal.core.admin_history import (
    DemoVisibleAdmin,
    HistoryAdmin,
    LabelledTabularInline,
    WideTextAdmin,
    labelled_rows,
)
from unodc_portal.core.versioning import VersionedAdminMixin, bump_versions


class LabelledTranslationInline(TranslationTabularInline):
    """A tabular inline of a translated model whose fields are named by column and row
    (``LabelledTabularInline``'s rule)."""

    def get_formset(self, request, obj=None, **kwargs):
        return labelled_rows(super().get_formset(request, obj, **kwargs))


class IndicatorInline(LabelledTranslationInline):
    model = Indicator
    extra = 0
    fields = ["order", "key", "title", "unit", "measure", "source", "is_headline"]
    show_change_link = True


class PeriodInline(LabelledTabularInline):
    model = Period
    extra = 0
    fields = ["start", "end", "target", "actual", "actual_status"]
    readonly_fields = ["actual_status"]
    show_change_link = True


class ResultInline(LabelledTranslationInline):
    model = Result
    fk_name = "project"
    extra = 0
    fields = ["order", "key", "kind", "title"]
    show_change_link = True


def set_actuals_by_admin(request, periods) -> None:
    """An actual an admin types (or changes) in the admin is approved at once, as in the
    portal; one cleared goes back to no actual."""
    for period in periods:
        if period.actual is None:
            approval._cleared(period)
        else:
            period.actual_entered_by = request.user
            approval._approved_by(period, request.user)


class VersionedChildrenMixin:
    """Inline rows of a versioned model move their own versions on when saved with the
    parent (a stale portal form on one of them is then refused)."""

    def save_formset(self, request, form, formset, change):
        if formset.model is Period:
            rows = formset.save(commit=False)
            typed = {id(obj) for obj, fields in formset.changed_objects if "actual" in fields}
            set_actuals_by_admin(
                request, [obj for obj in rows if obj.pk is None or id(obj) in typed])
            for obj in rows:
                obj.save()
            for obj in formset.deleted_objects:
                obj.delete()
            formset.save_m2m()
        else:
            super().save_formset(request, form, formset, change)
        if formset.model in (Result, Indicator, Period):
            bump_versions(formset.model, [obj.pk for obj, _ in formset.changed_objects])


@admin.register(Result)
class ResultAdmin(WideTextAdmin, DemoVisibleAdmin, VersionedAdminMixin, VersionedChildrenMixin,
                  TranslationAdmin, HistoryAdmin):
    list_display = ["title", "project", "kind", "parent", "order"]
    list_filter = ["kind", ("project", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["project", "parent"]
    search_fields = ["key", "title", "project__code", "project__title"]
    autocomplete_fields = ["project", "parent"]
    inlines = [IndicatorInline]


class PendingFilter(admin.SimpleListFilter):
    """Indicators with an actual awaiting approval."""

    title = _("actuals")
    parameter_name = "pending"

    def lookups(self, request, model_admin):
        return [("yes", _("Pending approval"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(periods__actual_status=Period.Status.PENDING).distinct()
        return queryset


@admin.register(Indicator)
class IndicatorAdmin(WideTextAdmin, DemoVisibleAdmin, VersionedAdminMixin,
                     VersionedChildrenMixin, TranslationAdmin, HistoryAdmin):
    list_display = ["title", "result", "measure", "source", "is_headline"]
    list_filter = [
        ("result__project", admin.RelatedOnlyFieldListFilter), "result__kind", "source",
        "measure", "is_headline", PendingFilter,
    ]
    list_select_related = ["result__project"]
    search_fields = ["key", "title", "result__title", "result__project__code"]
    autocomplete_fields = ["result", "substance"]
    inlines = [PeriodInline]


@admin.action(description=_("Approve selected actuals"), permissions=["change"])
def approve_actuals(modeladmin, request, queryset):
    approved = approval.actuals_approve(
        queryset.filter(actual_status=Period.Status.PENDING).select_related("indicator"),
        user=request.user)
    modeladmin.message_user(request, ngettext(
        "%(count)d actual approved.", "%(count)d actuals approved.", approved)
        % {"count": approved}, messages.SUCCESS)


@admin.register(Period)
class PeriodAdmin(DemoVisibleAdmin, VersionedAdminMixin, TranslationAdmin, HistoryAdmin):
    list_display = ["indicator", "project_code", "start", "end", "target", "actual",
                    "actual_status", "actual_entered_by"]
    list_filter = [
        "actual_status", ("indicator__result__project", admin.RelatedOnlyFieldListFilter),
        "indicator__result__kind", "indicator__source",
    ]
    list_select_related = ["indicator__result__project", "actual_entered_by"]
    search_fields = ["indicator__key", "indicator__title", "indicator__result__project__code"]
    autocomplete_fields = ["indicator"]
    readonly_fields = ["actual_status", "actual_entered_by", "actual_approved_by",
                       "actual_approved_at"]
    actions = [approve_actuals]

    @admin.display(description=_("project"), ordering="indicator__result__project__code")
    def project_code(self, obj):
        return obj.indicator.result.project.code

    def save_model(self, request, obj, form, change):
        # An actual typed or changed here is the admin's: approved at once.
        if not change or "actual" in form.changed_data:
            set_actuals_by_admin(request, [obj])
        super().save_model(request, obj, form, change)


# A project's admin page lists its results (after donors' contributions): results extend the
# project admin as donors did, and in its stead.
admin.site.unregister(Project)


@admin.register(Project)
class ProjectAdmin(donors_admin.ProjectAdmin):
    inlines = [*donors_admin.ProjectAdmin.inlines, ResultInline]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Result:
            bump_versions(Result, [obj.pk for obj, _ in formset.changed_objects])
