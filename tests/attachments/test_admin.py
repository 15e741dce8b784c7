"""Attachments in the admin: the list and its filters, adding with a file (inspected and stored
by the service, refusals beside the field and nothing stored), changing the details in both
languages, replacing the file, a save from an older version refused, removal with history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from attachments import services
from attachments.models import Attachment
from tests import factories
from tests.attachments.files import pdf_upload, png_upload, upload

pytestmark = pytest.mark.django_db

CONSENT = "Asked at the workshop on 3 May; all agreed in writing (sheet kept by the office)."


def stored_files(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def url(action, *args):
    return reverse(f"admin:attachments_attachment_{action}", args=args)


def add_data(**values):
    return {"title_en": "Agenda", "title_ru": "", "kind": "agenda", "visibility": "staff",
            "alt_text_en": "", "alt_text_ru": "", "caption_en": "", "caption_ru": "",
            "credit": "", "consent": "", "record_version": "", **values}


def change_data(attachment, **values):
    return add_data(**{"title_en": attachment.title_en, "kind": attachment.kind,
                       "visibility": attachment.visibility,
                       "record_version": str(attachment.version), **values})


@pytest.fixture
def agenda(admin_user):
    return services.add(factories.EventFactory(), pdf_upload(), user=admin_user,
                        title="Agenda", kind="agenda")


def test_the_list_shows_record_kind_visibility_and_size_and_filters(admin_client, agenda):
    project = factories.ProjectFactory(code="KGZK50")
    services.add(project, pdf_upload("report.pdf"), user=None, title="Annual report",
                 kind="report")
    response = admin_client.get(url("changelist"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Agenda" in text and "Annual report" in text and "bytes" in text
    assert str(agenda.event) in text
    text = admin_client.get(url("changelist") + "?record=project").content.decode()
    assert "Annual report" in text and f"/{agenda.pk}/change/" not in text
    text = admin_client.get(url("changelist") + "?q=annual").content.decode()
    assert "Annual report" in text
    assert admin_client.get(url("add")).status_code == 200
    assert admin_client.get(url("change", agenda.pk)).status_code == 200
    assert admin_client.get(url("history", agenda.pk)).status_code == 200


def test_an_admin_adds_a_file_through_the_service(admin_client, media):
    event = factories.EventFactory()
    response = admin_client.post(url("add"), add_data(
        event=event.pk, title_ru="Повестка", upload=pdf_upload()))
    assert response.status_code == 302, response.context["adminform"].form.errors
    attachment = event.attachments.get()
    assert (attachment.title_en, attachment.title_ru) == ("Agenda", "Повестка")
    assert attachment.file_key.startswith("files/")
    assert stored_files(media) == [attachment.file_key]
    assert attachment.history.first().history_change_reason == "File added"


def test_adding_without_a_file_or_with_two_records_is_refused(admin_client, media):
    event, seizure = factories.EventFactory(), factories.SeizureFactory()
    response = admin_client.post(url("add"), add_data(event=event.pk))
    assert response.status_code == 200
    assert "upload" in response.context["adminform"].form.errors
    response = admin_client.post(url("add"), add_data(event=event.pk, seizure=seizure.pk,
                                                      upload=pdf_upload()))
    assert "exactly one record" in response.content.decode()
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_a_refused_file_is_told_beside_the_field_and_nothing_is_stored(admin_client, media):
    event = factories.EventFactory()
    response = admin_client.post(url("add"), add_data(
        event=event.pk, upload=upload("report.pdf", b"MZ\x90\x00" + b"\x00" * 300)))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["upload"]
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_a_public_photo_without_consent_is_refused(admin_client, media):
    response = admin_client.post(url("add"), add_data(
        event=factories.EventFactory().pk, kind="photo", visibility="public",
        upload=png_upload()))
    assert response.status_code == 200
    assert "agreed" in response.content.decode()
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_details_are_changed_and_published_through_the_service(admin_client, admin_user):
    photo = services.add(factories.EventFactory(), png_upload(), user=admin_user,
                         title="Opening", kind="photo")
    response = admin_client.post(url("change", photo.pk), change_data(
        photo, visibility="public", consent=CONSENT, caption_ru="Открытие"))
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.public_key and photo.caption_ru == "Открытие" and photo.version == 2
    assert photo.history.first().history_change_reason == "File details changed"


def test_a_new_file_replaces_the_old_one(admin_client, agenda, media):
    old_key = agenda.file_key
    response = admin_client.post(url("change", agenda.pk), change_data(
        agenda, upload=pdf_upload("agenda-v2.pdf", text="v2")))
    assert response.status_code == 302
    agenda.refresh_from_db()
    assert agenda.file_key != old_key and agenda.display_name == "agenda-v2.pdf"


def test_a_save_from_an_older_version_is_refused_with_who_and_when(admin_client, agenda,
                                                                   admin_user, media):
    loaded = change_data(agenda, title_en="Mine", upload=pdf_upload(text="mine"))
    services.change(agenda, expected_version=1, user=admin_user, title_en="Theirs")
    before = stored_files(media)
    response = admin_client.post(url("change", agenda.pk), loaded)
    assert response.status_code == 200
    assert "Not saved" in response.content.decode()
    agenda.refresh_from_db()
    assert agenda.title_en == "Theirs" and agenda.version == 2
    assert stored_files(media) == before


def test_the_record_of_a_file_cannot_be_changed(admin_client, agenda):
    other = factories.EventFactory()
    admin_client.post(url("change", agenda.pk), change_data(agenda, event=other.pk))
    agenda.refresh_from_db()
    assert agenda.event_id != other.pk


def test_deleting_in_the_admin_removes_with_history(admin_client, agenda):
    response = admin_client.post(url("delete", agenda.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert agenda.history.first().history_change_reason == "File removed"


def test_a_bad_history_address_is_404(admin_client):
    assert admin_client.get(url("history", "abc")).status_code == 404
