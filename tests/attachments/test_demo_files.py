"""Demo files: seed_demo gives the demo event an agenda, a public photo with consent and a
private attendance sheet (generated in memory); remove_demo deletes them with their history and
every stored file of theirs, and leaves the real record's files alone."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from activities.models import Event
from attachments import services, storage
from attachments.models import Attachment
from tests import factories
from tests.attachments.files import pdf_upload, png_upload

pytestmark = pytest.mark.django_db

CONSENT = "Asked at the workshop on 3 May; all agreed in writing (sheet kept by the office)."


def stored(media) -> set[str]:
    return {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()}


def seed(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    settings.DEBUG = False
    return out.getvalue()


def test_seed_demo_gives_the_demo_event_its_files(media, roles, settings):
    out = seed(settings)
    event = Event.objects.get(slug="demo-training-risk-profiling")
    files = {a.kind: a for a in Attachment.objects.filter(event=event)}
    assert set(files) == {"agenda", "photo", "attendance_sheet"}
    assert "Added 3 demo files" in out
    assert all(a.is_demo for a in files.values())
    assert files["agenda"].mime_type == "application/pdf" and files["agenda"].is_public
    photo = files["photo"]
    assert photo.is_public and photo.consent and photo.alt_text and photo.thumbnail_key
    assert photo.mime_type == "image/jpeg" and photo.width and photo.height
    assert files["attendance_sheet"].visibility == "staff"
    # A demo event's files are never published, and no visitor opens them.
    assert not any(a.public_key for a in files.values())
    assert not any(a.readable_by(AnonymousUser()) for a in files.values())
    assert storage.read_bytes(files["agenda"].file_key).startswith(b"%PDF")
    assert files["agenda"].history.get().history_user.username == "demo-officer"
    # Running it again adds nothing.
    keys = stored(media)
    seed(settings)
    assert Attachment.objects.count() == 3 and stored(media) == keys


def test_remove_demo_removes_demo_files_and_leaves_real_ones(
        media, roles, settings, officer_user, django_capture_on_commit_callbacks):
    real_event = factories.EventFactory()
    real_photo = services.add(real_event, png_upload(), user=officer_user, title="Real",
                              kind="photo", visibility="public", consent=CONSENT)
    real_agenda = services.add(real_event, pdf_upload(), user=officer_user, title="Agenda",
                               kind="agenda")
    real_keys = stored(media)
    seed(settings)
    demo_event = Event.objects.get(slug="demo-training-risk-profiling")
    # A demo file replaced once (its first version's file kept for history) and one removed.
    agenda = Attachment.objects.get(event=demo_event, kind="agenda")
    services.replace(agenda, pdf_upload(text="Second"), expected_version=agenda.version,
                     user=None)
    sheet = Attachment.objects.get(event=demo_event, kind="attendance_sheet")
    services.remove(sheet, expected_version=sheet.version, user=None)
    assert len(stored(media) - real_keys) == 5  # agenda twice, photo + thumbnail, sheet

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remove_demo", stdout=out)
    assert "Deleted 5 demo file(s)" in out.getvalue()
    assert stored(media) == real_keys  # no demo file left; the real ones untouched
    assert list(Attachment.objects.all()) == [real_photo, real_agenda]
    assert not Attachment.history.filter(is_demo=True).exists()
    assert Attachment.history.filter(id__in=[real_photo.pk, real_agenda.pk]).count() == 2
    real_photo.refresh_from_db()
    assert storage.exists(real_photo.public_key)


def test_a_failed_seed_leaves_no_file_behind(media, roles, settings, monkeypatch):
    """The files are written before the transaction commits: when it rolls back, they go."""
    from unodc_portal.site.management.commands import seed_demo

    add_files = seed_demo.Command.files

    def files_then_fail(self, event):
        add_files(self, event)
        assert stored(media)
        raise RuntimeError("interrupted after the files")

    monkeypatch.setattr(seed_demo.Command, "files", files_then_fail)
    with pytest.raises(RuntimeError, match="after the files"):
        seed(settings)
    assert stored(media) == set() and not Attachment.objects.exists()
