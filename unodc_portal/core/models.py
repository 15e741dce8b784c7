"""The portal's own tables: counters of attempts, shared by every worker and server, and the
marker of a database that holds synthetic data (seed_scale)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Throttle(models.Model):
    """How many attempts of one kind (``scope``) one key made in the current window: password
    reset requests per address and per client, failed old-password checks per user and client.
    The key is stored as a keyed hash (``unodc_portal.core.throttle``), never as the address."""

    scope = models.CharField(max_length=40, verbose_name=_("scope"))
    key = models.CharField(
        max_length=64, help_text=_("HMAC-SHA256 of the key, hex."),
        verbose_name=_("key"),
    )
    window_start = models.DateTimeField(verbose_name=_("window start"))
    count = models.PositiveIntegerField(default=0, verbose_name=_("count"))

    class Meta:
        verbose_name = _("throttle")
        verbose_name_plural = _("throttles")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="unodc_portal_throttle_unique"),
        ]
        indexes = [
            # expired counters are removed by age
            models.Index(fields=["window_start"], name="unodc_portal_throttle_age_idx"),
        ]

    def __str__(self):
        return f"{self.scope}: {self.count} since {self.window_start:%Y-%m-%d %H:%M}"


class SyntheticData(models.Model):
    """One run of ``manage.py seed_scale``: its row marks the database as holding synthetic
    data at programme scale. ``make serve`` refuses such a database unless told explicitly
    (``manage.py serve_guard``), and ``seed_scale`` refuses any database holding records that
    are neither the bulletin's nor its own."""

    seed = models.BigIntegerField(verbose_name=_("seed"))
    sizes = models.JSONField(
        default=dict, help_text=_("Records made, per kind."),
        verbose_name=_("sizes"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("synthetic data")
        ordering = ["id"]
        verbose_name_plural = _("synthetic data runs")

    def __str__(self):
        return f"Synthetic data run {self.pk} (seed {self.seed})"
