"""The event page's forms: the event itself, its participants from the register, new
participants (refused when a likely duplicate is already in the register) and its trainer
organisations. A submitted page says which rows it was loaded with, so saving applies the
officer's changes only (see ``services.event_record``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from activities.forms.common import (
    RECORD_NUMBER_MAX,
    BilingualFormMixin,
    DataBasisForm,
    RecordChoicesField,
    VisibleChoicesMixin,
    bound_reported_participants,
    management_data,
    record_number,
    unique_slug,
)
from activities.matching import duplicate_key, name_key
from activities.models import Event, Organisation, Participant, Participation, Person
from unodc_portal.core.filters import DateInput
from unodc_portal.core.lookups import RecordLookupSelect, RecordLookupSelectMultiple
from unodc_portal.core.versioning import VersionedModelForm, parse_version


class EventForm(BilingualFormMixin, VisibleChoicesMixin, VersionedModelForm):
    """The event's own fields, in the order an officer reads a report: what, when, where, for
    which projects, by whom, about what, then the trainers and the reported count; the address
    (slug) last, made from the title when left empty. Projects, the organiser and trainers are
    searched as the officer types (``RecordLookupSelect``): the page holds the chosen records
    only, whatever the size of the tables. Its version is only read here (``version`` is None
    when missing or damaged): the event page compares it with the stored one while saving, and
    reconciles the participant list when it is older."""

    snapshot_fields = ("projects", "trainers")

    # The event's words in both languages (django-modeltranslation's columns): the English
    # inputs keep their names (``title``: the record's required title), the Russian ones are
    # named after their columns (``title_ru``). See ``BilingualFormMixin``.
    english_columns = {"title": "title_en", "description": "description_en",
                       "topics": "topics_en"}
    russian_columns = ("title_ru", "description_ru", "topics_ru")

    dates_unknown = forms.BooleanField(
        required=False, label=_("Exact dates unknown"),
        help_text=_("Tick when the source gives no days: then give the dates as worded, the "
                    "year and the month."),
    )

    class Meta:
        model = Event
        fields = [
            "title", "kind", "start_date", "end_date", "date_wording", "year", "month",
            "city", "country", "venue", "projects", "organiser", "description", "topics",
            "trainers", "reported_participants", "reported_participants_wording", "slug",
            "title_ru", "description_ru", "topics_ru",
        ]
        field_classes = {"projects": RecordChoicesField, "trainers": RecordChoicesField}
        widgets = {
            "start_date": DateInput(), "end_date": DateInput(),
            "topics": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "topics_ru": forms.Textarea(attrs={"rows": 2, "lang": "ru"}),
            "description_ru": forms.Textarea(attrs={"rows": 3, "lang": "ru"}),
            "title_ru": forms.TextInput(attrs={"lang": "ru"}),
            "projects": RecordLookupSelectMultiple("activities:project_lookup"),
            "trainers": RecordLookupSelectMultiple(
                "activities:person_lookup", attrs={"data-option-kind": "person"}),
            "organiser": RecordLookupSelect(
                "activities:organisation_lookup", attrs={"data-option-kind": "organisation"}),
        }
        labels = {
            # "Title" in English; on a Russian page, "the title in English" (its Russian
            # twin below is "the title in Russian").
            "title": pgettext_lazy("the English version of the event's field", "Title"),
            "kind": _("Kind"),
            "start_date": _("Start date"),
            "end_date": _("End date"),
            "date_wording": _("Dates as the source words them"),
            "year": _("Year"),
            "month": _("Month"),
            "city": _("City"),
            "country": _("Country"),
            "venue": _("Venue"),
            "projects": _("Projects"),
            "organiser": _("Organiser"),
            "description": pgettext_lazy("the English version of the event's field",
                                         "Description"),
            "topics": pgettext_lazy("the English version of the event's field", "Topics"),
            "title_ru": _("Title (Russian)"),
            "description_ru": _("Description (Russian)"),
            "topics_ru": _("Topics (Russian)"),
            "reported_participants": _("Participants as reported (number)"),
            "reported_participants_wording": _("Participants as reported (the words used)"),
            "trainers": _("Trainers (public people)"),
            "slug": _("Address (slug)"),
        }
        help_texts = {
            "slug": _("The event's address; leave empty to make one from the title."),
            "trainers": _("Type a name: people who have trained before are offered first."),
            "projects": _("Type a project code or words of its title."),
            "organiser": _("Type words of the organisation's name or its acronym."),
            "date_wording": _("As in the source, for example “late April”."),
            "year": "",
            "month": "",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        bound_reported_participants(self)
        self.fields["organiser"].queryset = self.fields["organiser"].queryset.order_by("name")
        self.fields["trainers"].queryset = Person.objects.order_by("name")
        event = self.instance
        if not self.is_bound:
            # The stored projects, trainers and organiser, read for the form's initial values
            # anyway, are the choices drawn: no second query for them.
            for name in ("projects", "trainers"):
                field = self.fields[name]
                field.choices = [(record.pk, field.label_from_instance(record))
                                 for record in self.initial.get(name) or []]
            organiser = self.fields["organiser"]
            organiser.choices = [("", organiser.empty_label)] + (
                [(event.organiser.pk, organiser.label_from_instance(event.organiser))]
                if event.organiser_id else [])
        self.initial.setdefault("dates_unknown", bool(
            event.pk and not event.start_date
            and (event.date_wording or event.year or event.month)))

    def clean_record_version(self):
        return parse_version(self.cleaned_data.get("record_version"))

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if not slug and self.instance.pk:
            return self.instance.slug
        return slug

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start_date") and not cleaned.get("dates_unknown"):
            # The year and month follow the start date (the model fills them when saving):
            # hidden while the exact dates are known, they must not hold a changed date back.
            cleaned["year"] = cleaned["month"] = None
        if not cleaned.get("slug") and cleaned.get("title"):
            cleaned["slug"] = unique_slug(Event, cleaned["title"], max_length=100)
            self.instance.slug = cleaned["slug"]
        return cleaned


STATUS_CHOICES = Participation.Status.choices


class ParticipationForm(forms.Form):
    """One row of the event's participant list: a participant already in the register, by
    register number (search fills it in). A row loaded with the page carries the status it
    was loaded with (``loaded_status``), so that the page submits changes, not the whole
    list: a loaded row changes its participant's status only when the officer changed it, and
    removes the participant only when "Remove" is ticked; a row without ``loaded_status``
    adds its participant. A row without a register number is ignored (the empty extra row)."""

    participant = forms.IntegerField(
        label=_("Register No."), min_value=1, max_value=RECORD_NUMBER_MAX, required=False,
        widget=forms.NumberInput(attrs={"class": "participant-number"}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES,
                               initial=Participation.Status.ATTENDED)
    loaded_status = forms.CharField(required=False, widget=forms.HiddenInput)
    remove = forms.BooleanField(required=False, label=_("Remove from this event"))

    def clean_loaded_status(self):
        value = self.cleaned_data.get("loaded_status") or ""
        return value if value in Participation.Status.values else ""


class BaseParticipationFormSet(forms.BaseFormSet):
    """Resolves all register numbers in one query; a participant listed twice is an error on
    the second row."""

    def rows(self):
        return [f for f in self.forms
                if f.cleaned_data and f.cleaned_data.get("participant") is not None]

    def clean(self):
        super().clean()
        self.participants = {}
        rows = self.rows()
        ids = {f.cleaned_data["participant"] for f in rows}
        # The register the officer may see (the view sets it: demo records for demo accounts).
        register = getattr(self, "register", None)
        if register is None:
            register = Participant.objects.real()
        found = register.with_related().in_bulk(ids)
        seen = {}
        for index, form in enumerate(rows, start=1):
            pk = form.cleaned_data["participant"]
            if pk not in found and form.cleaned_data.get("loaded_status"):
                continue  # a row the page showed, whose record was merged or deleted since
            if pk not in found:
                form.add_error("participant", gettext(
                    "No participant has register number %(number)s.") % {"number": pk})
            elif pk in seen:
                form.add_error(
                    "participant",
                    gettext("%(name)s is listed twice (also row %(row)s).")
                    % {"name": found[pk].display_name, "row": seen[pk]},
                )
            else:
                seen[pk] = index
                self.participants[pk] = found[pk]

    def changes(self) -> tuple[dict[int, str], set[int]]:
        """What the officer changed: ({participant: status} to add or set, {participants to
        remove}). Rows loaded with the page and left alone are in neither."""
        wanted, removed = {}, set()
        for form in self.rows():
            data = form.cleaned_data
            pk, loaded = data["participant"], data.get("loaded_status")
            if pk not in self.participants:
                continue
            if loaded:
                if data.get("remove"):
                    removed.add(pk)
                elif data["status"] != loaded:
                    wanted[pk] = data["status"]
            elif not data.get("remove"):
                wanted[pk] = data["status"]
        return wanted, removed

    def loaded(self) -> set[int]:
        """The participants the page was loaded with."""
        return {f.cleaned_data["participant"] for f in self.rows()
                if f.cleaned_data.get("loaded_status")}

    def reconciled_data(self, current: dict[int, str]) -> dict[str, str]:
        """This formset's data for the page shown again after a stale save: the ``current``
        participants {id: status}, as loaded now, with the officer's changes (statuses,
        removal ticks), then the officer's additions, then an empty row."""
        wanted, removed = self.changes()
        rows = [(pk, wanted.get(pk, status), status, pk in removed)
                for pk, status in current.items()]
        rows += [(pk, status, "", False) for pk, status in wanted.items() if pk not in current]
        data = management_data(self.prefix, len(rows) + 1, len(current))
        for index, (pk, status, loaded_status, remove) in enumerate(rows):
            data.update({f"{self.prefix}-{index}-participant": str(pk),
                         f"{self.prefix}-{index}-status": status,
                         f"{self.prefix}-{index}-loaded_status": loaded_status})
            if remove:
                data[f"{self.prefix}-{index}-remove"] = "on"
        data[f"{self.prefix}-{len(rows)}-status"] = Participation.Status.ATTENDED
        return data


ParticipationFormSet = forms.formset_factory(
    ParticipationForm, formset=BaseParticipationFormSet, extra=1
)


class NewParticipantForm(forms.ModelForm):
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES,
                               initial=Participation.Status.ATTENDED)
    not_duplicate = forms.BooleanField(
        required=False, label=_("A different person"),
        help_text=_("Tick when a similar name in the register is someone else."),
    )

    class Meta:
        model = Participant
        fields = ["name", "sex", "organisation", "country", "position", "email", "phone"]
        widgets = {"organisation": RecordLookupSelect(
            "activities:organisation_lookup", attrs={"data-option-kind": "organisation"})}

    def __init__(self, *args, organisations=None, organisation_choices=None,
                 country_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:  # those the officer may link (visible_to)
            self.fields["organisation"].queryset = organisations
        # Choices read once for all rows, not once per row: the chosen organisations only
        # (the others are searched as the officer types).
        if organisation_choices is not None:
            self.fields["organisation"].choices = organisation_choices
        if country_choices is not None:
            self.fields["country"].choices = country_choices


class NewParticipantsBasisForm(DataBasisForm):
    """The basis of the new participants typed on the event page, asked once for the save:
    required only when a new participant row is filled in (``needed``, set by the formset);
    ignored otherwise."""

    needed = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        self.fields["source"].help_text = _(
            "Asked once for the new participants below; people from the register keep theirs.")

    def clean(self):
        cleaned = super().clean()
        if self.needed:
            if not cleaned.get("source") and "source" not in self.errors:
                self.add_error("source", gettext(
                    "Say how the new participants' details reached you."))
            if not cleaned.get("contact_consent") and "contact_consent" not in self.errors:
                self.add_error("contact_consent", gettext(
                    "Say whether the new participants agreed to be contacted after the event "
                    "(or choose “Not recorded”)."))
        return cleaned


def _organisation_id(data: dict) -> int | None:
    return data["organisation"].pk if data.get("organisation") else None


class BaseNewParticipantFormSet(forms.BaseModelFormSet):
    """New participants; a likely duplicate of someone in the register or on this page is an
    error on its row unless the officer says it is a different person. ``basis`` holds the two
    questions asked once for all of them (``NewParticipantsBasisForm``, prefix ``basis``),
    validated with the rows: required as soon as one row is filled in."""

    picked: dict[int, Participant] = {}
    # The records the officer may see (the view sets ``Participant.objects.visible_to(user)``):
    # a demo record is never named to a real account as a likely duplicate.
    register = Participant.objects.real()

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.basis = NewParticipantsBasisForm(data, prefix="basis")

    def is_valid(self):
        valid = super().is_valid()
        # Any row filled in, valid or not, makes the questions required: every problem is
        # shown at once.
        self.basis.needed = any(form.has_changed() for form in self.forms)
        return self.basis.is_valid() & valid

    def clean(self):
        super().clean()
        rows = [f for f in self.forms if f.cleaned_data and f.has_changed()
                and "name" in f.cleaned_data]
        existing = self.register.with_related().likely_duplicates(
            duplicate_key(_organisation_id(f.cleaned_data), f.cleaned_data["name"]) for f in rows
        )
        self.named = []  # the register's records the errors name (for the access log)
        seen = {}
        for index, form in enumerate(rows, start=1):
            data = form.cleaned_data
            exact = (_organisation_id(data), name_key(data["name"]))
            if exact in seen:
                form.add_error("name", gettext("Listed twice (also new row %(row)s).")
                               % {"row": seen[exact]})
                continue
            seen[exact] = index
            picked = [p for p in self.picked.values()
                      if (p.organisation_id, p.name_key) == exact]
            if picked:
                form.add_error(
                    "name",
                    gettext("Already listed above as %(name)s (No. %(number)s).")
                    % {"name": picked[0].name, "number": picked[0].pk},
                )
                continue
            similar = existing.get(duplicate_key(_organisation_id(data), data["name"]), [])
            if similar and not data.get("not_duplicate"):
                names = "; ".join(
                    gettext("%(name)s (No. %(number)s)") % {"name": p.name, "number": p.pk}
                    for p in similar[:3])
                self.named.extend(p.pk for p in similar[:3])
                form.add_error(
                    "name",
                    gettext("Likely already in the register: %(names)s. Add the existing "
                            "record under “Participants from the register” instead, or tick "
                            "“A different person”.") % {"names": names},
                )

    def new_rows(self):
        return [
            f for f in self.forms
            if f.cleaned_data and f.has_changed() and not self._should_delete_form(f)
        ]


NewParticipantFormSet = forms.modelformset_factory(
    Participant, form=NewParticipantForm, formset=BaseNewParticipantFormSet, extra=1,
    can_delete=False,
)


class TrainerLinkForm(forms.Form):
    """A trainer organisation of the event. A row loaded with the page carries the
    organisation and count it was loaded with, so that saving changes only what the officer
    changed (as for participants): an organisation added meanwhile by someone else stays."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name"),
        widget=RecordLookupSelect(
            "activities:organisation_lookup", attrs={"data-option-kind": "organisation"}),
    )
    trainer_count = forms.IntegerField(
        label=_("Number of trainers"), min_value=1, max_value=999, required=False,
        help_text=_("Where the source says."),
    )
    loaded_organisation = forms.CharField(required=False, widget=forms.HiddenInput)
    loaded_count = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organisations=None, organisation_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:  # those the officer may link (visible_to)
            self.fields["organisation"].queryset = organisations
        if organisation_choices is not None:
            self.fields["organisation"].choices = organisation_choices

    def loaded(self) -> tuple[int | None, int | None]:
        data = self.cleaned_data
        count = data.get("loaded_count") or ""
        return (record_number(data.get("loaded_organisation")),
                int(count) if count.isdecimal() and len(count) < 4 else None)


class BaseTrainerLinkFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or self._should_delete_form(form):
                continue
            organisation = form.cleaned_data.get("organisation")
            if organisation in seen:
                form.add_error("organisation", gettext("This organisation is listed twice."))
            seen.add(organisation)

    def changes(self) -> tuple[dict[int, int | None], set[int]]:
        """({organisation: trainer count} to add or set, {organisations to remove}); rows
        loaded with the page and left alone are in neither."""
        wanted, removed = {}, set()
        for form in self.forms:
            if not form.cleaned_data:
                continue
            loaded_pk, loaded_count = form.loaded()
            organisation = form.cleaned_data.get("organisation")
            count = form.cleaned_data.get("trainer_count")
            if self._should_delete_form(form):
                if loaded_pk:
                    removed.add(loaded_pk)
                continue
            if organisation is None:
                continue
            if loaded_pk and loaded_pk != organisation.pk:
                removed.add(loaded_pk)
            if not loaded_pk or loaded_pk != organisation.pk or loaded_count != count:
                wanted[organisation.pk] = count
        return wanted, removed

    def reconciled_data(self, current: dict[int, int | None]) -> dict[str, str]:
        """As BaseParticipationFormSet.reconciled_data, for the ``current`` trainer
        organisations {id: count}."""
        counts, dropped = self.changes()
        rows = [(pk, counts.get(pk, count), pk, count, pk in dropped and pk not in counts)
                for pk, count in current.items()]
        rows += [(pk, count, None, None, False) for pk, count in counts.items()
                 if pk not in current]

        def text(value):
            return "" if value is None else str(value)

        data = management_data(self.prefix, len(rows) + 1, len(current))
        for index, (pk, count, loaded_pk, loaded_count, delete) in enumerate(rows):
            data.update({f"{self.prefix}-{index}-organisation": str(pk),
                         f"{self.prefix}-{index}-trainer_count": text(count),
                         f"{self.prefix}-{index}-loaded_organisation": text(loaded_pk),
                         f"{self.prefix}-{index}-loaded_count": text(loaded_count)})
            if delete:
                data[f"{self.prefix}-{index}-DELETE"] = "on"
        return data


TrainerLinkFormSet = forms.formset_factory(
    TrainerLinkForm, formset=BaseTrainerLinkFormSet, extra=1, can_delete=True
)
