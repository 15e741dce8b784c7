"""Backups hold the attachments' files: a round trip brings back every file a row refers to (a
history version's too), byte for byte, and publishes the public ones afresh at new addresses; a
restore checks the whole archive before it writes anything and leaves nothing behind when it
fails; local disk and object storage work the same (SQLite ↔ PostgreSQL with files:
tests/portal/test_backup_move.py)."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import tarfile
import tracemalloc

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from attachments import services, storage
from attachments.models import Attachment
from tests import factories
from tests.attachments.files import jpeg_upload, pdf_upload, png_upload
from tests.attachments.s3 import (  # noqa: F401  (the fixture moto_server)
    drop_bucket,
    make_bucket,
    moto_server_fixture,
    storage_setting,
)
from unodc_portal.site import backup

pytestmark = pytest.mark.django_db(transaction=True)

CONSENT = "Asked at the workshop on 3 May; all agreed in writing (sheet kept by the office)."


def stored(media) -> dict[str, bytes]:
    return {str(p.relative_to(media)): p.read_bytes() for p in media.rglob("*") if p.is_file()}


def populate(officer):
    """An event with a public photo, a private attendance sheet and an agenda replaced once
    (its first file kept for the history version); a seizure with evidence."""
    event = factories.EventFactory(title="Семинар — Бишкек")
    photo = services.add(event, jpeg_upload("Фото.jpg"), user=officer, title="Opening",
                         kind="photo", visibility="public", consent=CONSENT, caption="Day one")
    sheet = services.add(event, pdf_upload("sheet.pdf", "Signatures"), user=officer,
                         title="Attendance", kind="attendance_sheet")
    agenda = services.add(event, pdf_upload("agenda.pdf", "Draft"), user=officer,
                          title="Agenda", kind="agenda", visibility="public")
    first_agenda_file = agenda.file_key
    services.replace(agenda, pdf_upload("agenda.pdf", "Final"),
                     expected_version=agenda.version, user=officer)
    evidence = services.add(factories.SeizureFactory(), png_upload("scan.png"), user=officer,
                            title="Scan", kind="evidence")
    return {"photo": photo, "sheet": sheet, "agenda": agenda, "evidence": evidence,
            "first_agenda_file": first_agenda_file}


def private_files() -> dict[str, bytes]:
    """Every file and thumbnail a row or a history version refers to, with its bytes."""
    keys = set()
    for model in (Attachment, Attachment.history.model):
        for file_key, thumb in model.objects.values_list("file_key", "thumbnail_key"):
            keys.update(k for k in (file_key, thumb) if k)
    return {key: storage.read_bytes(key) for key in sorted(keys)}


def rows() -> list[dict]:
    """The attachments and their history as backed up, public keys aside (made afresh)."""
    result = []
    for model in (Attachment, Attachment.history.model):
        for row in model.objects.order_by("pk").values():
            row.pop("public_key"), row.pop("public_thumbnail_key")
            result.append(row)
    return result


def empty(media):
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media, ignore_errors=True)


def test_a_round_trip_brings_back_every_file_and_publishes_afresh(media, officer_user, client,
                                                                  tmp_path):
    made = populate(officer_user)
    photo = Attachment.objects.get(pk=made["photo"].pk)
    old_public = {photo.public_key, photo.public_thumbnail_key,
                  Attachment.objects.get(pk=made["agenda"].pk).public_key}
    old_addresses = [storage.public_url(k) for k in old_public]
    before_files, before_rows = private_files(), rows()
    assert made["first_agenda_file"] in before_files  # the history version's file
    path = tmp_path / "portal.tar"
    out = io.StringIO()
    call_command("backup", output=path, stdout=out)
    assert f"{len(before_files)} files" in out.getvalue()

    empty(media)
    out = io.StringIO()
    call_command("restore", path, stdout=out)
    assert "2 public file(s) published at new addresses" in out.getvalue()

    assert private_files() == before_files
    assert rows() == before_rows
    photo = Attachment.objects.get(pk=made["photo"].pk)
    agenda = Attachment.objects.get(pk=made["agenda"].pk)
    new_public = {photo.public_key, photo.public_thumbnail_key, agenda.public_key}
    assert all(new_public) and not new_public & old_public
    # Nothing else is public: the new copies, and the old addresses answer 404.
    assert set(storage.keys(storage.PUBLIC)) == new_public
    assert storage.read_bytes(photo.public_key) == before_files[photo.file_key]
    for url in old_addresses:
        assert client.get(url).status_code == 404
    assert client.get(storage.public_url(photo.public_key)).status_code == 200
    assert Attachment.objects.get(pk=made["sheet"].pk).public_key == ""


def test_the_archive_holds_the_database_the_files_and_a_manifest_never_public_copies(
        media, officer_user, tmp_path):
    import stat

    made = populate(officer_user)
    path = tmp_path / "portal.tar"
    call_command("backup", output=path, verbosity=0)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["portal.tar"]
    with tarfile.open(path) as tar:
        names = tar.getnames()
        assert names[0] == "database.json.gz" and names[-1] == "manifest.json"
        assert names[-2] == "erasures.jsonl"  # the erasure journal's copy (personaldata)
        assert set(names[1:-2]) == set(private_files())
        assert not [n for n in names if n.startswith("public/")]
        manifest = json.load(tar.extractfile("manifest.json"))
        # The database member is the earlier backup format: loaddata reads it.
        with gzip.open(tar.extractfile("database.json.gz"), "rt", encoding="utf-8") as db:
            models = {row["model"] for row in json.load(db)}
    assert {"attachments.attachment", "attachments.historicalattachment"} <= models
    assert manifest["missing"] == []
    assert manifest["files"][made["sheet"].file_key]["size"] == made["sheet"].size


def test_a_restore_into_a_storage_holding_its_files_or_public_copies_is_refused(
        media, officer_user, tmp_path):
    """The rule: no public copy (nothing from before stays public) and none of the backup's
    files (none overwritten) in the storage restored into."""
    populate(officer_user)
    path = tmp_path / "portal.tar"
    call_command("backup", output=path, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)  # the database only
    before = stored(media)
    with pytest.raises(CommandError, match="holds public copies"):
        call_command("restore", path, verbosity=0)
    assert stored(media) == before and not Attachment.objects.exists()
    shutil.rmtree(media / "public")
    before = stored(media)
    with pytest.raises(CommandError, match="already holds 7 of the backup's files"):
        call_command("restore", path, verbosity=0)
    assert stored(media) == before and not Attachment.objects.exists()


def test_other_private_files_in_the_storage_are_left_and_reported(media, officer_user,
                                                                  tmp_path):
    populate(officer_user)
    path = tmp_path / "portal.tar"
    call_command("backup", output=path, verbosity=0)
    empty(media)
    leftover = storage.write_bytes("files/" + "b" * 32 + ".pdf", b"%PDF-1.4 left over")
    err = io.StringIO()
    call_command("restore", path, stdout=io.StringIO(), stderr=err)
    assert "held 1 other file(s)" in err.getvalue() and "attachment_files --delete" in (
        err.getvalue())
    assert storage.exists(leftover) and Attachment.objects.count() == 4


def damage(path, out, change):
    """A copy of the archive ``path`` with ``change(name, data) -> data | None`` applied to its
    members (None: left out)."""
    with tarfile.open(path) as source, tarfile.open(out, "w") as target:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            if data is not None:
                member.size = len(data)
                target.addfile(member, io.BytesIO(data))
    return out


@pytest.mark.parametrize("how, message", [
    ("a flipped byte in a file", "is damaged"),
    ("a file left out", "missing from the archive"),
    ("the manifest left out", "not a complete portal backup"),
    ("a member outside files/", "does not list"),
    ("the database changed", "database in the archive is damaged"),
])
def test_a_damaged_archive_is_refused_before_anything_is_written(
        media, officer_user, tmp_path, how, message):
    made = populate(officer_user)
    path = tmp_path / "portal.tar"
    call_command("backup", output=path, verbosity=0)
    key = made["sheet"].file_key

    def change(name, data):
        if how == "a flipped byte in a file" and name == key:
            return data[:-1] + bytes([data[-1] ^ 1])
        if how == "a file left out" and name == key:
            return None
        if how == "the manifest left out" and name == "manifest.json":
            return None
        if how == "the database changed" and name == "database.json.gz":
            return gzip.compress(b"[]")
        return data

    bad = damage(path, tmp_path / "bad.tar", change)
    if how == "a member outside files/":
        with tarfile.open(bad, "a") as tar:
            info = tarfile.TarInfo("files/../../escaped.txt")
            info.size = 3
            tar.addfile(info, io.BytesIO(b"bad"))
    empty(media)
    with pytest.raises(CommandError, match=message):
        call_command("restore", bad, verbosity=0)
    assert not media.exists() or stored(media) == {}
    assert not Attachment.objects.exists() and not (tmp_path / "escaped.txt").exists()


def test_a_cut_short_archive_is_refused(media, officer_user, tmp_path):
    populate(officer_user)
    path = tmp_path / "portal.tar"
    call_command("backup", output=path, verbosity=0)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    empty(media)
    with pytest.raises(CommandError, match="portal backup"):
        call_command("restore", path, verbosity=0)
    assert not Attachment.objects.exists() and (not media.exists() or stored(media) == {})


def test_an_error_during_the_restore_rolls_back_and_deletes_the_files_written(
        media, officer_user, tmp_path):
    populate(officer_user)
    path = tmp_path / "portal.tar"
    call_command("backup", output=path, verbosity=0)
    empty(media)

    def fail():
        assert storage.exists(Attachment.objects.first().file_key)  # the files were written
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        backup.backup_restore(path, inside=fail)
    assert not Attachment.objects.exists()
    assert list(storage.keys()) == []


def test_a_backup_of_the_earlier_format_still_restores(media, officer_user, tmp_path):
    """Before files were kept, a backup was the gzip JSON file alone (today's database
    member)."""
    factories.EventFactory(title="Before files")
    path = tmp_path / "portal.tar"
    call_command("backup", output=path, verbosity=0)
    old = tmp_path / "portal-backup-old.json.gz"
    with tarfile.open(path) as tar:
        old.write_bytes(tar.extractfile("database.json.gz").read())
    empty(media)
    call_command("restore", old, verbosity=0)
    from activities.models import Event

    assert Event.objects.filter(title="Before files").exists()


def test_a_file_lost_before_the_backup_is_reported_and_its_attachment_stays_unpublished(
        media, officer_user, tmp_path):
    made = populate(officer_user)
    lost = made["photo"].file_key
    storage.delete(lost)
    path = tmp_path / "portal.tar"
    err = io.StringIO()
    call_command("backup", output=path, stdout=io.StringIO(), stderr=err)
    assert lost in err.getvalue()
    empty(media)
    err = io.StringIO()
    call_command("restore", path, stdout=io.StringIO(), stderr=err)
    assert lost in err.getvalue()
    photo = Attachment.objects.get(pk=made["photo"].pk)
    assert photo.public_key == "" and not storage.exists(lost)
    assert Attachment.objects.get(pk=made["agenda"].pk).public_key  # the others are published


def test_files_are_streamed_not_held_in_memory(media, officer_user, tmp_path):
    """A 24 MB file goes into and out of the archive in chunks."""
    import os

    attachment = services.add(factories.EventFactory(), pdf_upload(), user=officer_user,
                              title="Report", kind="report")
    big = os.urandom(24 * 1024 * 1024)
    key = "files/" + "a" * 32 + ".pdf"
    storage.save(key, ContentFile(big))
    Attachment.objects.filter(pk=attachment.pk).update(file_key=key, size=len(big))
    del big
    path = tmp_path / "portal.tar"
    tracemalloc.start()
    try:
        backup.backup_write(path)
        _size, peak_backup = tracemalloc.get_traced_memory()
        empty(media)
        tracemalloc.reset_peak()
        backup.backup_restore(path)
        _size, peak_restore = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert storage.store().size(key) == 24 * 1024 * 1024
    assert peak_backup < 8 * 1024 * 1024 and peak_restore < 8 * 1024 * 1024, (
        peak_backup, peak_restore)


# --------------------------------------------------------------------------------------------
# Local disk ↔ object storage (moto in server mode, tests/attachments/s3.py)
# --------------------------------------------------------------------------------------------
def use_bucket(settings, bucket):
    entry, origins = storage_setting(bucket)
    settings.STORAGES = {**settings.STORAGES, "attachments": entry}
    settings.ATTACHMENT_PUBLIC_BASE_URL = ""
    settings.ATTACHMENT_ORIGINS = origins


def test_local_disk_to_object_storage(media, officer_user, tmp_path, settings, moto_server):
    made = populate(officer_user)
    before = private_files()
    path = tmp_path / "portal.tar"
    call_command("backup", output=path, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    bucket = make_bucket(moto_server)
    try:
        use_bucket(settings, bucket)
        call_command("restore", path, verbosity=0)
        assert {k: bucket.read(k) for k in before} == before
        photo = Attachment.objects.get(pk=made["photo"].pk)
        assert set(bucket.list_keys("public/")) == {
            photo.public_key, photo.public_thumbnail_key,
            Attachment.objects.get(pk=made["agenda"].pk).public_key}
        assert bucket.anonymous_get(photo.public_key)[0] == 200
        assert bucket.anonymous_get(photo.file_key)[0] == 403
        assert bucket.anonymous_get(made["sheet"].file_key)[0] == 403
    finally:
        drop_bucket(bucket)


def test_object_storage_to_local_disk(media, officer_user, tmp_path, settings, moto_server):
    bucket = make_bucket(moto_server)
    local = dict(settings.STORAGES)["attachments"]
    try:
        use_bucket(settings, bucket)
        made = populate(officer_user)
        before = private_files()
        path = tmp_path / "portal.tar"
        call_command("backup", output=path, verbosity=0)
    finally:
        drop_bucket(bucket)
    call_command("flush", interactive=False, verbosity=0)
    settings.STORAGES = {**settings.STORAGES, "attachments": local}
    call_command("restore", path, verbosity=0)
    assert private_files() == before
    photo = Attachment.objects.get(pk=made["photo"].pk)
    assert set(stored(media)) == {*before, photo.public_key, photo.public_thumbnail_key,
                                  Attachment.objects.get(pk=made["agenda"].pk).public_key}
