"""The erasure record: who erased which participant's personal data, when, and the attendance
sheets that may still show the person (README, "Privacy", "Erasure"). It holds register
numbers, never the erased values; nobody adds, changes or deletes it by hand."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class SheetState(models.TextChoices):
    """What became of an attendance sheet listed on an erasure, read when shown."""

    TO_HANDLE = "to_handle", _("Still to redact or remove")
    REPLACED = "replaced", _("Replaced after the erasure")
    REMOVED = "removed", _("Removed")


@dataclass
class Sheet:
    """One attendance sheet of an erasure, with its state now."""

    attachment_id: int
    title: str
    event_id: int | None
    event_title: str
    state: str
    attachment: object | None  # the attachment, when it still exists

    @property
    def state_label(self) -> str:
        return SheetState(self.state).label

    @property
    def handled(self) -> bool:
        return self.state != SheetState.TO_HANDLE


class Erasure(models.Model):
    """One participant's personal data erased by an admin. The participant record stays, as
    "Erased participant No. N"; this row is the log of the erasure (who, when, which record),
    and lists the attendance sheets found on the person's events, which an admin redacts
    (replaces) or removes by hand."""

    participant = models.PositiveIntegerField(
        unique=True, verbose_name=_("participant number"),
        help_text=_("The register number of the erased record (the record stays)."),
    )
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("erased by"),
    )
    erased_by_username = models.CharField(
        max_length=150, blank=True, verbose_name=_("erased by (user name)"),
        help_text=_("Kept when the account is deleted; empty for an erasure replayed from the "
                    "journal."),
    )
    erased_at = models.DateTimeField(verbose_name=_("erased at"))
    # [{"id": attachment id, "event": event id, "event_title": ..., "title": ...,
    #   "file_key": the stored file at erasure time}] — generated keys and titles, no person's
    # data (a sheet's title naming the person is listed in the README as out of scope).
    sheets = models.JSONField(
        default=list, blank=True, verbose_name=_("attendance sheets found"),
        help_text=_("The attendance sheets of the events the person attended, at erasure "
                    "time."),
    )

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-erased_at", "-id"]

    def __str__(self):
        return gettext("Erasure of participant No. %(number)s") % {"number": self.participant}

    def get_absolute_url(self):
        return reverse("personaldata:erasure_detail", args=[self.pk])

    def sheet_states(self) -> list[Sheet]:
        """Each sheet listed at erasure time with its state now: removed (the attachment is
        gone), replaced (its stored file is no longer the one it had at erasure time: an admin
        uploaded a redacted copy) or still to handle. One query."""
        from attachments.models import Attachment

        current = Attachment.objects.in_bulk([sheet["id"] for sheet in self.sheets])
        shown = []
        for sheet in self.sheets:
            attachment = current.get(sheet["id"])
            if attachment is None:
                state = SheetState.REMOVED
            elif attachment.file_key != sheet.get("file_key"):
                state = SheetState.REPLACED
            else:
                state = SheetState.TO_HANDLE
            shown.append(Sheet(
                attachment_id=sheet["id"], title=sheet.get("title", ""),
                event_id=sheet.get("event"), event_title=sheet.get("event_title", ""),
                state=state, attachment=attachment,
            ))
        return shown
