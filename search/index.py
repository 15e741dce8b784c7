"""Keeping the search index equal to the records.

- A record saved or deleted (``post_save``, ``post_delete``) has its document written or
  removed after the transaction commits (never for a transaction rolled back); a record whose
  name other documents carry (``Source.depends_on``: an organisation, a substance) re-indexes
  those documents too.
- Fixtures loaded raw (``loaddata``) and rows written in bulk send no such signal: the commands
  that write in bulk (``load_fixtures``, ``seed_demo``, ``seed_scale``, ``remove_demo``,
  ``restore``) call ``rebuild()`` at their end, as does ``rebuild_search_index``.
- ``migrate`` fills the index where it has never been built (``fill_after_migrate``).

Each record has its English document and, where it has Russian content, a Russian one
(search/documents.py); a record whose Russian content is gone loses its Russian document.

On PostgreSQL the documents' search vector is computed in the database, in one ``UPDATE`` per
batch: title weight A, names B (in the language's configuration and, folded to Latin, in
``simple``), body C.
"""

from functools import partial

from django.contrib.postgres.search import SearchVector
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models.signals import post_delete, post_save

from search.documents import SOURCE_BY_MODEL, SOURCES, Source, documents
from search.models import SearchDocument
from search.query import TEXT_SEARCH_CONFIGS
from unodc_portal.core.pagecache import invalidate

BATCH_SIZE = 2000
UPDATED_FIELDS = ["title", "names", "body", "folded", "url"]


def vector(config: str):
    return (
        SearchVector("title", config=config, weight="A")
        + SearchVector("names", config=config, weight="B")
        + SearchVector("folded", config="simple", weight="B")
        + SearchVector("body", config=config, weight="C")
    )


def _write(source: Source, records) -> None:
    """Write the documents of ``records`` (one batch), and their vectors on PostgreSQL; remove
    the Russian documents of those that no longer have Russian content."""
    written_documents = [d for record in records for d in documents(source, record)]
    if not written_documents:
        return
    ids = [record.pk for record in records]
    SearchDocument.objects.filter(kind=source.kind, object_id__in=ids).exclude(
        language=SearchDocument.Language.ENGLISH
    ).exclude(
        language=SearchDocument.Language.RUSSIAN,
        object_id__in=[d.object_id for d in written_documents
                       if d.language == SearchDocument.Language.RUSSIAN],
    ).delete()
    SearchDocument.objects.bulk_create(
        written_documents, update_conflicts=True,
        unique_fields=["kind", "object_id", "language"], update_fields=UPDATED_FIELDS,
    )
    if connection.vendor == "postgresql":
        written = SearchDocument.objects.filter(kind=source.kind, object_id__in=ids)
        for language, config in TEXT_SEARCH_CONFIGS.items():
            written.filter(language=language).update(vector=vector(config))


def index_rows(source: Source, rows) -> int:
    """Write the documents of ``rows`` (a queryset of ``source``'s model), in batches."""
    batch, written = [], 0
    for record in rows.select_related(*source.related).iterator(chunk_size=BATCH_SIZE):
        batch.append(record)
        if len(batch) == BATCH_SIZE:
            _write(source, batch)
            written, batch = written + len(batch), []
    _write(source, batch)
    return written + len(batch)


def refresh(source: Source, pks) -> None:
    """Write or remove the documents of ``source``'s records ``pks`` as they now are."""
    pks = list(pks)
    rows = source.model._default_manager.filter(pk__in=pks)
    found = set(rows.values_list("pk", flat=True))
    SearchDocument.objects.filter(
        kind=source.kind, object_id__in=[pk for pk in pks if pk not in found]
    ).delete()
    index_rows(source, rows)


def refresh_dependents(model, pk) -> None:
    """Re-index the documents that carry the name of ``model``'s record ``pk``."""
    for source in SOURCES.values():
        lookup = source.depends_on.get(model)
        if lookup:
            index_rows(source, source.model._default_manager.filter(**{lookup: pk}))


def rebuild() -> dict[str, int]:
    """Write every document again and remove those whose record is gone; returns the number
    of documents per kind."""
    counts = {}
    with transaction.atomic():
        for source in SOURCES.values():
            SearchDocument.objects.filter(kind=source.kind).exclude(
                object_id__in=source.model._default_manager.values("pk")
            ).delete()
            counts[source.kind] = index_rows(source, source.rows())
        if connection.vendor == "postgresql":
            # Statistics for the planner now, not when autovacuum comes by: without them it
            # read every document of every kind instead of the GIN index (223 ms, then 31 ms,
            # for one search at a million participations).
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {SearchDocument._meta.db_table}")
    invalidate()  # documents were written in bulk: no signals
    return counts


# --------------------------------------------------------------------------------------------
# Signals
# --------------------------------------------------------------------------------------------
def record_changed(sender, instance, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
    if raw or using != DEFAULT_DB_ALIAS:
        return  # fixtures loaded raw: the loading command rebuilds the index
    source = SOURCE_BY_MODEL.get(sender)
    if source is not None:
        transaction.on_commit(partial(refresh, source, [instance.pk]), using=using)


def dependency_changed(sender, instance, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
    if raw or using != DEFAULT_DB_ALIAS or kwargs.get("created"):
        return  # a new organisation or substance is named by no document yet
    transaction.on_commit(partial(refresh_dependents, sender, instance.pk), using=using)


def connect_signals() -> None:
    for model in SOURCE_BY_MODEL:
        uid = f"search-{model._meta.label_lower}"
        post_save.connect(record_changed, sender=model, dispatch_uid=f"{uid}-saved")
        post_delete.connect(record_changed, sender=model, dispatch_uid=f"{uid}-deleted")
    for model in {model for s in SOURCES.values() for model in s.depends_on}:
        post_save.connect(dependency_changed, sender=model,
                          dispatch_uid=f"search-{model._meta.label_lower}-names")


def fill_after_migrate(using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """After ``migrate``: where the index has never been built (the migration that made its
    table leaves it empty) and records exist, build it. Costs one look-up per kind after."""
    if using != DEFAULT_DB_ALIAS:
        return
    if SearchDocument._meta.db_table not in connection.introspection.table_names():
        return
    if SearchDocument.objects.exists():
        return
    if any(source.model._default_manager.exists() for source in SOURCES.values()):
        rebuild()
