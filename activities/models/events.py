"""Events, their trainers, and who took part (participations)."""


from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
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
            _("“%(value)s” is reserved for a page of the portal; choose another slug."),
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
        OFFICIAL_VISIT = "official_visit", _("Official visit")
        EXPERT_MEETING = "expert_meeting", _("Expert meeting")
        TRAINING_COURSE = "training_course", _("Training course")
        WORKSHOP = "workshop", _("Workshop")
        DONOR_COORDINATION = "donor_coordination", _("Donor coordination meeting")
        CONSULTATIVE_MEETING = "consultative_meeting", _("Consultative meeting")
        TRAINING_OF_TRAINERS = "training_of_trainers", _("Training of trainers")
        HANDOVER = "handover", _("Handover")
        DOG_HANDLER_COURSE = "dog_handler_course", _("Dog-handler course")
        ASSESSMENT_MISSION = "assessment_mission", _("Assessment mission")
        CONFERENCE = "conference", _("Conference")
        MEETING = "meeting", _("Meeting")

    slug = models.SlugField(
        max_length=100, unique=True, validators=[validate_event_slug],
        verbose_name=_("slug"),
    )
    title = models.CharField(max_length=300, verbose_name=_("title"))
    kind = models.CharField(max_length=30, choices=Kind.choices, verbose_name=_("kind"))
    projects = models.ManyToManyField(
        Project, blank=True, related_name="events",
        verbose_name=_("projects"),
    )
    organiser = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT,
        related_name="organised_events",
        verbose_name=_("organiser"),
    )
    city = models.CharField(max_length=120, blank=True, verbose_name=_("city"))
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="events",
        verbose_name=_("country"),
    )
    venue = models.CharField(max_length=200, blank=True, verbose_name=_("venue"))
    topics = models.TextField(blank=True, verbose_name=_("topics"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    trainers = models.ManyToManyField(
        Person, blank=True, related_name="trained_events",
        verbose_name=_("trainers"),
    )
    trainer_organisations = models.ManyToManyField(
        Organisation, blank=True, through="EventTrainerOrganisation",
        related_name="trainer_events",
        verbose_name=_("trainer organisations"),
    )
    reported_participants = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("The participant count as the source reports it."),
        verbose_name=_("reported participants"),
    )
    reported_participants_wording = models.CharField(
        max_length=120, blank=True, help_text=_('The words used for the count ("over forty one").'),
        verbose_name=_("reported participants wording"),
    )
    is_demo = demo_flag()
    version = record_version()

    objects = EventQuerySet.as_manager()
    # History is registered in activities/translation.py, after django-modeltranslation has
    # added the English and Russian columns, so that history keeps both languages.

    class Meta(ReportedPeriod.Meta):
        verbose_name = _("event")
        verbose_name_plural = _("events")
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

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="trainer_links",
        verbose_name=_("event"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="trainer_links",
        verbose_name=_("organisation"),
    )
    trainer_count = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("How many trainers, where the source says."),
        verbose_name=_("trainer count"),
    )

    objects = EventTrainerOrganisationManager()

    class Meta:
        verbose_name_plural = _("trainer organisations")
        ordering = ["event", "organisation"]
        verbose_name = _("trainer organisation")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organisation"],
                name="activities_eventtrainerorg_unique",
                violation_error_message="This organisation is already listed as a trainer.",
            ),
        ]

    def __str__(self):
        if self.trainer_count:
            return ngettext(
                "%(count)s trainer (organisation #%(organisation)s)",
                "%(count)s trainers (organisation #%(organisation)s)", self.trainer_count,
            ) % {"count": self.trainer_count, "organisation": self.organisation_id}
        return gettext("trainers (organisation #%(organisation)s)") % {
            "organisation": self.organisation_id}

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
        REGISTERED = "registered", _("Registered")
        ATTENDED = "attended", _("Attended")
        ABSENT = "absent", _("Absent")

    participant = models.ForeignKey(
        "Participant", on_delete=models.CASCADE, related_name="participations",
        verbose_name=_("participant"),
    )
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="participations",
        verbose_name=_("event"),
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.REGISTERED,
        verbose_name=_("status"),
    )
    is_demo = demo_flag()

    objects = ParticipationQuerySet.as_manager()
    history = HistoricalRecords(
        verbose_name=_("participation history"), verbose_name_plural=_("participation history"))

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
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
        return gettext("Participant #%(participant)s at event #%(event)s (%(status)s)") % {
            "participant": self.participant_id, "event": self.event_id,
            "status": self.get_status_display()}
