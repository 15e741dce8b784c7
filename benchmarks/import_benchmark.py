#!/usr/bin/env python
"""Participant import benchmark: a 10,000-row spreadsheet previewed and imported through the
portal's own pages, on a register that already holds 200,000 participants.

    .venv/bin/python benchmarks/import_benchmark.py [--rows 10000] [--existing 200000]
        [--runs 3] [--format xlsx|csv]

Runs in a throwaway test database (test_<name> on PostgreSQL with DATABASE_URL, a temporary
SQLite file otherwise), which is dropped at the end. Each run uploads the file (read, validate,
classify, store the batch), renders the first preview page, then confirms (write participants,
participations and their history in bulk); the run is rolled back so that every run starts from
the same register. Prints the median of the runs and writes benchmarks/results/import.json.
"""

import argparse
import io
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
from bench_server import setup_django  # noqa: E402  (benchmarks/bench_server.py)

setup_django()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from tests.factories import synthetic_surname as surname  # noqa: E402

FIRST = ["Alisher", "Dilnoza", "Rustam", "Madina", "Timur", "Zarina", "Farrukh", "Gulnara",
         "Bekzod", "Aigerim", "Nurlan", "Kamila", "Sardor", "Feruza", "Daniyar", "Asel"]
def build_register(existing: int):
    from activities.models import Country, Event, Organisation, Participant

    kg, _ = Country.objects.get_or_create(code="KG")
    organisations = [
        Organisation.objects.create(slug=f"agency-{i}", name=f"Agency {i}", acronym=f"AG{i}",
                                    kind="government", country=kg)
        for i in range(20)
    ]
    event = Event.objects.create(slug="benchmark", title="Benchmark workshop", kind="workshop")
    rng = random.Random(1)
    batch = []
    for i in range(existing):
        person = Participant(name=f"{rng.choice(FIRST)} {surname(i)}",
                             organisation=organisations[i % 20], country=kg)
        person.fill_derived_fields()
        batch.append(person)
        if len(batch) == 5000:
            Participant.objects.bulk_create(batch)
            batch = []
    Participant.objects.bulk_create(batch)
    return organisations, event


def make_file(rows: int, existing: int, fmt: str) -> bytes:
    """Mostly new people; 10 % already in the register, 5 % spelt differently."""
    from activities import imports
    from activities.models import Participant

    header = [c.label for c in imports.COLUMNS]
    known = list(Participant.objects.order_by("pk").values_list("name", "organisation__acronym")
                 [: max(1, rows // 10)]) if existing else []
    rng = random.Random(2)
    data = []
    for i in range(rows):
        if known and i % 10 == 0:
            name, acronym = known[(i // 10) % len(known)]
            if i % 20 == 0:
                name = name.upper().replace("O", "A")  # likely duplicate, not the same spelling
        else:
            name, acronym = f"{rng.choice(FIRST)} {surname(existing + 10_000_000 + i)}", \
                f"AG{i % 20}"
        data.append([name, rng.choice(["F", "M", ""]), acronym, "KG", "Inspector",
                     f"person{i}@example.org", f"+996 555 {i:06d}"])
    if fmt == "csv":
        import csv

        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(data)
        return buffer.getvalue().encode("utf-8")
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in data:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def one_run(client, event, content: bytes, fmt: str) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from activities.models import ImportBatch

    with transaction.atomic():
        upload = SimpleUploadedFile(f"participants.{fmt}", content)
        start = time.perf_counter()
        response = client.post(
            reverse("activities:participant_import", args=[event.slug]), {"file": upload})
        assert response.status_code == 302, response.content[:2000]
        page = client.get(response["Location"])
        assert page.status_code == 200
        preview = time.perf_counter() - start
        batch = ImportBatch.objects.get(event=event, status="preview")
        counts = dict(batch.counts)
        start = time.perf_counter()
        done = client.post(response["Location"])
        commit = time.perf_counter() - start
        assert done.status_code == 302
        batch.refresh_from_db()
        assert batch.status == "committed", batch.counts
        transaction.set_rollback(True)
    return {"preview": preview, "commit": commit, "counts": counts}


def duplicate_lookup_ms(samples: int = 200) -> float:
    from activities.models import Participant

    people = list(Participant.objects.order_by("?")[:samples])
    times = []
    for person in people:
        start = time.perf_counter()
        list(Participant.objects.likely_duplicates_of(person).values_list("pk", flat=True))
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000 if times else 0.0


def page_ms(client, url: str, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, url
    return round(statistics.median(times) * 1000, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--existing", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    args = parser.parse_args()

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(
            Path(tempfile.mkdtemp()) / "import-benchmark.sqlite3")
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_superuser("benchmark", "b@example.org", "x")
        start = time.perf_counter()
        _, event = build_register(args.existing)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        setup = time.perf_counter() - start
        content = make_file(args.rows, args.existing, args.format)
        client = Client()
        client.force_login(user)
        runs = [one_run(client, event, content, args.format) for _ in range(args.runs)]
        result = {
            "database": connection.vendor,
            "format": args.format,
            "rows": args.rows,
            "file_kb": round(len(content) / 1024),
            "existing_participants": args.existing,
            "register_setup_s": round(setup, 1),
            "runs": args.runs,
            "preview_s": [round(r["preview"], 2) for r in runs],
            "commit_s": [round(r["commit"], 2) for r in runs],
            "preview_median_s": round(statistics.median(r["preview"] for r in runs), 2),
            "commit_median_s": round(statistics.median(r["commit"] for r in runs), 2),
            "row_classes": runs[0]["counts"],
            "duplicate_lookup_median_ms": round(duplicate_lookup_ms(), 2),
            "pages_ms": {
                url: page_ms(client, url)
                for url in ["/workspace/", "/participants/duplicates/", "/participants/",
                            "/participants/?q=Alisher+Usmonov", "/participants/?organisation=1"]
            },
        }
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"Import benchmark on {result['database']}: {result['rows']:,} rows "
          f"({result['format']}, {result['file_kb']} KB) into a register of "
          f"{result['existing_participants']:,} participants, {result['runs']} runs")
    print(f"  rows: {result['row_classes']}")
    print(f"  preview (upload, validate, classify, store, first page): median "
          f"{result['preview_median_s']} s  {result['preview_s']}")
    print(f"  commit (participants, participations, history):            median "
          f"{result['commit_median_s']} s  {result['commit_s']}")
    print(f"  likely-duplicate lookup on the register: median "
          f"{result['duplicate_lookup_median_ms']} ms")
    for url, ms in result["pages_ms"].items():
        print(f"  page {url}: median {ms} ms")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / f"import-{result['database']}-{result['format']}.json").write_text(
        json.dumps(result, indent=2))
    limit = 10
    if result["preview_median_s"] >= limit or result["commit_median_s"] >= limit:
        print(f"SLOWER than {limit} s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
