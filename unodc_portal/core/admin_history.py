"""Admin building blocks: read-only admin pages for history tables (every change, who made it
and when, with a filter for deletions and a link to the record's history, where an earlier
version can be restored, deleted records included), and changelists that stay fast on large
tables (``LargeTableAdmin``); text fields wide enough for a headline (``WideTextAdmin``) and
tabular inlines and editable changelists whose every field is named by its column and row
(``LabelledTabularInline``, ``LabelledListEditableAdmin``)."""

from django.contrib import admin
from django.contrib.admin.options import IS_FACETS_VAR, IS_POPUP_VAR, TO_FIELD_VAR
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ALL_VAR, ORDER_VAR, PAGE_VAR
from django.core.exceptions import ValidationError
from django.db import connections
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from unodc_portal.core.lists import EstimatedPaginator
from unodc_portal.core.roles import is_demo_user

# Above this many rows (by the planner's estimate) an unfiltered changelist shows the estimate
# instead of counting the table.
ESTIMATE_ABOVE = 10_000
# A filtered changelist counts its rows exactly up to this many, and estimates above.
EXACT_COUNT_UP_TO = 1_000

# Changelist parameters that choose a page, an order or a display, never a subset of rows.
NOT_FILTERS = frozenset({PAGE_VAR, ORDER_VAR, ALL_VAR, IS_POPUP_VAR, TO_FIELD_VAR, IS_FACETS_VAR})


def table_estimate(model, using="default"):
    """The planner's row estimate for ``model``'s table (PostgreSQL's ``pg_class.reltuples``,
    kept by ANALYZE and autovacuum), or None where the database keeps none (SQLite, or a table
    never analysed)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [connection.ops.quote_name(model._meta.db_table)],
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] >= 0 else None


class EstimatedCountPaginator(EstimatedPaginator):
    """The list pages' paginator (``unodc_portal.core.lists.EstimatedPaginator``) for the
    admin: the count of a large list is not a ``COUNT(*)`` of every row it holds, which at a
    million rows costs more than the page itself:

    - a changelist showing its whole table (no filter, no search) takes the row count from
      ``table_estimate`` when that is above ``ESTIMATE_ABOVE``;
    - a filtered or searched one counts at most ``EXACT_COUNT_UP_TO`` + 1 rows (exact up to
      that), and above it takes the planner's estimate of the filtered query
      (``unodc_portal.core.lists.capped_count``).

    An estimate is close, not exact (ANALYZE samples; demo rows hidden from the list are in
    it): the last page number may be a little off. On SQLite every count is exact."""

    def __init__(self, *args, whole_table=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.whole_table = whole_table

    def exact_up_to(self) -> int:
        return EXACT_COUNT_UP_TO

    @cached_property
    def count(self):
        rows = self.object_list
        if self.whole_table and hasattr(rows, "model"):
            estimate = table_estimate(rows.model, rows.db)
            if estimate is not None and estimate > ESTIMATE_ABOVE:
                return estimate
        return super().count


class LargeTableAdmin:
    """A ModelAdmin for a table that grows to hundreds of thousands of rows: no full count on a
    filtered changelist (``show_full_result_count``), and an estimated count on the unfiltered
    one (``EstimatedCountPaginator``)."""

    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        whole_table = set(request.GET) <= NOT_FILTERS
        return self.paginator(queryset, per_page, orphans, allow_empty_first_page,
                              whole_table=whole_table)


# A text field this long or longer holds a sentence (a title, a headline, a name in full): its
# admin input is as wide as the form allows (static/css/admin.css), not Django's 20em.
WIDE_FROM_LENGTH = 200


class WideTextAdmin:
    """Text inputs of ``WIDE_FROM_LENGTH`` characters or more get the ``vWideTextField`` class,
    so that a real headline is read whole while it is edited."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if (formfield is not None and db_field.get_internal_type() == "CharField"
                and not db_field.choices and (db_field.max_length or 0) >= WIDE_FROM_LENGTH):
            formfield.widget.attrs["class"] = "vTextField vWideTextField"
        return formfield


class LabelledRowsFormSet:
    """Mixed into an inline's formset: each visible field of each row carries an ``aria-label``
    naming its column and its row ("Status, row 3"; "…, new row" for the template row that
    "Add another" copies). A tabular inline shows its labels once, as column headings, which no
    field is tied to: a screen reader announced ninety unnamed fields on an event's page."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = _("new row") if index is None else _("row %(number)s") % {"number": index + 1}
        for field in form.fields.values():
            # The widget itself, inside the admin's add/change links (whose attrs are shared with
            # the class's widget): a new dict, never one the other rows hold.
            widget = getattr(field.widget, "widget", field.widget)
            if not widget.is_hidden:
                widget.attrs = {**widget.attrs, "aria-label": f"{field.label}, {row}"}


def labelled_rows(formset):
    """``formset`` (a class) with ``LabelledRowsFormSet`` mixed in."""
    return type(formset.__name__, (LabelledRowsFormSet, formset), {})


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose fields are named for assistive technology
    (``LabelledRowsFormSet``)."""

    def get_formset(self, request, obj=None, **kwargs):
        return labelled_rows(super().get_formset(request, obj, **kwargs))


class LabelledListEditableAdmin:
    """A changelist with ``list_editable`` columns: their fields, a column heading each like a
    tabular inline's, are named by column and row too."""

    def get_changelist_formset(self, request, **kwargs):
        return labelled_rows(super().get_changelist_formset(request, **kwargs))


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
            raise Http404(gettext("No such record.")) from None
        return super().history_view(request, object_id, extra_context)


class ReadOnlyAdmin:
    """An admin whose rows nobody — superusers included — adds, changes or deletes by hand: the
    history logs, the personal-data access log, the erasures (they are evidence, written by the
    portal itself). The change page is a view; add, change and delete answer 403."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryLogAdmin(ReadOnlyAdmin, LargeTableAdmin, admin.ModelAdmin):
    """Registered for a ``HistoricalX`` model: an audit log of X, deletions included.

    A log grows with every change (a million participations are a million rows or more), so it
    has no date hierarchy: its year links are a DISTINCT over the whole log on every visit. The
    date filter (today, past 7 days, this month, this year) needs no query for its choices, and
    the newest-first order is read from simple-history's ``history_date`` index."""

    list_display = ["history_date", "history_type", "record", "history_user", "restore_link"]
    list_filter = ["history_type", "history_date"]
    list_select_related = ["history_user"]
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

    @admin.display(description=_("record"))
    def record(self, obj):
        return f"#{obj.pk} · {obj}"

    @admin.display(description=_("history and restore"))
    def restore_link(self, obj):
        tracked = self.model.instance_type._meta
        try:
            url = reverse(f"admin:{tracked.app_label}_{tracked.model_name}_history", args=[obj.pk])
        except NoReverseMatch:
            return ""
        label = gettext("Restore…") if obj.history_type == "-" else gettext("History")
        return format_html('<a href="{}">{}</a>', url, label)



def register_history_log(model, site=admin.site):
    site.register(model.history.model, HistoryLogAdmin)
