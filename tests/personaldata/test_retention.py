"""``manage.py apply_retention`` (issue 18, point 5): each part at its boundary (one day inside
and one day past its period), history rows blanked, a dry run that changes nothing, a second
run that does nothing, bad periods refused, chunks, and a failing part reported."""

import datetime
import json
from io import StringIO

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import CommandError, call_command
from django.utils import timezone

from accesslog.models import AccessedRecord, AccessEntry
from activities import summaries
from activities.models import Event, ImportBatch, Participant
from personaldata import retention
from tests import factories

pytestmark = pytest.mark.django_db

DAYS = 1825  # settings.PERSONAL_DATA_RETENTION["contact_details_days"]
TODAY = timezone.localdate()
CUTOFF = TODAY - datetime.timedelta(days=DAYS)  # an event that ended on this day is kept
DAY = datetime.timedelta(days=1)


def run(*args) -> str:
    out = StringIO()
    call_command("apply_retention", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def person(*events, created_days_ago=None, **fields):
    """A participant at ``events`` (a participation each); ``created_days_ago`` moves the
    record's making back."""
    participant = factories.ParticipantFactory(**fields)
    for event in events:
        factories.ParticipationFactory(participant=participant, event=event)
    if created_days_ago is not None:
        Participant.objects.filter(pk=participant.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=created_days_ago))
    return participant


def event(start=None, end=None, **fields):
    return factories.EventFactory(start_date=start, end_date=end, **fields)


def contacts(participant) -> tuple[str, str]:
    participant.refresh_from_db()
    return participant.email, participant.phone


@pytest.fixture
def people():
    """One person per rule, on each side of the boundary."""
    with summaries.writing():
        ended_inside = event(CUTOFF - 3 * DAY, CUTOFF)
        ended_past = event(CUTOFF - 3 * DAY, CUTOFF - DAY)
        one_day_inside = event(CUTOFF)  # no end date: its start date
        one_day_past = event(CUTOFF - DAY)
        month_inside = event(year=CUTOFF.year, month=CUTOFF.month)  # known by month only
        before_month = CUTOFF.replace(day=1) - DAY
        month_past = event(year=before_month.year, month=before_month.month)
        year_inside = event(year=CUTOFF.year)
        year_past = event(year=CUTOFF.year - 1)
        undated = event()  # no date at all: says nothing
        recent = event(TODAY - 10 * DAY, TODAY - 9 * DAY)
        return {
            "ended_inside": person(ended_inside),
            "ended_past": person(ended_past),
            "start_inside": person(one_day_inside),
            "start_past": person(one_day_past),
            "month_inside": person(month_inside),
            "month_past": person(month_past),
            "year_inside": person(year_inside),
            "year_past": person(year_past),
            "old_and_recent": person(ended_past, recent),
            "no_event_inside": person(created_days_ago=DAYS - 1),
            "no_event_past": person(created_days_ago=DAYS + 1),
            "undated_only_past": person(undated, created_days_ago=DAYS + 1),
            "undated_only_inside": person(undated, created_days_ago=DAYS - 1),
            "phone_only_past": person(ended_past, email=""),
            "nothing_to_remove": person(ended_past, email="", phone=""),
            "erased": person(ended_past, erased_at=timezone.now()),
        }


EXPIRED = {"ended_past", "start_past", "month_past", "year_past", "no_event_past",
           "undated_only_past", "phone_only_past"}


def test_contact_details_go_one_day_past_the_period_and_stay_one_day_inside(people):
    output = run()
    for name, participant in people.items():
        before = (participant.email, participant.phone)
        if name in EXPIRED:
            assert contacts(participant) == ("", ""), name
        else:
            assert contacts(participant) == before, name
    numbers = sorted(people[name].pk for name in EXPIRED)
    line = next(line for line in output.splitlines() if line.startswith("Contact details"))
    assert f"removed the e-mail and phone of {len(EXPIRED)} participant(s)" in line
    for number in numbers:
        assert any(str(number) in part for part in line.split("No. ", 1)[1].split(", "))
    # Nothing else of the person changes: name, organisation, country stay.
    expired = people["ended_past"]
    expired.refresh_from_db()
    assert expired.name.startswith("Participant Person") and expired.erased_at is None


def test_history_rows_are_blanked_and_a_row_says_why_naming_no_one():
    with summaries.writing():
        participant = person(event(CUTOFF - DAY))
    for email in ("second@example.org", "third@example.org"):
        participant.email = email
        participant.save()
    version = Participant.objects.get(pk=participant.pk).version
    assert participant.history.exclude(email="").count() == 3

    run()

    rows = list(participant.history.order_by("history_date", "history_id"))
    assert len(rows) == 4
    assert all(row.email == "" and row.phone == "" for row in rows)
    latest = rows[-1]
    assert latest.history_type == "~" and latest.history_user is None
    assert latest.history_change_reason == retention.REASON
    assert participant.name not in latest.history_change_reason
    assert rows[0].name == participant.name  # only the contact details go
    assert Participant.objects.get(pk=participant.pk).version == version + 1


def snapshot() -> dict[str, list]:
    """Every row of every table the portal manages, as comparable text."""
    result = {}
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        rows = serializers.serialize("json", model._base_manager.order_by("pk"))
        result[model._meta.label] = json.loads(rows)
    return result


@pytest.fixture
def old_batches(officer_user):
    """Import batches on each side of their period (30 days), and old access-log entries."""
    def batch(days_ago, status=ImportBatch.Status.COMMITTED, expires_in_hours=-1):
        made = ImportBatch.objects.create(
            event=factories.EventFactory(), created_by=officer_user, file_name="list.csv",
            file_hash="a" * 64, status=status, counts={"new": 1},
            expires_at=timezone.now() + datetime.timedelta(hours=expires_in_hours),
            rows=[{"n": 2, "status": "new",
                   "values": {"name": "Айгуль Токтосунова", "email": "a@example.org"}}])
        ImportBatch.objects.filter(pk=made.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=days_ago))
        return made

    return {
        "committed_past": batch(31),
        "committed_inside": batch(29),
        "expired_preview": batch(2, ImportBatch.Status.PREVIEW),
        "waiting_preview": batch(0, ImportBatch.Status.PREVIEW, expires_in_hours=5),
    }


def log_entry(days_ago, participants=(1, 2)):
    entry = AccessEntry.objects.create(what="activities:participant_list",
                                       records="1-2", record_count=len(participants))
    AccessEntry.objects.filter(pk=entry.pk).update(
        at=timezone.now() - datetime.timedelta(days=days_ago))
    AccessedRecord.objects.bulk_create(
        AccessedRecord(entry=entry, participant=number) for number in participants)
    return entry


def test_import_batches_keep_their_hash_counts_and_dates_but_not_their_rows(old_batches):
    past = old_batches["committed_past"]
    output = run()
    kept = {batch.pk: batch for batch in ImportBatch.objects.all()}
    assert set(kept) == {past.pk, old_batches["committed_inside"].pk,
                         old_batches["waiting_preview"].pk}
    emptied = kept[past.pk]
    assert emptied.rows == []
    assert (emptied.file_hash, emptied.counts, emptied.status) == (
        "a" * 64, {"new": 1}, ImportBatch.Status.COMMITTED)
    assert emptied.created_at < timezone.now() - datetime.timedelta(days=30)
    assert kept[old_batches["committed_inside"].pk].rows
    assert kept[old_batches["waiting_preview"].pk].rows
    assert (f"deleted 1 preview(s) never confirmed (No. {old_batches['expired_preview'].pk}) "
            f"and emptied the rows of 1 batch(es) (No. {past.pk})") in output


def test_a_preview_older_than_the_period_is_deleted_even_if_its_time_has_not_passed(
        old_batches, settings):
    settings.PERSONAL_DATA_RETENTION = {**settings.PERSONAL_DATA_RETENTION,
                                        "import_batch_days": 1}
    waiting = old_batches["waiting_preview"]
    ImportBatch.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2))
    run()
    assert not ImportBatch.objects.filter(pk=waiting.pk).exists()


def test_access_log_entries_past_the_period_go_with_their_participants():
    past, inside = log_entry(731), log_entry(729)
    output = run()
    assert list(AccessEntry.objects.all()) == [inside]
    assert set(AccessedRecord.objects.values_list("entry_id", flat=True)) == {inside.pk}
    assert "Access log (after 730 days): deleted 1 entry" in output
    assert "(2 participant reference(s))" in output
    assert past.pk not in AccessEntry.objects.values_list("pk", flat=True)


def test_a_dry_run_lists_numbers_and_changes_nothing(people, old_batches):
    log_entry(800)
    before = snapshot()
    output = run("--dry-run")
    assert snapshot() == before
    lines = output.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        f"Contact details (after {DAYS} days)", "Import batches (after 30 days)",
        "Access log (after 730 days)"]
    assert f"would remove the e-mail and phone of {len(EXPIRED)} participant(s)" in lines[0]
    assert "would delete 1 preview(s)" in lines[1] and "empty the rows of 1" in lines[1]
    assert "would delete 1 entry" in lines[2]
    # Numbers only: no name, e-mail or phone.
    for participant in people.values():
        assert participant.email not in output or not participant.email
        assert participant.name not in output
    assert "Айгуль" not in output and "example.org" not in output


def test_a_second_run_does_nothing(people, old_batches):
    log_entry(800)
    run()
    after_first = snapshot()
    output = run()
    assert snapshot() == after_first
    assert output.splitlines() == [
        f"Contact details (after {DAYS} days): nothing to remove.",
        "Import batches (after 30 days): nothing to remove.",
        "Access log (after 730 days): nothing to remove.",
    ]


@pytest.mark.parametrize("value", [0, -5, "30", 1.5, True, None])
def test_bad_periods_are_refused_before_anything_is_done(value, settings, old_batches):
    settings.PERSONAL_DATA_RETENTION = {**settings.PERSONAL_DATA_RETENTION,
                                        "import_batch_days": value}
    before = snapshot()
    with pytest.raises(CommandError, match=r"import_batch_days.*whole number of days"):
        run()
    assert snapshot() == before


def test_a_missing_or_unknown_period_is_refused(settings):
    periods = dict(settings.PERSONAL_DATA_RETENTION)
    settings.PERSONAL_DATA_RETENTION = {k: v for k, v in periods.items()
                                        if k != "access_log_days"}
    with pytest.raises(CommandError, match="access_log_days"):
        run()
    settings.PERSONAL_DATA_RETENTION = {**periods, "contact_detail_days": 10}
    with pytest.raises(CommandError, match="does not know: contact_detail_days"):
        run()


def test_chunks_reach_every_record():
    with summaries.writing():
        old = event(CUTOFF - DAY)
        expired = [person(old) for _ in range(5)]
    entries = [log_entry(800) for _ in range(5)]
    outcome = retention.contact_details(DAYS, chunk=2)
    assert outcome.count == 5
    assert all(contacts(participant) == ("", "") for participant in expired)
    outcome = retention.access_log(730, chunk=2)
    assert outcome.count == 5 and not AccessEntry.objects.exists()
    assert not AccessedRecord.objects.exists()
    assert len(entries) == 5


def test_a_failing_part_is_reported_and_the_others_still_run(people, monkeypatch):
    log_entry(800)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(retention, "import_batches", broken)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="Retention failed in: Import batches"):
        call_command("apply_retention", stdout=out, stderr=err)
    assert "Import batches: failed" in err.getvalue() and "disk full" in err.getvalue()
    assert contacts(people["ended_past"]) == ("", "")
    assert not AccessEntry.objects.exists()


def test_an_event_that_moves_later_keeps_its_people():
    """The rule reads the events as they are at the run: a date corrected later counts."""
    with summaries.writing():
        moved = event(CUTOFF - DAY)
        participant = person(moved)
    Event.objects.filter(pk=moved.pk).update(start_date=TODAY, end_date=TODAY)
    run()
    assert contacts(participant) != ("", "")
