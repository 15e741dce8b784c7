"""Reference data: countries, organisations, publicly named people, themes."""


from django.db import models
from django.db.models import Case, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
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

    code = CountryField(
        unique=True, help_text=_("ISO 3166-1 alpha-2 code, e.g. KG."),
        verbose_name=_("code"),
    )

    objects = CountryQuerySet.as_manager()

    class Meta:
        verbose_name = _("country")
        ordering = ["code"]
        verbose_name_plural = _("countries")

    def __str__(self):
        return self.code.name or self.code.code

    def natural_key(self):
        return (self.code.code,)

    @property
    def name(self) -> str:
        return str(self)

    name.fget.short_description = _("name")  # the admin's column heading

    def get_absolute_url(self):
        return reverse("activities:country_detail", args=[self.code.code])


class OrganisationQuerySet(DemoQuerySetMixin, NaturalKeyQuerySet):
    pass


class Organisation(NaturalKeyModel):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government agency")
        UN = "un", _("UN entity")
        EMBASSY = "embassy", _("Embassy")
        DONOR_AGENCY = "donor_agency", _("Donor or development agency")
        TRAINING = "training", _("Training academy")
        POLICE = "police", _("Police force")
        UNIVERSITY = "university", _("University")
        NGO = "ngo", _("Non-governmental organisation")
        INTERNATIONAL = "international", _("International organisation")
        OTHER = "other", _("Other")

    slug = models.SlugField(max_length=80, unique=True, verbose_name=_("slug"))
    name = models.CharField(max_length=200, verbose_name=_("name"))
    acronym = models.CharField(max_length=30, blank=True, verbose_name=_("acronym"))
    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.OTHER,
        verbose_name=_("kind"),
    )
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="organisations",
        verbose_name=_("country"),
    )
    website = models.URLField(blank=True, verbose_name=_("website"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    is_demo = demo_flag()

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
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

    slug = models.SlugField(max_length=80, unique=True, verbose_name=_("slug"))
    name = models.CharField(max_length=200, verbose_name=_("name"))
    honorific = models.CharField(
        max_length=20, blank=True, help_text=_("Mr., Ms., Dr. …"),
        verbose_name=_("honorific"),
    )
    position = models.CharField(max_length=250, blank=True, verbose_name=_("position"))
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="people",
        verbose_name=_("organisation"),
    )

    class Meta:
        verbose_name = _("person")
        ordering = ["name"]
        verbose_name_plural = _("people")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("activities:person_detail", args=[self.slug])


class Theme(NaturalKeyModel):
    slug = models.SlugField(max_length=80, unique=True, verbose_name=_("slug"))
    name = models.CharField(max_length=120, verbose_name=_("name"))
    description = models.TextField(blank=True, verbose_name=_("description"))

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]

    def __str__(self):
        return self.name
