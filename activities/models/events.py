"""Events, their trainers, and who took part (participations)."""


from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from activities.models.projects import Project
from activities.models.reference import Country, Organisation, Person
from activities.models.summaries import GuardedQuerySetMixin
from unodc_portal.core.records import (
    DemoQuerySetMixin,
    NaturalKeyModel,
    NaturalKeyQuerySet,
    NullsLastIndex,
    ReportedPeriod,
    demo_flag,
    record_version,
)

# Paths under /events/ that are pages, not events.
RESERVED_EVENT_SLUGS = frozenset({"new"})


def validate_event_slug(value):
    if value in RESERVED_EVENT_SLUGS:
        raise ValidationError(
            "“%(value)s” is reserved for a page of the portal; choose another slug.",
            code="reserved_slug", params={"value": value},
        )


class EventQuerySet(GuardedQuerySetMixin, DemoQuerySetMixin, NaturalKeyQuerySet):
    # Demo events count in no figure: flipping the flag in bulk would bypass the summaries.
    guarded_fields = frozenset({"is_demo"})
    guard_bulk_create = False  # a new event has no participants yet

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
    # History is registered in activities/translation.py, after django-modeltranslation has
    # added the English and Russian columns, so that history keeps both languages.

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
            # admin event changelist (and the participation changelist, ordered by event): the
            # default order, newest first with undated events last, read in index order
            NullsLastIndex(
                F("start_date").desc(nulls_last=True), F("year").desc(nulls_last=True),
                F("month").desc(nulls_last=True), F("title"), F("id").desc(),
                name="activities_event_order_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:event_detail", args=[self.slug])

    def change_histories(self):
        """Where a change to the event is recorded (``core.versioning.last_change``): its own
        history and its participations' (imports and merges change only those)."""
        return [self.history.all(), Participation.history.filter(event_id=self.pk)]

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


class ParticipationQuerySet(GuardedQuerySetMixin, DemoQuerySetMixin, models.QuerySet):
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
        "Participant", on_delete=models.CASCADE, related_name="participations"
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
