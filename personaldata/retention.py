"""Retention: personal data is not kept longer than its period (README, "Retention").

Three parts, each with its period in ``settings.PERSONAL_DATA_RETENTION``:

- **Contact details** (``contact_details_days``): a participant whose last event ended more
  than the period ago loses the e-mail and phone on the record and on every earlier history row
  of theirs. An event ends on its end date, else its start date; an event known only by its
  month or year ends on the last day of that month or year; a person at no dated event counts
  from the day their record was made.
- **Import batches** (``import_batch_days``): a batch uploaded more than the period ago keeps
  its file's hash (the "already imported" check needs it), counts, status and dates, but the
  rows it read from the file (names, e-mails, phones) are emptied. Previews never confirmed
  whose time has passed are deleted, as ``manage.py purge_imports`` deletes them — and so is a
  preview older than the period (its rows cannot be emptied without breaking its
  confirmation; it wrote nothing to the register).
- **Access log** (``access_log_days``): entries older than the period are deleted with their
  participants (the only code that deletes log rows).

Large parts work in chunks of ``CHUNK`` records (contact details: of ``CHUNK`` consecutive
register numbers), each chunk its own transaction: a first run on
a big register never loads a table or holds the whole register locked, and a run cut short is
finished by the next. Each part runs apart from the others: a failure in one is reported
(``Outcome.failed``) and the others still run. A second run finds nothing to do.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from accesslog.log import number_ranges
from accesslog.models import AccessedRecord, AccessEntry
from activities.models import ImportBatch, Participant, Participation

CHUNK = 1000
REASON = "Contact details removed after the retention period"
PERIODS = ("contact_details_days", "import_batch_days", "access_log_days")


class RetentionSettingsError(Exception):
    """``settings.PERSONAL_DATA_RETENTION`` is missing a period or holds one that is not a
    whole number of days of at least 1."""


@dataclass(frozen=True)
class Periods:
    contact_details_days: int
    import_batch_days: int
    access_log_days: int


def periods() -> Periods:
    """The periods from the settings, checked: each a whole number of days, at least 1 (a
    period of 0 would erase everything at once; a typing mistake must stop the run, not
    guess)."""
    configured = getattr(settings, "PERSONAL_DATA_RETENTION", None)
    if not isinstance(configured, dict):
        raise RetentionSettingsError(
            "PERSONAL_DATA_RETENTION must be a dictionary of periods in days "
            f"({', '.join(PERIODS)}); nothing was changed.")
    values = {}
    for name in PERIODS:
        value = configured.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise RetentionSettingsError(
                f"PERSONAL_DATA_RETENTION[{name!r}] must be a whole number of days, at least 1 "
                f"(it is {value!r}); nothing was changed.")
        values[name] = value
    unknown = sorted(set(configured) - set(PERIODS))
    if unknown:
        raise RetentionSettingsError(
            f"PERSONAL_DATA_RETENTION names periods the portal does not know: "
            f"{', '.join(map(str, unknown))} (it knows {', '.join(PERIODS)}); nothing was "
            "changed.")
    return Periods(**values)


@dataclass
class Outcome:
    """What one part did (or would do, in a dry run): one line of the command's output."""

    part: str
    line: str
    count: int = 0
    failed: bool = False

    def __str__(self):
        return f"{self.part}: {self.line}"


def _numbers(ids) -> str:
    return number_ranges(ids) if ids else ""


# --- contact details ---------------------------------------------------------------------

def _event_ended_since(cutoff: datetime.date, prefix: str = "") -> Q:
    """Events that ended on or after ``cutoff``: by end date, else start date; an event known
    only by month (year) ended on that month's (year's) last day, which is on or after the
    cutoff exactly when the month (year) is not before the cutoff's."""
    def field(name):
        return prefix + name

    undated = {field("start_date"): None}
    return (
        Q(**{field("end_date") + "__gte": cutoff})
        | Q(**{field("end_date"): None, field("start_date") + "__gte": cutoff})
        | Q(**undated, **{field("year") + "__gt": cutoff.year})
        | Q(**undated, **{field("year"): cutoff.year, field("month"): None})
        | Q(**undated, **{field("year"): cutoff.year, field("month") + "__gte": cutoff.month})
    )


def _dated(prefix: str = "") -> Q:
    return Q(**{prefix + "start_date__isnull": False}) | Q(**{prefix + "year__isnull": False})


def expired_contacts(days: int, *, now: datetime.datetime | None = None,
                     window: tuple[int, int] | None = None):
    """Participants, not erased, holding an e-mail or phone, whose last event ended more than
    ``days`` ago (or, at no dated event, whose record was made more than ``days`` ago).

    ``window`` (after, up to) keeps to the register numbers in that range — and says so to
    the participations' subqueries too, so that PostgreSQL reads only that range of their
    (participant, event) index instead of the whole table once per chunk."""
    now = now or timezone.now()
    cutoff = timezone.localdate(now) - datetime.timedelta(days=days)
    records = Participant._base_manager.filter(erased_at=None)
    theirs = Participation.objects.filter(participant=OuterRef("pk")).order_by()
    if window is not None:
        after, up_to = window
        records = records.filter(pk__gt=after, pk__lte=up_to)
        theirs = theirs.filter(participant_id__gt=after, participant_id__lte=up_to)
    return (
        records
        .exclude(email="", phone="")
        .exclude(Exists(theirs.filter(_event_ended_since(cutoff, "event__"))))
        .filter(Exists(theirs.filter(_dated("event__")))
                | Q(created_at__lt=now - datetime.timedelta(days=days)))
    )


def _blank_contacts(ids: list[int], expired, when) -> tuple[list[int], int]:
    """Blank one chunk in one transaction: the records still expired (checked again, locked),
    their earlier history rows, then one history row each saying why. Returns the numbers
    done and the earlier history rows blanked."""
    with transaction.atomic():
        done = list(expired.filter(pk__in=ids).select_for_update().order_by("pk")
                    .values_list("pk", flat=True))
        if not done:
            return [], 0
        history = Participant.history.model._base_manager
        blanked = history.filter(id__in=done).exclude(email="", phone="").update(
            email="", phone="")
        Participant._base_manager.filter(pk__in=done).update(
            email="", phone="", version=F("version") + 1)
        records = list(Participant._base_manager.filter(pk__in=done).order_by("pk"))
        Participant.history.bulk_history_create(
            records, update=True, default_change_reason=REASON, default_date=when)
    return done, blanked


def _windows(chunk: int):
    """(after, up to) ranges of ``chunk`` register numbers, from the lowest to the highest,
    skipping the gaps between numbers (one index probe each)."""
    records = Participant._base_manager.order_by("pk").values_list("pk", flat=True)
    after = 0
    while True:
        following = records.filter(pk__gt=after).first()
        if following is None:
            return
        yield following - 1, following - 1 + chunk
        after = following - 1 + chunk


def contact_details(days: int, *, dry_run: bool = False, now=None, chunk: int = CHUNK) -> Outcome:
    now = now or timezone.now()
    history = Participant.history.model._base_manager
    found: list[int] = []
    history_rows = 0
    for window in _windows(chunk):
        expired = expired_contacts(days, now=now, window=window)
        ids = list(expired.order_by("pk").values_list("pk", flat=True))
        if not ids:
            continue
        if dry_run:
            found.extend(ids)
            history_rows += history.filter(id__in=ids).exclude(email="", phone="").count()
        else:
            done, blanked = _blank_contacts(ids, expired, now)
            found.extend(done)
            history_rows += blanked
    part = f"Contact details (after {days} days)"
    if not found:
        return Outcome(part, "nothing to remove.")
    numbers = _numbers(found)
    if dry_run:
        line = (f"would remove the e-mail and phone of {len(found)} participant(s), "
                f"No. {numbers}, and from {history_rows} earlier history row(s).")
    else:
        line = (f"removed the e-mail and phone of {len(found)} participant(s), No. {numbers}, "
                f"and from {history_rows} earlier history row(s).")
    return Outcome(part, line, count=len(found))


# --- import batches ----------------------------------------------------------------------

def import_batches(days: int, *, dry_run: bool = False, now=None) -> Outcome:
    """Delete the previews that can no longer be confirmed (expired, or older than the
    period) and empty the rows of the other batches older than the period, in one
    transaction (there are hundreds of batches, not millions)."""
    now = now or timezone.now()
    uploaded_before = now - datetime.timedelta(days=days)
    with transaction.atomic():
        batches = ImportBatch.objects.order_by()
        old_previews = batches.filter(status=ImportBatch.Status.PREVIEW,
                                      created_at__lt=uploaded_before)
        to_delete = batches.expired(now) | old_previews
        deleted = sorted(to_delete.values_list("pk", flat=True))
        to_empty = (batches.filter(created_at__lt=uploaded_before).exclude(rows=[])
                    .exclude(pk__in=deleted))
        emptied = sorted(to_empty.values_list("pk", flat=True))
        if not dry_run:
            ImportBatch.objects.filter(pk__in=emptied).update(rows=[])
            ImportBatch.objects.filter(pk__in=deleted).delete()
    part = f"Import batches (after {days} days)"
    if not deleted and not emptied:
        return Outcome(part, "nothing to remove.")
    if dry_run:
        line = (f"would delete {len(deleted)} preview(s) never confirmed"
                + (f" (No. {_numbers(deleted)})" if deleted else "")
                + f" and empty the rows of {len(emptied)} batch(es)"
                + (f" (No. {_numbers(emptied)})" if emptied else "") + ".")
    else:
        line = (f"deleted {len(deleted)} preview(s) never confirmed"
                + (f" (No. {_numbers(deleted)})" if deleted else "")
                + f" and emptied the rows of {len(emptied)} batch(es)"
                + (f" (No. {_numbers(emptied)})" if emptied else "") + ".")
    return Outcome(part, line, count=len(deleted) + len(emptied))


# --- access log --------------------------------------------------------------------------

def access_log(days: int, *, dry_run: bool = False, now=None, chunk: int = CHUNK,
               using: str = DEFAULT_DB_ALIAS) -> Outcome:
    """Delete the entries older than the period with their participants, a chunk of entries
    per transaction. Raw deletes (no collector, no signals): the log's models refuse nothing
    here, and a million rows are not loaded to be deleted one by one."""
    now = now or timezone.now()
    before = now - datetime.timedelta(days=days)
    old = AccessEntry.objects.using(using).filter(at__lt=before)
    part = f"Access log (after {days} days)"
    if dry_run:
        entries = old.count()
        records = AccessedRecord.objects.using(using).filter(entry__at__lt=before).count()
        if not entries:
            return Outcome(part, "nothing to remove.")
        return Outcome(part, f"would delete {entries} entr{'y' if entries == 1 else 'ies'} "
                       f"older than {timezone.localtime(before):%Y-%m-%d %H:%M} "
                       f"({records} participant reference(s)).", count=entries)
    entries = records = 0
    while True:
        with transaction.atomic(using=using):
            ids = list(old.order_by("at", "pk").values_list("pk", flat=True)[:chunk])
            if not ids:
                break
            records += AccessedRecord.objects.using(using).filter(
                entry_id__in=ids)._raw_delete(using)
            entries += AccessEntry.objects.using(using).filter(pk__in=ids)._raw_delete(using)
    if not entries:
        return Outcome(part, "nothing to remove.")
    return Outcome(part, f"deleted {entries} entr{'y' if entries == 1 else 'ies'} older than "
                   f"{timezone.localtime(before):%Y-%m-%d %H:%M} ({records} participant "
                   "reference(s)).", count=entries)


# --- all parts ---------------------------------------------------------------------------

def apply(*, dry_run: bool = False, now=None, chunk: int = CHUNK) -> list[Outcome]:
    """Every part, each apart: the periods are checked first (``RetentionSettingsError``);
    a part that fails is reported as failed and the next still runs."""
    configured = periods()
    now = now or timezone.now()
    parts = [
        ("Contact details", lambda: contact_details(
            configured.contact_details_days, dry_run=dry_run, now=now, chunk=chunk)),
        ("Import batches", lambda: import_batches(
            configured.import_batch_days, dry_run=dry_run, now=now)),
        ("Access log", lambda: access_log(
            configured.access_log_days, dry_run=dry_run, now=now, chunk=chunk)),
    ]
    outcomes = []
    for name, run in parts:
        try:
            outcomes.append(run())
        except Exception as exc:  # reported; the other parts still run
            outcomes.append(Outcome(name, f"failed, nothing more done in this part: {exc!r}",
                                    failed=True))
    return outcomes
