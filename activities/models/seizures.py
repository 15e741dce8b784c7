"""Substances and seizures, with quantities normalised to kilograms."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from activities.models.projects import Project
from activities.models.reference import Country, Organisation
from unodc_portal.core.records import (
    DemoQuerySetMixin,
    NaturalKeyModel,
    NaturalKeyQuerySet,
    NullsLastIndex,
    YearFromDate,
    demo_flag,
    record_version,
)


class Substance(NaturalKeyModel):
    class Kind(models.TextChoices):
        DRUG = "drug", _("Drug")
        PRECURSOR = "precursor", _("Precursor")

    slug = models.SlugField(max_length=80, unique=True, verbose_name=_("slug"))
    name = models.CharField(max_length=120, verbose_name=_("name"))
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    density_kg_per_l = models.DecimalField(
        _("density (kg/L)"), max_digits=8, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.0001"))],
        help_text=_("Needed to convert litres to kilograms; leave empty where unknown."),
    )

    class Meta:
        verbose_name = _("substance")
        verbose_name_plural = _("substances")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(density_kg_per_l__isnull=True) | Q(density_kg_per_l__gt=0),
                name="activities_substance_density_positive",
                violation_error_message="The density must be greater than zero.",
            ),
        ]

    def __str__(self):
        return self.name

    # A changed density re-derives the kilograms of seizures measured in litres: saved through
    # ``activities.services.substance_save`` (the admin and the fixture loader call it), not here.


KG_PER_UNIT = {"g": Decimal("0.001"), "kg": Decimal("1"), "t": Decimal("1000")}


def quantity_in_kg(quantity, unit, density):
    """Return (kilograms, reason) — kilograms is None where no exact conversion exists."""
    if quantity is None:
        return None, _("No quantity is recorded.")
    if unit in KG_PER_UNIT:
        return (Decimal(quantity) * KG_PER_UNIT[unit]).quantize(Decimal("0.001")), ""
    if unit == Seizure.Unit.LITRE:
        if density:
            return (Decimal(quantity) * Decimal(density)).quantize(Decimal("0.001")), ""
        return None, _("Measured in litres and the substance's density is not known.")
    if unit == Seizure.Unit.UNITS:
        return None, _("Counted in units, which have no weight.")
    return None, _("Unknown unit.")


class SeizureQuerySet(DemoQuerySetMixin, NaturalKeyQuerySet):
    def individual(self):
        return self.filter(kind=Seizure.Kind.INDIVIDUAL)

    def aggregate_figures(self):
        return self.filter(kind=Seizure.Kind.AGGREGATE)

    def with_related(self):
        return self.select_related("substance", "country", "seizing_agency", "project")

    def recorded_by(self, user):
        """The seizures ``user`` recorded: whose first history row is the user's (a seizure's
        own row names no author; the history's user column is indexed)."""
        created = self.model.history.filter(history_type="+", history_user=user)
        return self.filter(pk__in=created.values("id"))


class Seizure(YearFromDate, NaturalKeyModel):
    """A quantity seized, as entered and normalised to kilograms.

    Individual seizures add up; aggregate figures (a total reported over years) are shown
    beside totals with their qualifier and period and are never added in.
    """

    class Unit(models.TextChoices):
        GRAM = "g", _("g")
        KILOGRAM = "kg", _("kg")
        TONNE = "t", _("tonnes")
        LITRE = "L", _("litres")
        UNITS = "units", _("units")

    class Qualifier(models.TextChoices):
        EXACT = "exact", _("exactly")
        MORE_THAN = "more_than", _("more than")
        ABOUT = "about", _("about")

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual seizure")
        AGGREGATE = "aggregate", _("Aggregate figure")

    natural_key_fields = ("key",)

    key = models.SlugField(max_length=100, unique=True, verbose_name=_("key"))
    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.INDIVIDUAL,
        verbose_name=_("kind"),
    )
    substance = models.ForeignKey(
        Substance, on_delete=models.PROTECT, related_name="seizures",
        verbose_name=_("substance"),
    )
    quantity = models.DecimalField(
        max_digits=14, decimal_places=3, validators=[MinValueValidator(Decimal("0"))],
        verbose_name=_("quantity"),
    )
    unit = models.CharField(max_length=10, choices=Unit.choices, verbose_name=_("unit"))
    qualifier = models.CharField(
        max_length=20, choices=Qualifier.choices, default=Qualifier.EXACT,
        verbose_name=_("qualifier"),
    )
    quantity_kg = models.DecimalField(
        _("quantity (kg)"), max_digits=20, decimal_places=3, null=True, blank=True, editable=False,
        help_text=_("Normalised from the quantity; empty where no exact conversion exists."),
    )
    date = models.DateField(
        null=True, blank=True, help_text=_("The day, for one interception."),
        verbose_name=_("date"),
    )
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Year of the seizure, or first year of the period."),
        verbose_name=_("year"),
    )
    end_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Last year of an aggregate period, where stated."),
        verbose_name=_("end year"),
    )
    period_wording = models.CharField(
        max_length=200, blank=True, help_text=_('As the source words it ("since 2008").'),
        verbose_name=_("period wording"),
    )
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="seizures",
        verbose_name=_("country"),
    )
    region = models.CharField(
        max_length=200, blank=True, help_text=_('Where no one country is meant.'),
        verbose_name=_("region"),
    )
    place = models.CharField(max_length=200, blank=True, verbose_name=_("place"))
    seizing_agency = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="seizures",
        verbose_name=_("seizing agency"),
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="seizures",
        help_text=_("The operation or project it is reported under."),
        verbose_name=_("project"),
    )
    notes = models.TextField(blank=True, verbose_name=_("notes"))
    is_demo = demo_flag()
    version = record_version()

    objects = SeizureQuerySet.as_manager()
    history = HistoricalRecords(
        verbose_name=_("seizure history"), verbose_name_plural=_("seizure history"))

    class Meta:
        verbose_name = _("seizure")
        verbose_name_plural = _("seizures")
        ordering = [F("year").desc(nulls_last=True), F("date").desc(nulls_last=True), "key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=0),
                name="activities_seizure_quantity_not_negative",
                violation_error_message="The quantity cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(quantity_kg__isnull=True) | Q(quantity_kg__gte=0),
                name="activities_seizure_kg_not_negative",
                violation_error_message="The quantity in kilograms cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(unit__in=["g", "kg", "t", "L", "units"]),
                name="activities_seizure_unit_known",
                violation_error_message="The unit must be one of g, kg, t, L or units.",
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(year__isnull=True)
                | Q(end_year__gte=F("year")),
                name="activities_seizure_end_year_not_before_year",
                violation_error_message="The period cannot end before it starts.",
            ),
        ]
        indexes = [
            # seizures list: kind and year-range filters, totals by year
            models.Index(fields=["kind", "year"], name="activities_seizure_kind_idx"),
            # admin seizure changelist: the default order, and its year filter's choices
            NullsLastIndex(
                F("year").desc(nulls_last=True), F("date").desc(nulls_last=True), F("key"),
                name="activities_seizure_order_idx",
            ),
        ]

    def __str__(self):
        qualifier = (
            "" if self.qualifier == self.Qualifier.EXACT else f"{self.get_qualifier_display()} "
        )
        quantity = "?" if self.quantity is None else f"{self.quantity.normalize():f}"
        return f"{qualifier}{quantity} {self.get_unit_display()} ({self.key})"

    def get_absolute_url(self):
        return reverse("activities:seizure_detail", args=[self.pk])

    def fill_derived_fields(self):
        """The year from the date, and the kilograms from the quantity as entered."""
        super().fill_derived_fields()
        density = self.substance.density_kg_per_l if self.substance_id else None
        self.quantity_kg = quantity_in_kg(self.quantity, self.unit, density)[0]

    @property
    def kg_missing_reason(self) -> str:
        """Why quantity_kg is empty, for the page to say instead of guessing."""
        if self.quantity_kg is not None:
            return ""
        density = self.substance.density_kg_per_l if self.substance_id else None
        return quantity_in_kg(self.quantity, self.unit, density)[1]

    def clean(self):
        super().clean()
        errors = self.date_mismatch_errors()
        # "is not None": an end year 0 is an end year (it passed, then broke the constraint).
        if self.end_year is not None and self.year and self.end_year < self.year:
            errors["end_year"] = _("The period cannot end before it starts.")
        if self.end_year is not None and not self.year:
            errors["year"] = _("Give the first year of the period.")
        if errors:
            raise ValidationError(errors)
