"""A real S3-compatible server for the tests: moto in server mode, on a free port of 127.0.0.1,
in a thread of the test process (so that other processes, the two-server test's gunicorns, reach
it too). It speaks the S3 API over HTTP as a bucket does, and enforces what a bucket decides
without signatures: an object is refused (403) to an unsigned request unless the bucket's policy
lets anyone read it. It does not check signatures nor their expiry — no local server does — so
the tests read a signed address's lifetime from the address itself.

Use (the fixtures, ``moto_server`` and ``s3``, are imported where they are used, e.g. by the
backup tests)::

    from tests.attachments.s3 import moto_server_fixture, s3_fixture  # noqa: F401

    def test_something(s3):       # STORAGES["attachments"] is a new, empty bucket
        ...
        assert s3.list_keys() == [...]
        assert s3.anonymous_get(key)[0] == 403

``s3`` makes a bucket of its own per test (with the portal's public-read policy on ``public/*``),
points ``STORAGES["attachments"]`` at it with the options the settings give
(``unodc_portal.settings.object_storage``), and empties and deletes it afterwards.
"""

from __future__ import annotations

import json
import logging
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest

ACCESS_KEY = "portal-tests"
SECRET_KEY = "portal-tests-secret"
REGION = "us-east-1"


def _no_redirects():
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    return urllib.request.build_opener(NoRedirect)


def http_get(url: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
    """(status, body, headers) of a plain GET — no credentials, no signature of its own."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with _no_redirects().open(request, timeout=30) as response:
            return response.status, response.read(), {k.lower(): v for k, v in
                                                      response.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, error.read(), {k.lower(): v for k, v in error.headers.items()}


@pytest.fixture(scope="session", name="moto_server")
def moto_server_fixture():
    """The endpoint address (http://127.0.0.1:<port>) of a moto S3 server for the session."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:  # moto[server] is a dev dependency (pyproject.toml)
        pytest.fail(f"moto[server] is not installed: {exc}")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def client(endpoint: str):
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)


@dataclass
class Bucket:
    endpoint: str
    name: str
    client: object

    def list_keys(self, prefix: str = "") -> list[str]:
        """Every key in the bucket, as the server lists them."""
        found = []
        for page in self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.name, Prefix=prefix):
            found += [entry["Key"] for entry in page.get("Contents", ())]
        return sorted(found)

    def address(self, key: str) -> str:
        """The object's unsigned address on the server (path style)."""
        return f"{self.endpoint}/{self.name}/{key}"

    def anonymous_get(self, key: str) -> tuple[int, bytes, dict]:
        return http_get(self.address(key))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def head(self, key: str) -> dict:
        return self.client.head_object(Bucket=self.name, Key=key)


def make_bucket(endpoint: str) -> Bucket:
    """A new bucket with the portal's policy: anyone may read public/*, nothing else."""
    from attachments.s3 import public_read_policy

    s3_client = client(endpoint)
    name = f"portal-test-{secrets.token_hex(6)}"
    s3_client.create_bucket(Bucket=name)
    s3_client.put_bucket_policy(Bucket=name, Policy=json.dumps(public_read_policy(name)))
    return Bucket(endpoint, name, s3_client)


def drop_bucket(bucket: Bucket) -> None:
    for key in bucket.list_keys():
        bucket.client.delete_object(Bucket=bucket.name, Key=key)
    bucket.client.delete_bucket(Bucket=bucket.name)


def storage_setting(bucket: Bucket, *, public_url: str = "") -> tuple[dict, list[str]]:
    """``STORAGES["attachments"]`` (and the CSP's origins) for ``bucket`` as the settings make
    them from DJANGO_S3_*, with the test server's credentials."""
    from django.conf import settings

    from unodc_portal.settings import object_storage

    entry, origins = object_storage(
        bucket.name, endpoint_url=bucket.endpoint, region=REGION, addressing_style="",
        public_url=public_url, signed_url_seconds=settings.ATTACHMENT_SIGNED_URL_SECONDS)
    entry["OPTIONS"] |= {"access_key": ACCESS_KEY, "secret_key": SECRET_KEY}
    return entry, origins


@pytest.fixture(name="s3")
def s3_fixture(moto_server, settings):
    """``STORAGES["attachments"]`` is a new bucket of this test's own on the moto server."""
    bucket = make_bucket(moto_server)
    entry, origins = storage_setting(bucket)
    settings.STORAGES = {**settings.STORAGES, "attachments": entry}
    settings.ATTACHMENT_PUBLIC_BASE_URL = ""
    settings.ATTACHMENT_ORIGINS = origins
    try:
        yield bucket
    finally:
        drop_bucket(bucket)


def server_env(bucket: Bucket) -> dict[str, str]:
    """The environment that points a portal process (``manage.py``, gunicorn) at ``bucket``,
    through the variables an operator sets."""
    return {
        "DJANGO_S3_BUCKET": bucket.name,
        "DJANGO_S3_ENDPOINT_URL": bucket.endpoint,
        "DJANGO_S3_REGION": REGION,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
    }
