"""The attachment's life on local disk: stored under generated keys, published while public and
its record visible to visitors, unpublished when either stops, a new public address per
version, and the two addresses (public, private) answering as they should."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities.models import Article
from attachments import services, storage
from attachments.models import Attachment
from tests import factories
from tests.attachments.files import pdf_upload, png_upload
from unodc_portal.core.uploads import UploadRefused
from unodc_portal.core.versioning import StaleVersion

pytestmark = pytest.mark.django_db

CONSENT = "Asked at the workshop on 3 May; all agreed in writing (sheet kept by the office)."


@pytest.fixture
def officer(officer_user):
    return officer_user


def stored_keys(media):
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def public_photo(record, user, **values):
    values = {"title": "Opening", "kind": "photo", "visibility": "public",
              "consent": CONSENT, **values}
    return services.add(record, png_upload(), user=user, **values)


def test_an_upload_is_stored_under_generated_keys_never_the_uploaders_name(media, officer):
    event = factories.EventFactory()
    attachment = services.add(event, pdf_upload("../../etc/Повестка.pdf"), user=officer,
                              title="Agenda", kind="agenda")
    assert attachment.file_key.startswith("files/") and attachment.file_key.endswith(".pdf")
    assert "etc" not in attachment.file_key and "Повестка" not in attachment.file_key
    assert stored_keys(media) == [attachment.file_key]
    assert attachment.public_key == ""  # officers-only by default
    assert attachment.uploaded_by == officer
    assert attachment.history.count() == 1


def test_a_public_photo_is_published_with_its_thumbnail(media, officer):
    event = factories.EventFactory()
    attachment = public_photo(event, officer)
    assert attachment.public_key.startswith("public/")
    assert attachment.public_thumbnail_key.startswith(attachment.public_key.rsplit("/", 1)[0])
    assert set(stored_keys(media)) == {attachment.file_key, attachment.thumbnail_key,
                                       attachment.public_key, attachment.public_thumbnail_key}


def test_making_a_file_private_deletes_its_public_copy_and_the_address_stops_working(
        media, officer, client, django_capture_on_commit_callbacks):
    attachment = public_photo(factories.EventFactory(), officer)
    url = storage.public_url(attachment.public_key)
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        services.change(attachment, expected_version=attachment.version, user=officer,
                        visibility="staff")
    assert attachment.public_key == ""
    assert client.get(url).status_code == 404
    assert not any(k.startswith("public/") for k in stored_keys(media))


def test_replacing_a_public_file_gives_it_a_new_address(media, officer, client,
                                                       django_capture_on_commit_callbacks):
    attachment = public_photo(factories.EventFactory(), officer)
    first = storage.public_url(attachment.public_key)
    with django_capture_on_commit_callbacks(execute=True):
        services.replace(attachment, png_upload(color=(0, 0, 0)),
                         expected_version=attachment.version, user=officer)
    second = storage.public_url(attachment.public_key)
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert attachment.history.count() == 2  # the old file stays for its history version
    old_file = attachment.history.earliest("history_date").file_key
    assert old_file in stored_keys(media) and old_file != attachment.file_key


def test_a_draft_articles_public_photo_is_published_only_with_the_article(
        media, roles, django_capture_on_commit_callbacks):
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    article = factories.ArticleFactory(status=Article.Status.DRAFT)
    attachment = public_photo(article, admin)
    assert attachment.public_key == ""
    article.status = Article.Status.PUBLISHED
    article.save()
    attachment.refresh_from_db()
    assert attachment.public_key
    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.DRAFT
        article.save()
    attachment.refresh_from_db()
    assert attachment.public_key == ""
    assert not any(k.startswith("public/") for k in stored_keys(media))


def test_a_demo_events_public_photo_is_never_published(media, officer):
    attachment = public_photo(factories.EventFactory(is_demo=True), officer)
    assert attachment.is_demo and attachment.public_key == ""
    assert not attachment.readable_by(AnonymousUser())


@pytest.mark.parametrize("kind", ["attendance_sheet", "evidence"])
def test_attendance_sheets_and_evidence_are_never_public(media, officer, kind):
    seizure = factories.SeizureFactory()
    with pytest.raises(ValidationError):
        services.add(seizure, pdf_upload(), user=officer, title="Sheet", kind=kind,
                     visibility="public")
    assert stored_keys(media) == [] and not Attachment.objects.exists()


def test_a_photo_is_public_only_with_a_consent_statement(media, officer):
    with pytest.raises(ValidationError) as raised:
        services.add(factories.EventFactory(), png_upload(), user=officer, title="Group",
                     kind="photo", visibility="public", consent="  ")
    assert "agreed" in " ".join(raised.value.messages)
    assert stored_keys(media) == [] and not Attachment.objects.exists()


def test_a_pdf_is_not_a_photo(media, officer):
    with pytest.raises(UploadRefused):
        services.add(factories.EventFactory(), pdf_upload("photo.jpg"), user=officer,
                     title="Group", kind="photo")
    assert stored_keys(media) == [] and not Attachment.objects.exists()


def test_a_change_from_an_older_version_is_refused(media, officer):
    attachment = services.add(factories.EventFactory(), pdf_upload(), user=officer,
                              title="Agenda", kind="agenda")
    seen = attachment.version
    services.change(attachment, expected_version=seen, user=officer, title="Agenda (final)")
    stale = Attachment.objects.get(pk=attachment.pk)
    with pytest.raises(StaleVersion):
        services.change(stale, expected_version=seen, user=officer, title="Agenda v2")
    assert Attachment.objects.get(pk=attachment.pk).title == "Agenda (final)"


def test_removing_unpublishes_at_once_and_keeps_the_file_for_history(
        media, officer, client, django_capture_on_commit_callbacks):
    attachment = public_photo(factories.EventFactory(), officer)
    url = storage.public_url(attachment.public_key)
    file_key = attachment.file_key
    with django_capture_on_commit_callbacks(execute=True):
        services.remove(attachment, expected_version=attachment.version, user=officer)
    assert client.get(url).status_code == 404
    assert file_key in stored_keys(media)
    assert not Attachment.objects.exists()


def test_the_public_address_is_served_without_a_database_query(
        media, officer, client, django_assert_num_queries):
    attachment = public_photo(factories.EventFactory(), officer)
    url = storage.public_url(attachment.public_key)
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "immutable" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_private_address_checks_the_reader(media, officer, client):
    attachment = services.add(factories.EventFactory(), pdf_upload("Повестка дня.pdf"),
                              user=officer, title="Agenda", kind="agenda")
    url = reverse("files:file", args=[attachment.pk])
    assert client.get(url).status_code == 404
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%D0%9F" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_signed_in_reader_gets_the_public_copy_without_a_query_and_as_a_public_answer(
        media, officer, client, django_assert_num_queries):
    attachment = public_photo(factories.EventFactory(), officer)
    url = storage.public_url(attachment.public_key)
    client.force_login(officer)
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Cookie" not in response.get("Vary", "")
    assert "Set-Cookie" not in str(response.cookies) or not response.cookies


def test_a_made_up_public_address_gets_the_portals_own_404_page(media, client):
    response = client.get("/media/public/" + "0" * 32 + "/nothing.jpg")
    assert response.status_code == 404
    assert b"<html" in response.content.lower()  # the portal's page, not a bare answer
