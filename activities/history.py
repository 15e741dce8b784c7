"""A record's history as people read it: when, who, what kind of change, why, and each field's
old and new value (simple-history's diff_against between consecutive versions)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext, pgettext_lazy

from activities.databasis import sources_label

# simple-history's change codes and how they read (translated when shown).
KINDS = {"+": pgettext_lazy("history", "Created"), "~": pgettext_lazy("history", "Changed"),
         "-": pgettext_lazy("history", "Deleted")}
HIDDEN_FIELDS = {"name_key", "match_key", "year", "month", "quantity_kg", "created_at"}
# Fields that hold a list (JSON) and how a change to them reads: a participant's sources.
LIST_LABELS = {"sources": sources_label}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    version: models.Model
    kind: str  # simple-history's code: "+", "~" or "-"
    changes: list[Change] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(KINDS.get(self.kind, self.kind))


def history_entries(obj, limit: int | None = None) -> list[Entry]:
    """Newest first. Two queries (the versions with their users, then the names of any related
    records that changed) whatever the number of versions."""
    versions = list(obj.history.select_related("history_user").order_by("-history_date",
                                                                          "-history_id"))
    # Fields people do not edit (derived keys, the version, the demo flag) are not compared:
    # simple-history's diff reads only editable fields.
    # A translated record's history holds each language's column (title_en, title_ru), not the
    # single-language column (activities/translation.py): only fields history keeps.
    kept = {f.name for f in obj.history.model._meta.concrete_fields}
    fields = {f.name: f for f in obj._meta.concrete_fields
              if f.editable and f.name not in HIDDEN_FIELDS and f.name in kept}
    entries = []
    wanted: dict[type, set] = {}
    # Each version against the one before it; the oldest against nothing (a record written
    # without history, by a bulk write or a restore, has no versions at all).
    for newer, older in zip(versions, [*versions[1:], None][: len(versions)], strict=True):
        entry = Entry(version=newer, kind=newer.history_type)
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older, included_fields=list(fields))
            for change in delta.changes:
                model_field = fields[change.field]
                entry.changes.append(Change(model_field.verbose_name, change.old, change.new))
                if model_field.is_relation:
                    target = model_field.related_model
                    wanted.setdefault(target, set()).update(
                        v for v in (change.old, change.new) if v is not None)
                    entry.changes[-1].target = target
                elif model_field.choices:  # a code: its label, in the reader's language
                    entry.changes[-1].choices = dict(model_field.flatchoices)
                elif model_field.name in LIST_LABELS:  # a JSON list of codes
                    entry.changes[-1].shown_as = LIST_LABELS[model_field.name]
        entries.append(entry)
    names = {model: model._default_manager.in_bulk(ids) for model, ids in wanted.items()}
    for entry in entries:
        for change in entry.changes:
            target = getattr(change, "target", None)
            shown_as = getattr(change, "shown_as", None)
            if target is not None:
                change.old = _shown(names[target].get(change.old), change.old)
                change.new = _shown(names[target].get(change.new), change.new)
            elif shown_as is not None:
                change.old, change.new = shown_as(change.old), shown_as(change.new)
            else:
                choices = getattr(change, "choices", None)
                if choices:
                    change.old = _text(choices.get(change.old, change.old))
                    change.new = _text(choices.get(change.new, change.new))
                else:  # a list (a JSON field such as a participant's sources) is not a key
                    change.old, change.new = _text(change.old), _text(change.new)
    return entries[:limit] if limit else entries


def _shown(obj, pk) -> str:
    if pk is None:
        return "—"
    return str(obj) if obj is not None else gettext("#%(number)s (removed)") % {"number": pk}


def _text(value) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


# --------------------------------------------------------------------------------------------
# Merged participants: the other record's values, read back from its history
# --------------------------------------------------------------------------------------------
MERGE_REASON = "Merged participant #{other} ({name}) into #{keep}"
# The values a merge may leave behind (the kept record keeps its own where both had one).
MERGED_FIELDS = ("name", "email", "phone", "position")


def merge_reason(*, keep, other) -> str:
    """The change reason of every history row a merge writes (activities.services)."""
    return MERGE_REASON.format(other=other.pk, name=other.name, keep=keep.pk)


# MERGE_REASON read back: (the record merged away, its name then, the record kept).
_MERGE_REASON_READ = re.compile(r"^Merged participant #(\d+) \((.*)\) into #(\d+)$", re.DOTALL)


def read_merge_reason(reason: str | None) -> tuple[int, str, int] | None:
    """(merged away, its name, kept) of a merge's change reason; None for any other reason.
    The history pages (their access-log entry) and the erasure (which rewrites the name) read
    merge reasons here only."""
    found = _MERGE_REASON_READ.match(reason or "")
    if found is None:
        return None
    return int(found.group(1)), found.group(2), int(found.group(3))


@dataclass
class MergedValue:
    label: str
    value: str
    records: list[int]  # the removed records' numbers that held it

    @property
    def numbers(self) -> str:
        return record_numbers(self.records)


def record_numbers(numbers) -> str:
    """Register numbers as the reader's language writes them: "No. 5, No. 7" («№ 5, № 7»)."""
    return ", ".join(gettext("No. %(number)s") % {"number": n} for n in numbers)


def merged_records(participant) -> list[int]:
    """The numbers of the records merged into ``participant``, directly or through a record
    merged into it earlier, as their deletion rows in history say."""
    history = type(participant).history
    found, queue = [], [participant.pk]
    while queue:
        keep = queue.pop()
        rows = history.filter(
            history_type="-", history_change_reason__startswith="Merged participant #",
            history_change_reason__endswith=f") into #{keep}",
        ).values_list("id", "history_change_reason")
        for pk, reason in rows:
            if reason.startswith(f"Merged participant #{pk} (") and pk not in found:
                found.append(pk)
                queue.append(pk)
    return sorted(found)


def merged_values(participant) -> list[MergedValue]:
    """The values of the records merged into ``participant`` that differ from its own — the
    other spellings of the name, e-mails, phones and positions — read from the removed
    records' history rows (simple-history), so that nothing new stores personal data. In the
    order of MERGED_FIELDS, each value once, with the records that held it."""
    numbers = merged_records(participant)
    if not numbers or participant.erased_at is not None:
        # An erased record's history, and its merged records', hold no values any more
        # (personaldata.services): nothing to show but the numbers.
        return []
    model = type(participant)
    rows = model.history.filter(id__in=numbers).order_by("history_date", "history_id").values(
        "id", *MERGED_FIELDS)
    values: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        for name in MERGED_FIELDS:
            value = (row[name] or "").strip()
            if value and value != (getattr(participant, name) or "").strip():
                holders = values.setdefault((name, value), [])
                if row["id"] not in holders:
                    holders.append(row["id"])
    labels = {name: model._meta.get_field(name).verbose_name for name in MERGED_FIELDS}
    return [
        MergedValue(labels[name], value, holders)
        for name in MERGED_FIELDS
        for (field_name, value), holders in values.items() if field_name == name
    ]
