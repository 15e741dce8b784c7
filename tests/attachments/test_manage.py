"""A record's files page and one file's pages (attachments.manage): who may open them, several
files uploaded at once (with and without the page's script), every refused upload leaving no
row, no stored file and no temporary file behind, and the details, replacement and removal of
one file, each refused from an older version."""

from __future__ import annotations

import io
import json
import struct
import zlib

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from attachments import services
from attachments.models import Attachment
from tests import factories
from tests.attachments.files import jpeg_bytes, multipart, pdf_bytes, pdf_upload, png_upload
from unodc_portal.core import uploads

pytestmark = pytest.mark.django_db

CONSENT = "Asked at the workshop on 3 May; all agreed in writing (sheet kept by the office)."
JSON = {"HTTP_ACCEPT": "application/json"}
# The inspection module proper (its own messages) or the placeholder it replaces.
REAL_INSPECTION = hasattr(uploads, "allow_upload_bytes")


def stored_files(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def files_url(event) -> str:
    return reverse("attachments:event_files", args=[event.slug])


def post_raw(client, url, body: bytes, content_type: str, *, declared: int | None = None,
             **extra):
    """POST ``body`` as sent; ``declared``: the Content-Length the client announced (more than
    the body: the connection dropped half-way)."""
    return client.generic(
        "POST", url, b"", content_type=content_type,
        **{"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(declared or len(body)),
           "CONTENT_TYPE": content_type,
           **extra})


def huge_png(width=50_000, height=50_000) -> bytes:
    """A few hundred bytes that claim 50,000 x 50,000 pixels (2,500 million: 10 GB decoded)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 3000)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def noisy_png(side=200) -> bytes:
    import os

    from PIL import Image
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, format="PNG")
    return out.getvalue()


def upload_data(*files, **values):
    return {"files": list(files), "kind": "agenda", "visibility": "staff", **values}


# ---------------------------------------------------------------------------------------------
# Who may open the pages
# ---------------------------------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_sign_in(client):
    event = factories.EventFactory()
    response = client.get(files_url(event))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    attachment = services.add(event, pdf_upload(), user=None, title="Agenda", kind="agenda")
    for name in ("file_edit", "file_replace", "file_remove"):
        response = client.get(reverse(f"attachments:{name}", args=[attachment.pk]))
        assert response.status_code == 302


def test_signed_in_people_without_the_right_get_403(client, donor_user):
    event = factories.EventFactory()
    client.force_login(donor_user)
    assert client.get(files_url(event)).status_code == 403
    assert client.post(files_url(event), upload_data(pdf_upload())).status_code == 403
    assert not Attachment.objects.exists()


def test_an_officer_changes_files_of_events_and_seizures_not_of_projects_and_articles(
        officer_client):
    seizure = factories.SeizureFactory()
    project = factories.ProjectFactory()
    article = factories.ArticleFactory()
    assert officer_client.get(files_url(factories.EventFactory())).status_code == 200
    assert officer_client.get(
        reverse("attachments:seizure_files", args=[seizure.pk])).status_code == 200
    assert officer_client.get(
        reverse("attachments:project_files", args=[project.code])).status_code == 403
    assert officer_client.get(
        reverse("attachments:article_files", args=[article.slug])).status_code == 403
    # … and cannot change a project's file through the file's own pages either.
    attachment = services.add(project, pdf_upload(), user=None, title="Report", kind="report")
    for name in ("file_edit", "file_replace", "file_remove"):
        url = reverse(f"attachments:{name}", args=[attachment.pk])
        assert officer_client.get(url).status_code == 403
        assert officer_client.post(url, {"record_version": "1", "title": "x"}).status_code == 403
    attachment.refresh_from_db()
    assert attachment.title == "Report" and attachment.version == 1


def test_admins_use_the_same_page_on_projects_and_draft_articles(admin_client, media):
    project = factories.ProjectFactory()
    draft = factories.ArticleFactory(status="draft")
    url = reverse("attachments:project_files", args=[project.code])
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(
        reverse("attachments:article_files", args=[draft.slug])).status_code == 200
    response = admin_client.post(url, upload_data(pdf_upload(), kind="report"))
    assert response.status_code == 302
    assert project.attachments.get().title == "agenda"


def test_a_record_the_reader_cannot_see_or_that_does_not_exist_is_404(officer_client):
    demo = factories.EventFactory(is_demo=True)
    assert officer_client.get(files_url(demo)).status_code == 404
    assert officer_client.get(
        reverse("attachments:event_files", args=["no-such-event"])).status_code == 404
    assert officer_client.get(
        reverse("attachments:seizure_files", args=[999999])).status_code == 404
    attachment = services.add(demo, pdf_upload(), user=None, title="Demo agenda", kind="agenda")
    assert officer_client.get(
        reverse("attachments:file_edit", args=[attachment.pk])).status_code == 404
    assert officer_client.get(reverse("attachments:file_edit", args=[999999])).status_code == 404


def test_the_list_shows_every_file_with_its_visibility(officer_client, officer_user):
    event = factories.EventFactory()
    services.add(event, pdf_upload(), user=officer_user, title="Signed sheet",
                 kind="attendance_sheet")
    services.add(event, png_upload(), user=officer_user, title="Opening", kind="photo",
                 visibility="public", consent=CONSENT)
    services.add(factories.EventFactory(), pdf_upload(), user=officer_user,
                 title="Another event's agenda", kind="agenda")
    text = officer_client.get(files_url(event)).content.decode()
    assert "Signed sheet" in text and "Opening" in text
    assert "Officers and admins only" in text and "Public" in text
    assert "Another event's agenda" not in text


# ---------------------------------------------------------------------------------------------
# Uploading several files
# ---------------------------------------------------------------------------------------------
def test_several_files_at_once_without_script_each_titled_by_its_name(officer_client, media):
    event = factories.EventFactory()
    response = officer_client.post(files_url(event), upload_data(
        pdf_upload("Agenda day 1.pdf"), pdf_upload("Agenda day 2.pdf")), follow=True)
    assert [a.title for a in event.attachments.all()] == ["Agenda day 1", "Agenda day 2"]
    assert "Stored: Agenda day 1, Agenda day 2." in response.content.decode()
    assert len(stored_files(media)) == 2


def test_a_typed_title_and_photo_details_apply_to_every_file(officer_client, media):
    event = factories.EventFactory()
    response = officer_client.post(files_url(event), upload_data(
        png_upload("a.png"), png_upload("b.png"), kind="photo", visibility="public",
        title="Opening", alt_text="Officers at the border post", caption="The opening",
        credit="UNODC", consent=CONSENT))
    assert response.status_code == 302
    photos = list(event.attachments.all())
    assert [p.title for p in photos] == ["Opening", "Opening"]
    assert all(p.public_key and p.alt_text_en == "Officers at the border post" for p in photos)


def test_stored_and_refused_files_of_one_post_are_both_told(officer_client, media):
    event = factories.EventFactory()
    response = officer_client.post(files_url(event), upload_data(
        pdf_upload("agenda.pdf"), upload_file("notes.pdf", b"MZ\x90\x00" + b"\x00" * 200)))
    text = response.content.decode()
    assert response.status_code == 200
    assert event.attachments.count() == 1
    assert "Stored:" in text and "notes.pdf" in text and "invalid-feedback" in text


def test_one_file_a_request_answers_json_with_the_new_row(officer_client, media):
    event = factories.EventFactory()
    response = officer_client.post(files_url(event), upload_data(
        pdf_upload("agenda.pdf"), title="Programme"), **JSON)
    assert response.status_code == 200
    answer = response.json()
    attachment = event.attachments.get()
    assert answer["stored"][0]["id"] == attachment.pk
    assert f'id="attachment-{attachment.pk}"' in answer["stored"][0]["row"]
    assert answer["refused"] == []


def test_one_refused_file_answers_json_with_its_message(officer_client, media):
    event = factories.EventFactory()
    response = officer_client.post(files_url(event), upload_data(
        upload_file("tool.pdf", b"MZ\x90\x00" + b"\x00" * 500)), **JSON)
    assert response.status_code == 400
    answer = response.json()
    assert answer["stored"] == [] and answer["refused"][0]["name"] == "tool.pdf"
    assert answer["refused"][0]["message"]
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_details_no_file_can_satisfy_are_told_beside_their_field(officer_client, media):
    event = factories.EventFactory()
    response = officer_client.post(files_url(event), upload_data(
        png_upload(), kind="photo", visibility="public"), **JSON)
    assert response.status_code == 400
    assert "agreed" in " ".join(response.json()["errors"]["consent"])
    response = officer_client.post(files_url(event), upload_data(
        pdf_upload(), kind="attendance_sheet", visibility="public"))
    assert "never public" in response.content.decode()
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_no_file_chosen_is_told(officer_client):
    event = factories.EventFactory()
    response = officer_client.post(files_url(event), {"kind": "agenda", "visibility": "staff"})
    assert response.status_code == 200
    assert "Choose at least one file." in response.content.decode()


def test_evidence_is_offered_on_seizures_only(officer_client):
    event_page = officer_client.get(files_url(factories.EventFactory())).content.decode()
    seizure_page = officer_client.get(reverse(
        "attachments:seizure_files", args=[factories.SeizureFactory().pk])).content.decode()
    assert 'value="evidence"' not in event_page and 'value="evidence"' in seizure_page


# ---------------------------------------------------------------------------------------------
# Bad input: a clear message beside the field, and nothing left behind
# ---------------------------------------------------------------------------------------------
def upload_file(name, data, content_type="application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def upload_temp_dir(settings, tmp_path):
    """Every uploaded byte goes through a temporary file, in a directory the test watches."""
    directory = tmp_path / "upload-tmp"
    directory.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(directory)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 16
    return directory


def assert_nothing_left(media, temp_dir):
    assert not Attachment.objects.exists()
    assert stored_files(media) == []
    assert list(temp_dir.iterdir()) == []


BAD_FILES = {
    "renamed executable": ("report.pdf", b"MZ\x90\x00\x03" + b"\x00" * 400, "report"),
    "svg with script": ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg">'
                        b"<script>alert(document.cookie)</script></svg>", "photo"),
    "truncated image": ("photo.jpg", jpeg_bytes(400, 300)[:300], "photo"),
    "huge-pixel png": ("bomb.png", huge_png(), "photo"),
    "html page": ("agenda.pdf", b"<!doctype html><html><body>hi</body></html>", "agenda"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_refused_beside_the_field_and_leaves_nothing(
        case, officer_client, media, upload_temp_dir):
    name, data, kind = BAD_FILES[case]
    event = factories.EventFactory()
    response = officer_client.post(files_url(event), upload_data(
        upload_file(name, data), kind=kind))
    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_files_error' in text or "invalid-feedback" in text
    assert name in text
    assert_nothing_left(media, upload_temp_dir)


def test_an_oversized_file_is_refused_without_being_kept(officer_client, media, settings,
                                                          upload_temp_dir):
    settings.UPLOAD_MAX_BYTES = 4096
    settings.ATTACHMENT_MAX_BYTES = dict.fromkeys(Attachment.Kind.values, 4096)
    data = noisy_png()
    assert len(data) > 50_000
    event = factories.EventFactory()
    response = officer_client.post(files_url(event), upload_data(
        upload_file("big.png", data), kind="photo"), **JSON)
    assert response.status_code == 400
    message = response.json()["refused"][0]["message"]
    if REAL_INSPECTION:
        assert "limit" in message
    assert_nothing_left(media, upload_temp_dir)


def test_an_upload_cut_half_way_is_refused_and_leaves_nothing(officer_client, media,
                                                              upload_temp_dir):
    event = factories.EventFactory()
    body, content_type = multipart({"kind": "report", "visibility": "staff"},
                                   [("files", "report.pdf", pdf_bytes() * 50, "application/pdf")])
    cut = body[: len(body) // 2]
    response = post_raw(officer_client, files_url(event), cut, content_type,
                        declared=len(body))
    assert response.status_code == 200
    assert "The upload was interrupted" in response.content.decode()
    assert_nothing_left(media, upload_temp_dir)
    # The same through the script: a JSON answer with the message.
    response = post_raw(officer_client, files_url(event), cut, content_type,
                        declared=len(body), **JSON)
    assert response.status_code == 400
    assert "interrupted" in " ".join(response.json()["errors"]["files"])
    assert_nothing_left(media, upload_temp_dir)


def test_a_path_in_the_name_is_dropped_and_a_cyrillic_name_shown_as_is(officer_client, media,
                                                                     upload_temp_dir):
    event = factories.EventFactory()
    body, content_type = multipart(
        {"kind": "agenda", "visibility": "staff"},
        [("files", "../../../etc/cron.d/agenda.pdf", pdf_bytes(), "application/pdf"),
         ("files", "C:\\Users\\Officer\\Повестка дня.pdf", pdf_bytes("Повестка"),
          "application/pdf")])
    response = post_raw(officer_client, files_url(event), body, content_type)
    assert response.status_code == 302
    first, second = event.attachments.all()
    assert (first.title, first.display_name) == ("agenda", "agenda.pdf")
    assert second.title == "Повестка дня" and second.display_name.endswith("Повестка дня.pdf")
    for attachment in (first, second):
        assert attachment.file_key.startswith("files/")
        assert "etc" not in attachment.file_key and "Users" not in attachment.file_key
    text = officer_client.get(files_url(event)).content.decode()
    assert "Повестка дня" in text
    assert all(key.startswith("files/") for key in stored_files(media))
    assert list(upload_temp_dir.iterdir()) == []


def test_too_many_files_in_one_post_are_refused(officer_client, media, upload_temp_dir):
    """The parser stops at the 21st file (DATA_UPLOAD_MAX_NUMBER_FILES): nothing stored, no
    temporary file left, the reason beside the field."""
    event = factories.EventFactory()
    response = officer_client.post(files_url(event), upload_data(
        *[pdf_upload(f"{n}.pdf") for n in range(21)]))
    assert response.status_code == 200  # the form again, the reason beside the field
    assert "At most 20 files at a time." in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(media) == []
    assert list(upload_temp_dir.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# One file: details, replacement, removal
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def agenda(officer_user):
    return services.add(factories.EventFactory(), pdf_upload(), user=officer_user,
                        title="Agenda", kind="agenda")


def details(attachment, **values):
    return {"record_version": str(attachment.version), "title": attachment.title_en,
            "title_ru": "", "kind": attachment.kind, "visibility": attachment.visibility,
            "alt_text": "", "alt_text_ru": "", "caption": "", "caption_ru": "", "credit": "",
            "consent": "", **values}


def test_details_are_changed_in_english_and_russian(officer_client, agenda):
    url = reverse("attachments:file_edit", args=[agenda.pk])
    assert officer_client.get(url).status_code == 200
    response = officer_client.post(url, details(agenda, title="Programme",
                                                title_ru="Программа"))
    assert response.status_code == 302
    agenda.refresh_from_db()
    assert (agenda.title_en, agenda.title_ru, agenda.version) == ("Programme", "Программа", 2)
    assert agenda.history.first().history_change_reason == "File details changed"


def test_details_saved_from_a_russian_page_keep_each_language_in_its_column(
        officer_client, agenda):
    url = reverse("attachments:file_edit", args=[agenda.pk])
    officer_client.post(url, details(agenda, title="Programme", title_ru="Программа"),
                        HTTP_ACCEPT_LANGUAGE="ru")
    agenda.refresh_from_db()
    assert (agenda.title_en, agenda.title_ru) == ("Programme", "Программа")


def test_details_from_an_older_version_are_refused_with_who_and_when(
        officer_client, agenda, officer_user):
    url = reverse("attachments:file_edit", args=[agenda.pk])
    loaded = details(agenda, title="Mine")
    services.change(agenda, expected_version=1, user=officer_user, title_en="Theirs")
    response = officer_client.post(url, loaded)
    text = response.content.decode()
    assert response.status_code == 200 and "Not saved" in text and "officer" in text
    agenda.refresh_from_db()
    assert agenda.title_en == "Theirs" and agenda.version == 2
    # The page now carries the current version: saving again applies the input on purpose.
    assert 'name="record_version" value="2"' in text


def test_a_public_photo_without_consent_is_refused_beside_the_consent(officer_client,
                                                                     officer_user):
    photo = services.add(factories.EventFactory(), png_upload(), user=officer_user,
                         title="Opening", kind="photo")
    response = officer_client.post(reverse("attachments:file_edit", args=[photo.pk]),
                                   details(photo, visibility="public"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "consent" in form.errors
    photo.refresh_from_db()
    assert photo.visibility == "staff" and photo.public_key == ""


def test_a_missing_or_damaged_version_is_refused(officer_client, agenda):
    for version in ("", "abc", "0"):
        response = officer_client.post(reverse("attachments:file_edit", args=[agenda.pk]),
                                       details(agenda, record_version=version, title="X"))
        assert response.status_code == 200
    for name in ("file_replace", "file_remove"):
        response = officer_client.post(reverse(f"attachments:{name}", args=[agenda.pk]),
                                       {"record_version": "zz", "file": pdf_upload()})
        assert "did not say which version" in response.content.decode()
    agenda.refresh_from_db()
    assert agenda.title == "Agenda" and agenda.version == 1


def test_a_file_is_replaced_under_a_new_key(officer_client, agenda, media):
    url = reverse("attachments:file_replace", args=[agenda.pk])
    assert officer_client.get(url).status_code == 200
    old_key = agenda.file_key
    response = officer_client.post(url, {"record_version": "1",
                                         "file": pdf_upload("agenda-v2.pdf", text="v2")})
    assert response.status_code == 302
    agenda.refresh_from_db()
    assert agenda.file_key != old_key and agenda.display_name == "agenda-v2.pdf"
    assert agenda.version == 2


def test_a_refused_replacement_keeps_the_file_and_stores_nothing(officer_client, agenda, media):
    before = stored_files(media)
    response = officer_client.post(reverse("attachments:file_replace", args=[agenda.pk]), {
        "record_version": "1", "file": upload_file("agenda.pdf", b"MZ" + b"\x00" * 300)})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert stored_files(media) == before
    agenda.refresh_from_db()
    assert agenda.version == 1


def test_a_replacement_from_an_older_version_is_refused(officer_client, agenda, officer_user,
                                                        media):
    services.change(agenda, expected_version=1, user=officer_user, title_en="Theirs")
    before = stored_files(media)
    response = officer_client.post(reverse("attachments:file_replace", args=[agenda.pk]),
                                   {"record_version": "1", "file": pdf_upload(text="mine")})
    assert "Not saved" in response.content.decode()
    assert stored_files(media) == before


def test_an_interrupted_replacement_is_refused(officer_client, agenda, media, upload_temp_dir):
    before = stored_files(media)
    body, content_type = multipart({"record_version": "1"},
                                   [("file", "agenda.pdf", pdf_bytes() * 50, "application/pdf")])
    response = post_raw(officer_client, reverse("attachments:file_replace", args=[agenda.pk]),
                        body[: len(body) * 2 // 3], content_type, declared=len(body))
    assert "The upload was interrupted" in response.content.decode()
    assert stored_files(media) == before and list(upload_temp_dir.iterdir()) == []


def test_a_file_is_removed_after_confirmation(officer_client, agenda):
    url = reverse("attachments:file_remove", args=[agenda.pk])
    response = officer_client.get(url)
    assert response.status_code == 200 and "Remove the file" in response.content.decode()
    response = officer_client.post(url, {"record_version": "1"})
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert agenda.history.first().history_type == "-"


def test_a_removal_from_an_older_version_is_refused(officer_client, agenda, officer_user):
    services.change(agenda, expected_version=1, user=officer_user, title_en="Theirs")
    response = officer_client.post(reverse("attachments:file_remove", args=[agenda.pk]),
                                   {"record_version": "1"})
    text = response.content.decode()
    assert "Not saved" in text and 'name="record_version" value="2"' in text
    assert Attachment.objects.filter(pk=agenda.pk).exists()


def test_the_upload_page_loads_its_script_from_a_static_file(officer_client):
    text = officer_client.get(files_url(factories.EventFactory())).content.decode()
    assert "js/attachments.js" in text
    assert "<script>" not in text and "style=" not in text
    assert 'multiple' in text and "data-attachment-upload" in text


def test_the_json_answer_is_json_even_for_a_bad_form(officer_client):
    response = officer_client.post(files_url(factories.EventFactory()),
                                   {"kind": "nonsense", "visibility": "staff"}, **JSON)
    assert response.status_code == 400
    assert json.loads(response.content)["errors"]


def test_an_officer_without_the_add_permission_gets_403(client, officer_user):
    officer_user.groups.first().permissions.remove(
        Permission.objects.get(codename="add_attachment"))
    client.force_login(officer_user)
    assert client.get(files_url(factories.EventFactory())).status_code == 403


def test_the_officer_pages_of_an_event_and_a_seizure_link_to_their_files(officer_client):
    event, seizure = factories.EventFactory(), factories.SeizureFactory()
    text = officer_client.get(reverse("activities:event_update", args=[event.slug])).content
    assert files_url(event).encode() in text
    text = officer_client.get(reverse("activities:seizure_update", args=[seizure.pk])).content
    assert reverse("attachments:seizure_files", args=[seizure.pk]).encode() in text


def test_uploads_are_checked_for_the_csrf_token_after_the_byte_cap_is_raised(officer_user,
                                                                            media):
    """The CSRF check reads the body: the page reads it first, under the attachments' cap,
    then checks the token as the middleware would (without one: 403, nothing stored)."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_user)
    event = factories.EventFactory()
    client.get(files_url(event))
    token = client.cookies["csrftoken"].value
    assert client.post(files_url(event), upload_data(pdf_upload())).status_code == 403
    assert not Attachment.objects.exists()
    response = client.post(files_url(event), upload_data(pdf_upload()), HTTP_X_CSRFTOKEN=token,
                           **JSON)
    assert response.status_code == 200 and event.attachments.count() == 1
    agenda = event.attachments.get()
    url = reverse("attachments:file_replace", args=[agenda.pk])
    assert client.post(url, {"record_version": "1", "file": pdf_upload()}).status_code == 403
    response = client.post(url, {"record_version": "1", "file": pdf_upload(text="v2"),
                                 "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_the_files_page_runs_as_many_queries_at_30_files_as_at_1(officer_client, officer_user,
                                                                  media):
    from tests.querycount import assert_constant_queries

    event = factories.EventFactory()

    def add_rows(n):
        for i in range(n):
            services.add(event, pdf_upload(f"{i}.pdf"), user=officer_user, title=f"File {i}",
                         kind="agenda")

    assert_constant_queries(officer_client, files_url(event), add_rows, budget=15)
