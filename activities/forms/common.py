"""What the officers' forms share: register numbers as clients send them, the bound on the
reported participant count, slugs, choices that follow the user's visibility (countries by
name), formset management data, and the two questions on the basis of participants' data.
(Date inputs are the filters' ``unodc_portal.core.filters.DateInput``.)"""

from __future__ import annotations

from anyascii import anyascii
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activities.models import ContactConsent, Country, DataSource
from unodc_portal.core.records import DemoQuerySetMixin

# The largest register (record) number the database can hold: a larger one is no record.
RECORD_NUMBER_MAX = 2**63 - 1


def record_number(value) -> int | None:
    """A register number typed or sent by a client, or None where it cannot be one."""
    text = str(value or "").strip()
    if not text.isdecimal() or len(text) > len(str(RECORD_NUMBER_MAX)):
        return None
    number = int(text)
    return number if 0 < number <= RECORD_NUMBER_MAX else None


class RecordChoicesField(forms.ModelMultipleChoiceField):
    """Several records by number. A number the database cannot hold is refused like an unknown
    one (Django's ``__in`` lookup, unlike ``exact``, sends it to SQLite, which overflows)."""

    def _check_values(self, value):
        for pk in value:
            if record_number(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


# The reported participant count: PostgreSQL's integer column holds at most 2,147,483,647,
# SQLite's holds more. The forms that write it (the event page, the admin) refuse a larger
# count on every database alike, with a message, instead of leaving it to the column.
REPORTED_PARTICIPANTS_MAX = 2**31 - 1


def bound_reported_participants(form) -> None:
    """Give ``form``'s reported participant count the same upper bound on every database."""
    field = form.fields.get("reported_participants")
    if field is None:
        return
    field.max_value = REPORTED_PARTICIPANTS_MAX
    field.widget.attrs["max"] = str(REPORTED_PARTICIPANTS_MAX)
    field.validators.append(MaxValueValidator(
        REPORTED_PARTICIPANTS_MAX,
        # The form is made per request, in the reader's language: the bound reads as
        # numbers read there (2,147,483,647; 2 147 483 647 in Russian).
        message=gettext("The reported participant count can be at most %(limit)s.") % {
            "limit": number_format(REPORTED_PARTICIPANTS_MAX, use_l10n=True,
                                   force_grouping=True)},
    ))


def unique_slug(model, text: str, field: str = "slug", max_length: int = 80) -> str:
    """A slug from ``text`` not yet used by ``model`` (suffix -2, -3 … when taken). Cyrillic
    (and any other script) is transliterated to ASCII first, so a Russian title gives a
    readable address ("Семинар по прекурсорам" → "seminar-po-prekursoram"), never an empty
    one."""
    base = (slugify(anyascii(str(text or ""))) or "record")[: max_length - 6].strip("-") or "record"
    taken = set(
        model.objects.filter(**{f"{field}__startswith": base}).values_list(field, flat=True)
    )
    slug, number = base, 2
    while slug in taken or slug == "new":
        slug, number = f"{base}-{number}", number + 1
    return slug


class BilingualFormMixin:
    """A model form for a record whose words are kept in English and Russian
    (django-modeltranslation: ``title`` reads and writes ``title_en`` or ``title_ru`` by the
    page's language). The English inputs keep the field's name (``title``) and always read and
    write the English column (``english_columns``: {"title": "title_en"}), whatever the page's
    language; the Russian inputs are the Russian columns (``russian_columns``: "title_ru"),
    optional. Without this, an officer saving from a Russian page would write the English
    input into the Russian column, and an English input would be shown the Russian text."""

    english_columns: dict[str, str] = {}
    russian_columns: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, column in self.english_columns.items():
            if name in self.fields:
                # Not the page language's text (or its fallback): the English column's.
                self.initial[name] = getattr(self.instance, column)
        self._stored_russian = {column: getattr(self.instance, column, None)
                                for column in self.russian_columns}
        for column in self.russian_columns:
            if column in self.fields:
                self.fields[column].required = False

    def _post_clean(self):
        english = {column: self.cleaned_data[name]
                   for name, column in self.english_columns.items() if name in self.cleaned_data}
        # Before the model's validation (which reads ``title`` in the page's language, with
        # the English fallback) ...
        for column, value in english.items():
            setattr(self.instance, column, value)
        super()._post_clean()
        # ... and after construct_instance, which wrote ``title`` through modeltranslation's
        # setter, i.e. into the page language's column: each column from its own input.
        for column, value in english.items():
            setattr(self.instance, column, value)
        for column in self.russian_columns:
            if column in self.cleaned_data and self.add_prefix(column) in self.data:
                setattr(self.instance, column, self.cleaned_data[column])
            else:  # not sent (a client without the Russian inputs): left as it was
                setattr(self.instance, column, self._stored_russian.get(column))


class VisibleChoicesMixin:
    """A form whose related-record choices follow ``user``'s visibility: demo records
    (``is_demo``) are offered to demo accounts only, and only for a new or a demo record — a
    demo account editing a real record cannot tie it to demo data. Countries are listed by
    name, as in the filters (their names are not a column the database sorts by)."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk and not getattr(instance, "is_demo", True):
            user = None  # a real record links to real records only, whoever edits it
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if isinstance(queryset, DemoQuerySetMixin):
                field.queryset = queryset.visible_to(user)
            elif queryset is not None and queryset.model is Country:
                field.queryset = queryset.by_name()


def management_data(prefix: str, total: int, initial: int) -> dict[str, str]:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


class DataBasisForm(forms.Form):
    """The two questions asked once for a group of people — an import batch, the new
    participants of an event page save — never per row (issue 18): how their details reached
    the officer, and whether they agreed to be contacted after the event. Nothing is chosen
    for the officer: a pre-chosen answer would be confirmed out of habit and record a basis
    nobody stated ("Not recorded" is an answer the officer can pick). A value not among the
    choices is a field error."""

    source = forms.ChoiceField(
        label=_("How did these people's details reach you?"),
        choices=DataSource.choices, widget=forms.RadioSelect,
    )
    contact_consent = forms.ChoiceField(
        label=_("Did they agree to be contacted after the event?"),
        choices=ContactConsent.choices, widget=forms.RadioSelect,
        help_text=_("Choose “Not recorded” when you do not know."),
    )
