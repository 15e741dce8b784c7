"""Participants (private personal data), duplicate decisions and participant imports."""


from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from activities.matching import duplicate_key, match_key, name_key
from activities.models.events import Event
from activities.models.reference import Country, Organisation
from activities.models.summaries import GuardedQuerySetMixin
from unodc_portal.core.records import (
    DemoQuerySetMixin,
    demo_flag,
    record_version,
)

# Keys per query when looking up likely duplicates: under every database's parameter limit.
KEYS_PER_QUERY = 900


class ParticipantQuerySet(GuardedQuerySetMixin, DemoQuerySetMixin, models.QuerySet):
    # Sex, country, organisation and the demo flag feed the participant figures.
    guarded_fields = frozenset({"sex", "country", "country_id", "organisation",
                                "organisation_id", "is_demo"})
    guard_bulk_create = False  # new people are at no event yet

    def with_related(self):
        return self.select_related("organisation", "country")

    def search(self, text: str, *, also: Q | None = None):
        """Records whose name is written like ``text`` — case, spacing, accents, Cyrillic or
        Latin (its ``name_key`` or phonetic ``match_key`` contains the text's) — or that match
        ``also``. The register's search box and the event page's search-as-you-type."""
        # Erased records (blank keys, which every text "contains") are found by number only.
        by_name = Q(name_key__contains=name_key(text))
        key = match_key(text)
        if key:
            by_name |= Q(match_key__contains=key)
        condition = (by_name & Q(erased_at__isnull=True)) | (also or Q())
        return self.filter(condition)

    # The "likely duplicate" rule: the same phonetic key in the same organisation
    # (activities.matching.duplicate_key). Its only home; the event page, the import, the
    # duplicates page and a participant's page all ask here.
    def likely_duplicates(self, keys) -> dict[tuple, list]:
        """This queryset's records per (organisation_id, match_key) in ``keys`` (made by
        ``duplicate_key``), each list by register number; keys with no record are absent. One
        query per 900 keys, each answered by the (match_key, organisation) index."""
        keys = set(keys)
        by_key = sorted({key for _organisation, key in keys})
        organisations = {organisation for organisation, _key in keys}
        ids = [pk for pk in organisations if pk is not None]
        if None in organisations:
            in_organisations = Q(organisation_id__in=ids) | Q(organisation=None)
        else:
            in_organisations = Q(organisation_id__in=ids)
        found: dict[tuple, list] = {}
        for start in range(0, len(by_key), KEYS_PER_QUERY):
            chunk = by_key[start:start + KEYS_PER_QUERY]
            # No ORDER BY: sorting would tempt the planner away from the matching index.
            for record in self.filter(in_organisations, match_key__in=chunk,
                                      erased_at__isnull=True).order_by():
                key = (record.organisation_id, record.match_key)
                if key in keys:
                    found.setdefault(key, []).append(record)
        for records in found.values():
            records.sort(key=lambda record: record.pk)
        return found

    def likely_duplicates_of(self, participant):
        """Other records in the same organisation with the same phonetic key (none for an
        erased record: erased records never take part in duplicate matching)."""
        if participant.erased_at is not None:
            return self.none()
        organisation_id, key = duplicate_key(participant.organisation_id, participant.name)
        return self.filter(organisation_id=organisation_id, match_key=key,
                           erased_at__isnull=True).exclude(pk=participant.pk)

    def duplicate_groups(self):
        """(organisation_id, match_key, records) of every key held by more than one record,
        read from the (match_key, organisation) index alone."""
        return (
            # Grouped in the index's order (match_key, organisation), so that the first groups
            # come without grouping the whole table (activities_particip_dup_idx).
            # Erased records have no key (personaldata.services): the first exclude leaves
            # them out.
            self.exclude(match_key="").values("match_key", "organisation_id")
            .annotate(records=models.Count("id")).filter(records__gt=1)
            .order_by("match_key", "organisation_id")
        )


class DataSource(models.TextChoices):
    """How a participant's personal data reached the register (issue 18): asked once per import
    batch or per event page save, never per row."""

    ATTENDANCE_SHEET = "attendance_sheet", _("Attendance sheet")
    REGISTRATION_FORM = "registration_form", _("Registration form")
    IMPORT = "import", _("Imported spreadsheet")
    PARTNER_LIST = "partner_list", _("Partner agency list")


class ContactConsent(models.TextChoices):
    """Whether the person agreed to be contacted after the event."""

    YES = "yes", _("Agreed to be contacted later")
    NO = "no", _("Did not agree to be contacted later")
    NOT_RECORDED = "not_recorded", _("Not recorded")


class Participant(models.Model):
    """A person who attends events. Personal data: seen only by officers and admins."""

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        NOT_RECORDED = "not_recorded", _("Not recorded")

    name = models.CharField(max_length=200, verbose_name=_("name"))
    sex = models.CharField(
        max_length=20, choices=Sex.choices, default=Sex.NOT_RECORDED,
        verbose_name=_("sex"),
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT,
        related_name="participants",
        verbose_name=_("organisation"),
    )
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="participants",
        verbose_name=_("country"),
    )
    position = models.CharField(max_length=200, blank=True, verbose_name=_("position"))
    email = models.EmailField(blank=True, verbose_name=_("email"))
    phone = models.CharField(max_length=40, blank=True, verbose_name=_("phone"))
    sources = models.JSONField(
        default=list, blank=True,
        help_text=_("How the data came (DataSource codes), the first basis first; empty when "
        "not recorded. A record matched again keeps its first basis and adds the new one."),
        verbose_name=_("sources of the data"),
    )
    contact_consent = models.CharField(
        max_length=20, choices=ContactConsent.choices, default=ContactConsent.NOT_RECORDED,
        verbose_name=_("contact consent"),
    )
    erased_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text=_("When an admin erased the person's data; the record stays, pseudonymised."),
        verbose_name=_("erased at"),
    )
    is_demo = demo_flag()
    version = record_version()
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    name_key = models.CharField(
        max_length=200, blank=True, editable=False,
        help_text=_("The name ignoring case, spacing and accents (activities.matching)."),
        verbose_name=_("name key"),
    )
    match_key = models.CharField(
        max_length=200, blank=True, editable=False,
        help_text=_("Phonetic key of the name: the same key in one organisation is a likely "
        "duplicate (activities.matching)."),
        verbose_name=_("match key"),
    )

    objects = ParticipantQuerySet.as_manager()
    history = HistoricalRecords(
        verbose_name=_("participant history"), verbose_name_plural=_("participant history"))

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
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
            # duplicates: the groups of real records sharing a key, read in order from the
            # index alone (PostgreSQL; the condition is duplicate_groups' filter)
            models.Index(
                fields=["match_key", "organisation"], include=["id"],
                condition=Q(is_demo=False) & ~Q(match_key=""),
                name="activities_particip_dup_idx",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name, or "Erased participant No. N" once an admin erased the person's data
        (personaldata.services.participant_erase): what every page, export and answer shows."""
        if self.erased_at is not None:
            return gettext("Erased participant No. %(number)s") % {"number": self.pk}
        return self.name

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("activities:participant_detail", args=[self.pk])

    def fill_derived_fields(self):
        """The matching keys from the name (bulk writes call this before bulk_create)."""
        self.name_key = name_key(self.name)
        self.match_key = match_key(self.name)


class DuplicateDismissal(models.Model):
    """An officer's decision that a group of likely duplicates (same phonetic key in one
    organisation) are different people. The group leaves the review list until it grows."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("organisation"),
    )
    match_key = models.CharField(max_length=200, verbose_name=_("match key"))
    records = models.PositiveIntegerField(
        help_text=_("How many records the group had."),
        verbose_name=_("records"),
    )
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("dismissed by"),
    )
    dismissed_at = models.DateTimeField(auto_now=True, verbose_name=_("dismissed at"))

    class Meta:
        verbose_name = _("duplicate dismissal")
        verbose_name_plural = _("duplicate dismissals")
        ordering = ["-dismissed_at"]
        indexes = [
            # duplicate review: is this group dismissed?
            models.Index(fields=["match_key", "organisation"], name="activities_dismissal_idx"),
        ]

    def __str__(self):
        return f"{self.match_key} ({self.records} records, not duplicates)"


class ImportBatchQuerySet(models.QuerySet):
    def expired(self, now=None):
        """Batches never confirmed whose time has passed (the status-and-expiry index)."""
        return self.filter(status=ImportBatch.Status.PREVIEW,
                           expires_at__lt=now or timezone.now())


class ImportBatch(models.Model):
    """An uploaded participant list for one event: parsed, classified row by row and kept until
    an officer confirms it (or it expires). Nothing reaches the register before confirmation."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Awaiting confirmation")
        COMMITTED = "committed", _("Imported")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="import_batches",
        verbose_name=_("event"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
        related_name="import_batches",
        verbose_name=_("created by"),
    )
    file_name = models.CharField(max_length=255, verbose_name=_("file name"))
    file_hash = models.CharField(
        max_length=64, help_text=_("SHA-256 of the uploaded file."),
        verbose_name=_("file hash"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PREVIEW,
        verbose_name=_("status"),
    )
    committed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("committed at"))
    source = models.CharField(
        max_length=30, choices=DataSource.choices, default=DataSource.IMPORT,
        verbose_name=_("source of the data"),
    )
    contact_consent = models.CharField(
        max_length=20, choices=ContactConsent.choices, default=ContactConsent.NOT_RECORDED,
        verbose_name=_("contact consent"),
    )
    rows = models.JSONField(
        default=list, help_text=_("Each row as read, with its classification and errors."),
        verbose_name=_("rows"),
    )
    counts = models.JSONField(
        default=dict, help_text=_("Rows per classification."),
        verbose_name=_("counts"),
    )

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import batch")
        ordering = ["-created_at"]
        verbose_name_plural = _("import batches")
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

    @property
    def expired(self) -> bool:
        """Never confirmed and past its time: it can no longer be confirmed, and
        ``manage.py purge_imports`` removes it. Read, never written."""
        return self.status == self.Status.PREVIEW and self.expires_at < timezone.now()

    @property
    def state(self) -> str:
        """What the officer reads of the batch: imported, expired, refused for errors or
        awaiting confirmation."""
        if self.expired:
            return _("Expired")
        if self.status == self.Status.PREVIEW and self.has_errors:
            return _("Rows with errors: correct the file")
        return self.get_status_display()
