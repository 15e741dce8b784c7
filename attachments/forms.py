"""The forms of a record's files page: the upload (several files, the same details for each
unless the page's script gives each file its own), the details of one file (English and
Russian), its replacement and its removal. Each form of an existing file carries the file's
version (``VersionedModelForm`` / ``record_version``): a save from an older version is refused,
with who changed the file and when."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.forms.common import BilingualFormMixin
from attachments.models import Attachment
from unodc_portal.core.versioning import VersionedModelForm

RU = {"lang": "ru"}
PHOTO_FIELDS = ("alt_text", "caption", "credit", "consent")


def kind_choices(record_field: str | None):
    """Seizure evidence belongs to seizures only."""
    return [(value, label) for value, label in Attachment.Kind.choices
            if value != Attachment.Kind.EVIDENCE or record_field in (None, "seizure")]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadForm(forms.Form):
    """The details given to each uploaded file. The files themselves are read by the view, one
    by one (``request.FILES.getlist("files")``): each is stored or refused on its own."""

    files = forms.FileField(
        label=_("Files"), required=False,
        widget=MultipleFileInput(attrs={"multiple": True, "data-upload-files": ""}),
        help_text=_("Choose one or several files. Photos: JPEG, PNG or WebP; documents: PDF, "
                    "Word, Excel, PowerPoint or OpenDocument."),
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False,
        help_text=_("Leave empty to use each file's name."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Attachment.Kind.choices)
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Attachment.Visibility.choices,
        initial=Attachment.Visibility.STAFF,
        help_text=Attachment._meta.get_field("visibility").help_text,
    )
    alt_text = forms.CharField(
        label=_("Alternative text (photos)"), max_length=300, required=False,
        help_text=Attachment._meta.get_field("alt_text").help_text,
    )
    caption = forms.CharField(label=_("Caption (photos)"), max_length=500, required=False)
    credit = forms.CharField(label=_("Credit (photos)"), max_length=200, required=False)
    consent = forms.CharField(
        label=_("Consent of the people shown (photos)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=Attachment._meta.get_field("consent").help_text,
    )

    def __init__(self, *args, record_field: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices(record_field)

    def values(self) -> dict:
        """The details for ``services.add`` (the title is set per file)."""
        data = self.cleaned_data
        values = {name: data.get(name, "") for name in
                  ("kind", "visibility", "alt_text", "caption", "credit", "consent")}
        # English columns, whatever the page's language (see BilingualFormMixin).
        for name in ("alt_text", "caption"):
            values[f"{name}_en"] = values.pop(name)
        return values


class AttachmentForm(BilingualFormMixin, VersionedModelForm):
    """The details of one file, in English and Russian."""

    english_columns = {"title": "title_en", "alt_text": "alt_text_en", "caption": "caption_en"}
    russian_columns = ("title_ru", "alt_text_ru", "caption_ru")

    class Meta:
        model = Attachment
        fields = ["title", "title_ru", "kind", "visibility", "alt_text", "alt_text_ru",
                  "caption", "caption_ru", "credit", "consent"]
        widgets = {
            "title_ru": forms.TextInput(attrs=RU),
            "alt_text_ru": forms.TextInput(attrs=RU),
            "caption_ru": forms.TextInput(attrs=RU),
            "consent": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "title": _("Title"),
            "title_ru": _("Title (Russian)"),
            "alt_text": _("Alternative text"),
            "alt_text_ru": _("Alternative text (Russian)"),
            "caption": _("Caption"),
            "caption_ru": _("Caption (Russian)"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices(self.instance.record_field)

    def values(self) -> dict:
        """What ``services.change`` writes: each language's column from its own input."""
        instance = self.instance
        values = {name: getattr(instance, name) for name in
                  ("kind", "visibility", "credit", "consent")}
        for column in (*self.english_columns.values(), *self.russian_columns):
            values[column] = getattr(instance, column) or ""
        return values


class VersionForm(forms.Form):
    """The version the page was loaded with (replacement and removal)."""

    record_version = forms.CharField(required=False, widget=forms.HiddenInput)


class ReplaceForm(VersionForm):
    file = forms.FileField(
        label=_("New file"),
        help_text=_("The file takes the place of the current one; its details are kept. A "
                    "public file gets a new public address."),
    )
