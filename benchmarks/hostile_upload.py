#!/usr/bin/env python
"""Hostile-upload benchmark: zip-bomb workbooks posted to the participant import page of a real
server process (gunicorn, one sync worker, debug off) on a throw-away SQLite database, measuring
the time to the refusal and the growth of the worker's peak resident memory.

    .venv/bin/python benchmarks/hostile_upload.py [--runs 5] [--port 8097]

The files (built in a moment by ``tests/zipbombs.py``, never inflated here):

- ``1mb``: a valid-looking template workbook of about 1 MB whose ``xl/sharedStrings.xml``
  unpacks to 425 MB (the issue's file: before the upload inspection it took 179 s and grew the
  server to 2.4 GB);
- ``5mb``: the same at just under the 5 MB upload limit, unpacking to about 1.9 GB;
- ``5mb-lying``: the 5 MB file whose zip directory declares the shared strings to be 40 KB (with
  the checksum of those first 40 KB), so that only inflating against the declared size finds it.

Each is posted ``--runs`` times by a signed-in officer. Before each post the worker's
high-water mark (VmHWM) is reset (``/proc/PID/clear_refs``), so each run's peak is its own; the
growth is the peak during the request minus the resident memory just before it, cross-checked
by sampling the worker's RSS every 5 ms. The worker is warmed first by importing a small real
workbook and CSV, so that the code the import loads is not counted. Targets: refused (HTTP 400,
the limit named on the form, no import batch) in under 2 s, and under 50 MB of growth, for each
file; the medians are printed and written to benchmarks/results/hostile_upload.json.

For comparison (no target), ``at-the-limits`` is the costliest workbook we know that passes the
inspection: 299,000 cells (the limit is 300,000) right of the columns the import reads.
"""

import argparse
import http.cookiejar
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from pathlib import Path

import psutil
from bench_server import (  # benchmarks/bench_server.py, beside this script
    PYTHON,
    Sampler,
    high_water_mark,
    reset_high_water_mark,
    setup_django,
    start_server,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.zipbombs import (  # noqa: E402
    repeated,
    shared_strings_bomb,
    template_parts,
    workbook,
    zip_bytes,
)

RESULTS = ROOT / "benchmarks" / "results" / "hostile_upload.json"
SECONDS_LIMIT, MEGABYTES_LIMIT = 2.0, 50.0
HEADER = ["Name", "Sex", "Organisation", "Country", "Position", "E-mail", "Phone"]
USERNAME, PASSWORD = "bench-officer", "benchmark-only-password-7f3a"
EVENT = "bench-event"



# --------------------------------------------------------------------------------------------
# The files
# --------------------------------------------------------------------------------------------
def hostile_files() -> dict[str, bytes]:
    one = workbook(HEADER, shared_strings_bomb(425))
    # Deflate gives about 2.6 KB per MiB of these strings: 1,990 MiB is just under 5 MiB.
    five = workbook(HEADER, shared_strings_bomb(1990))
    bomb = shared_strings_bomb(1990)
    head = zlib.decompressobj(-zlib.MAX_WBITS).decompress(bomb.data, 40_000)[:40_000]
    lying = workbook(HEADER, bomb.lying(file_size=40_000, crc=zlib.crc32(head)))
    return {"1mb": one, "5mb": five, "5mb-lying": lying}


def at_the_limits() -> bytes:
    """For comparison, not a target: the costliest workbook that passes the inspection, to
    our knowledge: just under the cell limit, all right of the columns read (openpyxl parses
    them all), so that the import reads only empty rows and refuses the file afterwards."""
    rng = random.Random(11)
    per_row = 2990
    row = b"<row>" + b"".join(b"<c><v>%d</v></c>" % rng.randrange(10**6)
                              for _ in range(per_row)) + b"</row>"
    head = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    sheet = repeated("xl/worksheets/sheet1.xml", head, row, 299_990 // per_row,
                     b"</sheetData></worksheet>")
    return zip_bytes([sheet if p.name == sheet.name else p for p in template_parts(HEADER)])


def legit_files() -> dict[str, tuple[str, bytes]]:
    rows = [[f"Person {n}", "F", "", "KG", "Inspector", "", "+996 555 123456"]
            for n in range(200)]
    text = "\n".join(",".join(row) for row in [HEADER, *rows]).encode()
    return {"list.xlsx": zip_bytes(template_parts(HEADER, rows)), "list.csv": text}


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------
def prepare(database: str) -> None:
    """Migrate the throw-away database and make an officer and an event."""
    setup_django(database)
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from activities.models import Country, Event
    from unodc_portal.core.roles import OFFICERS_GROUP, ensure_groups

    call_command("migrate", verbosity=0)
    ensure_groups(apps)
    user = get_user_model().objects.create_user(USERNAME, password=PASSWORD)
    user.groups.add(Group.objects.get(name=OFFICERS_GROUP))
    country, _ = Country.objects.get_or_create(code="KG")
    Event.objects.create(slug=EVENT, title="Benchmark workshop", kind="workshop",
                         city="Bishkek", country=country)


def stored(database: str) -> None:
    """Print the import batches and participants in the database, as JSON."""
    setup_django(database)
    from activities.models import ImportBatch, Participant

    print(json.dumps({"batches": ImportBatch.objects.count(),
                      "participants": Participant.objects.count()}))




class Browser:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self, path: str) -> str:
        html = self.get(path)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=600) as response:
            return response.read().decode()

    def post(self, path: str, body: bytes, content_type: str) -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, data=body, method="POST", headers={
            "Content-Type": content_type, "Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=600) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def sign_in(self):
        token = self.csrf("/accounts/login/")
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": USERNAME,
                                       "password": PASSWORD}).encode()
        status, _ = self.post("/accounts/login/", body, "application/x-www-form-urlencoded")
        assert status == 200, f"sign-in answered {status}"

    def upload(self, name: str, content: bytes) -> tuple[int, str]:
        path = f"/events/{EVENT}/participants/import/"
        token = self.csrf(path)
        boundary = "----hostile-upload-benchmark"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\""
                f"\r\n\r\n{token}\r\n--{boundary}\r\nContent-Disposition: form-data; "
                f"name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream"
                "\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
        return self.post(path, body, f"multipart/form-data; boundary={boundary}")


def refusal(html: str) -> str:
    found = re.search(r'id="error_1_id_file"><strong>(.*?)</strong>', html, re.S)
    return found.group(1) if found else ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--port", type=int, default=8097)
    args = parser.parse_args()

    print("Building the files …", flush=True)
    files = hostile_files()
    files["at-the-limits"] = at_the_limits()
    with tempfile.TemporaryDirectory(prefix="hostile-upload-") as scratch:
        database = f"sqlite:///{scratch}/bench.sqlite3"
        subprocess.run([str(PYTHON), __file__, "--prepare-only", database], check=True)
        server, base = start_server(
            database, args.port,
            stderr=(Path(scratch) / "server.log").open("w"),  # a "Bad Request" per refusal
        )
        try:
            (worker,) = psutil.Process(server.pid).children()
            browser = Browser(base)
            browser.sign_in()
            for name, content in legit_files().items():  # warm the import's code paths
                status, html = browser.upload(name, content)
                assert status == 200 and "Confirm the import" in html, (name, status)
            results = {"server": "gunicorn, 1 sync worker, SQLite, debug off",
                       "runs": args.runs, "idle_rss_mb": round(worker.memory_info().rss / 2**20, 1),
                       "files": {}}
            for key, content in files.items():
                seconds, growth, sampled = [], [], []
                for _ in range(args.runs):
                    before = worker.memory_info().rss
                    exact = reset_high_water_mark(worker.pid)
                    sampler = Sampler(worker, interval=0.005)
                    sampler.start()
                    start = time.perf_counter()
                    status, html = browser.upload("list.xlsx", content)
                    seconds.append(time.perf_counter() - start)
                    sampler.running = False
                    sampler.join()
                    peak = high_water_mark(worker.pid) if exact else sampler.peak
                    growth.append(max(peak, sampler.peak) - before)
                    sampled.append(sampler.peak - before)
                    message = refusal(html)
                    assert status == 400 and message, f"{key}: answered {status}, not refused"
                results["files"][key] = {
                    "file_mb": round(len(content) / 2**20, 2),
                    "seconds_median": round(statistics.median(seconds), 3),
                    "seconds_max": round(max(seconds), 3),
                    "peak_growth_mb_median": round(statistics.median(growth) / 2**20, 1),
                    "peak_growth_mb_max": round(max(growth) / 2**20, 1),
                    "peak_growth_mb_sampled_median": round(statistics.median(sampled) / 2**20, 1),
                    "high_water_mark_reset": exact,
                    "message": message.replace("&#x27;", "'"),
                }
                print(f"{key}: {json.dumps(results['files'][key], ensure_ascii=False)}",
                      flush=True)
            browser.get("/workspace/")  # the worker still answers
        except BaseException:
            print((Path(scratch) / "server.log").read_text()[-5000:], file=sys.stderr)
            raise
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        counts = json.loads(subprocess.run(
            [str(PYTHON), __file__, "--stored-only", database], check=True, capture_output=True,
            text=True).stdout)
        # The two warm-up files' previews only: no refused file stored anything.
        results["stored_after"] = counts
        assert counts == {"batches": len(legit_files()), "participants": 0}, counts

    results["under_limits"] = all(
        f["seconds_max"] < SECONDS_LIMIT and f["peak_growth_mb_max"] < MEGABYTES_LIMIT
        for key, f in results["files"].items() if key != "at-the-limits"
    )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print()
    for key, figures in results["files"].items():
        print(f"{key:10} {figures['file_mb']:5.2f} MB file: refused in "
              f"{figures['seconds_median']:.3f} s (median of {args.runs}; max "
              f"{figures['seconds_max']:.3f} s), peak memory growth "
              f"{figures['peak_growth_mb_median']:.1f} MB "
              f"(max {figures['peak_growth_mb_max']:.1f})")
    print(f"Targets (each run under {SECONDS_LIMIT:g} s and {MEGABYTES_LIMIT:g} MB): "
          f"{'met' if results['under_limits'] else 'NOT MET'}.")
    if not results["under_limits"]:
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--prepare-only":
        prepare(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "--stored-only":
        stored(sys.argv[2])
    else:
        main()
