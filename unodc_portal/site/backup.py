"""Backup and restore: one dated, database-independent archive of everything the portal holds —
every row, history included, and the attachments' files.

The archive is an ordinary tar file (``portal-backup-….tar``) holding, in this order:

- ``database.json.gz``: every row, as gzip-compressed Django serialized JSON (``loaddata``
  reads it too, once taken out of the archive). Rows keep their primary keys, so history rows,
  audit logs and links survive exactly; only content types and permissions — whose keys differ
  between databases — are referred to by natural key.
- ``files/<key>``: each file and thumbnail a row refers to — an attachment's, or a history
  version's that could be restored — under its storage key (``attachments.storage``), read and
  written one at a time through the storage, local disk or a bucket alike. Public copies
  (``public/…``) are not kept: a restore publishes afresh, at new addresses.
- ``erasures.jsonl``: a copy of the erasure journal (``personaldata.journal``; empty when
  there is none yet), read after the rows, so that an erasure committed while the rows were
  being read is in it.
- ``manifest.json``: the format, the database member's, the journal's and every file's size and
  SHA-256, and the keys rows named that the storage no longer held when the backup was made.

A restore reads the whole archive and checks it (every member against the manifest, every file
a row names present) before it writes anything; it needs an empty database, and an attachments'
storage with no public copy and none of the backup's files (``_check_storage``). After the
rows and files are loaded, in the same transaction, the erasures of the journal — the backup's
copy and the configured directory's file together — whose records are not erased are made again
(``personaldata.replay``); the backup's journal lines the configured file lacks are added to it;
then retention is applied (``personaldata.retention``). Backups of the earlier formats (version
2, without a journal; the gzip JSON file alone, no files) still restore, replaying the
configured journal only.

Making a backup writes an access-log entry naming every participant whose personal data it
holds (as ranges of register numbers).

A backup holds participants' personal data, password hashes, API tokens and attendance sheets:
the file is written readable by its owner only (0600), and a directory made for it is too (0700).
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import tempfile
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files import File
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from accesslog import log as access_log
from activities.models import Participant
from attachments import publishing
from attachments import storage as file_storage
from attachments.models import Attachment
from personaldata import journal, replay, retention

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

# The rows whose fields name stored files kept in a backup (public copies are made afresh).
FILE_FIELDS = {
    "attachments.attachment": ("file_key", "thumbnail_key"),
    "attachments.historicalattachment": ("file_key", "thumbnail_key"),
}
# What attachments.storage.new_file_keys makes: nothing else is read from or written to a
# storage by a backup (no "../", no absolute path, whatever a row or an archive says).
FILE_KEY = re.compile(r"files/[0-9a-f]{32}(-thumb)?\.[a-z0-9]{1,10}")

FORMAT = "unodc-portal-backup"
FORMAT_VERSION = 3  # 3: with the erasure journal
READABLE_VERSIONS = (2, 3)
DATABASE_MEMBER = "database.json.gz"
JOURNAL_MEMBER = journal.FILE_NAME
MANIFEST_MEMBER = "manifest.json"
CHUNK = 1024 * 1024


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
    return directory / f"portal-backup-{datetime.datetime.now():%Y%m%d-%H%M%S}.tar"


def file_keys(label_lower: str, fields: dict) -> list[str]:
    """The stored files a serialized row of model ``label_lower`` refers to."""
    return [fields[name] for name in FILE_FIELDS.get(label_lower, ()) if fields.get(name)]


class _Hashing:
    """A reader that keeps the SHA-256 and the count of what went through it."""

    def __init__(self, stream):
        self.stream = stream
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, n=-1):
        data = self.stream.read(n)
        self.sha256.update(data)
        self.size += len(data)
        return data

    def drain(self):
        while self.read(CHUNK):
            pass
        return self


def _member(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = FILE_MODE
    info.mtime = int(time.time())
    return info


@contextmanager
def _stored(store, key: str):
    """(size, a stream of the bytes) of a stored file, read in chunks. In a bucket, the
    object's body straight from the server: django-storages' own file would first download the
    whole object into memory (``AWS_S3_MAX_MEMORY_SIZE`` is 0 by default)."""
    if not store.exists(key):
        raise FileNotFoundError(key)
    with store.open(key, "rb") as opened:
        remote = getattr(opened, "obj", None)  # S3File: the boto3 object, already loaded
        if remote is None:
            yield store.size(key), opened
            return
        body = remote.get()["Body"]
        try:
            yield remote.content_length, body
        finally:
            body.close()


@dataclass
class BackupSummary:
    rows: Counter
    files: int = 0
    file_bytes: int = 0
    missing: list[str] = field(default_factory=list)
    participants: int = 0  # whose personal data it holds (the access-log entry)


def backup_write(path: Path) -> BackupSummary:
    """Write every row of every model and every file a row refers to into the archive ``path``,
    streaming (one file at a time, never all in memory). Written beside ``path`` and renamed
    at the end: a backup that failed half-way leaves no file that looks like a backup."""
    summary = BackupSummary(rows=Counter())
    keys: set[str] = set()

    def rows():
        for model in backed_up_models():
            label = model._meta.label_lower
            names = FILE_FIELDS.get(label, ())
            for obj in model._base_manager.order_by("pk").iterator(chunk_size=2000):
                summary.rows[model._meta.label] += 1
                keys.update(value for value in (getattr(obj, n) for n in names) if value)
                yield obj

    private_directory(path.parent)
    partial = path.with_name(path.name + ".partial")
    try:
        with private_file(partial) as raw, \
                tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
            manifest = {"format": FORMAT, "version": FORMAT_VERSION,
                        "created": datetime.datetime.now(datetime.UTC).isoformat(),
                        "files": {}, "missing": []}
            with tempfile.TemporaryFile(dir=path.parent) as data:
                with transaction.atomic():
                    gz = gzip.GzipFile(fileobj=data, mode="wb", mtime=0)
                    with io.TextIOWrapper(gz, encoding="utf-8") as out:
                        PortableSerializer().serialize(rows(), stream=out, indent=1,
                                                       cls=ExactJSONEncoder)
                size = data.tell()
                data.seek(0)
                reader = _Hashing(data)
                archive.addfile(_member(DATABASE_MEMBER, size), reader)
                manifest["database"] = {"size": size, "sha256": reader.sha256.hexdigest(),
                                        "rows": sum(summary.rows.values())}
            store = file_storage.store()
            for key in sorted(keys):
                if not FILE_KEY.fullmatch(key):
                    manifest["missing"].append(key)  # not a key the portal makes: not read
                    continue
                try:
                    with _stored(store, key) as (size, source):
                        reader = _Hashing(source)
                        archive.addfile(_member(key, size), reader)
                except FileNotFoundError:
                    manifest["missing"].append(key)
                    continue
                manifest["files"][key] = {"size": size, "sha256": reader.sha256.hexdigest()}
                summary.files += 1
                summary.file_bytes += size
            # After the rows: an erasure committed while they were read is in the copy.
            erasures = journal.read_text().encode()
            archive.addfile(_member(JOURNAL_MEMBER, len(erasures)), io.BytesIO(erasures))
            manifest["journal"] = {"size": len(erasures),
                                   "sha256": hashlib.sha256(erasures).hexdigest()}
            text = json.dumps(manifest, indent=1, sort_keys=True).encode()
            archive.addfile(_member(MANIFEST_MEMBER, len(text)), io.BytesIO(text))
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    summary.missing = manifest["missing"]
    summary.participants = _log_backup(path)
    return summary


def _participants_held() -> set[int]:
    """The register numbers whose personal data a backup holds: every record not erased, and
    every record merged away or deleted whose history is kept — read in chunks, numbers
    only."""
    numbers = set(Participant._base_manager.filter(erased_at=None).values_list("pk", flat=True)
                  .order_by("pk").iterator(chunk_size=10000))
    erased = set(Participant._base_manager.exclude(erased_at=None).values_list("pk", flat=True)
                 .order_by("pk").iterator(chunk_size=10000))
    history = Participant.history.model._base_manager.values_list("id", flat=True).order_by()
    numbers.update(number for number in history.iterator(chunk_size=10000)
                   if number not in erased)
    return numbers


def _log_backup(path: Path) -> int:
    """The access-log entry of a backup written (after it is complete, so that a failed
    backup logs nothing): every participant it holds, as ranges of numbers only — a backup
    is made every day and holds everyone (``per_record=False``)."""
    numbers = _participants_held()
    access_log.write(ids=numbers, what="backup", path=str(path), per_record=False)
    return len(numbers)


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


def _check_storage(archive) -> int:
    """The rule for the attachments' storage a restore writes into: it must hold no public copy
    (nothing from before may stay public) and none of the backup's files (none is overwritten);
    other files — left by an earlier installation, named by no restored row — are counted and
    left for ``manage.py attachment_files --delete``. Returns their count."""
    if next(file_storage.keys(file_storage.PUBLIC), None) is not None:
        raise RestoreError(
            "The attachments' storage (the media directory or bucket) holds public copies "
            "(public/…): restore only into an empty one, or delete its public/ folder first "
            "(nothing was changed).")
    present = set(file_storage.keys(file_storage.FILES))
    taken = present & set(archive.files)
    if taken:
        raise RestoreError(
            f"The attachments' storage already holds {len(taken)} of the backup's files (was "
            "this backup restored here before?): restore only into an empty media directory or "
            "bucket (nothing was changed).")
    return len(present)


@dataclass
class Archive:
    """A backup, read and checked: its rows, and the files it holds (streamed from ``tar``)."""

    records: list
    files: dict = field(default_factory=dict)  # key -> tar member
    missing: set = field(default_factory=set)  # keys rows name that the backup does not hold
    tar: tarfile.TarFile | None = None
    journal: str | None = None  # the erasure journal's copy; None before version 3

    def open_file(self, key: str):
        return self.tar.extractfile(self.files[key])


def _kind(path: Path) -> str:
    with open(path, "rb") as stream:
        head = stream.read(512)
    if len(head) == 512 and head[257:262] == b"ustar":
        return "tar"
    if head[:2] == b"\x1f\x8b":
        return "json.gz"  # the format before files were kept: the database alone
    raise RestoreError(f"{path} is not a portal backup.")


def _referenced(records) -> set[str]:
    return {key for record in records
            for key in file_keys(str(record.get("model", "")).lower(), record.get("fields", {}))}


def _read_tar(path: Path, tar: tarfile.TarFile) -> Archive:
    members = {}
    for member in tar.getmembers():
        if member.name in members:
            raise RestoreError(f"{path}: {member.name} is in the archive twice.")
        members[member.name] = member
    if MANIFEST_MEMBER not in members or DATABASE_MEMBER not in members:
        raise RestoreError(f"{path} is not a complete portal backup (no manifest or database: "
                           "was it cut short?).")
    manifest = json.load(tar.extractfile(members[MANIFEST_MEMBER]))
    if manifest.get("format") != FORMAT or manifest.get("version") not in READABLE_VERSIONS:
        raise RestoreError(f"{path} is not a portal backup of a format this portal reads.")
    with_journal = manifest["version"] >= 3
    if with_journal and JOURNAL_MEMBER not in members:
        raise RestoreError(f"{path} is not a complete portal backup (no erasure journal: was "
                           "it cut short?).")
    listed = manifest.get("files", {})
    unexpected = (set(members) - set(listed) - {MANIFEST_MEMBER, DATABASE_MEMBER}
                  - ({JOURNAL_MEMBER} if with_journal else set()))
    if unexpected:
        raise RestoreError(f"{path} holds members its manifest does not list: "
                           + ", ".join(sorted(unexpected)[:5]))
    reader = _Hashing(tar.extractfile(members[DATABASE_MEMBER]))
    with gzip.GzipFile(fileobj=reader, mode="rb") as stream:
        records = json.load(stream)
    reader.drain()
    database = manifest.get("database", {})
    if (reader.size, reader.sha256.hexdigest()) != (database.get("size"), database.get("sha256")):
        raise RestoreError(f"{path}: the database in the archive is damaged (its size or "
                           "checksum differs from the manifest's).")
    for key, expected in listed.items():
        member = members.get(key)
        if not FILE_KEY.fullmatch(key) or member is None or not member.isreg():
            raise RestoreError(f"{path}: the file {key!r} is missing from the archive or is not "
                               "a file the portal stores.")
        check = _Hashing(tar.extractfile(member)).drain()
        if (check.size, check.sha256.hexdigest()) != (expected.get("size"),
                                                       expected.get("sha256")):
            raise RestoreError(f"{path}: the file {key} in the archive is damaged (its size or "
                               "checksum differs from the manifest's).")
    missing = set(manifest.get("missing", []))
    unaccounted = _referenced(records) - set(listed) - missing
    if unaccounted:
        raise RestoreError(f"{path}: rows refer to files the archive neither holds nor lists "
                           "as missing: " + ", ".join(sorted(unaccounted)[:5]))
    return Archive(records=records, files={key: members[key] for key in listed},
                   missing=missing, tar=tar,
                   journal=_read_journal(path, tar, members, manifest) if with_journal else None)


def _read_journal(path: Path, tar: tarfile.TarFile, members: dict, manifest: dict) -> str:
    member = members[JOURNAL_MEMBER]
    if not member.isreg():
        raise RestoreError(f"{path}: the erasure journal in the archive is not a file.")
    data = tar.extractfile(member).read()
    expected = manifest.get("journal") or {}
    if (len(data), hashlib.sha256(data).hexdigest()) != (expected.get("size"),
                                                         expected.get("sha256")):
        raise RestoreError(f"{path}: the erasure journal in the archive is damaged (its size or "
                           "checksum differs from the manifest's).")
    # A damaged byte spoils its line only: that line is skipped and counted (journal.parse).
    return data.decode("utf-8", errors="replace")


def _read_json(path: Path) -> Archive:
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        records = json.load(stream)
    if not isinstance(records, list):
        raise ValueError("not a list of rows")
    return Archive(records=records, missing=_referenced(records))


@contextmanager
def open_backup(path: Path):
    """The backup at ``path``, read and checked (``Archive``); raises ``RestoreError``."""
    if not path.is_file():
        raise RestoreError(f"No such backup file: {path}")
    with ExitStack() as stack:
        try:
            if _kind(path) == "json.gz":
                archive = _read_json(path)
            else:
                tar = stack.enter_context(tarfile.open(path, mode="r:"))
                archive = _read_tar(path, tar)
        except (OSError, EOFError, ValueError, TypeError, AttributeError, KeyError,
                tarfile.TarError) as exc:
            raise RestoreError(f"{path} is not a portal backup: {exc}") from exc
        yield archive


def read_records(path: Path) -> list[dict]:
    """The rows of the backup at ``path`` (either format), as serialized."""
    with open_backup(path) as archive:
        return archive.records


@dataclass
class RestoreSummary:
    rows: int = 0
    files: int = 0
    published: int = 0
    missing: list[str] = field(default_factory=list)
    other_files: int = 0  # in the storage before, named by no restored row
    replayed: list[int] = field(default_factory=list)  # erased again from the journal
    journal_damaged: int = 0  # journal lines that could not be read, skipped
    journal_added: int = 0  # lines of the backup's copy added to the configured journal
    journal_error: str = ""  # why they could not be added
    retention: list = field(default_factory=list)  # personaldata.retention.Outcome, per part


def _write_files(archive: Archive, written: list[str]) -> None:
    for key in archive.files:
        with archive.open_file(key) as source:
            content = File(source, name=key)
            content.size = archive.files[key].size
            written.append(file_storage.save(key, content))


def _publish(archive: Archive, written: list[str], using) -> int:
    """Public copies made afresh: the backup's public addresses are not restored (its rows'
    public keys are cleared), so none from before the backup works again."""
    rows = Attachment._base_manager.using(using)
    rows.exclude(public_key="", public_thumbnail_key="").update(public_key="",
                                                                public_thumbnail_key="")
    published = 0
    for attachment in rows.filter(visibility=Attachment.Visibility.PUBLIC).order_by("pk"):
        if attachment.file_key in archive.missing or attachment.thumbnail_key in archive.missing:
            continue  # its file is lost: it stays unpublished (the restore says so)
        if publishing.sync(attachment):
            written.extend(k for k in (attachment.public_key, attachment.public_thumbnail_key)
                           if k)
            published += 1
    return published


def backup_restore(path: Path, using=DEFAULT_DB_ALIAS, *, inside=None) -> RestoreSummary:
    """Load a backup into an empty, migrated database (SQLite or PostgreSQL) and an empty
    attachments' storage (local disk or a bucket), publish its public files afresh and make
    the journal's erasures again. All or nothing: the archive is checked before anything is
    written; an error (an erasure that cannot be made again included) rolls the database back
    and deletes the files written. ``inside`` runs in the restore's transaction, after the
    erasures. Then, once the restore is committed, the backup's journal lines are added to the
    configured journal and retention is applied (``summary.retention``: a failed part is
    reported there, the restore stands)."""
    if not path.is_file():
        raise RestoreError(f"No such backup file: {path}")
    try:
        retention.periods()  # refused before anything is written, not after
    except retention.RetentionSettingsError as exc:
        raise RestoreError(str(exc)) from exc
    if not database_is_empty(using):
        raise RestoreError(
            "The database is not empty: restore only into a freshly migrated database "
            "(nothing was changed)."
        )
    summary = RestoreSummary()
    written: list[str] = []
    with open_backup(path) as archive:
        summary.other_files = _check_storage(archive)
        try:
            with transaction.atomic(using=using):
                summary.rows = _load_rows(archive.records, using)
                _write_files(archive, written)
                summary.files = len(written)
                summary.published = _publish(archive, written, using)
                journals = replay.read(archive.journal)
                summary.journal_damaged = journals.damaged
                summary.replayed = replay.replay(journals.entries)
                if inside is not None:
                    inside()
        except replay.ReplayError as exc:
            file_storage.delete(*written)
            raise RestoreError(f"{exc} (nothing was restored).") from exc
        except BaseException:
            file_storage.delete(*written)
            raise
    summary.missing = sorted(archive.missing)
    try:
        summary.journal_added = journal.extend(journals.from_backup)
    except OSError as exc:
        summary.journal_error = f"{journal.path()}: {exc}"
    summary.retention = retention.apply()
    return summary


def _load_rows(records, using) -> int:
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
