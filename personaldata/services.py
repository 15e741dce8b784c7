"""Erasing a participant's personal data everywhere the portal keeps it (issue 18; README,
"Privacy", "Erasure"), in one transaction:

- the record: name, e-mail, phone, position and the two matching keys blanked; it stays as
  "Erased participant No. N" with sex, country, organisation and participations, so that every
  figure and reported count stays the same (pseudonymised, not anonymous);
- every history row of the record, and of the records merged into it (their values are the
  same person's other spellings and addresses);
- history change reasons of every history table, and the admin's log entries, that name the
  person: rewritten to "Erased participant No. N";
- every import batch's stored rows: the person's rows removed (the counts recounted), and the
  person taken off every row's candidates;
- duplicate dismissals of the person's matching keys: deleted;
- flash messages waiting in stored sessions that name the person: dropped;
- the attendance sheets of the person's events: listed on the erasure for an admin to redact
  or remove (files are not read or changed here).

The ``Erasure`` row is the log of the erasure (who, when, which record); the journal outside
the database (``personaldata.journal``) gets a line too, so that restoring an older backup
erases the person again (``replaying=True``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from activities.history import MERGE_REASON, merged_records, read_merge_reason
from activities.models import DuplicateDismissal, ImportBatch, Participant
from attachments.models import Attachment
from personaldata import journal
from personaldata.models import Erasure
from unodc_portal.core.roles import is_demo_user
from unodc_portal.core.versioning import bump_version

ERASED_REASON = "Erased on request"
# What replaces the person's name, e-mail or phone in stored texts (never translated: the
# texts it goes into are stored in English).
ERASED_LABEL = "Erased participant No. {number}"
# Fields blanked on the record and on every history row.
ERASED_FIELDS = ("name", "email", "phone", "position", "name_key", "match_key")
# Texts shorter than this are not looked for in other records' texts (a one-letter name would
# rewrite half the history); the record's own fields are blanked whatever their length.
SHORTEST_NEEDLE = 3


def may_erase(user) -> bool:
    """Admins only (README, "Roles": staff who may delete participants; a superuser)."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff
                and user.has_perm("activities.delete_participant"))


def erased_label(number: int) -> str:
    return ERASED_LABEL.format(number=number)


# --------------------------------------------------------------------------------------------
# What the erasure will touch (the confirmation page shows it; the service does it)
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    """What the register holds or held about one person, read once per erasure (its page, its
    refusals and the erasure itself all ask): the record's number and those of the records
    merged into it, and every name, e-mail, phone and key of them all."""

    numbers: frozenset[int]
    values: dict[str, set[str]]


def person_of(participant: Participant) -> Person:
    """The person of ``participant``: the record's own values, every history version of it,
    and those of the records merged into it."""
    numbers = frozenset({participant.pk, *merged_records(participant)})
    values: dict[str, set[str]] = {field: set() for field in ERASED_FIELDS}
    rows = Participant.history.filter(id__in=numbers).values(*ERASED_FIELDS)
    for row in [*rows, {field: getattr(participant, field) for field in ERASED_FIELDS}]:
        for field in ERASED_FIELDS:
            value = (row[field] or "").strip()
            if value:
                values[field].add(value)
    return Person(numbers, values)


def _needles(values: dict[str, set[str]]) -> list[str]:
    """The texts that give the person away in other records' texts, longest first (so that
    a longer spelling is replaced before a part of it)."""
    found = {v for field in ("name", "email", "phone", "name_key") for v in values[field]
             if len(v) >= SHORTEST_NEEDLE}
    return sorted(found, key=lambda v: (-len(v), v))


def _rewrite(text: str, needles: list[str], replacement: str) -> str:
    for needle in needles:
        text = re.sub(re.escape(needle), replacement, text, flags=re.IGNORECASE)
    return text


def _rewrite_reason(reason: str, numbers: set[int], needles: list[str], label: str) -> str:
    """A change reason without the person: a merge's reason names the merged record by its
    own number ("Merged participant #5 (Erased participant No. 5) into #9", still read by
    activities.history.merged_records); any other mention becomes ``label``."""
    read = read_merge_reason(reason)
    if read is not None and read[0] in numbers:
        reason = MERGE_REASON.format(other=read[0], name=erased_label(read[0]), keep=read[2])
    return _rewrite(reason, needles, label)


def _containing(queryset, field: str, needles: list[str]):
    """Rows of ``queryset`` whose ``field`` contains one of ``needles`` (case ignored where the
    database can; the exact case always)."""
    condition = None
    for needle in needles:
        q = Q(**{f"{field}__icontains": needle})
        condition = q if condition is None else condition | q
    return queryset.filter(condition) if condition is not None else queryset.none()


def history_models() -> list:
    """Every simple-history table of the portal (a model with a change reason column)."""
    return [model for model in apps.get_models()
            if any(f.name == "history_change_reason" for f in model._meta.concrete_fields)]


def _belongs(row: dict, numbers: set[int], values: dict[str, set[str]]) -> bool:
    """An import row about the person: matched to their record (or one merged into it), or
    with their name, e-mail or phone."""
    match = row.get("match") or {}
    if match.get("id") in numbers:
        return True
    clean = row.get("clean") or {}
    if row.get("name_key") and row["name_key"] in values["name_key"]:
        return True
    email = (clean.get("email") or "").strip().casefold()
    if email and email in {e.casefold() for e in values["email"]}:
        return True
    phone = (clean.get("phone") or "").strip()
    return bool(phone and phone in values["phone"])


def _lists(row: dict, numbers: set[int]) -> bool:
    match = row.get("match") or {}
    return match.get("id") in numbers or any(
        c.get("id") in numbers for c in row.get("duplicates") or [])


def pending_batches(person: Person) -> list[ImportBatch]:
    """Imports awaiting confirmation (not expired) that match or list the record (or a record
    merged into it), or hold a row with the person's name, e-mail or phone: confirming one
    after the erasure would write the person into the register again."""
    numbers, values = person.numbers, person.values
    found = []
    pending = ImportBatch.objects.filter(
        status=ImportBatch.Status.PREVIEW, expires_at__gte=timezone.now(),
    ).select_related("event")
    for batch in pending:
        if any(_lists(row, numbers) or _belongs(row, numbers, values) for row in batch.rows):
            found.append(batch)
    return found


def sheets_of(participant: Participant) -> list[Attachment]:
    """The attendance sheets of the events the person was at (any status)."""
    events = participant.participations.values("event_id")
    return list(Attachment.objects.filter(
        kind=Attachment.Kind.ATTENDANCE_SHEET, event_id__in=events,
    ).select_related("event").order_by("event_id", "pk"))


def erasure_plan(participant: Participant, person: Person) -> dict[str, int]:
    """How many rows of each kind the erasure of ``participant`` (whose ``person_of`` is
    ``person``) would change, for the confirmation page."""
    numbers, values = person.numbers, person.values
    batches = 0
    for rows in ImportBatch.objects.values_list("rows", flat=True):
        if any(_belongs(row, numbers, values) or _lists(row, numbers) for row in rows):
            batches += 1
    return {
        "history": Participant.history.filter(id__in=numbers).count(),
        "merged": len(numbers) - 1,
        "batches": batches,
        "dismissals": DuplicateDismissal.objects.filter(
            match_key__in=values["match_key"]).count(),
        "sheets": len(sheets_of(participant)),
    }


# --------------------------------------------------------------------------------------------
# Refusals
# --------------------------------------------------------------------------------------------
def _gone(participant_id: int) -> ValidationError:
    """Why there is no record ``participant_id``: merged into another (its deletion row in
    history says into which), or no longer there."""
    reason = (Participant.history.filter(id=participant_id, history_type="-")
              .order_by("-history_date", "-history_id")
              .values_list("history_change_reason", flat=True).first())
    read = read_merge_reason(reason)
    if read is not None:
        return ValidationError(
            gettext("No. %(number)s was merged into No. %(other)s: erase No. %(other)s "
                    "instead.") % {"number": participant_id, "other": read[2]},
            code="merged")
    return ValidationError(
        gettext("There is no participant No. %(number)s (it no longer exists).")
        % {"number": participant_id}, code="gone")


def _already(participant: Participant) -> ValidationError:
    erasure = Erasure.objects.filter(participant=participant.pk).first()
    when = timezone.localtime(participant.erased_at)
    params = {"number": participant.pk, "date": date_format(when, "j E Y"),
              "user": erasure.erased_by_username if erasure and erasure.erased_by_username
              else gettext("an administrator")}
    return ValidationError(
        gettext("No. %(number)s was already erased, on %(date)s by %(user)s.") % params,
        code="erased")


def _pending(batches: list[ImportBatch]) -> ValidationError:
    batch = batches[0]
    return ValidationError(
        gettext("This record is in an import awaiting confirmation: “%(file)s” for the event "
                "“%(event)s”. Confirm it or let it expire (%(expires)s) first, then erase.")
        % {"file": batch.file_name, "event": batch.event.title,
           "expires": date_format(timezone.localtime(batch.expires_at), "j E Y H:i")},
        code="pending_import")


# --------------------------------------------------------------------------------------------
# The erasure
# --------------------------------------------------------------------------------------------
@transaction.atomic
def participant_erase(participant_id: int, *, user, replaying: bool = False) -> Erasure:
    """Erase the personal data of participant ``participant_id`` everywhere (see the module's
    docstring) and return the erasure's record. Only admins (PermissionDenied otherwise), and
    a demo account only demo records. Refused with a ValidationError, nothing written, when
    the record is already erased, merged away or gone, or in an import awaiting confirmation.

    ``replaying``: the journal's erasure made again after a restore (personaldata.journal):
    no user is needed, no journal line is added, and a record already erased is left as it is
    (its erasure is returned)."""
    if not replaying and not may_erase(user):
        raise PermissionDenied(gettext("Only administrators erase personal data."))
    # The lock: a merge, an edit or another erasure of this record waits for this one (and
    # this one for them; a record merged away meanwhile is then gone).
    participant = Participant.objects.select_for_update().filter(pk=participant_id).first()
    if participant is None:
        raise _gone(participant_id)
    if participant.erased_at is not None:
        existing = Erasure.objects.filter(participant=participant.pk).first()
        if replaying and existing is not None:
            return existing
        if not replaying:
            raise _already(participant)
    if not replaying and is_demo_user(user) and not participant.is_demo:
        raise PermissionDenied(gettext("A demo account erases only demo records."))
    person = person_of(participant)
    batches = pending_batches(person)
    if batches and not replaying:
        raise _pending(batches)

    now = timezone.now()
    numbers, values = person.numbers, person.values
    needles = _needles(values)
    label = erased_label(participant.pk)
    sheets = sheets_of(participant)

    # The record, with a history row that names no one.
    for field in ERASED_FIELDS:
        setattr(participant, field, "")
    participant.erased_at = now
    bump_version(participant)
    participant._change_reason = ERASED_REASON
    if user is not None and user.is_authenticated:
        participant._history_user = user
    participant.save()
    # Every history row of the record and of the records merged into it.
    Participant.history.filter(id__in=numbers).update(**dict.fromkeys(ERASED_FIELDS, ""))
    # Change reasons naming the person, in every history table.
    for model in history_models():
        rows = _containing(model._default_manager.all(), "history_change_reason", needles)
        for pk, reason in rows.values_list("pk", "history_change_reason"):
            model._default_manager.filter(pk=pk).update(
                history_change_reason=_rewrite_reason(reason, numbers, needles, label))
    _scrub_log_entries(numbers, needles, label)
    _scrub_batches(numbers, values)
    DuplicateDismissal.objects.filter(match_key__in=values["match_key"]).delete()
    _scrub_sessions(needles, label)

    erasure = Erasure.objects.create(
        participant=participant.pk,
        erased_by=user if user is not None and user.is_authenticated else None,
        erased_by_username=user.get_username() if user is not None
        and user.is_authenticated else "",
        erased_at=now,
        # A sheet's title naming the person is not copied here as it was.
        sheets=[{"id": a.pk, "event": a.event_id, "event_title": a.event.title,
                 "title": _rewrite(a.title, needles, label), "file_key": a.file_key}
                for a in sheets],
    )
    if not replaying:
        journal.append(participant=participant.pk, erased_at=now, erasure=erasure.pk)
    return erasure


def _scrub_log_entries(numbers: set[int], needles: list[str], label: str) -> None:
    """The admin's log: the record's entries (and the merged records') read "Erased
    participant No. N"; any other entry naming the person is rewritten."""
    content_type = ContentType.objects.get_for_model(Participant)
    for number in numbers:
        LogEntry.objects.filter(content_type=content_type, object_id=str(number)).update(
            object_repr=erased_label(number))
    rows = (_containing(LogEntry.objects.all(), "object_repr", needles)
            | _containing(LogEntry.objects.all(), "change_message", needles))
    for entry in rows.distinct():
        LogEntry.objects.filter(pk=entry.pk).update(
            object_repr=_rewrite(entry.object_repr, needles, label),
            change_message=_rewrite(entry.change_message, needles, label))


def _scrub_batches(numbers: set[int], values: dict[str, set[str]]) -> None:
    """Every import batch: the person's rows removed, the person taken off the other rows'
    candidates, the counts recounted from the rows left."""
    for batch in ImportBatch.objects.only("pk", "rows", "counts").iterator(chunk_size=100):
        rows = [row for row in batch.rows if not _belongs(row, numbers, values)]
        changed = len(rows) != len(batch.rows)
        for row in rows:
            if (row.get("match") or {}).get("id") in numbers:  # defensive: _belongs took it
                row["match"] = None
                changed = True
            candidates = row.get("duplicates") or []
            kept = [c for c in candidates if c.get("id") not in numbers]
            if len(kept) != len(candidates):
                row["duplicates"] = kept
                changed = True
        if not changed:
            continue
        counts = dict.fromkeys(batch.counts or {}, 0)
        for row in rows:
            counts[row.get("status", "")] = counts.get(row.get("status", ""), 0) + 1
        ImportBatch.objects.filter(pk=batch.pk).update(rows=rows, counts=counts)


def _scrub_sessions(needles: list[str], label: str) -> None:
    """Stored sessions that name the person — flash messages too long for the cookie wait in
    the session ("_messages", written by django.contrib.messages) — rewritten. Only the
    database session store keeps them in this database."""
    if not needles or settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    for session in Session.objects.iterator():
        data = store.decode(session.session_data)
        if not data:
            continue
        cleaned = {key: _scrub_value(value, needles, label) for key, value in data.items()}
        if "_messages" in data:
            cleaned["_messages"] = _scrub_messages(data["_messages"], needles, label)
        if cleaned != data:
            Session.objects.filter(pk=session.pk).update(session_data=store.encode(cleaned))


def _scrub_messages(stored, needles, label):
    """The session's waiting messages (django.contrib.messages' JSON, in which letters beyond
    ASCII are escaped), each message's text rewritten."""
    from django.contrib.messages.storage.cookie import MessageDecoder, MessageEncoder

    try:
        waiting = MessageDecoder().decode(stored) if isinstance(stored, str) else stored
    except ValueError:
        return stored
    if not isinstance(waiting, list):
        return stored
    changed = False
    for message in waiting:
        if hasattr(message, "message"):
            text = _rewrite(str(message.message), needles, label)
            changed = changed or text != message.message
            message.message = text
    return MessageEncoder(separators=(",", ":")).encode(waiting) if changed else stored


def _scrub_value(value, needles, label):
    if isinstance(value, str):
        return _rewrite(value, needles, label)
    if isinstance(value, list):
        return [_scrub_value(v, needles, label) for v in value]
    if isinstance(value, dict):
        return {k: _scrub_value(v, needles, label) for k, v in value.items()}
    return value
