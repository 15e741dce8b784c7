"""The storage the environment chooses (``unodc_portal/settings.py``): local disk by default;
an S3-compatible bucket with ``DJANGO_S3_BUCKET``, whose origin (and the public base's) the CSP
then allows for images — and only then. The settings module is loaded afresh for each
environment; the addresses the storage really makes are compared with what the CSP allows."""

import importlib.util
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured

import unodc_portal.settings
from tests.engine import sqlite_only

pytestmark = sqlite_only("it reads the settings module, never a database")

S3_VARIABLES = ("DJANGO_S3_BUCKET", "DJANGO_S3_ENDPOINT_URL", "DJANGO_S3_REGION",
                "DJANGO_S3_PUBLIC_URL", "DJANGO_S3_ADDRESSING_STYLE", "AWS_DEFAULT_REGION")


def load_settings(monkeypatch, **env):
    """The settings module as a process started with ``env`` would have it."""
    for name in S3_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("settings_probe",
                                                  unodc_portal.settings.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def img_src(module):
    return [str(s) for s in module.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]]


def storage_of(module):
    """The storage ``STORAGES["attachments"]`` describes (no request is made)."""
    from django.utils.module_loading import import_string

    entry = module.STORAGES["attachments"]
    return import_string(entry["BACKEND"])(
        **entry.get("OPTIONS", {}), access_key="probe", secret_key="probe")


def origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def test_local_disk_by_default_and_the_csp_allows_no_other_origin(monkeypatch, tmp_path):
    module = load_settings(monkeypatch, DJANGO_MEDIA_ROOT=str(tmp_path))
    assert module.STORAGES["attachments"]["BACKEND"] == (
        "django.core.files.storage.FileSystemStorage")
    assert module.STORAGES["attachments"]["OPTIONS"]["location"] == tmp_path
    assert module.ATTACHMENT_ORIGINS == [] and module.ATTACHMENT_PUBLIC_BASE_URL == ""
    assert img_src(module) == ["'self'", "data:"]
    directives = module.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert not any("amazonaws" in str(v) or "http" in str(v)
                   for values in directives.values() for v in values)


def test_a_bucket_on_an_s3_compatible_server(monkeypatch):
    module = load_settings(
        monkeypatch, DJANGO_S3_BUCKET="portal-files",
        DJANGO_S3_ENDPOINT_URL="https://minio.example.org:9000/",
        DJANGO_S3_REGION="eu-central-1")
    entry = module.STORAGES["attachments"]
    assert entry["BACKEND"] == "attachments.s3.ObjectStorage"
    options = entry["OPTIONS"]
    assert options["bucket_name"] == "portal-files"
    assert options["endpoint_url"] == "https://minio.example.org:9000"
    assert options["region_name"] == "eu-central-1"
    assert options["signature_version"] == "s3v4"
    assert options["default_acl"] is None  # private; public/* by the bucket's policy
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] == module.ATTACHMENT_SIGNED_URL_SECONDS == 60
    assert options["file_overwrite"] is False
    assert "access_key" not in options and "secret_key" not in options  # boto3's own chain
    assert module.ATTACHMENT_ORIGINS == ["https://minio.example.org:9000"]
    assert img_src(module) == ["'self'", "data:", "https://minio.example.org:9000"]
    # The addresses the storage signs are on the origin the CSP allows.
    signed = storage_of(module).url("files/" + "a" * 32 + ".png")
    assert origin(signed) == "https://minio.example.org:9000"
    assert "X-Amz-Expires=60" in signed


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "https://portal-files.s3.amazonaws.com"),
    ({"DJANGO_S3_REGION": "eu-west-2"}, "https://portal-files.s3.amazonaws.com"),
    ({"DJANGO_S3_REGION": "eu-west-2", "DJANGO_S3_ADDRESSING_STYLE": "path"},
     "https://s3.eu-west-2.amazonaws.com"),
    ({"DJANGO_S3_ENDPOINT_URL": "https://fra1.digitaloceanspaces.com",
      "DJANGO_S3_REGION": "fra1", "DJANGO_S3_ADDRESSING_STYLE": "virtual"},
     "https://portal-files.fra1.digitaloceanspaces.com"),
])
def test_the_csp_allows_the_origin_the_storage_signs_for(monkeypatch, env, expected):
    module = load_settings(monkeypatch, DJANGO_S3_BUCKET="portal-files", **env)
    origins = module.ATTACHMENT_ORIGINS
    assert origins == [expected]
    assert origin(storage_of(module).url("files/" + "b" * 32 + ".jpg")) == expected
    assert expected in img_src(module)


def test_a_public_base_address_is_allowed_besides_the_bucket(monkeypatch):
    module = load_settings(
        monkeypatch, DJANGO_S3_BUCKET="portal-files", DJANGO_S3_REGION="eu-west-2",
        DJANGO_S3_PUBLIC_URL="https://files.example.org/portal/")
    assert module.ATTACHMENT_PUBLIC_BASE_URL == "https://files.example.org/portal"
    assert img_src(module) == ["'self'", "data:", "https://portal-files.s3.amazonaws.com",
                               "https://files.example.org"]


@pytest.mark.parametrize(("env", "message"), [
    ({"DJANGO_S3_BUCKET": "b1b", "DJANGO_S3_ENDPOINT_URL": "minio:9000"},
     "DJANGO_S3_ENDPOINT_URL must be an http(s) address without a path"),
    ({"DJANGO_S3_BUCKET": "b1b", "DJANGO_S3_ENDPOINT_URL": "http://minio:9000/bucket"},
     "DJANGO_S3_ENDPOINT_URL must be an http(s) address without a path"),
    ({"DJANGO_S3_BUCKET": "b1b", "DJANGO_S3_PUBLIC_URL": "javascript:alert(1)"},
     "DJANGO_S3_PUBLIC_URL must be an http(s) address"),
    ({"DJANGO_S3_BUCKET": "b1b", "DJANGO_S3_PUBLIC_URL": "https://cdn.example.org/?a=1"},
     "DJANGO_S3_PUBLIC_URL must be an http(s) address"),
    ({"DJANGO_S3_BUCKET": "b1b", "DJANGO_S3_ADDRESSING_STYLE": "sideways"},
     "DJANGO_S3_ADDRESSING_STYLE must be path, virtual or auto"),
    ({"DJANGO_S3_ENDPOINT_URL": "http://127.0.0.1:9000"}, "need DJANGO_S3_BUCKET"),
    ({"DJANGO_S3_PUBLIC_URL": "https://cdn.example.org"}, "need DJANGO_S3_BUCKET"),
])
def test_a_wrong_value_stops_start_up_naming_it(monkeypatch, env, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(")
                       .replace(")", r"\)")):
        load_settings(monkeypatch, **env)
