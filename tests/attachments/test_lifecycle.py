"""When a file is deleted: ``manage.py attachment_files`` reports the stored files no row refers
to, and ``--delete`` removes them — never a file an attachment or a history version names, never
one younger than an hour (an upload whose row is not committed yet)."""

import io
import os
import time

import pytest
from django.core.management import call_command

from attachments import services, storage
from attachments.models import Attachment
from tests import factories
from tests.attachments.files import pdf_upload, png_upload
from tests.attachments.s3 import moto_server_fixture, s3_fixture  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

CONSENT = "Asked at the workshop on 3 May; all agreed in writing (sheet kept by the office)."
TWO_HOURS = 2 * 3600


def stored(media) -> set[str]:
    return {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()}


def age(media, *keys, seconds=TWO_HOURS):
    """Make ``keys`` (and their folders) look written ``seconds`` ago."""
    when = time.time() - seconds
    for key in keys:
        os.utime(media / key, (when, when))
        os.utime((media / key).parent, (when, when))


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("attachment_files", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def orphan(key_token="c" * 32, ext="pdf", folder="files/"):
    return storage.write_bytes(f"{folder}{key_token}.{ext}", b"%PDF-1.4 orphan")


@pytest.fixture
def world(media, officer_user, django_capture_on_commit_callbacks):
    """A public photo replaced once (its first file kept for that history version), an agenda
    removed (its file kept for its history), a private sheet; every file two hours old."""
    event = factories.EventFactory()
    photo = services.add(event, png_upload(), user=officer_user, title="Opening", kind="photo",
                         visibility="public", consent=CONSENT)
    first_photo = (photo.file_key, photo.thumbnail_key)
    with django_capture_on_commit_callbacks(execute=True):
        services.replace(photo, png_upload(color=(0, 0, 0)), expected_version=photo.version,
                         user=officer_user)
    agenda = services.add(event, pdf_upload(), user=officer_user, title="Agenda",
                          kind="agenda")
    removed = agenda.file_key
    with django_capture_on_commit_callbacks(execute=True):
        services.remove(agenda, expected_version=agenda.version, user=officer_user)
    sheet = services.add(event, pdf_upload(), user=officer_user, title="Sheet",
                         kind="attendance_sheet")
    age(media, *stored(media))
    return {"photo": photo, "first_photo": first_photo, "removed": removed, "sheet": sheet}


def test_nothing_named_is_reported_or_deleted(media, world):
    before = stored(media)
    assert world["removed"] in before and set(world["first_photo"]) <= before
    out, _err = run()
    assert "No orphaned file." in out
    run("--delete")
    assert stored(media) == before


def test_an_orphan_is_reported_then_deleted_with_delete(media, world):
    key = orphan()
    age(media, key)
    before = stored(media)
    out, _err = run()
    assert "1 orphaned file(s)" in out and key in out and "--delete" in out
    assert stored(media) == before  # a report changes nothing
    out, _err = run("--delete")
    assert "Deleted 1 orphaned file(s)" in out
    assert stored(media) == before - {key}


def test_a_file_younger_than_an_hour_is_never_deleted(media, world):
    """An upload whose row is not committed yet: its file exists, no row names it."""
    key = orphan()
    out, _err = run("--delete")
    assert "younger than an hour" in out and "Deleted 0" in out
    assert storage.exists(key)
    age(media, key, seconds=3000)  # 50 minutes
    run("--delete")
    assert storage.exists(key)


def test_a_stale_public_copy_goes_and_its_folder_with_it(media, world):
    """A public copy no row names (its publication rolled back, or left from before)."""
    stale = storage.write_bytes("public/" + "d" * 32 + "/opening.png", b"\x89PNG stale")
    age(media, stale)
    photo = Attachment.objects.get(pk=world["photo"].pk)
    run("--delete")
    assert not storage.exists(stale) and not (media / "public" / ("d" * 32)).exists()
    assert storage.exists(photo.public_key) and storage.exists(photo.public_thumbnail_key)


def test_a_removed_attachments_file_goes_once_no_history_version_names_it(media, world):
    """History pruning (or the personal-data erasure) removes the versions: then the file is
    an orphan."""
    run("--delete")
    assert storage.exists(world["removed"])
    Attachment.history.filter(file_key=world["removed"]).delete()
    out, _err = run("--delete")
    assert "Deleted 1 orphaned file(s)" in out
    assert not storage.exists(world["removed"])
    assert storage.exists(world["sheet"].file_key)


def test_a_file_an_attachment_names_but_the_storage_lost_is_reported(media, world):
    storage.delete(world["sheet"].file_key)
    _out, err = run()
    assert "missing from the storage" in err and world["sheet"].file_key in err


def test_in_a_bucket_orphans_go_and_named_files_stay(s3, officer_user, monkeypatch,
                                                     django_capture_on_commit_callbacks):
    """A bucket's objects cannot be aged: the hour is shortened to nothing instead."""
    from attachments.management.commands import attachment_files

    photo = services.add(factories.EventFactory(), png_upload(), user=officer_user,
                         title="Opening", kind="photo", visibility="public", consent=CONSENT)
    first = photo.file_key
    with django_capture_on_commit_callbacks(execute=True):
        services.replace(photo, png_upload(color=(0, 0, 0)), expected_version=photo.version,
                         user=officer_user)
    stray = storage.write_bytes("files/" + "e" * 32 + ".pdf", b"%PDF-1.4 orphan")
    stale = storage.write_bytes("public/" + "f" * 32 + "/old.png", b"\x89PNG stale")
    named = set(s3.list_keys()) - {stray, stale}
    out, _err = run("--delete")
    assert "younger than an hour" in out and set(s3.list_keys()) == named | {stray, stale}
    monkeypatch.setattr(attachment_files, "MIN_AGE", attachment_files.MIN_AGE * 0)
    out, _err = run("--delete")
    assert "Deleted 2 orphaned file(s)" in out
    assert set(s3.list_keys()) == named and first in named
