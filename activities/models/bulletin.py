"""The office's bulletins and their articles, cross-linked to the record."""


from django.db import models
from django.urls import reverse

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
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    period_wording = models.CharField(max_length=120, blank=True)
    published_on = models.DateField(null=True, blank=True)
    source_file = models.CharField(
        max_length=200, blank=True, help_text="The source text kept under fixtures/source/."
    )

    class Meta:
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
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Section(models.TextChoices):
        HIGH_LEVEL_VISIT = "high_level_visit", "High Level Visit"
        WORKSHOP = "workshop", "Workshop"
        WORKSHOPS = "workshops", "Workshops"
        CONFERENCE = "conference", "Conference"
        IN_THE_FIELD = "in_the_field", "In the Field"
        PROJECT_ACTIVITY = "project_activity", "Project Activity"
        TRAINING_COURSE = "training_course", "Training Course"
        DRUG_USE_PREVENTION = "drug_use_prevention", "Drug Use Prevention"

    bulletin = models.ForeignKey(Bulletin, on_delete=models.PROTECT, related_name="articles")
    position = models.PositiveSmallIntegerField(help_text="Order within the bulletin.")
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    kicker = models.CharField(max_length=300, blank=True, help_text="A secondary headline.")
    section = models.CharField(max_length=30, choices=Section.choices, blank=True)
    section_detail = models.CharField(
        max_length=120, blank=True, help_text='The rest of the label, e.g. "Turkmenistan".'
    )
    place = models.CharField(max_length=200, blank=True)
    body = models.TextField(help_text="Paragraphs separated by a blank line.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    projects = models.ManyToManyField(Project, blank=True, related_name="articles")
    events = models.ManyToManyField(Event, blank=True, related_name="articles")
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="articles")
    people = models.ManyToManyField(Person, blank=True, related_name="articles")
    seizures = models.ManyToManyField(Seizure, blank=True, related_name="articles")
    countries = models.ManyToManyField(Country, blank=True, related_name="articles")

    objects = ArticleQuerySet.as_manager()

    class Meta(ReportedPeriod.Meta):
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
