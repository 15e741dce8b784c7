"""Who saw which participants' personal data, when and from where (README, "Personal data").

One ``AccessEntry`` per response (page, admin page, API answer, export, download) or command
(backup, subject-access file) that contained a participant's name, e-mail, phone or position,
and one ``AccessedRecord`` per participant in it. Only register numbers are kept, never the
data, so that the log itself holds nothing an erasure would have to reach. Nobody adds, changes
or deletes entries through any page; only ``apply_retention`` deletes those older than their
period."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessEntry(models.Model):
    at = models.DateTimeField(default=timezone.now, verbose_name=_("when"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("user"),
    )
    username = models.CharField(
        max_length=150, blank=True,
        help_text=_("The account's name at the time, kept when the account is deleted."),
        verbose_name=_("user name"),
    )
    what = models.CharField(
        max_length=120,
        help_text=_("The page, API answer, export or command (its URL name or command name)."),
        verbose_name=_("what"),
    )
    method = models.CharField(max_length=10, blank=True, verbose_name=_("method"))
    path = models.CharField(
        max_length=500, blank=True,
        help_text=_("The address without its query string (a search text may be a name)."),
        verbose_name=_("address"),
    )
    ip = models.GenericIPAddressField(null=True, blank=True, verbose_name=_("from address"))
    records = models.TextField(
        blank=True, help_text=_("Participant register numbers, runs written as ranges (1-3, 7)."),
        verbose_name=_("participants"),
    )
    record_count = models.PositiveIntegerField(default=0, verbose_name=_("number of participants"))

    class Meta:
        verbose_name = _("personal-data access")
        verbose_name_plural = _("personal-data access log")
        ordering = ["-at", "-id"]
        indexes = [
            # admin: the newest first; retention: entries older than their period
            models.Index(fields=["at"], name="accesslog_entry_at_idx"),
            # admin: one user's accesses
            models.Index(fields=["user", "at"], name="accesslog_entry_user_idx"),
            # admin: every access through one page or command ("what")
            models.Index(fields=["what", "at"], name="accesslog_entry_what_idx"),
        ]

    def __str__(self):
        return f"{self.username or '-'} · {self.what} · {self.at:%Y-%m-%d %H:%M}"


class AccessedRecord(models.Model):
    """One participant in one access: who looked at register number N, and when."""

    entry = models.ForeignKey(
        AccessEntry, on_delete=models.CASCADE, related_name="accessed",
        verbose_name=_("access"),
    )
    participant = models.PositiveBigIntegerField(
        help_text=_("The register number; no link, so that it outlives a merge."),
        verbose_name=_("participant number"),
    )

    class Meta:
        verbose_name = _("participant accessed")
        verbose_name_plural = _("participants accessed")
        indexes = [
            # admin: every access to participant N
            models.Index(fields=["participant", "entry"], name="accesslog_record_idx"),
        ]

    def __str__(self):
        return f"No. {self.participant}"
