"""The programme record: countries, organisations, people, projects, events, participants,
seizures, and the bulletin articles that report them.

Every model that a fixture holds has a natural key on a stable business field (code, ISO code,
slug), so that fixtures load into any database, in any order, and twice without duplicates.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from activities.matching import match_key, name_key
from unodc_portal.roles import is_demo_user
from unodc_portal.validators import validate_currency


# --------------------------------------------------------------------------------------------
# Natural keys
# --------------------------------------------------------------------------------------------
class NaturalKeyQuerySet(models.QuerySet):
    """``get_by_natural_key`` for models keyed by their ``natural_key_fields``."""

    def get_by_natural_key(self, *key):
        return self.get(**dict(zip(self.model.natural_key_fields, key, strict=True)))


class DemoQuerySetMixin:
    """Demo records (``is_demo``, made by ``seed_demo``) are seen only by demo accounts; every
    page, export and API answer reads ``visible_to(user)``. Totals and breakdowns read
    ``real()`` whoever asks (``activities.aggregates``)."""

    def real(self):
        return self.filter(is_demo=False)

    def visible_to(self, user):
        return self.all() if is_demo_user(user) else self.real()


def demo_flag() -> models.BooleanField:
    """The ``is_demo`` field of every model that can hold demo records (``seed_demo``)."""
    return models.BooleanField(
        default=False, editable=False,
        help_text="Synthetic record created by seed_demo; shown only to demo accounts.",
    )


def record_version() -> models.PositiveIntegerField:
    """The ``version`` field of records edited on forms (``unodc_portal.versioning``)."""
    return models.PositiveIntegerField(
        default=1, editable=False,
        help_text="Changes on every change of the record; a form saved on an older version is "
        "refused (no edit silently lost).",
    )


class NaturalKeyModel(models.Model):
    natural_key_fields: tuple[str, ...] = ("slug",)

    objects = NaturalKeyQuerySet.as_manager()

    class Meta:
        abstract = True

    def natural_key(self):
        return tuple(getattr(self, name) for name in self.natural_key_fields)


def not_before(start: str, end: str, name: str, message: str) -> models.CheckConstraint:
    """A range whose end, when both ends are known, is not before its start."""
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True})
        | Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__gte": F(start)}),
        name=name,
        violation_error_message=message,
    )


END_BEFORE_START = "The end date cannot be before the start date."


# --------------------------------------------------------------------------------------------
# Dates as reported: exact days when stated, the wording ("late April") when not
# --------------------------------------------------------------------------------------------
class ReportedPeriod(models.Model):
    """Start and end dates when the source gives days; otherwise the year, month and wording.

    ``year`` and ``month`` are filled from ``start_date`` when it is known, so that lists can
    filter and sort records whose days were never stated ("late April").
    """

    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Filled from the start date when it is known."
    )
    month = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="Filled from the start date when it is known.",
    )
    date_wording = models.CharField(
        max_length=120, blank=True,
        help_text='The dates as the source words them, where it gives no days ("late April").',
    )

    class Meta:
        abstract = True
        constraints = [
            not_before(
                "start_date", "end_date", "%(app_label)s_%(class)s_end_not_before_start",
                END_BEFORE_START,
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="%(app_label)s_%(class)s_month_in_range",
                violation_error_message="The month must be between 1 and 12.",
            ),
        ]

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def fill_derived_fields(self):
        if self.start_date:
            self.year = self.start_date.year
            self.month = self.start_date.month

    def clean(self):
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = END_BEFORE_START
        if self.end_date and not self.start_date:
            errors["start_date"] = "Give the start date when the end date is known."
        if self.start_date:
            if self.year and self.year != self.start_date.year:
                errors["year"] = "The year does not match the start date."
            if self.month and self.month != self.start_date.month:
                errors["month"] = "The month does not match the start date."
        if self.month and not self.year:
            errors["year"] = "Give the year when the month is known."
        if errors:
            raise ValidationError(errors)


# --------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------
class Country(NaturalKeyModel):
    """A country, keyed by its ISO 3166-1 alpha-2 code; its name comes from django-countries."""

    natural_key_fields = ("code",)

    code = CountryField(unique=True, help_text="ISO 3166-1 alpha-2 code, e.g. KG.")

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


# --------------------------------------------------------------------------------------------
# Projects and events
# --------------------------------------------------------------------------------------------
class ProjectQuerySet(DemoQuerySetMixin, NaturalKeyQuerySet):
    pass


class Project(NaturalKeyModel):
    """A project, programme, operation or initiative, keyed by its code."""

    class Kind(models.TextChoices):
        PROJECT = "project", "Project"
        PROGRAMME = "programme", "Programme"
        OPERATION = "operation", "Operation"
        INITIATIVE = "initiative", "Initiative"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ONGOING = "ongoing", "Ongoing"
        COMPLETED = "completed", "Completed"
        NOT_STATED = "not_stated", "Not stated"

    natural_key_fields = ("code",)

    code = models.CharField(
        max_length=40, unique=True,
        help_text="Official code (KGZK50) or a stable readable code (TARCET).",
    )
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PROJECT)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STATED)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children",
        help_text="The programme this project sits inside.",
    )
    countries = models.ManyToManyField(Country, blank=True, related_name="projects")
    region = models.CharField(max_length=120, blank=True, help_text="e.g. Central Asia")
    themes = models.ManyToManyField(Theme, blank=True, related_name="projects")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Where only the year it began is stated."
    )
    budget_amount = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    budget_currency = models.CharField(
        max_length=3, blank=True, validators=[validate_currency],
        help_text="ISO 4217 code of the budget amount.",
    )
    implementers = models.ManyToManyField(
        Organisation, blank=True, related_name="implemented_projects",
        help_text="UNODC for its own projects; other agencies for programmes only mentioned.",
    )
    beneficiaries = models.ManyToManyField(
        Organisation, blank=True, related_name="benefiting_projects"
    )
    description = models.TextField(blank=True)
    is_demo = demo_flag()

    objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_amount__isnull=True) | Q(budget_amount__gte=0),
                name="activities_project_budget_not_negative",
                violation_error_message="The budget cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(budget_amount__isnull=True) | ~Q(budget_currency=""),
                name="activities_project_budget_has_currency",
                violation_error_message="A budget amount needs its currency.",
            ),
            not_before(
                "start_date", "end_date", "activities_project_end_not_before_start",
                END_BEFORE_START,
            ),
        ]
        indexes = [
            # projects list: filter by status and kind
            models.Index(fields=["status", "kind"], name="activities_project_status_idx"),
        ]

    def __str__(self):
        return f"{self.code} — {self.title}"

    def get_absolute_url(self):
        return reverse("activities:project_detail", args=[self.code])

    def clean(self):
        super().clean()
        errors = {}
        if self.budget_amount is not None and not self.budget_currency:
            errors["budget_currency"] = "A budget amount needs its currency."
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = END_BEFORE_START
        if errors:
            raise ValidationError(errors)


# Paths under /events/ that are pages, not events.
RESERVED_EVENT_SLUGS = frozenset({"new"})


def validate_event_slug(value):
    if value in RESERVED_EVENT_SLUGS:
        raise ValidationError(
            "“%(value)s” is reserved for a page of the portal; choose another slug.",
            code="reserved_slug", params={"value": value},
        )


class EventQuerySet(DemoQuerySetMixin, NaturalKeyQuerySet):
    def with_related(self):
        return self.select_related("country", "organiser").prefetch_related("projects")


class Event(NaturalKeyModel, ReportedPeriod):
    class Kind(models.TextChoices):
        OFFICIAL_VISIT = "official_visit", "Official visit"
        EXPERT_MEETING = "expert_meeting", "Expert meeting"
        TRAINING_COURSE = "training_course", "Training course"
        WORKSHOP = "workshop", "Workshop"
        DONOR_COORDINATION = "donor_coordination", "Donor coordination meeting"
        CONSULTATIVE_MEETING = "consultative_meeting", "Consultative meeting"
        TRAINING_OF_TRAINERS = "training_of_trainers", "Training of trainers"
        HANDOVER = "handover", "Handover"
        DOG_HANDLER_COURSE = "dog_handler_course", "Dog-handler course"
        ASSESSMENT_MISSION = "assessment_mission", "Assessment mission"
        CONFERENCE = "conference", "Conference"
        MEETING = "meeting", "Meeting"

    slug = models.SlugField(max_length=100, unique=True, validators=[validate_event_slug])
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    projects = models.ManyToManyField(Project, blank=True, related_name="events")
    organiser = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT,
        related_name="organised_events",
    )
    city = models.CharField(max_length=120, blank=True)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    venue = models.CharField(max_length=200, blank=True)
    topics = models.TextField(blank=True)
    description = models.TextField(blank=True)
    trainers = models.ManyToManyField(Person, blank=True, related_name="trained_events")
    trainer_organisations = models.ManyToManyField(
        Organisation, blank=True, through="EventTrainerOrganisation",
        related_name="trainer_events",
    )
    reported_participants = models.PositiveIntegerField(
        null=True, blank=True, help_text="The participant count as the source reports it."
    )
    reported_participants_wording = models.CharField(
        max_length=120, blank=True, help_text='The words used for the count ("over forty one").'
    )
    is_demo = demo_flag()
    version = record_version()

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta(ReportedPeriod.Meta):
        ordering = [
            F("start_date").desc(nulls_last=True),
            F("year").desc(nulls_last=True),
            F("month").desc(nulls_last=True),
            "title",
        ]
        constraints = [
            *ReportedPeriod.Meta.constraints,
            models.CheckConstraint(
                condition=Q(reported_participants__isnull=True) | Q(reported_participants__gte=0),
                name="activities_event_reported_not_negative",
                violation_error_message="The reported participant count cannot be negative.",
            ),
        ]
        indexes = [
            # events list: date range filter and default ordering
            models.Index(fields=["start_date"], name="activities_event_start_idx"),
            # events list: year filter for events with a worded date
            models.Index(fields=["year", "month"], name="activities_event_year_idx"),
            # events list: kind filter
            models.Index(fields=["kind"], name="activities_event_kind_idx"),
            # events list: city filter
            models.Index(fields=["city"], name="activities_event_city_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:event_detail", args=[self.slug])

    @property
    def reported_wording_to_show(self) -> str:
        """The words used for the reported count, where they say more than the number."""
        wording = self.reported_participants_wording.strip()
        return "" if wording == str(self.reported_participants) else wording


class EventTrainerOrganisationManager(models.Manager):
    def get_by_natural_key(self, event_slug, organisation_slug):
        return self.get(event__slug=event_slug, organisation__slug=organisation_slug)


class EventTrainerOrganisation(models.Model):
    """An organisation that provided an event's trainers, with their number where stated."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="trainer_links")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="trainer_links"
    )
    trainer_count = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How many trainers, where the source says."
    )

    objects = EventTrainerOrganisationManager()

    class Meta:
        ordering = ["event", "organisation"]
        verbose_name = "trainer organisation"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organisation"],
                name="activities_eventtrainerorg_unique",
                violation_error_message="This organisation is already listed as a trainer.",
            ),
        ]

    def __str__(self):
        count = f"{self.trainer_count} trainers" if self.trainer_count else "trainers"
        return f"{count} (organisation #{self.organisation_id})"

    def natural_key(self):
        return (*self.event.natural_key(), *self.organisation.natural_key())

    natural_key.dependencies = ["activities.event", "activities.organisation"]


# --------------------------------------------------------------------------------------------
# Participants (private personal data)
# --------------------------------------------------------------------------------------------
class ParticipantQuerySet(DemoQuerySetMixin, models.QuerySet):
    def with_related(self):
        return self.select_related("organisation", "country")

    def likely_duplicates_of(self, participant):
        """Other records in the same organisation with the same phonetic key."""
        return self.filter(
            organisation_id=participant.organisation_id,
            match_key=participant.match_key or match_key(participant.name),
        ).exclude(pk=participant.pk)


class Participant(models.Model):
    """A person who attends events. Personal data: seen only by officers and admins."""

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        NOT_RECORDED = "not_recorded", "Not recorded"

    name = models.CharField(max_length=200)
    sex = models.CharField(max_length=20, choices=Sex.choices, default=Sex.NOT_RECORDED)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT,
        related_name="participants",
    )
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="participants"
    )
    position = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_demo = demo_flag()
    version = record_version()
    created_at = models.DateTimeField(auto_now_add=True)
    name_key = models.CharField(
        max_length=200, blank=True, editable=False,
        help_text="The name ignoring case, spacing and accents (activities.matching).",
    )
    match_key = models.CharField(
        max_length=200, blank=True, editable=False,
        help_text="Phonetic key of the name: the same key in one organisation is a likely "
        "duplicate (activities.matching).",
    )

    objects = ParticipantQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            # participant register: filter by sex and country
            models.Index(fields=["sex", "country"], name="activities_participant_sex_idx"),
            # duplicates: likely duplicates in one organisation, on entry, import and review
            models.Index(
                fields=["match_key", "organisation"], name="activities_particip_match_idx"
            ),
            # import: a row that matches an existing record (same name, same organisation)
            models.Index(fields=["name_key", "organisation"], name="activities_particip_name_idx"),
            # participant register: name search and ordering
            models.Index(fields=["name", "id"], name="activities_particip_order_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("activities:participant_detail", args=[self.pk])

    def fill_derived_fields(self):
        """The matching keys from the name (bulk writes call this before bulk_create)."""
        self.name_key = name_key(self.name)
        self.match_key = match_key(self.name)


class ParticipationQuerySet(DemoQuerySetMixin, models.QuerySet):
    def real(self):
        """Neither the participation nor its participant or event is demo data (a demo account
        may have linked a real event to a demo participant)."""
        return self.filter(is_demo=False, participant__is_demo=False, event__is_demo=False)


class Participation(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", "Registered"
        ATTENDED = "attended", "Attended"
        ABSENT = "absent", "Absent"

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="participations"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participations")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REGISTERED)
    is_demo = demo_flag()

    objects = ParticipationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "participant"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "event"],
                name="activities_participation_unique_participant_event",
                violation_error_message="This participant is already registered for the event.",
            ),
        ]
        indexes = [
            # event page: participant aggregates by attendance status
            models.Index(fields=["event", "status"], name="activities_particip_status_idx"),
        ]

    def __str__(self):
        return f"Participant #{self.participant_id} at event #{self.event_id} ({self.status})"


class DuplicateDismissal(models.Model):
    """An officer's decision that a group of likely duplicates (same phonetic key in one
    organisation) are different people. The group leaves the review list until it grows."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    match_key = models.CharField(max_length=200)
    records = models.PositiveIntegerField(help_text="How many records the group had.")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-dismissed_at"]
        indexes = [
            # duplicate review: is this group dismissed?
            models.Index(fields=["match_key", "organisation"], name="activities_dismissal_idx"),
        ]

    def __str__(self):
        return f"{self.match_key} ({self.records} records, not duplicates)"


class ImportBatch(models.Model):
    """An uploaded participant list for one event: parsed, classified row by row and kept until
    an officer confirms it (or it expires). Nothing reaches the register before confirmation."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "Awaiting confirmation"
        COMMITTED = "committed", "Imported"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="import_batches")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
        related_name="import_batches",
    )
    file_name = models.CharField(max_length=255)
    file_hash = models.CharField(max_length=64, help_text="SHA-256 of the uploaded file.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEW)
    committed_at = models.DateTimeField(null=True, blank=True)
    rows = models.JSONField(
        default=list, help_text="Each row as read, with its classification and errors."
    )
    counts = models.JSONField(default=dict, help_text="Rows per classification.")

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"
        indexes = [
            # upload: has this file already been imported into this event?
            models.Index(fields=["event", "file_hash"], name="activities_import_hash_idx"),
            # upload: expired previews are removed
            models.Index(fields=["status", "expires_at"], name="activities_import_expiry_idx"),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("activities:import_preview", args=[self.pk])

    @property
    def has_errors(self) -> bool:
        return bool(self.counts.get("error"))


# --------------------------------------------------------------------------------------------
# Seizures
# --------------------------------------------------------------------------------------------
class Substance(NaturalKeyModel):
    class Kind(models.TextChoices):
        DRUG = "drug", "Drug"
        PRECURSOR = "precursor", "Precursor"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    density_kg_per_l = models.DecimalField(
        "density (kg/L)", max_digits=8, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.0001"))],
        help_text="Needed to convert litres to kilograms; leave empty where unknown.",
    )

    class Meta:
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
        return None, "No quantity is recorded."
    if unit in KG_PER_UNIT:
        return (Decimal(quantity) * KG_PER_UNIT[unit]).quantize(Decimal("0.001")), ""
    if unit == Seizure.Unit.LITRE:
        if density:
            return (Decimal(quantity) * Decimal(density)).quantize(Decimal("0.001")), ""
        return None, "Measured in litres and the substance's density is not known."
    if unit == Seizure.Unit.UNITS:
        return None, "Counted in units, which have no weight."
    return None, "Unknown unit."


class SeizureQuerySet(DemoQuerySetMixin, NaturalKeyQuerySet):
    def individual(self):
        return self.filter(kind=Seizure.Kind.INDIVIDUAL)

    def aggregate_figures(self):
        return self.filter(kind=Seizure.Kind.AGGREGATE)

    def with_related(self):
        return self.select_related("substance", "country", "seizing_agency", "project")


class Seizure(NaturalKeyModel):
    """A quantity seized, as entered and normalised to kilograms.

    Individual seizures add up; aggregate figures (a total reported over years) are shown
    beside totals with their qualifier and period and are never added in.
    """

    class Unit(models.TextChoices):
        GRAM = "g", "g"
        KILOGRAM = "kg", "kg"
        TONNE = "t", "tonnes"
        LITRE = "L", "litres"
        UNITS = "units", "units"

    class Qualifier(models.TextChoices):
        EXACT = "exact", "exactly"
        MORE_THAN = "more_than", "more than"
        ABOUT = "about", "about"

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "Individual seizure"
        AGGREGATE = "aggregate", "Aggregate figure"

    natural_key_fields = ("key",)

    key = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INDIVIDUAL)
    substance = models.ForeignKey(Substance, on_delete=models.PROTECT, related_name="seizures")
    quantity = models.DecimalField(
        max_digits=14, decimal_places=3, validators=[MinValueValidator(Decimal("0"))]
    )
    unit = models.CharField(max_length=10, choices=Unit.choices)
    qualifier = models.CharField(max_length=20, choices=Qualifier.choices, default=Qualifier.EXACT)
    quantity_kg = models.DecimalField(
        "quantity (kg)", max_digits=20, decimal_places=3, null=True, blank=True, editable=False,
        help_text="Normalised from the quantity; empty where no exact conversion exists.",
    )
    date = models.DateField(null=True, blank=True, help_text="The day, for one interception.")
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Year of the seizure, or first year of the period."
    )
    end_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Last year of an aggregate period, where stated."
    )
    period_wording = models.CharField(
        max_length=200, blank=True, help_text='As the source words it ("since 2008").'
    )
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="seizures"
    )
    region = models.CharField(
        max_length=200, blank=True, help_text='Where no one country is meant.'
    )
    place = models.CharField(max_length=200, blank=True)
    seizing_agency = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="seizures"
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="seizures",
        help_text="The operation or project it is reported under.",
    )
    notes = models.TextField(blank=True)
    is_demo = demo_flag()
    version = record_version()

    objects = SeizureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
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
        ]

    def __str__(self):
        qualifier = (
            "" if self.qualifier == self.Qualifier.EXACT else f"{self.get_qualifier_display()} "
        )
        quantity = "?" if self.quantity is None else f"{self.quantity.normalize():f}"
        return f"{qualifier}{quantity} {self.get_unit_display()} ({self.key})"

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("activities:seizure_detail", args=[self.pk])

    def fill_derived_fields(self):
        """The year from the date, and the kilograms from the quantity as entered."""
        if self.date:
            self.year = self.date.year
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
        errors = {}
        if self.date and self.year and self.date.year != self.year:
            errors["year"] = "The year does not match the date."
        # "is not None": an end year 0 is an end year (it passed, then broke the constraint).
        if self.end_year is not None and self.year and self.end_year < self.year:
            errors["end_year"] = "The period cannot end before it starts."
        if self.end_year is not None and not self.year:
            errors["year"] = "Give the first year of the period."
        if errors:
            raise ValidationError(errors)



# --------------------------------------------------------------------------------------------
# The bulletin
# --------------------------------------------------------------------------------------------
class Bulletin(NaturalKeyModel):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    period_wording = models.CharField(max_length=120, blank=True)
    published_on = models.DateField(null=True, blank=True)
    source_file = models.CharField(
        max_length=200, blank=True, help_text="The source text kept under fixtures/source/."
    )

    class Meta:
        ordering = ["-period_start", "slug"]
        constraints = [
            not_before(
                "period_start", "period_end", "activities_bulletin_end_not_before_start",
                "The period cannot end before it starts.",
            ),
        ]

    def __str__(self):
        return self.title


class ArticleQuerySet(NaturalKeyQuerySet):
    def published(self):
        return self.filter(status=Article.Status.PUBLISHED)

    def visible_to(self, user):
        """Published articles for everyone; drafts too for those who may edit articles."""
        if user is not None and user.has_perm("activities.change_article"):
            return self.all()
        return self.published()


class Article(NaturalKeyModel, ReportedPeriod):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Section(models.TextChoices):
        HIGH_LEVEL_VISIT = "high_level_visit", "High Level Visit"
        WORKSHOP = "workshop", "Workshop"
        WORKSHOPS = "workshops", "Workshops"
        CONFERENCE = "conference", "Conference"
        IN_THE_FIELD = "in_the_field", "In the Field"
        PROJECT_ACTIVITY = "project_activity", "Project Activity"
        TRAINING_COURSE = "training_course", "Training Course"
        DRUG_USE_PREVENTION = "drug_use_prevention", "Drug Use Prevention"

    bulletin = models.ForeignKey(Bulletin, on_delete=models.PROTECT, related_name="articles")
    position = models.PositiveSmallIntegerField(help_text="Order within the bulletin.")
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    kicker = models.CharField(max_length=300, blank=True, help_text="A secondary headline.")
    section = models.CharField(max_length=30, choices=Section.choices, blank=True)
    section_detail = models.CharField(
        max_length=120, blank=True, help_text='The rest of the label, e.g. "Turkmenistan".'
    )
    place = models.CharField(max_length=200, blank=True)
    body = models.TextField(help_text="Paragraphs separated by a blank line.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    projects = models.ManyToManyField(Project, blank=True, related_name="articles")
    events = models.ManyToManyField(Event, blank=True, related_name="articles")
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="articles")
    people = models.ManyToManyField(Person, blank=True, related_name="articles")
    seizures = models.ManyToManyField(Seizure, blank=True, related_name="articles")
    countries = models.ManyToManyField(Country, blank=True, related_name="articles")

    objects = ArticleQuerySet.as_manager()

    class Meta(ReportedPeriod.Meta):
        ordering = ["bulletin", "position"]
        constraints = [
            *ReportedPeriod.Meta.constraints,
            models.UniqueConstraint(
                fields=["bulletin", "position"],
                name="activities_article_unique_position",
                violation_error_message="Another article already has this position.",
            ),
        ]
        indexes = [
            # articles list: published articles in a date range, newest first
            models.Index(fields=["status", "start_date"], name="activities_article_status_idx"),
            # articles list: section filter
            models.Index(fields=["section"], name="activities_article_section_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:article_detail", args=[self.slug])

    @property
    def paragraphs(self) -> list[str]:
        # A body saved from a browser's textarea has CRLF line endings.
        body = self.body.replace("\r\n", "\n")
        return [p.strip() for p in body.split("\n\n") if p.strip()]

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

