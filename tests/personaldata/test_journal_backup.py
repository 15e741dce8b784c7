"""The erasure journal in backups, and restore's replay (issue 18, point 6): the journal is a
member of the archive, checked like the others; a restore erases again whoever the journal
names and the restored rows do not show erased — from the journal file or the backup's own
copy — then applies retention; an archive without a journal still restores; a backup writes
an access-log entry."""

import datetime
import gzip
import hashlib
import io
import json
import tarfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accesslog.models import AccessedRecord, AccessEntry
from activities.models import Participant
from personaldata import journal, services
from personaldata.models import Erasure
from tests import factories
from tests.engine import sqlite_only

RECENT = timezone.localdate() - datetime.timedelta(days=10)


@pytest.fixture(autouse=True)
def media(attachment_media):
    """A restore needs an empty attachments' storage: each test has its own."""
    return attachment_media


@pytest.fixture(autouse=True)
def own_journal(erasure_journal):
    return erasure_journal


def people(count, *, start=RECENT):
    """``count`` participants at one event (recent by default: retention leaves them)."""
    event = factories.EventFactory(start_date=start, end_date=start)
    return [factories.ParticipationFactory(event=event).participant for _ in range(count)]


def erase(participant, admin):
    services.participant_erase(participant.pk, user=admin)


def backup(path):
    out = StringIO()
    call_command("backup", output=path, stdout=out)
    return out.getvalue()


def restore(path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("restore", path, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def members(path) -> dict[str, bytes]:
    with tarfile.open(path) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


def rewrite(path, change):
    """A copy of the archive with ``change(name, data)`` applied to each member (``None``
    leaves the member out)."""
    out = path.with_name("changed-" + path.name)
    with tarfile.open(path) as source, \
            tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as target:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            if data is None:
                continue
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return out


@pytest.mark.django_db
def test_the_journal_is_a_member_listed_in_the_manifest(tmp_path, admin_user):
    """Empty (no journal yet) it is an empty member; after an erasure it holds its line."""
    first = tmp_path / "first.tar"
    backup(first)
    held = members(first)
    assert held["erasures.jsonl"] == b""
    manifest = json.loads(held["manifest.json"])
    assert manifest["version"] == 3
    assert manifest["journal"] == {"size": 0, "sha256": hashlib.sha256(b"").hexdigest()}

    [participant] = people(1)
    erase(participant, admin_user)
    second = tmp_path / "second.tar"
    backup(second)
    held = members(second)
    assert held["erasures.jsonl"] == journal.path().read_bytes()
    [line] = journal.parse(held["erasures.jsonl"].decode())
    assert line["participant"] == participant.pk
    manifest = json.loads(held["manifest.json"])
    assert manifest["journal"] == {"size": len(held["erasures.jsonl"]),
                                   "sha256": hashlib.sha256(held["erasures.jsonl"]).hexdigest()}


@pytest.mark.django_db
def test_a_backup_writes_an_access_log_entry_of_ranges_only(tmp_path, admin_user):
    listed = people(4)
    erase(listed[1], admin_user)  # an erased record holds no personal data
    merged_away = factories.ParticipantFactory()
    merged_away_number = merged_away.pk
    merged_away.delete()  # its history keeps its data
    path = tmp_path / "portal.tar"
    output = backup(path)

    entry = AccessEntry.objects.get()
    numbers = sorted([listed[0].pk, *[p.pk for p in listed[2:]], merged_away_number])
    assert entry.what == "backup" and entry.user is None and entry.path == str(path)
    assert entry.record_count == 4
    assert entry.records == f"{numbers[0]}, {numbers[1]}-{numbers[3]}"
    assert not AccessedRecord.objects.exists()  # ranges only
    assert "holds the personal data of 4 participant(s)" in output
    # Written once the archive is complete: the backup does not hold its own entry.
    database = members(path)["database.json.gz"]
    assert b"accesslog.accessentry" not in gzip.decompress(database)


@pytest.mark.django_db(transaction=True)
def test_restore_replays_the_erasures_made_after_the_backup_then_applies_retention(
        tmp_path, admin_user):
    erased_before, erased_after, kept = people(3)
    [old] = people(1, start=datetime.date(2011, 2, 21))  # last event long past its period
    erase(erased_before, admin_user)
    path = tmp_path / "portal.tar"
    backup(path)
    erase(erased_after, admin_user)  # only in the journal file, not in the backup

    call_command("flush", interactive=False, verbosity=0)
    output, errors = restore(path)

    assert f"Erasures replayed: 1 (No. {erased_after.pk})" in output
    assert not errors
    after = {p.pk: p for p in Participant.objects.all()}
    assert after[erased_after.pk].erased_at is not None
    assert after[erased_after.pk].name == "" and after[erased_after.pk].email == ""
    assert not Participant.history.filter(id=erased_after.pk, name=erased_after.name).exists()
    # The erasure in the backup is not made twice.
    assert Erasure.objects.filter(participant=erased_before.pk).count() == 1
    assert Erasure.objects.filter(participant=erased_after.pk).count() == 1
    assert (after[kept.pk].name, after[kept.pk].email) == (kept.name, kept.email)
    # Then retention: the 2011 participant's contact details go.
    assert (after[old.pk].email, after[old.pk].phone) == ("", "")
    assert (f"Contact details (after 1825 days): removed the e-mail and phone of 1 "
            f"participant(s), No. {old.pk}") in output
    assert "Import batches (after 30 days)" in output and "Access log (after 730 days)" in output
    # The journal file already held the backup's line: nothing added, nothing doubled.
    assert len(journal.entries()) == 2 and "added to" not in output


@pytest.mark.django_db(transaction=True)
def test_the_backups_copy_is_replayed_and_kept_when_the_journal_is_gone(
        tmp_path, settings, monkeypatch):
    """An erasure committed while the backup read its rows is in the backup's copy only; the
    server's journal directory is lost. The copy is replayed and written to the new journal;
    an erasure that cannot be made again refuses the whole restore."""
    [participant] = people(1)
    journal.append(participant=participant.pk, erased_at=timezone.now(), erasure=1)
    path = tmp_path / "portal.tar"
    backup(path)
    settings.ERASURE_JOURNAL_DIR = tmp_path / "new-journal"
    call_command("flush", interactive=False, verbosity=0)

    def refused(number, **kwargs):
        raise ValueError("the record is locked")

    monkeypatch.setattr(services, "participant_erase", refused)
    with pytest.raises(CommandError, match=rf"No\. {participant.pk} .*could not be made again"):
        restore(path)
    assert not Participant.objects.exists()  # nothing restored
    monkeypatch.undo()
    settings.ERASURE_JOURNAL_DIR = tmp_path / "new-journal"

    output, _errors = restore(path)
    assert f"Erasures replayed: 1 (No. {participant.pk})" in output
    assert Participant.objects.get(pk=participant.pk).erased_at is not None
    assert [e["participant"] for e in journal.entries()] == [participant.pk]
    assert "1 erasure(s) of the backup's journal added to" in output


@pytest.mark.django_db(transaction=True)
def test_an_archive_without_a_journal_restores_replaying_the_journal_file(tmp_path,
                                                                          admin_user):
    """The format before journals (version 2); a damaged journal line is skipped, counted."""
    kept, erased_after = people(2)
    path = tmp_path / "portal.tar"
    backup(path)

    def as_version_2(name, data):
        if name == "erasures.jsonl":
            return None
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["version"] = 2
            del manifest["journal"]
            return json.dumps(manifest).encode()
        return data

    old = rewrite(path, as_version_2)
    erase(erased_after, admin_user)
    with open(journal.path(), "a") as file:
        file.write('{"participant": 9999, "erased_at": "2026-\n')  # cut short by a crash
    call_command("flush", interactive=False, verbosity=0)

    output, errors = restore(old)
    assert f"Erasures replayed: 1 (No. {erased_after.pk})" in output
    assert Participant.objects.get(pk=erased_after.pk).erased_at is not None
    assert Participant.objects.get(pk=kept.pk).erased_at is None
    assert "1 line(s) of the erasure journal could not be read and were skipped" in errors


@pytest.mark.django_db(transaction=True)
def test_a_damaged_journal_member_or_bad_periods_refuse_the_restore_before_it_writes(
        tmp_path, admin_user, settings):
    [participant] = people(1)
    erase(participant, admin_user)
    path = tmp_path / "portal.tar"
    backup(path)
    call_command("flush", interactive=False, verbosity=0)

    emptied = rewrite(path, lambda name, data: b"" if name == "erasures.jsonl" else data)
    with pytest.raises(CommandError, match="erasure journal in the archive is damaged"):
        restore(emptied)
    cut = rewrite(path, lambda name, data: None if name == "erasures.jsonl" else data)
    with pytest.raises(CommandError, match="no erasure journal"):
        restore(cut)
    settings.PERSONAL_DATA_RETENTION = {**settings.PERSONAL_DATA_RETENTION,
                                        "access_log_days": 0}
    with pytest.raises(CommandError, match="access_log_days"):
        restore(path)
    assert not Participant.objects.exists()


@sqlite_only("it reads and writes the journal file only")
def test_a_line_cut_short_does_not_swallow_the_next_one(erasure_journal):
    """A crash mid-line leaves no newline; the next erasure's line starts on a line of its
    own, and a restore's lines are added once."""
    erasure_journal.mkdir(parents=True)
    journal.path().write_text('{"participant": 1, "erased_at": "2026-01-01T00:00:00+00:00", '
                              '"erasure": 1}\n{"participant": 2, "era')
    journal.append(participant=3, erased_at=timezone.now(), erasure=3)
    entries, damaged = journal.parse_counting(journal.path().read_text())
    assert [entry["participant"] for entry in entries] == [1, 3] and damaged == 1
    assert journal.extend([entries[0], {"participant": 4, "erased_at": "x", "erasure": 4}]) == 1
    assert [entry["participant"] for entry in journal.entries()] == [1, 3, 4]
