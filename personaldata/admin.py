"""The erasures in the Django admin: read only. An erasure is made on the portal's erasure page
(personaldata.views) and is the log of who erased which record when; nobody — superusers
included — adds, changes or deletes one by hand."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from personaldata.models import Erasure
from unodc_portal.core.admin_history import ReadOnlyAdmin


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["participant", "erased_at", "erased_by_username", "sheet_count"]
    list_filter = ["erased_at"]
    search_fields = ["=participant", "erased_by_username"]
    ordering = ["-erased_at", "-id"]
    readonly_fields = ["participant", "erased_by", "erased_by_username", "erased_at",
                       "sheets_page"]
    fields = readonly_fields

    @admin.display(description=_("attendance sheets found"))
    def sheet_count(self, obj):
        return len(obj.sheets)

    @admin.display(description=pgettext_lazy("field label", "attendance sheets"))
    def sheets_page(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(),
                           _("The erasure's page: each sheet, its state and its links"))
