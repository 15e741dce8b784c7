"""Each project's results framework (issue 16): results (outcomes and outputs, an output may
sit under an outcome) → indicators (title, unit, baseline) → periods (start, end, target,
actual).

An indicator's actuals are either entered (``Source.MANUAL``: an officer's value stays pending
until an admin approves it) or computed from the record (``results.compute``: people trained,
participants reported, events held, seizures in kilograms, contributions received). Where the
bulletin states a result without an exact period or value, the indicator carries the words as
printed (``qualitative_note``) and no numeric actual.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activities.models import Event, Project, Substance
from unodc_portal.core.records import (
    END_BEFORE_START,
    NaturalKeyModel,
    NaturalKeyQuerySet,
    not_before,
    record_version,
)

HUNDRED = Decimal("100")


class ResultQuerySet(NaturalKeyQuerySet):
    def visible_to(self, user):
        """A result is shown with its project: demo projects' frameworks to demo accounts
        only."""
        return self.filter(project__in=Project.objects.visible_to(user))


class Result(NaturalKeyModel):
    """An outcome or an output of a project, in the order the framework gives them."""

    natural_key_fields = ("key",)

    class Kind(models.TextChoices):
        OUTCOME = "outcome", _("Outcome")
        OUTPUT = "output", _("Output")

    key = models.SlugField(
        max_length=80, unique=True, help_text=_("Stable key (fixtures, API)."),
        verbose_name=_("key"),
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="results", verbose_name=_("project"),
    )
    kind = models.CharField(
        max_length=10, choices=Kind.choices, default=Kind.OUTPUT, verbose_name=_("kind"),
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="outputs",
        help_text=_("The outcome this output contributes to."),
        verbose_name=_("outcome"),
    )
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))
    title = models.CharField(max_length=300, verbose_name=_("title"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    version = record_version()

    objects = ResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["project", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | Q(kind="output"),
                name="results_result_only_outputs_have_parent",
                violation_error_message="Only an output sits under an outcome.",
            ),
        ]

    def __str__(self):
        return f"{self.project.code} — {self.title}"

    def clean(self):
        super().clean()
        if self.parent_id is None:
            return
        parent = self.parent
        if self.kind != self.Kind.OUTPUT:
            raise ValidationError({"parent": _("Only an output sits under an outcome.")})
        if parent.kind != self.Kind.OUTCOME:
            raise ValidationError({"parent": _("An output sits under an outcome, not an output.")})
        if self.project_id and parent.project_id != self.project_id:
            raise ValidationError({"parent": _("The outcome belongs to another project.")})


class IndicatorQuerySet(NaturalKeyQuerySet):
    def visible_to(self, user):
        return self.filter(result__in=Result.objects.visible_to(user))

    def headline(self):
        return self.filter(is_headline=True)


class Indicator(NaturalKeyModel):
    """What a result is measured by: a unit, a baseline and, per period, a target and an
    actual (entered or computed from the record)."""

    natural_key_fields = ("key",)

    class Measure(models.TextChoices):
        # A count is a whole number (people, events); a quantity may have decimals (kilograms,
        # money); a percentage lies between 0 and 100.
        COUNT = "count", _("Count")
        QUANTITY = "quantity", _("Quantity")
        PERCENTAGE = "percentage", _("Percentage")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by officers, approved by an admin")
        PEOPLE_TRAINED = "people_trained", _(
            "People trained: distinct participants who attended the project's events")
        REPORTED_PARTICIPANTS = "reported_participants", _(
            "Participants reported: the counts the record reports for the project's events")
        EVENTS_HELD = "events_held", _("Events held by the project")
        SEIZURES_KG = "seizures_kg", _("Seizures under the project, in kilograms")
        CONTRIBUTIONS_RECEIVED = "contributions_received", _(
            "Contributions received for the project")

    # What each computed source counts, and so which measure it is.
    SOURCE_MEASURE = {
        Source.PEOPLE_TRAINED: Measure.COUNT,
        Source.REPORTED_PARTICIPANTS: Measure.COUNT,
        Source.EVENTS_HELD: Measure.COUNT,
        Source.SEIZURES_KG: Measure.QUANTITY,
        Source.CONTRIBUTIONS_RECEIVED: Measure.QUANTITY,
    }

    key = models.SlugField(
        max_length=80, unique=True, help_text=_("Stable key (fixtures, API)."),
        verbose_name=_("key"),
    )
    result = models.ForeignKey(
        Result, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("result"),
    )
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))
    title = models.CharField(max_length=300, verbose_name=_("title"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    unit = models.CharField(
        max_length=60, blank=True, help_text=_('What is counted: "officers", "kg", "USD".'),
        verbose_name=_("unit"),
    )
    measure = models.CharField(
        max_length=12, choices=Measure.choices, default=Measure.COUNT,
        verbose_name=_("measure"),
    )
    source = models.CharField(
        max_length=30, choices=Source.choices, default=Source.MANUAL,
        verbose_name=_("source of the actuals"),
    )
    event_kinds = models.JSONField(
        default=list, blank=True,
        help_text=_("Event kinds counted (people trained: optional; events held: required)."),
        verbose_name=_("event kinds"),
    )
    substance = models.ForeignKey(
        Substance, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("The substance whose seizures are counted (seizures in kilograms)."),
        verbose_name=_("substance"),
    )
    baseline_value = models.DecimalField(
        max_digits=18, decimal_places=2, null=True, blank=True,
        verbose_name=_("baseline value"),
    )
    baseline_date = models.DateField(null=True, blank=True, verbose_name=_("baseline date"))
    baseline_note = models.CharField(
        max_length=300, blank=True, verbose_name=_("baseline note"),
    )
    qualitative_note = models.TextField(
        blank=True,
        help_text=_("A result stated in words without an exact period or value, as worded."),
        verbose_name=_("qualitative note"),
    )
    is_headline = models.BooleanField(
        default=False, help_text=_("Shown on the home page."), verbose_name=_("headline"),
    )
    version = record_version()

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["result", "order", "pk"]
        indexes = [
            models.Index(fields=["is_headline"], name="results_indicator_headline_idx",
                         condition=Q(is_headline=True)),
        ]

    def __str__(self):
        return self.title

    @property
    def is_computed(self) -> bool:
        return self.source != self.Source.MANUAL

    def clean(self):
        super().clean()
        errors = {}
        kinds = self.event_kinds if isinstance(self.event_kinds, list) else None
        if kinds is None or not all(isinstance(k, str) for k in kinds):
            errors["event_kinds"] = _("Give a list of event kinds.")
        else:
            unknown = sorted(set(kinds) - set(Event.Kind.values))
            if unknown:
                errors["event_kinds"] = _("Unknown event kind: %(kinds)s.") % {
                    "kinds": ", ".join(unknown)}
            elif self.source == self.Source.EVENTS_HELD and not kinds:
                errors["event_kinds"] = _("Events held needs the event kinds it counts.")
        if self.source == self.Source.SEIZURES_KG and self.substance_id is None:
            errors["substance"] = _("Seizures in kilograms needs the substance it counts.")
        wanted = self.SOURCE_MEASURE.get(self.source)
        if wanted and self.measure != wanted:
            errors["measure"] = _("This source counts a %(measure)s.") % {
                "measure": self.Measure(wanted).label.lower()}
        errors.update(value_errors(self.measure, {"baseline_value": self.baseline_value}))
        if errors:
            raise ValidationError(errors)


def value_errors(measure: str, values: dict) -> dict:
    """Errors for values that the measure cannot take: a percentage below 0 or above 100, a
    negative or fractional count, a negative quantity."""
    errors = {}
    for name, value in values.items():
        if value is None:
            continue
        if measure == Indicator.Measure.PERCENTAGE and not (0 <= value <= HUNDRED):
            errors[name] = _("A percentage lies between 0 and 100.")
        elif value < 0:
            errors[name] = _("The value cannot be negative.")
        elif measure == Indicator.Measure.COUNT and value != value.to_integral_value():
            errors[name] = _("A count is a whole number.")
    return errors


class PeriodQuerySet(models.QuerySet):
    def get_by_natural_key(self, indicator_key, start, end):
        return self.get(indicator__key=indicator_key, start=start, end=end)

    def visible_to(self, user):
        return self.filter(indicator__in=Indicator.objects.visible_to(user))


class Period(models.Model):
    """One reporting period of an indicator: its target and, for an entered indicator, the
    actual an officer entered (pending until an admin approves it)."""

    class Status(models.TextChoices):
        NONE = "", _("No actual entered")
        PENDING = "pending", _("Pending approval")
        APPROVED = "approved", _("Approved")

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="periods",
        verbose_name=_("indicator"),
    )
    start = models.DateField(verbose_name=_("start"))
    end = models.DateField(verbose_name=_("end"))
    target = models.DecimalField(
        max_digits=18, decimal_places=2, null=True, blank=True, verbose_name=_("target"),
    )
    actual = models.DecimalField(
        max_digits=18, decimal_places=2, null=True, blank=True,
        help_text=_("Entered indicators only; computed ones are read from the record."),
        verbose_name=_("actual"),
    )
    actual_note = models.CharField(max_length=300, blank=True, verbose_name=_("actual note"))
    actual_status = models.CharField(
        max_length=10, choices=Status.choices, blank=True, default=Status.NONE,
        verbose_name=_("actual status"),
    )
    actual_entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("actual entered by"),
    )
    actual_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("actual approved by"),
    )
    actual_approved_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("actual approved at"),
    )
    version = record_version()

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["indicator", "start", "end"]
        constraints = [
            not_before("start", "end", "results_period_end_not_before_start", END_BEFORE_START),
            models.UniqueConstraint(
                fields=["indicator", "start", "end"], name="results_period_unique",
                violation_error_message="The indicator already has this period.",
            ),
            models.CheckConstraint(
                condition=Q(actual__isnull=False) | Q(actual_status=""),
                name="results_period_status_needs_actual",
                violation_error_message="A pending or approved actual needs a value.",
            ),
        ]
        indexes = [
            models.Index(fields=["actual_status"], name="results_period_pending_idx",
                         condition=Q(actual_status="pending")),
        ]

    def __str__(self):
        return gettext("%(indicator)s, %(start)s to %(end)s") % {
            "indicator": self.indicator, "start": self.start.isoformat(),
            "end": self.end.isoformat()}

    def natural_key(self):
        return (self.indicator.key, self.start, self.end)

    natural_key.dependencies = ["results.indicator"]

    @property
    def is_year(self) -> bool:
        """The period is exactly one calendar year (records known only by their year count
        in it)."""
        return (self.start.year == self.end.year and (self.start.month, self.start.day) == (1, 1)
                and (self.end.month, self.end.day) == (12, 31))

    def covers_year(self, year: int) -> bool:
        """Records known only by their year count in a period that covers the whole year."""
        return self.start <= datetime.date(year, 1, 1) and self.end >= datetime.date(year, 12, 31)

    def overlapping(self):
        """The indicator's other periods that share a day with this one."""
        return Period.objects.filter(
            indicator_id=self.indicator_id, start__lte=self.end, end__gte=self.start,
        ).exclude(pk=self.pk)

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = END_BEFORE_START
        elif self.start and self.end and self.indicator_id and self.overlapping().exists():
            other = self.overlapping().order_by("start").first()
            errors["start"] = _(
                "This period overlaps the indicator's period %(start)s to %(end)s.") % {
                "start": other.start.isoformat(), "end": other.end.isoformat()}
        if self.indicator_id:
            indicator = self.indicator
            errors.update(value_errors(indicator.measure, {
                "target": self.target, "actual": self.actual}))
            if indicator.is_computed and self.actual is not None:
                errors["actual"] = _(
                    "This indicator's actuals are computed from the record, not entered.")
        if errors:
            raise ValidationError(errors)
