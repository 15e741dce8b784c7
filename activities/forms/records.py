"""The officers' other forms: quick-add of organisations and people (from the event page),
participants, merging, dismissing a duplicate group, import uploads and seizures."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from activities.forms.common import (
    BilingualFormMixin,
    DataBasisForm,
    VisibleChoicesMixin,
    unique_slug,
)
from activities.models import Organisation, Participant, Person, Seizure
from unodc_portal.core.filters import DateInput
from unodc_portal.core.uploads import size
from unodc_portal.core.versioning import VersionedModelForm


# --------------------------------------------------------------------------------------------
# Quick-add: a missing organisation or person without leaving the event page
# --------------------------------------------------------------------------------------------
class OrganisationForm(BilingualFormMixin, VisibleChoicesMixin, forms.ModelForm):
    """A new organisation: its English name (required, the record's name) and, optionally, its
    Russian name (``BilingualFormMixin``)."""

    english_columns = {"name": "name_en"}
    russian_columns = ("name_ru",)

    class Meta:
        model = Organisation
        fields = ["name", "name_ru", "acronym", "kind", "country"]
        labels = {
            "name": pgettext_lazy("the English version of the organisation's name", "Name"),
            "name_ru": _("Name (Russian)"),
        }
        help_texts = {"name_ru": _("Optional.")}
        widgets = {"name_ru": forms.TextInput(attrs={"lang": "ru"})}

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name")
        if name:
            names = [text for text in (name, cleaned.get("name_ru")) if text]
            clash = Organisation.objects.filter(
                reduce(or_, (Q(name_en__iexact=text) | Q(name_ru__iexact=text)
                             for text in names)))
            acronym = cleaned.get("acronym")
            if acronym:
                clash = clash | Organisation.objects.filter(
                    acronym__iexact=acronym, country=cleaned.get("country")
                )
            if clash.exists():
                raise ValidationError(
                    gettext("Already in the portal: %(record)s. Choose it from the list.")
                    % {"record": clash.first()}
                )
        return cleaned

    def save(self, commit=True):
        name = self.instance.name_en
        self.instance.slug = unique_slug(Organisation, self.instance.acronym + " " + name
                                         if self.instance.acronym else name)
        return super().save(commit)


class PersonForm(VisibleChoicesMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "honorific", "position", "organisation"]

    def save(self, commit=True):
        self.instance.slug = unique_slug(Person, self.instance.name)
        return super().save(commit)


# --------------------------------------------------------------------------------------------
# Participants, merging, import, seizures
# --------------------------------------------------------------------------------------------
class ParticipantForm(VisibleChoicesMixin, VersionedModelForm):
    """A participant's page form. Contact consent can be changed here (the person may tell an
    officer); the sources of the data cannot: they record how the data came, not an opinion,
    and the page shows them read-only."""

    class Meta:
        model = Participant
        fields = ["name", "sex", "organisation", "country", "position", "email", "phone",
                  "contact_consent"]


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(
        coerce=int, widget=forms.RadioSelect, label=_("Which record to keep"),
        help_text=_("The other record's events move to the kept one and its empty fields are "
                    "filled from the other; the other record is then removed (its history "
                    "stays)."),
    )

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [
            (p.pk, gettext("No. %(number)s: %(name)s") % {"number": p.pk, "name": p.display_name})
            for p in records]


class DismissForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all(), required=False)
    match_key = forms.CharField(max_length=200)
    records = forms.IntegerField(min_value=2, max_value=2**31 - 1)


class ImportUploadForm(DataBasisForm):
    """The file, and the two questions about the people in it, asked once for the whole batch
    (``DataBasisForm``). The file is inspected (size, a workbook's parts, a CSV's rows and
    columns) by ``unodc_portal.core.uploads`` through ``imports.read_upload`` before any parser
    reads it."""

    file = forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))
    field_order = ["file", "source", "contact_consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = (
            gettext("Participant list (.xlsx or .csv, at most %(size)s)")
            % {"size": size(settings.IMPORT_MAX_BYTES)}
        )
        self.fields["source"].help_text = _(
            "For everyone in the file. Someone already in the register keeps the source first "
            "recorded for them and gains this one.")
        self.fields["contact_consent"].help_text = _(
            "For everyone in the file. For someone already in the register, a yes or a no "
            "replaces their earlier answer; “Not recorded” leaves it as it is.")


class SeizureForm(VisibleChoicesMixin, VersionedModelForm):
    class Meta:
        model = Seizure
        fields = [
            "key", "kind", "substance", "qualifier", "quantity", "unit", "date", "year",
            "end_year", "period_wording", "country", "region", "place", "seizing_agency",
            "project", "notes",
        ]
        widgets = {
            "date": DateInput(), "notes": forms.Textarea(attrs={"rows": 3}),
            "quantity": forms.NumberInput(attrs={"step": "any", "min": "0"}),
        }
        help_texts = {"key": _("A short stable name; leave empty to make one.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].required = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("key") and cleaned.get("substance"):
            when = cleaned.get("date") or cleaned.get("year") or "undated"
            # The key is made from the English names whatever the page's language: a seizure
            # recorded from a Russian page gets the same kind of key ("heroin-tajikistan-…").
            with translation.override("en-gb"):
                place = str(cleaned.get("country") or cleaned.get("region") or "")
            cleaned["key"] = unique_slug(
                Seizure, f"{cleaned['substance'].slug} {place} {when}", field="key",
                max_length=100,
            )
            self.instance.key = cleaned["key"]
        return cleaned
