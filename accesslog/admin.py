"""The access log in the Django admin: admins read and filter it — by user, by what was seen,
by date, and by participant number (every access to one person) — and nobody, superusers
included, adds, changes or deletes an entry there: the pages are read-only, there are no bulk
actions, and a POST to a change or delete address is refused. Only ``apply_retention`` deletes
entries, those older than their period.

The log grows with every page that shows a participant (a million entries within a year is
likely), so nothing here reads the whole table on a visit: the count is the planner's estimate
(``LargeTableAdmin``), a participant's accesses are found through ``AccessedRecord``'s
(participant, entry) index, never by matching the ranges' text, and the "what" filter offers
the values of the newest entries, and the dates offered are read from the list's first and
last entry (``accesslog/templatetags/accesslog_admin.py``). Its pages show register numbers only,
so they write no entry themselves."""

import re

from django.contrib import admin, messages
from django.db.models import Subquery
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accesslog.models import AccessedRecord, AccessEntry
from unodc_portal.core.admin_history import LargeTableAdmin, ReadOnlyAdmin

# "1234", "No. 1234", "#1234", "№ 1234": the register number a search asks for.
PARTICIPANT_NUMBER = re.compile(r"^\s*(?:no\.?|№|#)?\s*(\d{1,18})\s*$", re.IGNORECASE)
# The "what" filter offers the distinct values among this many newest entries: a list of every
# value would read the whole log on each visit (there is no index on "what").
WHAT_CHOICES_FROM = 5_000
# A long run of scattered numbers (an export) is cut in the list; the entry's page has it whole.
RECORDS_SHOWN = 120


class WhatFilter(admin.SimpleListFilter):
    title = _("what")
    parameter_name = "what"

    def lookups(self, request, model_admin):
        newest = AccessEntry.objects.order_by("-at", "-id").values("id")[:WHAT_CHOICES_FROM]
        values = set(AccessEntry.objects.filter(id__in=Subquery(newest))
                     .order_by().values_list("what", flat=True).distinct())
        if self.value():
            values.add(self.value())  # chosen from a row of an older page: still offered
        return [(value, value) for value in sorted(values)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(what=self.value())
        return queryset


@admin.register(AccessEntry)
class AccessEntryAdmin(ReadOnlyAdmin, LargeTableAdmin, admin.ModelAdmin):
    # Read-only, for everyone (ReadOnlyAdmin): the log is evidence.
    list_display = ["at", "username", "what_link", "path", "ip", "record_count", "participants"]
    list_filter = ["user", WhatFilter, "at"]
    date_hierarchy = "at"
    # The search box takes a register number (get_search_results); no text column is searched.
    search_fields = ["accessed__participant"]
    search_help_text = _("A participant's register number (for example 1234): every access "
                         "to that participant.")
    fields = ["at", "user", "username", "what", "method", "path", "ip", "record_count",
              "records"]
    actions = None

    @admin.display(description=_("what"), ordering="what")
    def what_link(self, obj):
        """The entry's page or export, leading to every entry of it."""
        return format_html('<a href="?{}" title="{}">{}</a>', urlencode({"what": obj.what}),
                           gettext("Every access through this page"), obj.what)

    @admin.display(description=_("participants"))
    def participants(self, obj):
        return Truncator(obj.records).chars(RECORDS_SHOWN)

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        match = PARTICIPANT_NUMBER.match(search_term)
        if match is None or int(match.group(1)) > 2**63 - 1:
            self.message_user(request, gettext(
                "Search the access log by a participant's register number: digits only, "
                "for example 1234."), messages.WARNING)
            return queryset.none(), False
        entries = AccessedRecord.objects.filter(participant=int(match.group(1)))
        return queryset.filter(id__in=entries.values("entry_id")), False

