"""The attachment's life in object storage, against a real S3-compatible server (moto in server
mode, ``tests/attachments/s3.py``): what is written under which key, what the bucket itself
answers to a visitor's unsigned request (a private file: 403; a public copy: the bytes), the
portal's address sending a reader to a signed address that lives at most 60 seconds, and copies
gone from the bucket when a file is replaced, made private or removed."""

import json
import re
import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from attachments import services, storage
from attachments.s3 import ObjectStorage
from tests import factories
from tests.attachments.files import pdf_bytes, pdf_upload, png_upload
from tests.attachments.s3 import http_get, moto_server_fixture, s3_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

CONSENT = "Asked at the workshop on 3 May; all agreed in writing (sheet kept by the office)."
FILE_KEY = re.compile(r"^files/[0-9a-f]{32}(-thumb)?\.[a-z]{3,4}$")
PUBLIC_KEY = re.compile(r"^public/[0-9a-f]{32}/[a-z0-9][a-z0-9-]*\.[a-z]{3,4}$")


@pytest.fixture
def officer(officer_user):
    return officer_user


def public_photo(record, user, **values):
    values = {"title": "Opening", "kind": "photo", "visibility": "public",
              "consent": CONSENT, **values}
    return services.add(record, png_upload(), user=user, **values)


def gone(status: int) -> bool:
    """A missing object: 404 from moto; 403 from a bucket that does not let visitors list it."""
    return status in (403, 404)


def test_the_storage_is_the_bucket(s3):
    assert isinstance(storage.store(), ObjectStorage) and not storage.is_local()
    assert storage.store().bucket_name == s3.name


def test_an_upload_is_written_private_under_a_generated_key(s3, officer):
    attachment = services.add(factories.EventFactory(), pdf_upload("../../etc/Повестка.pdf"),
                              user=officer, title="Agenda", kind="agenda")
    assert s3.list_keys() == [attachment.file_key]
    assert FILE_KEY.match(attachment.file_key)
    assert s3.read(attachment.file_key) == pdf_bytes()
    head = s3.head(attachment.file_key)
    assert head["ContentType"] == "application/pdf"
    assert head["CacheControl"] == "private, no-store"
    # The bucket refuses it to anyone without a signature.
    status, body, _ = s3.anonymous_get(attachment.file_key)
    assert status == 403 and b"%PDF" not in body


def test_every_key_written_is_under_files_or_public(s3, officer):
    event = factories.EventFactory()
    photo = public_photo(event, officer)
    services.add(event, pdf_upload("Повестка дня.pdf"), user=officer, title="Agenda",
                 kind="agenda", visibility="public")
    keys = s3.list_keys()
    assert len(keys) == 2 + 2 + 1 + 1  # photo, its thumbnail, their copies; the PDF and its copy
    assert all(FILE_KEY.match(k) or PUBLIC_KEY.match(k) for k in keys), keys
    assert {photo.file_key, photo.thumbnail_key, photo.public_key,
            photo.public_thumbnail_key} <= set(keys)
    # storage.keys lists the bucket by prefix, as the files command and the backups do.
    assert sorted(storage.keys()) == keys
    assert sorted(storage.keys("public/")) == [k for k in keys if k.startswith("public/")]
    assert sorted(storage.keys("files/")) == [k for k in keys if k.startswith("files/")]


def test_the_private_address_sends_the_reader_to_a_signed_address_of_at_most_60_seconds(
        s3, officer, client):
    attachment = services.add(factories.EventFactory(), pdf_upload("Повестка дня.pdf"),
                              user=officer, title="Agenda", kind="agenda")
    url = reverse("files:file", args=[attachment.pk])
    assert client.get(url).status_code == 404  # a visitor: no redirect, no key, no bucket
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"  # no cached right
    signed = response["Location"]
    parts = urlsplit(signed)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}" == s3.endpoint
    assert parts.path == f"/{s3.name}/{attachment.file_key}"
    # Its lifetime, read from the address (the server checks no signature and no expiry).
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert 0 < int(query["X-Amz-Expires"]) <= 60
    signed_at = datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - signed_at).total_seconds()) < 30
    assert query["X-Amz-Credential"].split("/")[2:] == ["us-east-1", "s3", "aws4_request"]
    assert query["X-Amz-Signature"]
    # Followed, it gives the file, with its type and name, kept by no cache.
    status, body, headers = http_get(signed)
    assert status == 200 and body == pdf_bytes()
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%D0%9F" in headers["content-disposition"]
    assert headers["cache-control"] == "private, no-store"
    # Without its signature, the same object is refused.
    assert http_get(signed.split("?", 1)[0])[0] == 403


def test_a_public_photo_is_readable_from_the_bucket_by_anyone(s3, officer, client):
    attachment = public_photo(factories.EventFactory(), officer)
    assert PUBLIC_KEY.match(attachment.public_key)
    url = storage.public_url(attachment.public_key)
    assert url == s3.address(attachment.public_key)  # unsigned: the same address for everyone
    status, body, headers = http_get(url)
    assert status == 200 and body == s3.read(attachment.file_key)
    assert body.startswith(b"\x89PNG")
    assert headers["content-type"] == "image/png"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["content-disposition"].startswith("inline;")
    status, body, headers = http_get(storage.public_url(attachment.public_thumbnail_key))
    assert status == 200 and body == s3.read(attachment.thumbnail_key)
    assert headers["content-type"] == f"image/{attachment.thumbnail_key.rsplit('.', 1)[1]}" \
        .replace("jpg", "jpeg")
    # The file and thumbnail themselves stay private.
    assert s3.anonymous_get(attachment.file_key)[0] == 403
    assert s3.anonymous_get(attachment.thumbnail_key)[0] == 403
    # The portal's own public file server does not serve a bucket's copies.
    path = attachment.public_key.removeprefix("public/")
    assert client.get(reverse("files:public_file", args=[path])).status_code == 404
    # An image through the private address: inline, from the bucket.
    client.force_login(officer)
    response = client.get(reverse("files:thumbnail", args=[attachment.pk]))
    assert response.status_code == 302 and response["Location"].startswith(s3.endpoint)
    status, body, headers = http_get(response["Location"])
    assert status == 200 and headers["content-disposition"].startswith("inline;")


def test_a_public_base_address_names_public_copies(s3, officer, settings):
    settings.ATTACHMENT_PUBLIC_BASE_URL = "https://files.example.org/portal"
    attachment = public_photo(factories.EventFactory(), officer)
    assert storage.public_url(attachment.public_key) == (
        f"https://files.example.org/portal/{attachment.public_key}")


def test_making_a_file_private_removes_its_public_copy_from_the_bucket(
        s3, officer, django_capture_on_commit_callbacks):
    attachment = public_photo(factories.EventFactory(), officer)
    url = storage.public_url(attachment.public_key)
    thumb_url = storage.public_url(attachment.public_thumbnail_key)
    assert http_get(url)[0] == 200
    with django_capture_on_commit_callbacks(execute=True):
        services.change(attachment, expected_version=attachment.version, user=officer,
                        visibility="staff")
    assert gone(http_get(url)[0]) and gone(http_get(thumb_url)[0])
    assert s3.list_keys("public/") == []
    assert s3.list_keys() == sorted([attachment.file_key, attachment.thumbnail_key])


def test_replacing_a_public_file_gives_it_a_new_address_and_the_old_one_stops(
        s3, officer, django_capture_on_commit_callbacks):
    attachment = public_photo(factories.EventFactory(), officer)
    old_file, old_url = attachment.file_key, storage.public_url(attachment.public_key)
    with django_capture_on_commit_callbacks(execute=True):
        services.replace(attachment, png_upload(color=(0, 0, 0)),
                         expected_version=attachment.version, user=officer)
    new_url = storage.public_url(attachment.public_key)
    assert new_url != old_url
    assert gone(http_get(old_url)[0])
    status, body, _ = http_get(new_url)
    assert status == 200 and body == s3.read(attachment.file_key)
    assert body != s3.read(old_file)  # the old file stays, for its history version
    assert len(s3.list_keys("public/")) == 2  # the new copy and its thumbnail only


def test_removing_unpublishes_at_once_and_the_orphan_is_deleted_from_the_bucket(
        s3, officer, client, django_capture_on_commit_callbacks):
    attachment = public_photo(factories.EventFactory(), officer)
    url = storage.public_url(attachment.public_key)
    keys = (attachment.file_key, attachment.thumbnail_key)
    pk = attachment.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.remove(attachment, expected_version=attachment.version, user=officer)
    assert gone(http_get(url)[0])
    assert s3.list_keys() == sorted(keys)  # the file stays while its history version refers to it
    client.force_login(officer)
    assert client.get(reverse("files:file", args=[pk])).status_code == 404
    # An orphan's deletion (what the files command does once no history refers to it).
    signed = storage.signed_url(keys[0], filename="x.png", mime_type="image/png", inline=True)
    assert http_get(signed)[0] == 200
    storage.delete(*keys)
    assert s3.list_keys() == []
    assert gone(http_get(signed)[0])
    storage.delete(*keys)  # deleting what is gone already is no error


def test_a_key_already_taken_is_never_overwritten(s3):
    storage.write_bytes("files/" + "0" * 32 + ".pdf", b"%PDF-first")
    with pytest.raises(RuntimeError, match="already taken"):
        storage.write_bytes("files/" + "0" * 32 + ".pdf", b"%PDF-second")
    assert s3.list_keys() == ["files/" + "0" * 32 + ".pdf"]
    assert s3.read("files/" + "0" * 32 + ".pdf") == b"%PDF-first"


def test_a_public_copy_is_made_by_the_bucket_with_its_own_headers(s3):
    """publish copies inside the bucket (no bytes through the portal) and gives the copy the
    public headers, not the private file's."""
    storage.write_bytes("files/" + "1" * 32 + ".pdf", pdf_bytes("Report"))
    key, thumb = storage.publish("files/" + "1" * 32 + ".pdf", "", "Отчёт 2024.pdf", "pdf")
    assert thumb == "" and key.endswith("/otchet-2024.pdf")
    head = s3.head(key)
    assert head["ContentType"] == "application/pdf"
    assert head["CacheControl"] == "public, max-age=31536000, immutable"
    assert head["ContentDisposition"] == 'attachment; filename="otchet-2024.pdf"; ' \
                                         "filename*=UTF-8''otchet-2024.pdf"
    assert s3.anonymous_get(key)[1] == pdf_bytes("Report")


def test_a_signed_address_is_drawn_anew_each_time(s3):
    storage.write_bytes("files/" + "2" * 32 + ".pdf", pdf_bytes())
    first = storage.signed_url("files/" + "2" * 32 + ".pdf", filename="a.pdf",
                               mime_type="application/pdf", inline=False)
    time.sleep(1.1)
    second = storage.signed_url("files/" + "2" * 32 + ".pdf", filename="a.pdf",
                                mime_type="application/pdf", inline=False)
    assert first != second  # signed at its own time: no address outlives its 60 s


def test_the_public_read_policy_is_set_on_the_configured_bucket(s3):
    from attachments.s3 import apply_public_read_policy

    s3.client.delete_bucket_policy(Bucket=s3.name)
    storage.write_bytes("public/" + "3" * 32 + "/report.pdf", pdf_bytes(), public=True)
    assert s3.anonymous_get("public/" + "3" * 32 + "/report.pdf")[0] == 403
    apply_public_read_policy()
    policy = json.loads(s3.client.get_bucket_policy(Bucket=s3.name)["Policy"])
    assert [st["Resource"] for st in policy["Statement"]] == [f"arn:aws:s3:::{s3.name}/public/*"]
    assert s3.anonymous_get("public/" + "3" * 32 + "/report.pdf")[1] == pdf_bytes()
