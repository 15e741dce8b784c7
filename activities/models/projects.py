"""Projects, programmes, operations and initiatives."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from activities.models.reference import Country, Organisation, Theme
from unodc_portal.core.records import (
    END_BEFORE_START,
    DemoQuerySetMixin,
    NaturalKeyModel,
    NaturalKeyQuerySet,
    demo_flag,
    not_before,
)
from unodc_portal.core.validators import validate_currency


class ProjectQuerySet(DemoQuerySetMixin, NaturalKeyQuerySet):
    pass


class Project(NaturalKeyModel):
    """A project, programme, operation or initiative, keyed by its code."""

    class Kind(models.TextChoices):
        PROJECT = "project", _("Project")
        PROGRAMME = "programme", _("Programme")
        OPERATION = "operation", _("Operation")
        INITIATIVE = "initiative", _("Initiative")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")
        NOT_STATED = "not_stated", _("Not stated")

    natural_key_fields = ("code",)

    code = models.CharField(
        max_length=40, unique=True,
        help_text=_("Official code (KGZK50) or a stable readable code (TARCET)."),
        verbose_name=_("code"),
    )
    title = models.CharField(max_length=300, verbose_name=_("title"))
    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.PROJECT,
        verbose_name=_("kind"),
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.NOT_STATED,
        verbose_name=_("status"),
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children",
        help_text=_("The programme this project sits inside."),
        verbose_name=_("parent"),
    )
    countries = models.ManyToManyField(
        Country, blank=True, related_name="projects",
        verbose_name=_("countries"),
    )
    region = models.CharField(
        max_length=120, blank=True, help_text=_("e.g. Central Asia"),
        verbose_name=_("region"),
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="projects",
        verbose_name=_("themes"),
    )
    start_date = models.DateField(null=True, blank=True, verbose_name=_("start date"))
    end_date = models.DateField(null=True, blank=True, verbose_name=_("end date"))
    start_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Where only the year it began is stated."),
        verbose_name=_("start year"),
    )
    budget_amount = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        verbose_name=_("budget amount"),
    )
    budget_currency = models.CharField(
        max_length=3, blank=True, validators=[validate_currency],
        help_text=_("ISO 4217 code of the budget amount."),
        verbose_name=_("budget currency"),
    )
    implementers = models.ManyToManyField(
        Organisation, blank=True, related_name="implemented_projects",
        help_text=_("UNODC for its own projects; other agencies for programmes only mentioned."),
        verbose_name=_("implementers"),
    )
    beneficiaries = models.ManyToManyField(
        Organisation, blank=True, related_name="benefiting_projects",
        verbose_name=_("beneficiaries"),
    )
    description = models.TextField(blank=True, verbose_name=_("description"))
    is_demo = demo_flag()

    objects = ProjectQuerySet.as_manager()
    # History is registered in activities/translation.py, after django-modeltranslation has
    # added the English and Russian columns, so that history keeps both languages.

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
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
            errors["budget_currency"] = _("A budget amount needs its currency.")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = END_BEFORE_START
        if errors:
            raise ValidationError(errors)
