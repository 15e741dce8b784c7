"""Making the erasures of the journal again after a restore (README, "Backup and restore").

A backup holds the rows as they were when it was made, and a copy of the erasure journal. A
person erased after that backup is back in full once it is restored; the journal — the
configured directory's file, kept outside the database, and the backup's own copy — names
them, and ``replay`` erases them again. A line whose record is gone (merged away, deleted) or
already erased (the erasure is in the backup's rows) is passed over.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from activities.models import Participant
from personaldata import journal

IDS_PER_QUERY = 900  # under every database's parameter limit


@dataclass
class Journals:
    """The erasures of the backup's copy and of the configured journal, each once, oldest
    first, and how many lines of either could not be read (skipped)."""

    entries: list[dict] = field(default_factory=list)
    damaged: int = 0
    from_backup: list[dict] = field(default_factory=list)


def read(backup_copy: str | None) -> Journals:
    """The union of the backup's journal (``None``: a backup made before journals were kept)
    and the configured directory's current file."""
    result = Journals()
    backup_found, backup_damaged = journal.parse_counting(backup_copy or "")
    current_found, current_damaged = journal.parse_counting(journal.read_text())
    result.from_backup = backup_found
    result.damaged = backup_damaged + current_damaged
    seen = set()
    for entry in [*backup_found, *current_found]:
        key = (entry["participant"], str(entry.get("erasure")), str(entry.get("erased_at")))
        if key not in seen:
            seen.add(key)
            result.entries.append(entry)
    result.entries.sort(key=lambda entry: str(entry.get("erased_at", "")))
    return result


def to_replay(entries: list[dict]) -> list[int]:
    """The register numbers of the entries whose record exists and is not erased, in the
    journal's order, each once."""
    numbers = list(dict.fromkeys(entry["participant"] for entry in entries))
    waiting = set()
    for start in range(0, len(numbers), IDS_PER_QUERY):
        waiting.update(Participant._base_manager.filter(
            pk__in=numbers[start:start + IDS_PER_QUERY], erased_at=None,
        ).values_list("pk", flat=True))
    return [number for number in numbers if number in waiting]


class ReplayError(Exception):
    """An erasure of the journal could not be made again."""


def replay(entries: list[dict]) -> list[int]:
    """Erase again each record of ``entries`` that exists and is not erased; returns their
    numbers. Called inside the restore's transaction: an erasure that cannot be made again
    stops the restore (``ReplayError``), for a restored portal must never show a person who
    was erased."""
    from personaldata.services import participant_erase  # the erasure's one home

    replayed = []
    for number in to_replay(entries):
        try:
            participant_erase(number, user=None, replaying=True)
        except Exception as exc:
            raise ReplayError(
                f"The erasure of participant No. {number} in the erasure journal could not be "
                f"made again: {exc}") from exc
        replayed.append(number)
    return replayed
