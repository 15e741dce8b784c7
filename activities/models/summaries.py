"""Stored participant summaries (``activities.summaries`` keeps them; README, "Stored
summaries"), and the guard that keeps bulk writes from bypassing it.

- ``EventFigure``: each real event's exact distinct-participant count per group (sex, country
  code, organisation id; ``''`` for not recorded), with what the event publishes for that group
  (shown, hidden, or not listed because the breakdown is withheld or the event is too small).
- ``RegisterCell`` / ``RegisterTotal``: the home page's figures, the events' published figures
  added up, kept by delta.
- ``ProjectCell`` / ``ProjectTotal``: the same added up over each project's events, by sex and
  by country (the donor pages' "Projects this donor contributes to"), kept by delta.

The guard: ``update()`` and ``bulk_create()`` on participations and participants (and an
``is_demo`` update of events) raise ``SummaryBypassed`` unless a service has opened
``activities.summaries.writing()``, which refreshes the summaries of what it wrote.
"""

import threading

from django.db import models
from django.utils.translation import gettext_lazy as _

from unodc_portal.core.records import GuardedBulkWrites


class SummaryBypassed(RuntimeError):
    """A bulk write to a summarised model outside ``activities.summaries.writing()``."""


# The writing() state of this thread: how deep, and which events wait for a refresh.
writing_state = threading.local()


def check_bulk_write(model, what: str) -> None:
    if getattr(writing_state, "depth", 0) <= 0:
        raise SummaryBypassed(
            f"{what} on {model._meta.label} bypasses the stored participant summaries: write "
            "through a service, inside activities.summaries.writing(), which refreshes them."
        )


class GuardedQuerySetMixin(GuardedBulkWrites):
    """``update()`` / ``bulk_create()`` only inside ``summaries.writing()``; ``guarded_fields``
    (None: all) names the fields whose update is guarded, ``guard_bulk_create`` whether new
    rows are."""

    def check_bulk_write(self, what: str) -> None:
        check_bulk_write(self.model, what)


class Dimension(models.TextChoices):
    SEX = "sex", _("By sex")
    COUNTRY = "country", _("By country")
    ORGANISATION = "organisation", _("By agency")


class EventFigure(models.Model):
    """One group of one real event's participants: the exact count of distinct people and
    what the event's page publishes for it (``protect()`` on the exact counts)."""

    class Published(models.IntegerChoices):
        NOT_LISTED = 0, _("Not listed (breakdown withheld or fewer than 3 in all)")
        SHOWN = 1, _("Shown")
        HIDDEN = 2, _("Fewer than 3 or not shown")

    # No constraint and no cascade: a deleted event's rows are what its refresh subtracts.
    event = models.ForeignKey(
        "activities.Event", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
        verbose_name=_("event"),
    )
    dimension = models.CharField(
        max_length=12, choices=Dimension.choices,
        verbose_name=_("dimension"),
    )
    key = models.CharField(
        max_length=40, blank=True, verbose_name=_("key"),
        help_text=_("Sex value, country code or organisation id; '' not recorded."),
    )
    n = models.PositiveIntegerField(help_text=_("Distinct participants (exact)."),
                                    verbose_name=_("participants"))
    published = models.PositiveSmallIntegerField(
        choices=Published.choices,
        verbose_name=_("published"),
    )

    class Meta:
        verbose_name = _("event figure")
        verbose_name_plural = _("event figures")
        constraints = [
            models.UniqueConstraint(fields=["event", "dimension", "key"],
                                    name="activities_eventfigure_unique"),
        ]
        indexes = [
            # country page: one country's published figures over the events
            models.Index(fields=["dimension", "key"], name="activities_figure_group_idx"),
        ]

    def __str__(self):
        return f"event #{self.event_id} {self.dimension} {self.key or '-'}: {self.n}"


class RegisterCell(models.Model):
    """One group of a register breakdown: the sum of its shown counts over the events that list
    their groups this way, how many of them list it, and how many hide it."""

    dimension = models.CharField(
        max_length=12, choices=Dimension.choices,
        verbose_name=_("dimension"),
    )
    key = models.CharField(max_length=40, blank=True, verbose_name=_("key"))
    organisation = models.ForeignKey(
        "activities.Organisation", null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
        help_text=_("The organisation of an agency row (for its label, read with the row)."),
        verbose_name=_("organisation"),
    )
    shown_sum = models.BigIntegerField(default=0, verbose_name=_("shown sum"))
    listed_events = models.PositiveIntegerField(default=0, verbose_name=_("listed events"))
    hidden_events = models.PositiveIntegerField(default=0, verbose_name=_("hidden events"))

    class Meta:
        verbose_name = _("register cell")
        verbose_name_plural = _("register cells")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "key"],
                                    name="activities_registercell_unique"),
        ]

    def __str__(self):
        return f"{self.dimension} {self.key or '-'}: {self.shown_sum}"


class RegisterTotal(models.Model):
    """The register's totals. The row with ``dimension`` '' is the headline: ``events`` with
    registrations, ``total`` the exact registrations of events whose total is shown,
    ``left_out`` the events reading "fewer than 3". A row per breakdown: ``events`` listing
    their groups, ``total`` their totals added up, ``left_out`` events showing no breakdown."""

    dimension = models.CharField(
        max_length=12, unique=True, blank=True,
        verbose_name=_("dimension"),
    )
    events = models.PositiveIntegerField(default=0, verbose_name=_("events"))
    total = models.BigIntegerField(default=0, verbose_name=_("total"))
    left_out = models.PositiveIntegerField(default=0, verbose_name=_("left out"))

    class Meta:
        verbose_name = _("register total")
        verbose_name_plural = _("register totals")

    def __str__(self):
        return f"{self.dimension or 'headline'}: {self.total} at {self.events} events"


class ProjectCell(models.Model):
    """One group of a project's breakdown (``aggregates.registrations_by``): over the project's
    events that list their groups this way and list this one, how many (``listed_events``),
    the sum of their exact counts (``listed_sum``, which adds up to the breakdown's total), the
    sum of the shown ones (``shown_sum``) and how many hide it (``hidden_events``)."""

    project = models.ForeignKey(
        "activities.Project", on_delete=models.CASCADE, related_name="+",
        verbose_name=_("project"),
    )
    dimension = models.CharField(
        max_length=12, choices=Dimension.choices,
        verbose_name=_("dimension"),
    )
    key = models.CharField(max_length=40, blank=True, verbose_name=_("key"))
    shown_sum = models.BigIntegerField(default=0, verbose_name=_("shown sum"))
    listed_sum = models.BigIntegerField(default=0, verbose_name=_("listed sum"))
    listed_events = models.PositiveIntegerField(default=0, verbose_name=_("listed events"))
    hidden_events = models.PositiveIntegerField(default=0, verbose_name=_("hidden events"))

    class Meta:
        verbose_name = _("project cell")
        verbose_name_plural = _("project cells")
        constraints = [
            models.UniqueConstraint(fields=["project", "dimension", "key"],
                                    name="activities_projectcell_unique"),
        ]

    def __str__(self):
        return f"project #{self.project_id} {self.dimension} {self.key or '-'}: {self.shown_sum}"


class ProjectTotal(models.Model):
    """A project's breakdown: how many of its events list their groups this way (``events``)
    and how many list none (``left_out``)."""

    project = models.ForeignKey(
        "activities.Project", on_delete=models.CASCADE, related_name="+",
        verbose_name=_("project"),
    )
    dimension = models.CharField(
        max_length=12, choices=Dimension.choices,
        verbose_name=_("dimension"),
    )
    events = models.PositiveIntegerField(default=0, verbose_name=_("events"))
    left_out = models.PositiveIntegerField(default=0, verbose_name=_("left out"))

    class Meta:
        verbose_name = _("project total")
        verbose_name_plural = _("project totals")
        constraints = [
            models.UniqueConstraint(fields=["project", "dimension"],
                                    name="activities_projecttotal_unique"),
        ]

    def __str__(self):
        return f"project #{self.project_id} {self.dimension}: {self.events} events"
