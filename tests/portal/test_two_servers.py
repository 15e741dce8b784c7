"""Several app servers on one PostgreSQL database and one shared cache: two gunicorn servers,
as ``make serve`` runs them (debug off), each with its own process and memory. A write made
through one server is on the other's next anonymous page, and a session opened on one works on
the other, and a file stored through one is downloaded through the other (attachments on a
directory both servers share, and in an S3-compatible bucket: moto in server mode,
``tests/attachments/s3.py``).

Run with Redis (``REDIS_URL``, database 5 of 127.0.0.1:6379) and without it (the database
cache table). Skipped, with the reason, where PostgreSQL or Redis does not answer; under
``CI=true`` that is a failure. The database (``unodc_cache_two_<pid>``) is created, migrated
and dropped by the test."""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.attachments.files import multipart
from tests.attachments.s3 import moto_server_fixture  # noqa: F401  (the fixture moto_server)
from tests.engine import postgresql_only

pytestmark = postgresql_only(
    "its servers run on a PostgreSQL database of their own whatever the suite's engine")

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
PG_URL = "postgres://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/5"
PASSWORD = "two-servers-" + secrets.token_hex(8)


def unavailable(message):
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def postgres_or_skip():
    import psycopg2

    try:
        psycopg2.connect(dbname="postgres", connect_timeout=2, **PG).close()
    except psycopg2.Error as exc:
        unavailable(f"PostgreSQL does not answer at {PG_URL}: {exc}".strip())


def redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        unavailable(f"Redis does not answer at {REDIS_URL}: {exc}")


def forget_redis_pages(env):
    """The servers' cache entries in database 5 (under the prefix of their database)."""
    import redis

    prefix = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
         "print(settings.CACHES['default']['KEY_PREFIX'])"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert prefix.startswith("portal-")
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def admin_sql(sql):
    import psycopg2

    connection = psycopg2.connect(dbname="postgres", **PG)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def server_env(database_url, cache):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "unodc_portal.settings",
        "DJANGO_SECRET_KEY": "two-servers-test-key-" + "x" * 40,
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_STATIC_MANIFEST": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
        "PORTAL_PAGE_CACHE": "1",
        "PORTAL_USER_PASSWORD": PASSWORD,
    }
    env.pop("REDIS_URL", None)
    if cache == "redis":
        env["REDIS_URL"] = REDIS_URL
    return env


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stderr[-3000:]}"


@pytest.fixture(scope="module")
def database():
    """A fresh PostgreSQL database, migrated, with an officer account; dropped afterwards."""
    postgres_or_skip()
    name = f"unodc_cache_two_{os.getpid()}"
    admin_sql(f'DROP DATABASE IF EXISTS "{name}"')
    admin_sql(f'CREATE DATABASE "{name}"')
    url = f"{PG_URL}/{name}"
    try:
        env = server_env(url, "database")
        manage(env, "createcachetable")
        manage(env, "migrate", "--noinput")
        manage(env, "sync_roles")  # as make serve does: the roles' permissions of today's code
        manage(env, "adduser", "--role", "officer", "olga")
        yield url
    finally:
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One gunicorn server (one sync worker) on the given settings, answering /healthz."""

    def __init__(self, env, log: Path):
        self.port = free_port()
        self.log = log
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "unodc_portal.wsgi:application", "--bind",
             f"127.0.0.1:{self.port}", "--workers", "1", "--worker-class", "sync",
             "--timeout", "120", "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
            stdout=log.open("w"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"the server did not start:\n{log.read_text()[-3000:]}")

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read().decode()
        finally:
            connection.close()

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class Browser:
    """Cookies kept across servers, as a browser behind a load balancer keeps them."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def _headers(self, extra=None):
        headers = dict(extra or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _keep(self, headers):
        for value in headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value

    def get(self, server, path):
        status, headers, body = server.request("GET", path, headers=self._headers())
        self._keep(headers)
        return status, headers, body

    def post(self, server, path, data):
        body = urllib.parse.urlencode(data, doseq=True)
        status, headers, text = server.request("POST", path, body=body, headers=self._headers({
            "Content-Type": "application/x-www-form-urlencoded",
        }))
        self._keep(headers)
        return status, headers, text


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def management(prefix):
    return {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


@pytest.mark.parametrize("cache", ["redis", "database"])
def test_a_write_through_one_server_is_on_the_others_next_anonymous_page(
    cache, database, tmp_path
):
    env = server_env(database, cache)
    if cache == "redis":
        redis_or_skip()
    a = Server(env, tmp_path / "a.log")
    try:
        b = Server(env, tmp_path / "b.log")
        try:
            title = f"Two servers workshop {cache} {secrets.token_hex(3)}"
            # B caches the anonymous event list.
            visitor = Browser()
            status, headers, html = visitor.get(b, "/events/")
            assert status == 200 and headers["X-Page-Cache"] == "miss", headers
            assert title not in html and not visitor.cookies
            status, headers, _ = visitor.get(b, "/events/")
            assert headers["X-Page-Cache"] == "hit"

            # An officer signs in on A; the session works on B.
            officer = Browser()
            _, _, form = officer.get(a, "/accounts/login/")
            status, headers, _ = officer.post(a, "/accounts/login/", {
                "csrfmiddlewaretoken": csrf_token(form), "username": "olga",
                "password": PASSWORD,
            })
            assert status == 302 and "sessionid" in officer.cookies, (status, officer.cookies)
            status, headers, html = officer.get(b, "/events/new/")
            assert status == 200, f"the session made on A does not work on B: {status}"
            assert headers["X-Page-Cache"] == "bypass"

            # The officer records an event through A, with the form B served.
            status, headers, page = officer.post(a, "/events/new/", {
                "csrfmiddlewaretoken": csrf_token(html),
                "event-title": title, "event-slug": "", "event-kind": "workshop",
                "event-start_date": "2011-03-14", "event-end_date": "2011-03-18",
                **management("part"), **management("new"), **management("trainers"),
            })
            assert status == 302, page[:3000]

            # B's next anonymous page shows it.
            status, headers, html = Browser().get(b, "/events/")
            assert headers["X-Page-Cache"] == "miss" and title in html
            status, headers, html = Browser().get(b, "/events/")
            assert headers["X-Page-Cache"] == "hit" and title in html
        finally:
            b.stop()
    finally:
        a.stop()
        if cache == "redis":
            forget_redis_pages(env)


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
       b"% two servers\ntrailer<</Root 1 0 R>>\n%%EOF\n")

def stored_row(database_url, pk):
    """(file_key, public_key) of attachment ``pk``, read from the servers' database."""
    import psycopg2

    name = database_url.rsplit("/", 1)[-1]
    connection = psycopg2.connect(dbname=name, **PG)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT file_key, public_key FROM attachments_attachment "
                           "WHERE id = %s", [pk])
            return cursor.fetchone()
    finally:
        connection.close()


def http_get(url, headers=None):
    """(status, headers, body bytes) of a GET to any address, redirects not followed."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""),
                           headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def png_bytes():
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 60)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def file_storage(request, tmp_path):
    """The attachments' storage both servers use, as environment variables: a directory they
    share, or a bucket on a moto server (read back through ``.read(key)``)."""
    if request.param == "disk":
        root = tmp_path / "media"
        root.mkdir()
        yield {"DJANGO_MEDIA_ROOT": str(root)}, lambda key: (root / key).read_bytes(), None
        return
    from tests.attachments.s3 import drop_bucket, make_bucket
    from tests.attachments.s3 import server_env as s3_env

    endpoint = request.getfixturevalue("moto_server")
    bucket = make_bucket(endpoint)
    try:
        yield s3_env(bucket), bucket.read, bucket
    finally:
        drop_bucket(bucket)


@pytest.mark.parametrize("file_storage", ["disk", "s3"], indirect=True)
def test_a_file_stored_through_one_server_is_downloaded_through_the_other(
    file_storage, database, tmp_path
):
    storage_env, read, bucket = file_storage
    env = {**server_env(database, "database"), **storage_env}
    a = Server(env, tmp_path / "a.log")
    try:
        b = Server(env, tmp_path / "b.log")
        try:
            officer = Browser()
            _, _, form = officer.get(a, "/accounts/login/")
            status, _, _ = officer.post(a, "/accounts/login/", {
                "csrfmiddlewaretoken": csrf_token(form), "username": "olga",
                "password": PASSWORD,
            })
            assert status == 302, status
            title = f"Two servers files {secrets.token_hex(3)}"
            _, _, html = officer.get(a, "/events/new/")
            status, headers, page = officer.post(a, "/events/new/", {
                "csrfmiddlewaretoken": csrf_token(html),
                "event-title": title, "event-slug": "", "event-kind": "workshop",
                "event-start_date": "2012-05-02", "event-end_date": "2012-05-03",
                **management("part"), **management("new"), **management("trainers"),
            })
            assert status == 302, page[:3000]

            # The officer uploads the files through A's files page (one request a file, as the
            # page's script sends them), the Cyrillic name kept.
            slug = re.search(r"/events/([^/]+)/", headers["Location"]).group(1)
            stored = {}
            for label, filename, data, content_type, details in (
                ("agenda", "Повестка.pdf", PDF, "application/pdf",
                 {"title": "Agenda", "kind": "agenda", "visibility": "staff"}),
                ("photo", "photo.png", png_bytes(), "image/png",
                 {"title": "Opening", "kind": "photo", "visibility": "public",
                  "consent": "All agreed in writing at the workshop."}),
            ):
                _, _, html = officer.get(a, f"/events/{slug}/files/")
                body, content_type_header = multipart(
                    {"csrfmiddlewaretoken": csrf_token(html), **details},
                    [("files", filename, data, content_type)],
                    boundary="----two-servers-" + secrets.token_hex(8))
                status, _, answer = a.request(
                    "POST", f"/events/{slug}/files/", body=body,
                    headers=officer._headers({"Content-Type": content_type_header,
                                              "Accept": "application/json"}))
                assert status == 200, answer[:2000]
                (row,) = json.loads(answer)["stored"]
                stored[label] = row["id"]
                stored[f"{label}_key"], public_key = stored_row(database, row["id"])
                if label == "photo":
                    stored["public_url"] = (
                        "/media/public/" + public_key.removeprefix("public/") if bucket is None
                        else f"{bucket.endpoint}/{bucket.name}/{public_key}")
            assert read(stored["agenda_key"]) == PDF

            # B serves the private file to the officer (the session made on A), not to a visitor.
            on_b = f"http://127.0.0.1:{b.port}"
            path = f"{on_b}/files/{stored['agenda']}/"
            assert http_get(path)[0] == 404
            status, headers, body = http_get(path, officer._headers())
            if bucket is None:
                assert status == 200 and body == PDF
                assert headers["Content-Type"] == "application/pdf"
            else:
                assert status == 302, (status, body[:500])
                signed = headers["Location"]
                assert signed.startswith(f"{bucket.endpoint}/{bucket.name}/files/")
                assert "X-Amz-Expires=60" in signed
                status, headers, body = http_get(signed)
                assert status == 200 and body == PDF
                assert headers["Content-Type"] == "application/pdf"
                # The bucket refuses the same object to a request without a signature.
                assert http_get(signed.split("?", 1)[0])[0] == 403

            # The public copy A made is read by a visitor: through B on disk, from the bucket
            # in object storage; B's pages allow images from the bucket only in the second case.
            public = stored["public_url"]
            csp = http_get(f"{on_b}/events/")[1]["Content-Security-Policy"]
            images = re.search(r"img-src ([^;]*)", csp).group(1).split()
            if bucket is None:
                assert public.startswith("/media/public/")
                status, headers, body = http_get(on_b + public)
                assert images == ["'self'", "data:"]
            else:
                status, headers, body = http_get(public)
                assert images == ["'self'", "data:", bucket.endpoint]
                photo = f"{bucket.endpoint}/{bucket.name}/{stored['photo_key']}"
                assert http_get(photo)[0] == 403
            assert status == 200 and body == read(stored["photo_key"])
            assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        finally:
            b.stop()
    finally:
        a.stop()
