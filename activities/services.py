"""Writes that touch several models, each one function in one transaction, calling
``full_clean()`` on what it saves. Views call these; nothing else writes these records."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from simple_history.utils import bulk_create_with_history

from activities import import_rows, imports, summaries
from activities.history import merge_reason
from activities.models import (
    DuplicateDismissal,
    Event,
    EventTrainerOrganisation,
    ImportBatch,
    Participant,
    Participation,
    Seizure,
    Substance,
)
from unodc_portal.core.roles import is_demo_user
from unodc_portal.core.versioning import bump_version, bump_versions

# Which attendance status wins when two records of one person were both at an event.
STATUS_STRENGTH = {
    Participation.Status.ATTENDED: 3,
    Participation.Status.ABSENT: 2,
    Participation.Status.REGISTERED: 1,
}


@dataclass
class NewParticipant:
    participant: Participant  # unsaved, validated by its form
    status: str


def _save(obj, reason: str):
    obj.full_clean()
    obj._change_reason = reason
    obj.save()
    return obj


@transaction.atomic
def substance_save(substance: Substance, *, user=None) -> Substance:
    """Save a substance and re-derive the kilograms of the seizures measured in litres through
    its density, each saved with history (who, and why) and a new version where they change."""
    substance.full_clean()
    substance.save()
    reason = f"Kilograms re-derived: the density of {substance.name} changed"
    for seizure in substance.seizures.filter(unit=Seizure.Unit.LITRE).select_for_update():
        seizure.substance = substance
        before = seizure.quantity_kg
        seizure.fill_derived_fields()
        if seizure.quantity_kg == before:
            continue
        bump_version(seizure)
        seizure._change_reason = reason
        if user is not None and user.is_authenticated:
            seizure._history_user = user
        seizure.save()
    return substance


@transaction.atomic
def record_save(obj, *, expected_version: int | None, reason: str):
    """Save one versioned record (participant, seizure) edited on its page: only when its
    stored version is still ``expected_version`` (else StaleVersion, nothing written); the
    version moves on with the save."""
    if obj.pk is not None:
        bump_version(obj, expected=expected_version)
    return _save(obj, reason)


@transaction.atomic
@summaries.writing()
def event_record(
    *,
    event: Event,
    projects,
    trainers,
    participations: dict[int, str],
    new_participants: list[NewParticipant],
    trainer_counts: dict[int, int | None],
    removed: set[int] = frozenset(),
    trainers_removed: set[int] | None = None,
    expected_version: int | None = None,
) -> Event:
    """Save an event with its projects, trainers, trainer organisations and participant
    changes in one transaction: ``participations`` {participant id: status} are added or given
    that status, ``removed`` participants are taken off, new participants are created and
    added; participants in neither stay as they are (someone else may have added them).
    Trainer organisations likewise: ``trainer_counts`` added or set, ``trainers_removed``
    taken off (when None, those not listed are removed). An existing event is saved only when its
    stored version is still ``expected_version`` (else StaleVersion); the version moves on.
    Any ValidationError undoes everything. The event's stored figures are refreshed once, at
    the end."""
    creating = event.pk is None
    if not creating:
        bump_version(event, expected=expected_version)
    _save(event, "Recorded on the event page" if creating else "Edited on the event page")
    event.projects.set(projects)
    event.trainers.set(trainers)

    wanted = dict(participations)
    for row in new_participants:
        _save(row.participant, f"Added on the page of event “{event.title}”")
        wanted[row.participant.pk] = row.status

    verb = "on the event page"
    _apply_changes(
        {p.participant_id: p for p in event.participations.all()}, removed, wanted,
        field="status", verb=verb,
        make=lambda pk, status: Participation(event=event, participant_id=pk, status=status),
    )
    links = {link.organisation_id: link for link in event.trainer_links.all()}
    _apply_changes(
        links, set(links) if trainers_removed is None else trainers_removed,
        trainer_counts, field="trainer_count", verb=verb,
        make=lambda pk, count: EventTrainerOrganisation(
            event=event, organisation_id=pk, trainer_count=count),
    )
    return event


def _apply_changes(current: dict, removed, wanted: dict, *, field: str, make, verb: str):
    """The officer's changes to an event's child rows (keyed by participant or organisation):
    rows they removed go, rows they added or changed are written; rows they did not touch —
    someone else's additions since the page was loaded among them — stay."""
    for pk in set(removed) - set(wanted):
        if pk in current:
            current[pk]._change_reason = f"Removed {verb}"
            current[pk].delete()
    for pk, value in wanted.items():
        if pk not in current:
            _save(make(pk, value), f"Added {verb}")
        elif getattr(current[pk], field) != value:
            setattr(current[pk], field, value)
            _save(current[pk], f"Changed {verb}")


# --------------------------------------------------------------------------------------------
# Merging duplicates
# --------------------------------------------------------------------------------------------
MERGE_FILLED_FIELDS = ("organisation", "country", "position", "email", "phone")


@transaction.atomic
@summaries.writing()
def participant_merge(*, keep: Participant, other: Participant) -> Participant:
    """Merge ``other`` into ``keep``: its participations move to ``keep`` (where both records
    were at one event, one participation stays, with the stronger status: attended, then
    absent, then registered), empty fields of ``keep`` are filled from ``other``, and ``other``
    is deleted. History records every step with the merge as its reason, so the removed
    record's values stay in its history. Both records' events' figures are refreshed once."""
    if keep.pk == other.pk:
        raise ValidationError(gettext("A record cannot be merged with itself."))
    locked = {p.pk: p for p in Participant.objects.select_for_update().filter(
        pk__in=[keep.pk, other.pk])}
    if len(locked) != 2:
        raise ValidationError(gettext("One of the two records no longer exists."))
    keep, other = locked[keep.pk], locked[other.pk]
    erased = [p.pk for p in (keep, other) if p.erased_at is not None]
    if erased:  # an erased record takes no one's values and gives none (issue 18)
        raise ValidationError(
            gettext("No. %(number)s was erased: an erased record cannot be merged.")
            % {"number": erased[0]})
    reason = merge_reason(keep=keep, other=other)  # read back by history.merged_values
    # Every event of the other record changes its participant list.
    bump_versions(Event, other.participations.values_list("event_id", flat=True))

    kept_events = {p.event_id: p for p in keep.participations.all()}
    for participation in other.participations.select_for_update():
        mine = kept_events.get(participation.event_id)
        if mine is None:
            participation.participant = keep
            _save(participation, reason)
            continue
        if STATUS_STRENGTH[participation.status] > STATUS_STRENGTH[mine.status]:
            mine.status = participation.status
            _save(mine, reason)
        participation._change_reason = reason
        participation.delete()

    for field in MERGE_FILLED_FIELDS:
        if not getattr(keep, field) and getattr(other, field):
            setattr(keep, field, getattr(other, field))
    if keep.sex == Participant.Sex.NOT_RECORDED:
        keep.sex = other.sex
    keep.is_demo = keep.is_demo and other.is_demo
    bump_version(keep)
    _save(keep, reason)
    other._change_reason = reason
    other.delete()
    return keep


def duplicate_dismiss(*, organisation, match_key: str, records: int, user) -> DuplicateDismissal:
    """Record that the group of ``records`` likely duplicates (``match_key`` in
    ``organisation``) are different people: the group leaves the review list until it grows.
    Saying it again about the same group replaces the earlier decision."""
    dismissal, _created = DuplicateDismissal.objects.update_or_create(
        organisation=organisation, match_key=match_key,
        defaults={"records": records,
                  "dismissed_by": user if user and user.is_authenticated else None},
    )
    return dismissal


# --------------------------------------------------------------------------------------------
# Spreadsheet import
# --------------------------------------------------------------------------------------------
def import_batch_create(*, event: Event, upload, user) -> ImportBatch:
    """Read and classify an uploaded file and keep it as a batch awaiting confirmation.
    Raises imports.ImportFileError when the whole file is refused. Writes nothing to the
    register."""
    data, rows = imports.read_upload(upload)
    digest = imports.file_hash(data)
    done = event.import_batches.filter(
        file_hash=digest, status=ImportBatch.Status.COMMITTED
    ).first()
    if done:
        when = timezone.localtime(done.committed_at)
        raise imports.ImportFileError(
            gettext("This file was already imported into this event on %(date)s at %(time)s.")
            % {"date": date_format(when, "j E Y"), "time": date_format(when, "H:i")}
        )
    classified, counts = import_rows.classify(imports.raw_rows(rows), event)
    now = timezone.now()
    ImportBatch.objects.expired(now).delete()
    return ImportBatch.objects.create(
        event=event, created_by=user if user and user.is_authenticated else None,
        file_name=(upload.name or "upload")[:255], file_hash=digest,
        expires_at=now + datetime.timedelta(hours=settings.IMPORT_BATCH_HOURS),
        rows=classified, counts=counts,
    )


@transaction.atomic
def participants_import(*, batch: ImportBatch, user) -> dict:
    """Write a previewed batch: new and likely-duplicate rows become participants (the likely
    duplicates then wait in the review list), and every row not yet at the event gets a
    participation — all with history, in bulk, in one transaction. The rows are classified
    again first, so that a change to the register since the preview is taken into account;
    any error refuses the whole batch."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEW:
        raise ValidationError(gettext("This file has already been imported."))
    if batch.expires_at < timezone.now():
        raise ValidationError(gettext("This preview has expired; upload the file again."))
    raw = [{"n": r["n"], "values": r["values"]} for r in batch.rows]
    rows, counts = import_rows.classify(raw, batch.event)
    if counts["error"]:
        batch.rows, batch.counts = rows, counts
        batch.save(update_fields=["rows", "counts"])
        raise ValidationError(ngettext(
            "%(count)s row has errors; correct the file and upload it again.",
            "%(count)s rows have errors; correct the file and upload it again.",
            counts["error"],
        ) % {"count": counts["error"]})
    reason = f"Imported from {batch.file_name} into “{batch.event.title}”"
    # What a demo account imports, or anyone imports into a demo event, is demo data: hidden
    # from real accounts, counted in no figure, removed by remove_demo.
    demo = batch.event.is_demo or is_demo_user(user)
    new = []
    for row in rows:
        if row["status"] not in {"new", "duplicate"}:
            continue
        clean = row["clean"]
        participant = Participant(
            name=clean["name"], sex=row["sex"], organisation_id=row["organisation_id"],
            country_id=row["country_id"], position=clean["position"], email=clean["email"],
            phone=clean["phone"], is_demo=demo,
        )
        participant.fill_derived_fields()
        # Foreign keys and the rows themselves were checked in bulk by classify().
        participant.full_clean(exclude=["organisation", "country"], validate_unique=False,
                               validate_constraints=False)
        new.append(participant)
    history_user = user if user and user.is_authenticated else None
    # Participants and participations in bulk; the event's figures are refreshed once.
    with summaries.writing():
        created = bulk_create_with_history(
            new, Participant, batch_size=1000, default_user=history_user,
            default_change_reason=reason,
        )
        attending = [p.pk for p in created] + [
            row["match"]["id"] for row in rows if row["status"] == "match"
        ]
        participations = [
            Participation(event=batch.event, participant_id=pk,
                          status=Participation.Status.ATTENDED, is_demo=demo)
            for pk in attending
        ]
        bulk_create_with_history(
            participations, Participation, batch_size=1000, default_user=history_user,
            default_change_reason=reason,
        )
        summaries.mark([batch.event_id])
    if participations:
        bump_versions(Event, [batch.event_id])
    batch.rows, batch.counts = rows, counts
    batch.status = ImportBatch.Status.COMMITTED
    batch.committed_at = timezone.now()
    batch.save(update_fields=["rows", "counts", "status", "committed_at"])
    return {"created": len(created), "linked": len(attending) - len(created),
            "already": counts["already"]}
