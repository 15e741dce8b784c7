"""Officers' forms: the event page (event, participants, trainer organisations), quick-add of
organisations and people, seizures, participants, merging and import uploads."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db.models import Q
from django.utils.text import slugify

from activities.matching import match_key, name_key
from activities.models import (
    Event,
    Organisation,
    Participant,
    Participation,
    Person,
    Seizure,
)

# The largest register (record) number the database can hold: a larger one is no record.
RECORD_NUMBER_MAX = 2**63 - 1


def record_number(value) -> int | None:
    """A register number typed or sent by a client, or None where it cannot be one."""
    text = str(value or "").strip()
    if not text.isdecimal() or len(text) > len(str(RECORD_NUMBER_MAX)):
        return None
    number = int(text)
    return number if 0 < number <= RECORD_NUMBER_MAX else None


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
        message=f"The reported participant count can be at most "
        f"{REPORTED_PARTICIPANTS_MAX:,}.",
    ))


def unique_slug(model, text: str, field: str = "slug", max_length: int = 80) -> str:
    """A slug from ``text`` not yet used by ``model`` (suffix -2, -3 … when taken)."""
    base = (slugify(text) or "record")[: max_length - 6].strip("-") or "record"
    taken = set(
        model.objects.filter(**{f"{field}__startswith": base}).values_list(field, flat=True)
    )
    slug, number = base, 2
    while slug in taken or slug == "new":
        slug, number = f"{base}-{number}", number + 1
    return slug


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


# --------------------------------------------------------------------------------------------
# The event page
# --------------------------------------------------------------------------------------------
class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "title", "slug", "kind", "projects", "organiser", "city", "country", "venue",
            "start_date", "end_date", "date_wording", "year", "month", "topics", "description",
            "trainers", "reported_participants", "reported_participants_wording",
        ]
        widgets = {
            "start_date": DateInput(), "end_date": DateInput(),
            "topics": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "projects": forms.SelectMultiple(attrs={"size": 6}),
            "trainers": forms.SelectMultiple(attrs={"size": 6, "data-option-kind": "person"}),
            "organiser": forms.Select(attrs={"data-option-kind": "organisation"}),
        }
        labels = {
            "reported_participants": "Participants as reported (number)",
            "reported_participants_wording": "Participants as reported (the words used)",
            "trainers": "Trainers (public people)",
        }
        help_texts = {
            "slug": "The event's address; leave empty to make one from the title.",
            "trainers": "Hold Ctrl (⌘ on a Mac) to choose several.",
            "projects": "Hold Ctrl (⌘ on a Mac) to choose several.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        bound_reported_participants(self)
        self.fields["organiser"].queryset = Organisation.objects.order_by("name")
        self.fields["trainers"].queryset = Person.objects.order_by("name")

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if not slug and self.instance.pk:
            return self.instance.slug
        return slug

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("title"):
            cleaned["slug"] = unique_slug(Event, cleaned["title"], max_length=100)
            self.instance.slug = cleaned["slug"]
        return cleaned


STATUS_CHOICES = Participation.Status.choices


class ParticipationForm(forms.Form):
    """A participant already in the register, by register number (search fills it in)."""

    participant = forms.IntegerField(
        label="Register No.", min_value=1, max_value=RECORD_NUMBER_MAX,
        widget=forms.NumberInput(attrs={"class": "participant-number"}),
    )
    status = forms.ChoiceField(choices=STATUS_CHOICES, initial=Participation.Status.ATTENDED)


class BaseParticipationFormSet(forms.BaseFormSet):
    """Resolves all register numbers in one query; a participant listed twice is an error on
    the second row."""

    def clean(self):
        super().clean()
        self.participants = {}
        rows = [f for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]
        ids = {f.cleaned_data["participant"] for f in rows if "participant" in f.cleaned_data}
        found = Participant.objects.with_related().in_bulk(ids)
        seen = {}
        for index, form in enumerate(rows, start=1):
            pk = form.cleaned_data.get("participant")
            if pk is None:
                continue
            if pk not in found:
                form.add_error("participant", f"No participant has register number {pk}.")
            elif pk in seen:
                form.add_error(
                    "participant",
                    f"{found[pk].name} is listed twice (also row {seen[pk]}).",
                )
            else:
                seen[pk] = index
                self.participants[pk] = found[pk]

    def chosen(self) -> dict[int, str]:
        return {
            f.cleaned_data["participant"]: f.cleaned_data["status"]
            for f in self.forms
            if f.cleaned_data and not self._should_delete_form(f)
        }


ParticipationFormSet = forms.formset_factory(
    ParticipationForm, formset=BaseParticipationFormSet, extra=1, can_delete=True
)


class NewParticipantForm(forms.ModelForm):
    status = forms.ChoiceField(choices=STATUS_CHOICES, initial=Participation.Status.ATTENDED)
    not_duplicate = forms.BooleanField(
        required=False, label="A different person",
        help_text="Tick when a similar name in the register is someone else.",
    )

    class Meta:
        model = Participant
        fields = ["name", "sex", "organisation", "country", "position", "email", "phone"]
        widgets = {"organisation": forms.Select(attrs={"data-option-kind": "organisation"})}

    def __init__(self, *args, organisation_choices=None, country_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices read once for all rows, not once per row.
        if organisation_choices is not None:
            self.fields["organisation"].choices = organisation_choices
        if country_choices is not None:
            self.fields["country"].choices = country_choices


class BaseNewParticipantFormSet(forms.BaseModelFormSet):
    """New participants; a likely duplicate of someone in the register or on this page is an
    error on its row unless the officer says it is a different person."""

    picked: dict[int, Participant] = {}

    def clean(self):
        super().clean()
        rows = [f for f in self.forms if f.cleaned_data and f.has_changed()
                and "name" in f.cleaned_data]
        keys = {match_key(f.cleaned_data["name"]) for f in rows}
        existing = {}
        for participant in Participant.objects.with_related().filter(
            match_key__in=keys
        ).order_by():
            existing.setdefault((participant.organisation_id, participant.match_key), []).append(
                participant
            )
        seen = {}
        for index, form in enumerate(rows, start=1):
            data = form.cleaned_data
            organisation_id = data["organisation"].pk if data.get("organisation") else None
            exact = (organisation_id, name_key(data["name"]))
            like = (organisation_id, match_key(data["name"]))
            if exact in seen:
                form.add_error("name", f"Listed twice (also new row {seen[exact]}).")
                continue
            seen[exact] = index
            picked = [p for p in self.picked.values()
                      if (p.organisation_id, p.name_key) == exact]
            if picked:
                form.add_error(
                    "name",
                    f"Already listed above as {picked[0].name} (No. {picked[0].pk}).",
                )
                continue
            similar = existing.get(like, [])
            if similar and not data.get("not_duplicate"):
                names = "; ".join(f"{p.name} (No. {p.pk})" for p in similar[:3])
                form.add_error(
                    "name",
                    f"Likely already in the register: {names}. Add the existing record under "
                    "“Participants from the register” instead, or tick “A different person”.",
                )

    def new_rows(self):
        return [
            f for f in self.forms
            if f.cleaned_data and f.has_changed() and not self._should_delete_form(f)
        ]


NewParticipantFormSet = forms.modelformset_factory(
    Participant, form=NewParticipantForm, formset=BaseNewParticipantFormSet, extra=2,
    can_delete=False,
)


class TrainerLinkForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        widget=forms.Select(attrs={"data-option-kind": "organisation"}),
    )
    trainer_count = forms.IntegerField(
        label="Number of trainers", min_value=1, max_value=999, required=False,
        help_text="Where the source says.",
    )

    def __init__(self, *args, organisation_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation_choices is not None:
            self.fields["organisation"].choices = organisation_choices


class BaseTrainerLinkFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or self._should_delete_form(form):
                continue
            organisation = form.cleaned_data.get("organisation")
            if organisation in seen:
                form.add_error("organisation", "This organisation is listed twice.")
            seen.add(organisation)

    def counts(self) -> dict[int, int | None]:
        return {
            f.cleaned_data["organisation"].pk: f.cleaned_data.get("trainer_count")
            for f in self.forms
            if f.cleaned_data and not self._should_delete_form(f)
            and f.cleaned_data.get("organisation")
        }


TrainerLinkFormSet = forms.formset_factory(
    TrainerLinkForm, formset=BaseTrainerLinkFormSet, extra=1, can_delete=True
)


# --------------------------------------------------------------------------------------------
# Quick-add: a missing organisation or person without leaving the event page
# --------------------------------------------------------------------------------------------
class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "acronym", "kind", "country"]

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name")
        if name:
            clash = Organisation.objects.filter(Q(name__iexact=name))
            acronym = cleaned.get("acronym")
            if acronym:
                clash = clash | Organisation.objects.filter(
                    acronym__iexact=acronym, country=cleaned.get("country")
                )
            if clash.exists():
                raise ValidationError(
                    f"Already in the portal: {clash.first()}. Choose it from the list."
                )
        return cleaned

    def save(self, commit=True):
        self.instance.slug = unique_slug(Organisation, self.instance.acronym + " "
                                         + self.instance.name if self.instance.acronym
                                         else self.instance.name)
        return super().save(commit)


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "honorific", "position", "organisation"]

    def save(self, commit=True):
        self.instance.slug = unique_slug(Person, self.instance.name)
        return super().save(commit)


# --------------------------------------------------------------------------------------------
# Participants, merging, import, seizures
# --------------------------------------------------------------------------------------------
class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["name", "sex", "organisation", "country", "position", "email", "phone"]


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(
        coerce=int, widget=forms.RadioSelect, label="Which record to keep",
        help_text="The other record's events move to the kept one and its empty fields are "
        "filled from the other; the other record is then removed (its history stays).",
    )

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(p.pk, f"No. {p.pk}: {p.name}") for p in records]


class DismissForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all(), required=False)
    match_key = forms.CharField(max_length=200)
    records = forms.IntegerField(min_value=2, max_value=2**31 - 1)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Participant list (.xlsx or .csv, at most 5 MB)",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class SeizureForm(forms.ModelForm):
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
        help_texts = {"key": "A short stable name; leave empty to make one."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].required = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("key") and cleaned.get("substance"):
            when = cleaned.get("date") or cleaned.get("year") or "undated"
            place = cleaned.get("country") or cleaned.get("region") or ""
            cleaned["key"] = unique_slug(
                Seizure, f"{cleaned['substance'].slug} {place} {when}", field="key",
                max_length=100,
            )
            self.instance.key = cleaned["key"]
        return cleaned
