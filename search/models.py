"""The search index: one document per searchable record and language.

A document names its record by ``kind`` and ``object_id`` rather than by a content type or one
foreign key per model: the kind is what the page shows and filters on (``?type=event``), it
reads the same in every database (content type ids differ between databases, and the index is
rebuilt, not backed up), and a page of results costs no content-type look-up. One table for
every kind gives one GIN index and one ranked query across kinds; a foreign key per model would
add seven nullable columns for the same. Deleted records leave with their document
(``search.index``: ``post_delete``), and ``rebuild_search_index`` repairs any drift.

Visibility is not copied here: ``SearchDocumentQuerySet.visible_to`` asks each model's own
``visible_to(user)`` (drafts, demo records), so publishing an article or flagging a record
needs no re-indexing.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _


class PostgresOnlyGinIndex(GinIndex):
    """The GIN index of the search vector on PostgreSQL. SQLite has no GIN and no search vector
    (it searches the folded text with ``LIKE``): there the index is a plain one on a column that
    stays empty, as ``NullsLastIndex`` degrades on SQLite."""

    def _plain(self):
        return models.Index(fields=self.fields, name=self.name)

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return self._plain().create_sql(model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)


class SearchDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The documents whose record ``user`` may see: for each kind, the record's
        ``Model.objects.visible_to(user)`` (all of a kind where the rule hides nothing)."""
        from search.documents import SOURCES

        conditions = Q()
        for source in SOURCES.values():
            visible = source.visible_to(user)
            if visible.query.has_filters():
                # Correlated: one primary-key look-up per document found, never a pass over
                # the whole visible table.
                conditions |= Q(
                    Exists(visible.filter(pk=OuterRef("object_id"))), kind=source.kind,
                )
            else:
                conditions |= Q(kind=source.kind)
        return self.filter(conditions)


class SearchDocument(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        PROJECT = "project", _("Project")
        EVENT = "event", _("Event")
        ORGANISATION = "organisation", _("Organisation")
        PERSON = "person", _("Person")
        SEIZURE = "seizure", _("Seizure")
        DONOR = "donor", _("Donor")

    class Language(models.TextChoices):
        # A Russian document per record can be added beside the English one
        # (search.query.TEXT_SEARCH_CONFIGS names the PostgreSQL configuration of each).
        ENGLISH = "en", _("English")
        RUSSIAN = "ru", _("Russian")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(verbose_name=_("object id"))
    language = models.CharField(
        max_length=5, choices=Language.choices, default=Language.ENGLISH,
        verbose_name=_("language"),
    )
    title = models.CharField(max_length=500, verbose_name=_("title"))
    # Names, places, acronyms, codes, topics: ranked below the title, above the body.
    names = models.TextField(blank=True, verbose_name=_("names"))
    body = models.TextField(blank=True, verbose_name=_("body"))
    # The title and names transliterated to Latin and lower-cased (anyascii): "Алматы" and
    # "ALMATY" are both "almaty" here and in the query.
    folded = models.TextField(blank=True, verbose_name=_("folded"))
    url = models.CharField(max_length=300, verbose_name=_("url"))
    # PostgreSQL only (filled by search.index): title A, names B, body C.
    vector = SearchVectorField(null=True, editable=False, verbose_name=_("vector"))

    objects = SearchDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "language"], name="search_document_unique_record",
            ),
        ]
        indexes = [
            # the search page: full-text match on PostgreSQL
            PostgresOnlyGinIndex(fields=["vector"], name="search_document_vector_idx"),
        ]

    def __str__(self):
        return self.title
