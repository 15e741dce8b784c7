#!/usr/bin/env python
"""Upload benchmark of files (issue 17): a 20 MB photo and a 20 MB PDF stored end to end, and
downloaded again, on a throw-away SQLite database and media directory.

    .venv/bin/python benchmarks/attachment_upload.py [--runs 5] [--size-mb 20] [--port 8098]
    .venv/bin/python benchmarks/attachment_upload.py --http-upload /events/{event}/files/

The files, made here: a JPEG photo of Gaussian noise (three channels of their own, quality 95,
4:4:4; its dimensions chosen so that it weighs ``--size-mb``; noise is what JPEG compresses
worst, so the photo has as many pixels as it can have at that weight, not more) and a one-page
PDF holding that photo (fpdf2, the JPEG embedded as it is).

Measured, each ``--runs`` times (the median kept; min and max shown):

1. ``services.add`` in a process of its own (so that building the files here does not hide its
   memory): the inspection (type from the content, the image decoded,
   re-encoded and its thumbnail made), the file, thumbnail and public copy written, the row and
   its history saved — the photo as a public photo, the PDF as a public report (so its public
   copy is written too). The upload is a ``TemporaryUploadedFile``, as Django hands an upload
   of this size to a view; the process's peak resident memory growth is its high-water mark
   (reset before each run) minus its resident memory before, and its peak in all is shown.
2. The downloads, through a real server (gunicorn, one sync worker, debug off, as
   ``benchmarks/bench_server.start_server`` starts it): the portal's checked address
   ``/files/<pk>/`` signed in as an officer, and the public copy anonymously; time to the first
   byte, total time, and the worker's peak memory growth during the request.
3. With ``--http-upload PATH`` (``{event}`` is replaced by the event's slug): the upload itself
   through the server — the officer signed in with the login form, a multipart POST of the file
   and ``--field name=value`` fields (by default title, kind, visibility, consent) to ``PATH``,
   the CSRF token read from the page at ``PATH`` — counted as done when a new attachment row
   exists. Off by default until the record files page (helper "manage") takes uploads.

Prints a Markdown table and writes it to ``benchmarks/results/attachment_upload.md``.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
from bench_server import (  # benchmarks/bench_server.py, beside this script
    PYTHON,
    ROOT,
    Sampler,
    high_water_mark,
    reset_high_water_mark,
    setup_django,
    start_server,
    stop_server,
)

RESULTS = ROOT / "benchmarks" / "results"
USERNAME, PASSWORD = "bench-files-officer", "bench-files-Password-123"
EVENT = "files-benchmark-workshop"
CONSENT = "Benchmark image: noise, no person shown."
MB = 2**20

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--runs", type=int, default=5)
parser.add_argument("--size-mb", type=float, default=20.0, help="the weight of each file")
parser.add_argument("--port", type=int, default=8098)
parser.add_argument("--http-upload", default="", metavar="PATH",
                    help="also upload through the server to PATH ({event}: the event's slug)")
parser.add_argument("--file-field", default="file", help="the upload form's file field")
parser.add_argument("--field", action="append", default=[], metavar="NAME=VALUE",
                    help="another field of the upload form (repeatable; replaces the defaults)")
parser.add_argument("--child-add", nargs=4, metavar=("DATABASE", "KIND", "PATH", "TYPE"),
                    help=argparse.SUPPRESS)  # services.add in a process of its own


# --------------------------------------------------------------------------------------------
# The files
# --------------------------------------------------------------------------------------------
def noise_jpeg(width: int, height: int) -> bytes:
    from PIL import Image

    image = Image.merge("RGB", [Image.effect_noise((width, height), 64) for _ in range(3)])
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95, subsampling=0)
    return out.getvalue()


def photo_of(size: int) -> tuple[bytes, tuple[int, int]]:
    """A 4:3 noise JPEG of at most ``size`` bytes and at least 96% of it (a photo's limit is a
    number of bytes: "20 MB" is the most a photo may weigh); a pilot measures the bytes per
    pixel."""
    per_pixel = len(noise_jpeg(800, 600)) / (800 * 600)
    for _ in range(6):
        width = int((0.98 * size / per_pixel * 4 / 3) ** 0.5)
        height = int(width * 3 / 4)
        data = noise_jpeg(width, height)
        if 0.96 * size <= len(data) <= size:
            return data, (width, height)
        per_pixel = len(data) / (width * height)
    sys.exit(f"Could not make a JPEG of {size / MB:.1f} MB (last: {len(data) / MB:.2f} MB).")


def pdf_of(jpeg: bytes, dimensions: tuple[int, int]) -> bytes:
    from fpdf import FPDF

    document = FPDF(unit="pt", format=dimensions)
    document.add_page()
    document.image(io.BytesIO(jpeg), x=0, y=0, w=dimensions[0], h=dimensions[1])
    return bytes(document.output())


# --------------------------------------------------------------------------------------------
# In this process: the database, the officer, the event; services.add
# --------------------------------------------------------------------------------------------
def prepare():
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from activities.models import Country, Event
    from unodc_portal.core.roles import OFFICERS_GROUP, ensure_groups

    call_command("createcachetable", verbosity=0)  # first: migrating empties the page cache
    call_command("migrate", verbosity=0)
    ensure_groups(apps)
    user = get_user_model().objects.create_user(USERNAME, password=PASSWORD)
    user.groups.add(Group.objects.get(name=OFFICERS_GROUP))
    country, _ = Country.objects.get_or_create(code="KG")
    Event.objects.create(slug=EVENT, title="Files benchmark workshop", kind="workshop",
                         city="Bishkek", country=country)


def temporary_upload(name: str, path: Path, content_type: str):
    """The upload as Django hands a file of this size to a view: on disk (copied from ``path``
    without holding it in memory)."""
    import shutil

    from django.core.files.uploadedfile import TemporaryUploadedFile

    upload = TemporaryUploadedFile(name, content_type, path.stat().st_size, None)
    with path.open("rb") as source:
        shutil.copyfileobj(source, upload, 1 << 20)
    upload.flush()
    upload.seek(0)
    return upload


ADD_VALUES = {"photo": {"kind": "photo", "visibility": "public", "consent": CONSENT},
              "report": {"kind": "report", "visibility": "public"}}


def time_add(kind: str, path: Path, content_type: str, runs: int) -> dict:
    """``services.add`` ``runs`` times in this process (one of its own: ``--child-add``), after
    one to warm up: the seconds and peak memory growth of each, this process's high-water mark,
    and the last attachment's number."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from activities.models import Event
    from attachments import services

    user = get_user_model().objects.get(username=USERNAME)
    event = Event.objects.get(slug=EVENT)
    me = psutil.Process()
    seconds, growth, attachment = [], [], None
    for run in range(runs + 1):
        upload = temporary_upload(path.name, path, content_type)
        before = me.memory_info().rss
        exact = reset_high_water_mark(me.pid)
        sampler = Sampler(me, interval=0.005)
        sampler.start()
        started = time.perf_counter()
        attachment = services.add(event, upload, user=user, title=f"{path.name} {run}",
                                  **ADD_VALUES[kind])
        elapsed = time.perf_counter() - started
        sampler.running = False
        sampler.join()
        upload.close()
        peak = max(high_water_mark(me.pid) if exact else 0, sampler.peak)
        if run:
            seconds.append(elapsed)
            growth.append(peak - before)
    connection.close()
    return {"seconds": seconds, "growth": growth, "pk": attachment.pk,
            "high_water_mark": high_water_mark(me.pid)}


# --------------------------------------------------------------------------------------------
# Through the server
# --------------------------------------------------------------------------------------------
class Browser:
    """A signed-in officer's cookies, over urllib."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=600) as response:
            return response.read().decode()

    def csrf(self, path: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(path))
        if not found:
            sys.exit(f"No form with a CSRF token at {path}: is the upload page there?")
        return found.group(1)

    def post(self, path: str, body: bytes, content_type: str) -> int:
        request = urllib.request.Request(self.base + path, data=body, method="POST", headers={
            "Content-Type": content_type, "Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=900) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            error.read()
            return error.code

    def sign_in(self):
        token = self.csrf("/accounts/login/")
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": USERNAME,
                                       "password": PASSWORD}).encode()
        status = self.post("/accounts/login/", body, "application/x-www-form-urlencoded")
        assert status == 200 and self.cookie(), f"sign-in answered {status}"

    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def upload(self, path: str, file_field: str, fields: dict, name: str, data: bytes,
               content_type: str) -> int:
        token = self.csrf(path)
        boundary = "----attachment-upload-benchmark"
        parts = []
        for key, value in {"csrfmiddlewaretoken": token, **fields}.items():
            parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{key}\""
                         f"\r\n\r\n{value}\r\n".encode())
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; "
                     f"filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n".encode())
        body = b"".join(parts) + data + f"\r\n--{boundary}--\r\n".encode()
        return self.post(path, body, f"multipart/form-data; boundary={boundary}")


def download(port: int, path: str, headers: dict) -> tuple[int, float, float, int]:
    """(status, ms to the first byte, ms in all, bytes) on a fresh connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    first = response.read(1)
    ttfb = (time.perf_counter() - started) * 1000
    size = len(first)
    while chunk := response.read(1 << 20):
        size += len(chunk)
    total = (time.perf_counter() - started) * 1000
    connection.close()
    return response.status, ttfb, total, size


def measured(worker: psutil.Process, action):
    """``action()``'s result, its seconds and the worker's peak memory growth in bytes."""
    before = worker.memory_info().rss
    exact = reset_high_water_mark(worker.pid)
    sampler = Sampler(worker, interval=0.005)
    sampler.start()
    started = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - started
    sampler.running = False
    sampler.join()
    peak = max(high_water_mark(worker.pid) if exact else 0, sampler.peak)
    return result, elapsed, peak - before


def attachment_count() -> int:
    from django.db import connection

    from attachments.models import Attachment
    count = Attachment.objects.count()
    connection.close()
    return count


# --------------------------------------------------------------------------------------------
def row(label: str, size: int, seconds: list[float], growth: list[float], note="") -> str:
    median = statistics.median(seconds)
    return (f"| {label} | {size / MB:.1f} | {median * 1000:.0f} | {min(seconds) * 1000:.0f} | "
            f"{max(seconds) * 1000:.0f} | {size / MB / median:.0f} | "
            f"{statistics.median(growth) / MB:.0f} / {max(growth) / MB:.0f} | {note} |")


def main():
    args = parser.parse_args()
    if args.child_add:
        database, kind, path, content_type = args.child_add
        setup_django(database)
        print(json.dumps(time_add(kind, Path(path), content_type, args.runs)))
        return
    if args.runs < 1:
        sys.exit("--runs must be at least 1.")
    size = int(args.size_mb * MB)
    fields = dict(f.split("=", 1) for f in args.field) if args.field else None

    print(f"Making the files ({args.size_mb:g} MB each) …", flush=True)
    jpeg, dimensions = photo_of(size)
    pdf = pdf_of(jpeg, dimensions)
    width, height = dimensions
    files = {
        "photo": ("photo.jpg", jpeg, "image/jpeg",
                  f"JPEG {width}x{height} ({width * height / 1e6:.1f} Mpx), public photo"),
        "report": ("report.pdf", pdf, "application/pdf",
                   "PDF (one page, the photo), public report"),
    }

    with tempfile.TemporaryDirectory(prefix="attachment-upload-") as scratch:
        os.environ["DJANGO_MEDIA_ROOT"] = str(Path(scratch) / "media")
        database = f"sqlite:///{scratch}/bench.sqlite3"
        setup_django(database)
        from attachments import storage
        from attachments.models import Attachment

        prepare()
        lines = ["| step | MB | median ms | min ms | max ms | MB/s | peak growth MB (median / max) "
                 "| file |", "|---|---|---|---|---|---|---|---|"]
        added = {}
        for kind, (name, data, content_type, note) in files.items():
            print(f"services.add: {kind} …", flush=True)
            path = Path(scratch) / name
            path.write_bytes(data)
            child = subprocess.run(
                [str(PYTHON), __file__, "--runs", str(args.runs), "--child-add", database, kind,
                 str(path), content_type], check=True, capture_output=True, text=True)
            measures = json.loads(child.stdout.strip().splitlines()[-1])
            attachment = added[kind] = Attachment.objects.get(pk=measures["pk"])
            lines.append(row(
                f"`services.add` {kind} (a process of its own)", len(data), measures["seconds"],
                measures["growth"], f"{note}; stored {attachment.size / MB:.1f} MB; the "
                f"process's peak {measures['high_water_mark'] / MB:.0f} MB"))
            print(lines[-1], flush=True)
        from django.db import connection
        connection.close()

        log = (Path(scratch) / "server.log").open("w")
        server, base = start_server(database, args.port, stderr=log)
        try:
            (worker,) = psutil.Process(server.pid).children()
            idle = worker.memory_info().rss
            browser = Browser(base)
            browser.sign_in()
            officer = {"Cookie": browser.cookie()}
            for kind, attachment in added.items():
                for label, path, headers in (
                    ("`/files/<pk>/` (officer)", f"/files/{attachment.pk}/", officer),
                    ("public copy (anonymous)", storage.public_url(attachment.public_key), {}),
                ):
                    download(args.port, path, headers)  # warm
                    seconds, growth, ttfbs = [], [], []
                    for _ in range(args.runs):
                        (status, ttfb, _total, got), elapsed, grown = measured(
                            worker, lambda p=path, h=headers: download(args.port, p, h))
                        assert status == 200 and got == attachment.size, (path, status, got)
                        seconds.append(elapsed)
                        growth.append(grown)
                        ttfbs.append(ttfb)
                    lines.append(row(f"download {kind}: {label}", attachment.size, seconds,
                                     growth, f"TTFB median {statistics.median(ttfbs):.1f} ms"))
                    print(lines[-1], flush=True)

            if args.http_upload:
                path = args.http_upload.format(event=EVENT)
                for kind, (name, data, content_type, note) in files.items():
                    form = fields or {
                        "title": f"HTTP {kind}", "kind": "photo" if kind == "photo" else "report",
                        "visibility": "public", "consent": CONSENT if kind == "photo" else "",
                    }
                    seconds, growth = [], []
                    for run in range(args.runs + 1):
                        count = attachment_count()
                        status, elapsed, grown = measured(
                            worker, lambda d=data, n=name, c=content_type, f=form:
                            browser.upload(path, args.file_field, f, n, d, c))
                        if attachment_count() != count + 1:
                            sys.exit(f"POST {path} ({kind}) answered {status} and stored no "
                                     f"attachment; see {log.name}")
                        if run:
                            seconds.append(elapsed)
                            growth.append(grown)
                    lines.append(row(f"HTTP upload {kind} (officer, POST {path})", len(data),
                                     seconds, growth, note + "; includes reading the form page"))
                    print(lines[-1], flush=True)
            peak_worker = high_water_mark(worker.pid)
        except BaseException:
            log.flush()
            print((Path(scratch) / "server.log").read_text()[-5000:], file=sys.stderr)
            raise
        finally:
            stop_server(server)

    text = (
        f"# Files: {args.size_mb:g} MB uploads and downloads, "
        f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC\n\n"
        f"`benchmarks/attachment_upload.py {' '.join(sys.argv[1:])}`: median of {args.runs} "
        "runs (after one to warm up); SQLite, local disk; the server is gunicorn with one sync "
        f"worker, debug off (idle {idle / MB:.0f} MB, its high-water mark at the end "
        f"{peak_worker / MB:.0f} MB). "
        + ("" if args.http_upload else "The HTTP upload was not measured (--http-upload). ")
        + "\n\n" + "\n".join(lines) + "\n")
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "attachment_upload.md").write_text(text)


if __name__ == "__main__":
    main()
