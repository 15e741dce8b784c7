"""Backup and restore: one dated, database-independent JSON file of everything the portal holds,
history included.

Rows keep their primary keys, so history rows, audit logs and links survive exactly; only content
types and permissions — whose keys differ between databases — are referred to by natural key.
The file is ordinary Django serialized JSON (gzip-compressed), so ``loaddata`` reads it too.

A backup holds participants' personal data, password hashes and API tokens: the file is written
readable by its owner only (0600), and a directory made for it is too (0700).
"""

import datetime
import gzip
import json
import os
from collections import Counter
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer
from django.db import DEFAULT_DB_ALIAS, connections, transaction

# Rebuilt by migrate on any database (or transient); everything else is backed up.
NOT_BACKED_UP = {
    "contenttypes.contenttype", "auth.permission", "sessions.session",
    "unodc_portal.core.throttle",  # counters of recent attempts, like sessions
    # Stored participant summaries: derived from the rows, rebuilt by restore.
    "activities.eventfigure", "activities.registercell", "activities.registertotal",
    "activities.projectcell", "activities.projecttotal",
    "search.searchdocument",  # the search index: derived from the records, rebuilt by restore
}
NATURAL_KEY_TARGETS = (ContentType, Permission)


class PortableSerializer(JSONSerializer):
    """JSON with primary keys, except that content types and permissions are referred to by
    natural key (they are numbered differently in every database)."""

    def _natural_for(self, field):
        self.use_natural_foreign_keys = issubclass(field.remote_field.model, NATURAL_KEY_TARGETS)

    def handle_fk_field(self, obj, field):
        self._natural_for(field)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self._natural_for(field)
        super().handle_m2m_field(obj, field)


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (Django's cuts them to milliseconds,
    so a restored history date would differ from the one backed up)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def backed_up_models():
    return [
        model
        for model in apps.get_models(include_auto_created=False)
        if model._meta.label_lower not in NOT_BACKED_UP
        and not model._meta.proxy
        and model._meta.managed
    ]


FILE_MODE = 0o600
DIRECTORY_MODE = 0o700


def private_directory(directory: Path, *, ours: bool = False) -> Path:
    """Make ``directory`` (and missing parents) readable by its owner only. An existing
    directory is narrowed only when ``ours`` (the portal's own backups/), never one the caller
    named that may be shared (/tmp)."""
    missing = []
    parent = directory
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    directory.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
    for made in [*missing, *([directory] if ours else [])]:
        made.chmod(DIRECTORY_MODE)  # mkdir's mode is narrowed by the umask, not widened
    return directory


def private_file(path: Path):
    """``path`` opened for binary writing, created (or truncated) with mode 0600 — set before
    a byte is written, whatever the umask."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(descriptor, FILE_MODE)
    except BaseException:
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "wb")


def default_path(directory: Path) -> Path:
    return directory / f"portal-backup-{datetime.datetime.now():%Y%m%d-%H%M%S}.json.gz"


def backup_write(path: Path) -> Counter:
    """Write every row of every model to ``path``, streaming; return the row count per model."""
    counts: Counter = Counter()

    def rows():
        for model in backed_up_models():
            for obj in model._base_manager.order_by("pk").iterator(chunk_size=2000):
                counts[model._meta.label] += 1
                yield obj

    private_directory(path.parent)
    with (
        transaction.atomic(),
        private_file(path) as raw,
        gzip.open(raw, "wt", encoding="utf-8") as out,
    ):
        PortableSerializer().serialize(rows(), stream=out, indent=1, cls=ExactJSONEncoder)
    return counts


class RestoreError(Exception):
    pass


def database_is_empty(using=DEFAULT_DB_ALIAS) -> bool:
    """True when no model holds rows, apart from what migrate creates."""
    migrate_made = {"auth.group"}
    return not any(
        model._base_manager.using(using).exists()
        for model in backed_up_models()
        if model._meta.label_lower not in migrate_made
    )


def backup_restore(path: Path, using=DEFAULT_DB_ALIAS) -> int:
    """Load a backup into an empty, migrated database (SQLite or PostgreSQL)."""
    if not path.is_file():
        raise RestoreError(f"No such backup file: {path}")
    if not database_is_empty(using):
        raise RestoreError(
            "The database is not empty: restore only into a freshly migrated database "
            "(nothing was changed)."
        )
    try:
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            records = json.load(stream)
    except (OSError, ValueError) as exc:
        raise RestoreError(f"{path} is not a portal backup: {exc}") from exc
    with transaction.atomic(using=using):
        # The groups made by migrate are in the backup with their own keys: replace them.
        apps.get_model("auth", "Group")._base_manager.using(using).all().delete()
        objects = serializers.deserialize("python", records, using=using)
        with connections[using].constraint_checks_disabled():
            loaded = 0
            models = set()
            for obj in objects:
                obj.save(using=using)
                models.add(type(obj.object))
                loaded += 1
        connections[using].check_constraints()
        # PostgreSQL: move the id sequences past the restored keys.
        sequence_sql = connections[using].ops.sequence_reset_sql(no_style(), list(models))
        if sequence_sql:
            with connections[using].cursor() as cursor:
                for sql in sequence_sql:
                    cursor.execute(sql)
    return loaded

