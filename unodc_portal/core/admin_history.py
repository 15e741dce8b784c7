"""Read-only admin pages for history tables: every change, who made it and when, with a filter
for deletions and a link to the record's history, where an earlier version can be restored
(deleted records included)."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from unodc_portal.core.roles import is_demo_user


class DemoVisibleAdmin:
    """The admin shows demo records (``is_demo``) to demo accounts only, as the portal does
    (the model's ``visible_to(user)``); autocomplete follows, since it reads this queryset."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin, whose history page answers 404 (not a server error) for an
    address whose record number is not a number."""

    def history_view(self, request, object_id, extra_context=None):
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except (ValidationError, ValueError):
            raise Http404("No such record.") from None
        return super().history_view(request, object_id, extra_context)


class HistoryLogAdmin(admin.ModelAdmin):
    """Registered for a ``HistoricalX`` model: an audit log of X, deletions included."""

    list_display = ["history_date", "history_type", "record", "history_user", "restore_link"]
    list_filter = ["history_type", "history_date"]
    list_select_related = ["history_user"]
    date_hierarchy = "history_date"
    ordering = ["-history_date", "-history_id"]

    def get_queryset(self, request):
        history = super().get_queryset(request)
        if not is_demo_user(request.user) and any(
            f.name == "is_demo" for f in self.model._meta.concrete_fields
        ):
            history = history.filter(is_demo=False)
        return history

    def get_search_fields(self, request):
        # Search the tracked record's text fields and the user who made the change.
        tracked = self.model.instance_type
        return [
            f.name
            for f in tracked._meta.concrete_fields
            if f.get_internal_type() in {"CharField", "SlugField"}
        ] + ["history_user__username"]

    @admin.display(description="record")
    def record(self, obj):
        return f"#{obj.pk} · {obj}"

    @admin.display(description="history and restore")
    def restore_link(self, obj):
        tracked = self.model.instance_type._meta
        try:
            url = reverse(f"admin:{tracked.app_label}_{tracked.model_name}_history", args=[obj.pk])
        except NoReverseMatch:
            return ""
        label = "Restore…" if obj.history_type == "-" else "History"
        return format_html('<a href="{}">{}</a>', url, label)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def register_history_log(model, site=admin.site):
    site.register(model.history.model, HistoryLogAdmin)
