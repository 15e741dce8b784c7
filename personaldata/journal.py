"""The erasure journal: one JSON line per erasure, appended to a file outside the database
(``settings.ERASURE_JOURNAL_DIR``), so that an erasure made after a backup is made again when
that backup is restored (README, "Backup and restore"). A line holds the register number, the
time and the erasure's number — never the erased data."""

from __future__ import annotations

import datetime
import fcntl
import json
import os
from pathlib import Path

from django.conf import settings

FILE_NAME = "erasures.jsonl"


def path() -> Path:
    return Path(settings.ERASURE_JOURNAL_DIR) / FILE_NAME


def append(*, participant: int, erased_at: datetime.datetime, erasure: int) -> None:
    """Add one erasure, flushed to disk before returning (called inside the erasure's
    transaction, so that a journal line never lacks its erasure for longer than a failed
    commit; replaying a line whose record is already erased does nothing)."""
    line = json.dumps({"participant": participant, "erased_at": erased_at.isoformat(),
                       "erasure": erasure}, sort_keys=True)
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "a", encoding="utf-8") as journal:
        fcntl.flock(journal, fcntl.LOCK_EX)
        try:
            journal.write(line + "\n")
            journal.flush()
            os.fsync(journal.fileno())
        finally:
            fcntl.flock(journal, fcntl.LOCK_UN)


def parse(text: str) -> list[dict]:
    """The entries of a journal's text; a line cut short by a crash (the last) is skipped."""
    entries = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get("participant"), int):
            entries.append(entry)
    return entries


def entries() -> list[dict]:
    """Every erasure in the journal, oldest first; none when there is no journal yet."""
    try:
        return parse(path().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
