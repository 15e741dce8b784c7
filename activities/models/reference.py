"""Reference data: countries, organisations, publicly named people, themes."""


from django.db import models
from django.db.models import Case, Value, When
from django.urls import reverse
from django_countries import countries
from django_countries.fields import CountryField

from unodc_portal.core.records import (
    DemoQuerySetMixin,
    NaturalKeyModel,
    NaturalKeyQuerySet,
    demo_flag,
)


def country_name_order():
    """Countries in the order of their names in the active language, as django-countries lists
    them, for the database to sort by (the names are not a column): a CASE over the codes, ~250
    branches on a table of as many rows at most."""
    ranks = [When(code=code, then=Value(rank)) for rank, (code, _name) in enumerate(countries)]
    return Case(*ranks, default=Value(len(ranks)), output_field=models.IntegerField())


class CountryQuerySet(NaturalKeyQuerySet):
    def by_name(self):
        """Ordered by name, as every country list (forms, filters, the admin) shows them."""
        return self.order_by(country_name_order(), "code")


class Country(NaturalKeyModel):
    """A country, keyed by its ISO 3166-1 alpha-2 code; its name comes from django-countries.
    Listed by name wherever it is chosen (``by_name``); the table's own order is the code."""

    natural_key_fields = ("code",)

    code = CountryField(unique=True, help_text="ISO 3166-1 alpha-2 code, e.g. KG.")

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "countries"

    def __str__(self):
        return self.code.name or self.code.code

    def natural_key(self):
        return (self.code.code,)

    @property
    def name(self) -> str:
        return str(self)

    def get_absolute_url(self):
        return reverse("activities:country_detail", args=[self.code.code])


class OrganisationQuerySet(DemoQuerySetMixin, NaturalKeyQuerySet):
    pass


class Organisation(NaturalKeyModel):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", "Government agency"
        UN = "un", "UN entity"
        EMBASSY = "embassy", "Embassy"
        DONOR_AGENCY = "donor_agency", "Donor or development agency"
        TRAINING = "training", "Training academy"
        POLICE = "police", "Police force"
        UNIVERSITY = "university", "University"
        NGO = "ngo", "Non-governmental organisation"
        INTERNATIONAL = "international", "International organisation"
        OTHER = "other", "Other"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    acronym = models.CharField(max_length=30, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="organisations"
    )
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    is_demo = demo_flag()

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            # organisations page and admin: filter by kind
            models.Index(fields=["kind"], name="activities_org_kind_idx"),
            # import: find an organisation by acronym
            models.Index(fields=["acronym"], name="activities_org_acronym_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return reverse("activities:organisation_detail", args=[self.slug])


class Person(NaturalKeyModel):
    """A publicly named individual: official, trainer, adviser, speaker. Public data."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    honorific = models.CharField(max_length=20, blank=True, help_text="Mr., Ms., Dr. …")
    position = models.CharField(max_length=250, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("activities:person_detail", args=[self.slug])


class Theme(NaturalKeyModel):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
