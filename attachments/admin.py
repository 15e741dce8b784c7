"""Attachments in the admin: the list (record, kind, visibility, size; filters; search), and add
and change forms with a file field. Every write goes through ``attachments.services`` as the
portal's pages do: the upload inspected, the file stored under generated keys, the public copy
kept in step, a history row with its reason. The form carries the file's version
(``VersionedModelForm``: a save from an older version is refused with who changed the file and
when, the input kept); titles and captions in English and Russian (modeltranslation's admin);
history through simple-history's admin. A refused file or details are form errors beside
their field: the service runs when the form is validated, so nothing is stored then.
Admins also reach a record's files through the portal's page (``attachments.manage``)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from attachments import services
from attachments.models import PARENT_MODELS, Attachment
from unodc_portal.core.admin_history import DemoVisibleAdmin, HistoryAdmin, WideTextAdmin
from unodc_portal.core.uploads import UploadRefused
from unodc_portal.core.versioning import StaleVersion, VersionedModelForm

RECORD_FIELDS = tuple(PARENT_MODELS)
# What a person sets; each language's column written from its own input.
VALUE_FIELDS = ("kind", "visibility", "credit", "consent", "title_en", "title_ru",
                "alt_text_en", "alt_text_ru", "caption_en", "caption_ru")


class AttachmentAdminForm(VersionedModelForm):
    upload = forms.FileField(
        label=_("File"), required=False,
        help_text=_("Adding: the file. Changing: a new file in place of the current one "
                    "(leave empty to keep it)."),
    )

    class Meta:
        model = Attachment
        fields = "__all__"

    # Set by AttachmentAdmin.get_form: who saves.
    user = None

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            chosen = [name for name in RECORD_FIELDS if cleaned.get(name)]
            if len(chosen) != 1:
                raise ValidationError(
                    gettext("Choose exactly one record: an event, a seizure, a project or an "
                            "article."))
            if not cleaned.get("upload"):
                self.add_error("upload", gettext("Choose the file to add."))
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        values = {name: getattr(self.instance, name) or "" for name in VALUE_FIELDS}
        upload = self.cleaned_data.get("upload")
        try:
            if self.instance.pk is None:
                record = self.instance.record
                if not services.may_edit(self.user, record):
                    self.add_error(None, gettext("You may not add files to this record."))
                    return
                self.instance = services.add(record, upload, user=self.user, **values)
            elif upload:
                services.replace(self.instance, upload, user=self.user,
                                 expected_version=self.cleaned_data.get("record_version"),
                                 **values)
            else:
                services.change(self.instance, user=self.user,
                                expected_version=self.cleaned_data.get("record_version"),
                                **values)
        except UploadRefused as exc:
            self.add_error("upload", services.refusal_message(exc))
        except StaleVersion as exc:
            self.carry_version(exc.current)
            self.add_error(None, exc.message)
        except ValidationError as exc:
            self.add_error(None, services.refusal_message(exc))
        finally:
            if upload:
                upload.close()


class RecordKindFilter(admin.SimpleListFilter):
    title = _("record")
    parameter_name = "record"

    def lookups(self, request, model_admin):
        return [(name, model._meta.verbose_name.capitalize())
                for name, model in PARENT_MODELS.items()]

    def queryset(self, request, queryset):
        if self.value() in PARENT_MODELS:
            return queryset.filter(**{f"{self.value()}__isnull": False})
        return queryset


@admin.register(Attachment)
class AttachmentAdmin(WideTextAdmin, DemoVisibleAdmin, TranslationAdmin, HistoryAdmin):
    form = AttachmentAdminForm
    list_display = ["title", "record_link", "kind", "visibility", "file_size", "uploaded_at"]
    list_filter = [RecordKindFilter, "kind", "visibility", "uploaded_at"]
    list_select_related = ["event", "seizure", "project", "article"]
    search_fields = ["title_en", "title_ru", "display_name", "event__title", "event__slug",
                     "seizure__key", "project__code", "project__title", "article__title"]
    autocomplete_fields = list(RECORD_FIELDS)
    date_hierarchy = None
    fieldsets = [
        (_("Record"), {"fields": list(RECORD_FIELDS)}),
        (None, {"fields": ["upload", "title", "kind", "visibility", "record_version"]}),
        (_("Photos"), {"fields": ["alt_text", "caption", "credit", "consent"]}),
        (_("Stored file"), {"fields": ["file_link", "display_name", "mime_type", "size_shown",
                                       "width", "height", "uploaded_by", "uploaded_at"]}),
    ]
    readonly_fields = ["file_link", "display_name", "mime_type", "size_shown", "width",
                       "height", "uploaded_by", "uploaded_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:  # a file stays with its record
            fields += list(RECORD_FIELDS)
        return fields

    def save_model(self, request, obj, form, change):
        """Saved already, by the service the form called."""

    def save_related(self, request, form, formsets, change):
        """No related rows of its own (the form's service wrote the row)."""

    def delete_model(self, request, obj):
        services.remove(obj, expected_version=None, user=request.user)

    def delete_queryset(self, request, queryset):
        for attachment in queryset:
            services.remove(attachment, expected_version=None, user=request.user)

    @admin.display(description=_("record"))
    def record_link(self, obj):
        record = obj.record
        return str(record) if record is not None else "—"

    @admin.display(description=_("size"), ordering="size")
    def file_size(self, obj):
        return filesizeformat(obj.size)

    @admin.display(description=_("size"))
    def size_shown(self, obj):
        return filesizeformat(obj.size) if obj.pk else "—"

    @admin.display(description=_("file"))
    def file_link(self, obj):
        if obj.pk is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("files:file", args=[obj.pk]),
                           obj.display_name)
