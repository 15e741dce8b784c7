"""Report, and with ``--delete`` remove, stored files that no row refers to.

A stored key is *named* while any of these refers to it: an attachment's file, thumbnail, public
copy or public thumbnail; or a history version's file or thumbnail (a version that could be
restored keeps its file). Anything else under ``files/`` or ``public/`` is an orphan: the copy of
a publication whose transaction rolled back, the file of an upload whose row was never
committed, an old public copy, or the file of a version that history pruning or the personal-data
erasure removed.

Safe beside uploads in progress: a file is written before the row that names it is committed, so
a key younger than ``MIN_AGE`` (an hour) is never deleted, named or not — it is reported as too
recent to judge. The storage is listed before the rows are read, so a file whose row commits in
between is named by the time it is judged.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand
from django.utils import timezone

from attachments import storage
from attachments.models import Attachment

MIN_AGE = datetime.timedelta(hours=1)
CURRENT_FIELDS = ("file_key", "thumbnail_key", "public_key", "public_thumbnail_key")
HISTORY_FIELDS = ("file_key", "thumbnail_key")


def named_keys() -> tuple[set[str], set[str]]:
    """(keys the attachments name, keys only history versions name)."""
    current, history = set(), set()
    for row in Attachment._base_manager.values_list(*CURRENT_FIELDS).iterator(chunk_size=2000):
        current.update(row)
    for row in Attachment.history.values_list(*HISTORY_FIELDS).iterator(chunk_size=2000):
        history.update(row)
    current.discard("")
    history.discard("")
    return current, history - current


@dataclass
class Survey:
    stored: int = 0
    orphans: list[tuple[str, int, datetime.datetime]] = field(default_factory=list)
    recent: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # named by an attachment, not stored

    @property
    def orphan_bytes(self) -> int:
        return sum(size for _key, size, _when in self.orphans)


def survey(now: datetime.datetime | None = None) -> Survey:
    store = storage.store()
    listed = [key for prefix in (storage.FILES, storage.PUBLIC) for key in storage.keys(prefix)]
    current, history = named_keys()  # read after the listing (module docstring)
    now = now or timezone.now()
    result = Survey(stored=len(listed))
    for key in sorted(listed):
        if key in current or key in history:
            continue
        try:
            modified = store.get_modified_time(key)
            size = store.size(key)
        except FileNotFoundError:
            continue  # deleted meanwhile
        if now - modified < MIN_AGE:
            result.recent.append(key)
        else:
            result.orphans.append((key, size, modified))
    result.missing = sorted(current - set(listed))
    return result


def remove_emptied_public_folders(deleted: list[str]) -> int:
    """On local disk, the folders ``public/<token>/`` the deletions emptied. A token is drawn
    afresh for every publication, so no publication in progress ever writes into a folder whose
    files were orphans."""
    if not storage.is_local():
        return 0
    removed = 0
    for folder in sorted({key.rsplit("/", 1)[0] for key in deleted
                          if key.startswith(storage.PUBLIC) and key.count("/") == 2}):
        try:
            os.rmdir(storage.store().path(folder))  # only when empty
            removed += 1
        except OSError:
            pass
    return removed


class Command(BaseCommand):
    help = (
        "Report the attachments' stored files that no attachment and no history version "
        "refers to (orphans); with --delete, remove them. Never touches a file younger than an "
        "hour (an upload whose row is not committed yet). Schedule it daily (README, Files)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true",
                            help="Remove the orphaned files reported.")

    def handle(self, *args, delete=False, **options):
        now = timezone.now()
        found = survey(now)
        self.stdout.write(f"{found.stored} stored file(s) under files/ and public/.")
        if found.orphans:
            self.stdout.write(f"{len(found.orphans)} orphaned file(s), {found.orphan_bytes} "
                              "bytes, named by no attachment and no history version:")
            for key, size, modified in found.orphans:
                self.stdout.write(f"  {key}  {size} bytes  {modified:%Y-%m-%d %H:%M}")
        else:
            self.stdout.write("No orphaned file.")
        if found.recent:
            self.stdout.write(f"{len(found.recent)} file(s) named by no row but younger than an "
                              "hour, left alone (uploads in progress).")
        if found.missing:
            self.stderr.write(self.style.WARNING(
                f"{len(found.missing)} file(s) named by an attachment are missing from the "
                "storage: " + ", ".join(found.missing[:20])))
        if not delete:
            if found.orphans:
                self.stdout.write("Run with --delete to remove them.")
            return
        deleted = [key for key, _size, _modified in found.orphans]
        storage.delete(*deleted)
        folders = remove_emptied_public_folders(deleted)
        self.stdout.write(self.style.SUCCESS(
            f"Deleted {len(found.orphans)} orphaned file(s), {found.orphan_bytes} bytes"
            + (f", and {folders} empty public folder(s)" if folders else "") + "."))
