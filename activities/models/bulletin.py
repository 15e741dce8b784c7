"""The office's bulletins and their articles, cross-linked to the record."""


from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activities.models.events import Event
from activities.models.projects import Project
from activities.models.reference import Country, Organisation, Person
from activities.models.seizures import Seizure
from unodc_portal.core.records import (
    NaturalKeyModel,
    NaturalKeyQuerySet,
    ReportedPeriod,
    not_before,
)


class Bulletin(NaturalKeyModel):
    slug = models.SlugField(max_length=80, unique=True, verbose_name=_("slug"))
    title = models.CharField(max_length=200, verbose_name=_("title"))
    period_start = models.DateField(null=True, blank=True, verbose_name=_("period start"))
    period_end = models.DateField(null=True, blank=True, verbose_name=_("period end"))
    period_wording = models.CharField(max_length=120, blank=True, verbose_name=_("period wording"))
    published_on = models.DateField(null=True, blank=True, verbose_name=_("published on"))
    source_file = models.CharField(
        max_length=200, blank=True, help_text=_("The source text kept under fixtures/source/."),
        verbose_name=_("source file"),
    )

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
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
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Section(models.TextChoices):
        HIGH_LEVEL_VISIT = "high_level_visit", _("High Level Visit")
        WORKSHOP = "workshop", _("Workshop")
        WORKSHOPS = "workshops", _("Workshops")
        CONFERENCE = "conference", _("Conference")
        IN_THE_FIELD = "in_the_field", _("In the Field")
        PROJECT_ACTIVITY = "project_activity", _("Project Activity")
        TRAINING_COURSE = "training_course", _("Training Course")
        DRUG_USE_PREVENTION = "drug_use_prevention", _("Drug Use Prevention")

    bulletin = models.ForeignKey(
        Bulletin, on_delete=models.PROTECT, related_name="articles",
        verbose_name=_("bulletin"),
    )
    position = models.PositiveSmallIntegerField(
        help_text=_("Order within the bulletin."),
        verbose_name=pgettext_lazy("order in a list", "position"),
    )
    slug = models.SlugField(max_length=100, unique=True, verbose_name=_("slug"))
    title = models.CharField(max_length=300, verbose_name=_("title"))
    kicker = models.CharField(
        max_length=300, blank=True, help_text=_("A secondary headline."),
        verbose_name=_("kicker"),
    )
    section = models.CharField(
        max_length=30, choices=Section.choices, blank=True,
        verbose_name=_("section"),
    )
    section_detail = models.CharField(
        max_length=120, blank=True, help_text=_('The rest of the label, e.g. "Turkmenistan".'),
        verbose_name=_("section detail"),
    )
    place = models.CharField(max_length=200, blank=True, verbose_name=_("place"))
    body = models.TextField(
        help_text=_("Paragraphs separated by a blank line."),
        verbose_name=_("body"),
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT,
        verbose_name=_("status"),
    )
    projects = models.ManyToManyField(
        Project, blank=True, related_name="articles",
        verbose_name=_("projects"),
    )
    events = models.ManyToManyField(
        Event, blank=True, related_name="articles",
        verbose_name=_("events"),
    )
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="articles",
        verbose_name=_("organisations"),
    )
    people = models.ManyToManyField(
        Person, blank=True, related_name="articles",
        verbose_name=_("people"),
    )
    seizures = models.ManyToManyField(
        Seizure, blank=True, related_name="articles",
        verbose_name=_("seizures"),
    )
    countries = models.ManyToManyField(
        Country, blank=True, related_name="articles",
        verbose_name=_("countries"),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta(ReportedPeriod.Meta):
        verbose_name = _("article")
        verbose_name_plural = _("articles")
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
