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
    _write([{"participant": participant, "erased_at": erased_at.isoformat(),
             "erasure": erasure}])


def extend(new_entries: list[dict]) -> int:
    """Add the entries the journal does not hold yet (a restore adds those of the backup's
    copy, so that a journal lost with its server is whole again); returns how many."""
    held = {_line(entry) for entry in entries()}
    missing = []
    for entry in new_entries:
        if _line(entry) not in held:
            held.add(_line(entry))
            missing.append(entry)
    if missing:
        _write(missing)
    return len(missing)


def _line(entry: dict) -> str:
    return json.dumps(entry, sort_keys=True)


def _write(new_entries: list[dict]) -> None:
    """Append lines under an exclusive lock, flushed to disk. A last line cut short by a crash
    is ended first, so that it does not swallow the first line written after it."""
    text = "".join(_line(entry) + "\n" for entry in new_entries).encode()
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "a+b") as journal:
        fcntl.flock(journal, fcntl.LOCK_EX)
        try:
            size = journal.seek(0, os.SEEK_END)
            if size:
                journal.seek(size - 1)
                if journal.read(1) != b"\n":
                    text = b"\n" + text
            journal.write(text)
            journal.flush()
            os.fsync(journal.fileno())
        finally:
            fcntl.flock(journal, fcntl.LOCK_UN)


def parse(text: str) -> list[dict]:
    """The entries of a journal's text; a line cut short by a crash (the last) is skipped."""
    return parse_counting(text)[0]


def parse_counting(text: str) -> tuple[list[dict], int]:
    """The entries of a journal's text, and how many non-empty lines could not be read (cut
    short by a crash, or damaged): those are skipped, and a restore says how many."""
    found, damaged = [], 0
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            damaged += 1
            continue
        if isinstance(entry, dict) and isinstance(entry.get("participant"), int) \
                and not isinstance(entry["participant"], bool):
            found.append(entry)
        else:
            damaged += 1
    return found, damaged


def read_text() -> str:
    """The journal file's text as it stands (no erasure half-written: read under the lock
    ``append`` writes under); empty when there is no journal yet."""
    try:
        with open(path(), encoding="utf-8", errors="replace") as journal:
            fcntl.flock(journal, fcntl.LOCK_SH)
            try:
                return journal.read()
            finally:
                fcntl.flock(journal, fcntl.LOCK_UN)
    except FileNotFoundError:
        return ""


def entries() -> list[dict]:
    """Every erasure in the journal, oldest first; none when there is no journal yet."""
    return parse(read_text())
