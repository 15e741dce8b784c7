"""The forms of a results framework's pages: a result, an indicator and a period (admins), and
an entered actual (officers and admins). One record per form. Each carries its record's
version (``VersionedModelForm``: a save from an older version is refused, the input kept) and
is validated by the model's own ``clean()`` (ModelForm calls ``full_clean``): overlapping
periods, an end before the start, a percentage outside 0 to 100, a negative or fractional count,
a computed source without the substance or event kinds it needs — each message beside its
field, nothing written. What only a form can see (the indicator's periods under a changed
measure or source) is checked here."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activities.forms.common import BilingualFormMixin, unique_slug
from activities.models import Event, Substance
from results.models import Indicator, Period, Result, value_errors
from unodc_portal.core.filters import DateInput
from unodc_portal.core.versioning import VersionedModelForm

# The sources that count events of given kinds: people trained (optional) and events held
# (required). Any other source counts no event kind.
KIND_SOURCES = {Indicator.Source.PEOPLE_TRAINED, Indicator.Source.EVENTS_HELD}

RU = {"lang": "ru"}


class ResultForm(BilingualFormMixin, VersionedModelForm):
    """An outcome or an output of ``project``; an output may sit under one of its outcomes."""

    english_columns = {"title": "title_en", "description": "description_en"}
    russian_columns = ("title_ru", "description_ru")

    class Meta:
        model = Result
        fields = ["title", "kind", "parent", "order", "description", "key", "title_ru",
                  "description_ru"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "description_ru": forms.Textarea(attrs={"rows": 3, **RU}),
            "title_ru": forms.TextInput(attrs=RU),
        }
        labels = {
            "title": pgettext_lazy("the English version of the result's field", "Title"),
            "kind": _("Kind"),
            "parent": _("Under the outcome"),
            "order": _("Order"),
            "description": pgettext_lazy("the English version of the result's field",
                                         "Description"),
            "key": _("Key"),
            "title_ru": _("Title (Russian)"),
            "description_ru": _("Description (Russian)"),
        }
        help_texts = {
            "key": _("A short stable name; leave empty to make one from the title."),
            "parent": _("Outputs only: the outcome this output contributes to."),
        }

    def __init__(self, *args, project=None, **kwargs):
        # (Without ``project``: the copies that VersionedModelForm.reconcile makes.)
        super().__init__(*args, **kwargs)
        project = project or self.instance.project
        self.instance.project = project
        outcomes = Result.objects.filter(project=project, kind=Result.Kind.OUTCOME)
        if self.instance.pk is not None:
            outcomes = outcomes.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = outcomes
        self.fields["key"].required = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("key") and cleaned.get("title"):
            cleaned["key"] = unique_slug(
                Result, f"{self.instance.project.code} {cleaned['title']}", field="key")
        # An outcome with outputs under it stays an outcome (an output under an output is
        # refused, and the model checks only the row it saves).
        if (self.instance.pk is not None and cleaned.get("kind") == Result.Kind.OUTPUT
                and self.instance.outputs.exists()):
            self.add_error("kind", _(
                "Outputs sit under this outcome: move them first, then make it an output."))
        return cleaned


class IndicatorForm(BilingualFormMixin, VersionedModelForm):
    """An indicator of one of ``project``'s results: what is measured, where its actuals come
    from, and its baseline."""

    english_columns = {
        "title": "title_en", "description": "description_en", "unit": "unit_en",
        "baseline_note": "baseline_note_en", "qualitative_note": "qualitative_note_en",
    }
    russian_columns = ("title_ru", "description_ru", "unit_ru", "baseline_note_ru",
                       "qualitative_note_ru")

    event_kinds = forms.MultipleChoiceField(
        choices=Event.Kind.choices, required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Event kinds counted"),
        help_text=_("People trained: optional (none ticked counts every kind); events held: "
                    "required."),
    )

    class Meta:
        model = Indicator
        fields = [
            "title", "result", "order", "unit", "measure", "source", "event_kinds", "substance",
            "baseline_value", "baseline_date", "baseline_note", "qualitative_note",
            "is_headline", "description", "key", "title_ru", "unit_ru", "baseline_note_ru",
            "qualitative_note_ru", "description_ru",
        ]
        widgets = {
            "baseline_date": DateInput(),
            "baseline_value": forms.NumberInput(attrs={"step": "any"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "qualitative_note": forms.Textarea(attrs={"rows": 2}),
            "description_ru": forms.Textarea(attrs={"rows": 3, **RU}),
            "qualitative_note_ru": forms.Textarea(attrs={"rows": 2, **RU}),
            "title_ru": forms.TextInput(attrs=RU),
            "unit_ru": forms.TextInput(attrs=RU),
            "baseline_note_ru": forms.TextInput(attrs=RU),
        }
        labels = {
            "title": pgettext_lazy("the English version of the indicator's field", "Title"),
            "result": _("Result"),
            "order": _("Order"),
            "unit": pgettext_lazy("the English version of the indicator's field", "Unit"),
            "measure": _("Measure"),
            "source": _("Source of the actuals"),
            "substance": _("Substance"),
            "baseline_value": _("Baseline value"),
            "baseline_date": _("Baseline date"),
            "baseline_note": pgettext_lazy("the English version of the indicator's field",
                                           "Baseline note"),
            "qualitative_note": pgettext_lazy("the English version of the indicator's field",
                                              "Qualitative note"),
            "is_headline": _("Headline indicator (shown on the home page)"),
            "description": pgettext_lazy("the English version of the indicator's field",
                                         "Description"),
            "key": _("Key"),
            "title_ru": _("Title (Russian)"),
            "unit_ru": _("Unit (Russian)"),
            "baseline_note_ru": _("Baseline note (Russian)"),
            "qualitative_note_ru": _("Qualitative note (Russian)"),
            "description_ru": _("Description (Russian)"),
        }
        help_texts = {
            "key": _("A short stable name; leave empty to make one from the title."),
            "measure": _("A count is a whole number; a quantity may have decimals; a percentage "
                         "lies between 0 and 100."),
        }

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project = project or self.instance.result.project
        self.fields["result"].queryset = Result.objects.filter(project=project)
        self.fields["substance"].queryset = Substance.objects.order_by("name")
        self.fields["key"].required = False
        if self.instance.pk is not None:
            self.initial["event_kinds"] = list(self.instance.event_kinds or [])

    def clean(self):
        cleaned = super().clean()
        source = cleaned.get("source")
        if source and source != Indicator.Source.SEIZURES_KG and cleaned.get("substance"):
            self.add_error("substance", _(
                "Only seizures in kilograms counts a substance: leave it empty for this "
                "source."))
        if source and source not in KIND_SOURCES and cleaned.get("event_kinds"):
            self.add_error("event_kinds", _(
                "This source counts no event kinds: leave them all unticked."))
        if not cleaned.get("key") and cleaned.get("title"):
            cleaned["key"] = unique_slug(
                Indicator, f"{self.project.code} {cleaned['title']}", field="key")
        self.check_periods(cleaned)
        return cleaned

    def check_periods(self, cleaned):
        """The indicator's stored periods must still hold under the measure and source chosen:
        a percentage target of 150 cannot stay when the measure becomes a percentage, nor an
        entered actual when the source becomes computed."""
        if self.instance.pk is None:
            return
        periods = list(self.instance.periods.all())
        measure, source = cleaned.get("measure"), cleaned.get("source")
        if measure and measure != self.instance.measure:
            for period in periods:
                if value_errors(measure, {"target": period.target, "actual": period.actual}):
                    self.add_error("measure", _(
                        "The period %(start)s to %(end)s has a target or actual this measure "
                        "cannot take: change it first.") % {
                        "start": period.start.isoformat(), "end": period.end.isoformat()})
                    break
        if source and source != Indicator.Source.MANUAL and any(
                period.actual is not None for period in periods):
            self.add_error("source", _(
                "Entered actuals exist for this indicator: a computed source would discard "
                "them. Remove them first."))


class PeriodForm(VersionedModelForm):
    """A reporting period of ``indicator`` with its target (admins)."""

    class Meta:
        model = Period
        fields = ["start", "end", "target"]
        widgets = {
            "start": DateInput(), "end": DateInput(),
            "target": forms.NumberInput(attrs={"step": "any"}),
        }
        labels = {"start": _("Start"), "end": _("End"), "target": _("Target")}

    def __init__(self, *args, indicator=None, **kwargs):
        super().__init__(*args, **kwargs)
        if indicator is not None:
            self.instance.indicator = indicator


class ActualForm(BilingualFormMixin, VersionedModelForm):
    """The actual of a period of an entered indicator: its value and a note."""

    english_columns = {"actual_note": "actual_note_en"}
    russian_columns = ("actual_note_ru",)

    class Meta:
        model = Period
        fields = ["actual", "actual_note", "actual_note_ru"]
        widgets = {
            "actual": forms.NumberInput(attrs={"step": "any"}),
            "actual_note_ru": forms.TextInput(attrs=RU),
        }
        labels = {
            "actual": _("Actual"),
            "actual_note": pgettext_lazy("the English version of the period's field", "Note"),
            "actual_note_ru": _("Note (Russian)"),
        }
        help_texts = {
            "actual": _("Leave empty to take the actual back."),
            "actual_note": _("Where the figure comes from."),
        }

    def clean_actual(self):
        value = self.cleaned_data.get("actual")
        if self.instance.indicator.is_computed:
            raise ValidationError(
                _("This indicator's actuals are computed from the record, not entered."),
                code="computed")
        return value
