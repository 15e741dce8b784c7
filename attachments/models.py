"""An attachment: one file (and, for images, its thumbnail) on one event, seizure, project or
article.

Where the bytes live (``attachments.storage``): the file and its thumbnail under generated keys
(``files/<random>.<ext>``), never readable without the portal's check; while the attachment is
*published* — marked public, and its record visible to a visitor — a copy under
``public/<token>/…``, a random token drawn afresh each time it is published, so replacing the
file or making it private changes the public address and the old one stops working.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activities.models import Article, Event, Project, Seizure
from unodc_portal.core.records import DemoQuerySetMixin, demo_flag, record_version
from unodc_portal.core.roles import is_demo_user

# The records a file can belong to: the attachment's field naming each, and its model.
PARENT_MODELS = {"event": Event, "seizure": Seizure, "project": Project, "article": Article}
# What each record's addresses name it by (/events/<slug>/files/, /seizures/<pk>/files/, …).
ADDRESS_KEYS = {"event": "slug", "seizure": "pk", "project": "code", "article": "slug"}


def record_field_of(record) -> str | None:
    """The attachment's field that names ``record`` (``event``, …), or None for any other."""
    return next((name for name, model in PARENT_MODELS.items() if isinstance(record, model)),
                None)


def files_url(record) -> str:
    """The page of ``record``'s files (``attachments:<field>_files``)."""
    field = record_field_of(record)
    return reverse(f"attachments:{field}_files", args=[getattr(record, ADDRESS_KEYS[field])])


class AttachmentQuerySet(DemoQuerySetMixin, models.QuerySet):
    def visible_to(self, user):
        """What ``user`` may read: demo files for demo accounts only; private files for those
        who may see private files; the record's own visibility is the caller's (each page
        lists the files of a record it already shows)."""
        rows = super().visible_to(user)
        if not can_see_private_files(user):
            rows = rows.filter(visibility=Attachment.Visibility.PUBLIC)
        return rows


def can_see_private_files(user) -> bool:
    """Officers and admins: the files marked for officers and admins only."""
    return bool(user and user.is_authenticated and user.has_perm("attachments.view_attachment"))


class Attachment(models.Model):
    class Kind(models.TextChoices):
        AGENDA = "agenda", _("Agenda")
        ATTENDANCE_SHEET = "attendance_sheet", _("Attendance sheet")
        PRESENTATION = "presentation", _("Presentation")
        REPORT = "report", _("Report")
        PHOTO = "photo", _("Photo")
        EVIDENCE = "evidence", _("Seizure evidence")
        OTHER = "other", _("Other")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        STAFF = "staff", _("Officers and admins only")

    # Signatures and personal data; evidence of a case: never published.
    NEVER_PUBLIC = frozenset({Kind.ATTENDANCE_SHEET, Kind.EVIDENCE})

    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments",
        verbose_name=_("event"),
    )
    seizure = models.ForeignKey(
        Seizure, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments",
        verbose_name=_("seizure"),
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments",
        verbose_name=_("project"),
    )
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments",
        verbose_name=_("article"),
    )
    title = models.CharField(max_length=200, verbose_name=_("title"))
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.STAFF,
        verbose_name=_("visibility"),
        help_text=_("Public files are shown to everyone who can see the record; attendance "
                    "sheets and seizure evidence are never public."),
    )
    alt_text = models.CharField(
        max_length=300, blank=True, verbose_name=_("alternative text"),
        help_text=_("What the photo shows, for people who cannot see it."),
    )
    caption = models.CharField(max_length=500, blank=True, verbose_name=_("caption"))
    credit = models.CharField(
        max_length=200, blank=True, verbose_name=pgettext_lazy("photo credit", "credit"),
    )
    consent = models.TextField(
        blank=True, verbose_name=_("consent of the people shown"),
        help_text=_("How the people shown agreed to the photo's publication (who asked, when, "
                    "how). Required to make a photo public."),
    )
    # The stored file (attachments.storage): generated keys, never the uploader's path.
    file_key = models.CharField(max_length=200, unique=True, editable=False,
                                verbose_name=_("stored file"))
    thumbnail_key = models.CharField(max_length=200, blank=True, editable=False,
                                     verbose_name=_("stored thumbnail"))
    # The public copies, while published; empty otherwise.
    public_key = models.CharField(max_length=200, blank=True, editable=False,
                                  verbose_name=_("public copy"))
    public_thumbnail_key = models.CharField(max_length=200, blank=True, editable=False,
                                            verbose_name=_("public thumbnail"))
    display_name = models.CharField(max_length=200, editable=False,
                                    verbose_name=_("file name"))
    mime_type = models.CharField(max_length=100, editable=False, verbose_name=_("file type"))
    extension = models.CharField(max_length=10, editable=False, verbose_name=_("extension"))
    size = models.PositiveBigIntegerField(editable=False, verbose_name=_("size in bytes"))
    width = models.PositiveIntegerField(null=True, blank=True, editable=False,
                                        verbose_name=_("width"))
    height = models.PositiveIntegerField(null=True, blank=True, editable=False,
                                         verbose_name=_("height"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False, verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("uploaded at"))
    is_demo = demo_flag()
    version = record_version()

    objects = AttachmentQuerySet.as_manager()
    # History is registered in attachments/translation.py, after the translation columns.

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(event__isnull=False, seizure__isnull=True, project__isnull=True,
                      article__isnull=True)
                    | Q(event__isnull=True, seizure__isnull=False, project__isnull=True,
                        article__isnull=True)
                    | Q(event__isnull=True, seizure__isnull=True, project__isnull=False,
                        article__isnull=True)
                    | Q(event__isnull=True, seizure__isnull=True, project__isnull=True,
                        article__isnull=False)
                ),
                name="attachments_one_record",
                violation_error_message=_("An attachment belongs to exactly one record."),
            ),
            models.CheckConstraint(
                condition=~Q(visibility="public", kind__in=["attendance_sheet", "evidence"]),
                name="attachments_never_public_kinds",
                violation_error_message=_(
                    "Attendance sheets and seizure evidence are never public."),
            ),
            models.CheckConstraint(
                condition=~Q(visibility="public", kind="photo", consent=""),
                name="attachments_public_photo_consent",
                violation_error_message=_(
                    "A photo can be public only with a statement that the people shown agreed."),
            ),
            models.CheckConstraint(
                condition=Q(public_key="") | Q(visibility="public"),
                name="attachments_public_copy_only_public",
                violation_error_message=_("Only a public file has a public copy."),
            ),
        ]

    def __str__(self):
        return self.title

    # ----------------------------------------------------------------------------------------
    @property
    def record(self):
        """The event, seizure, project or article the file belongs to."""
        for field in PARENT_MODELS:
            if getattr(self, f"{field}_id") is not None:
                return getattr(self, field)
        return None

    @property
    def record_field(self) -> str | None:
        return next((f for f in PARENT_MODELS if getattr(self, f"{f}_id") is not None), None)

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    def clean(self):
        errors = {}
        if self.kind == self.Kind.EVIDENCE and self.record_field not in (None, "seizure"):
            errors["kind"] = _("Seizure evidence belongs to a seizure.")
        if self.is_public and self.kind in self.NEVER_PUBLIC:
            errors["visibility"] = _("Attendance sheets and seizure evidence are never public.")
        elif self.is_public and self.kind == self.Kind.PHOTO and not self.consent.strip():
            errors["consent"] = _(
                "A photo can be public only with a statement that the people shown agreed.")
        if self.kind == self.Kind.PHOTO and self.mime_type and not self.is_image:
            errors["kind"] = _("A photo must be an image (JPEG, PNG or WebP).")
        if errors:
            raise ValidationError(errors)

    def readable_by(self, user) -> bool:
        """May ``user`` open this file? Its record visible to them, the file itself visible to
        them (public, or they see private files), and demo files for demo accounts only."""
        if self.is_demo and not is_demo_user(user):
            return False
        if not self.is_public and not can_see_private_files(user):
            return False
        return record_visible_to(self.record, user)


def record_visible_to(record, user) -> bool:
    """Is ``record`` (event, seizure, project or article) shown to ``user``? The record's own
    rule: demo records for demo accounts, draft articles for those who may edit articles."""
    if record is None:
        return False
    manager = type(record)._default_manager
    return manager.visible_to(user).filter(pk=record.pk).exists()


def record_visible_to_visitors(record) -> bool:
    """Is ``record`` shown to a visitor (what decides whether its public files are published)?
    Read from the record itself, without a query."""
    if getattr(record, "is_demo", False):
        return False
    if isinstance(record, Article):
        return record.status == Article.Status.PUBLISHED
    return record is not None
