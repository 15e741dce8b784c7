#!/usr/bin/env python
"""Export memory benchmark: 100,000 contributions downloaded as CSV and as XLSX from a real
server process (gunicorn, one sync worker) on PostgreSQL, measuring the worker's peak resident
memory and the time taken, against a trivial view (/healthz) on the same server.

    .venv/bin/python benchmarks/export_memory.py [--rows 100000]
        [--database postgres://postgres@127.0.0.1:5432/unodc_export_bench] [--port 8098]

The database is created if it is missing, migrated, and filled once with ``--rows``
contributions (with exchange rates, so that every row's US-dollar equivalent is looked up as in
production); later runs reuse it. The server runs with production-like settings (debug off).
Peak memory is the worker's VmHWM (Linux's high-water mark of resident memory), read after each
request, and cross-checked by sampling its RSS every 20 ms during the request. The target: under
200 MB. Writes benchmarks/results/export_memory.json.
"""

import argparse
import datetime
import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

import psutil
from bench_server import (  # benchmarks/bench_server.py, beside this script
    PYTHON,
    Sampler,
    high_water_mark,
    setup_django,
    start_server,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "export_memory.json"
LIMIT_MB = 200



def prepare(database: str, rows: int) -> None:
    """Create, migrate and fill the benchmark database (once)."""
    setup_django(database)
    import psycopg2
    from django.conf import settings
    from django.core.management import call_command

    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        sys.exit("The benchmark measures the PostgreSQL setup: give --database postgres://…")
    admin = psycopg2.connect(dbname="postgres", user=db["USER"], host=db["HOST"],
                             port=db["PORT"] or 5432, password=db["PASSWORD"] or None)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
    admin.close()
    call_command("migrate", verbosity=0)

    from activities.models import Project
    from donors.currency import converting
    from donors.models import Contribution, Donor, ExchangeRate

    if Contribution.objects.count() == rows:
        return
    Contribution.objects.all().delete()
    donors = [Donor.objects.get_or_create(slug=f"bench-donor-{i}", defaults={
        "name": f"Донор {i} — Benchmark donor", "kind": "government"})[0] for i in range(20)]
    projects = [Project.objects.get_or_create(code=f"BENCH{i:03d}", defaults={
        "title": f"Benchmark project {i}"})[0] for i in range(50)]
    for year in range(2005, 2012):
        for month in range(1, 13):
            ExchangeRate.objects.get_or_create(
                currency="EUR", month=datetime.date(year, month, 1),
                defaults={"usd_per_unit": Decimal("1.3")},
            )
    rng = random.Random(6)
    batch = []
    for n in range(rows):
        day = datetime.date(2005, 1, 1) + datetime.timedelta(days=rng.randrange(7 * 365))
        batch.append(Contribution(
            key=f"bench-{n:06d}", donor=donors[n % 20], project=projects[n % 50],
            kind="cash", amount=Decimal(rng.randrange(1000, 10_000_000)) / 100,
            currency=rng.choice(["EUR", "USD", "GBP"]), status="received", date=day,
            year=day.year, is_published=True,
            in_kind_description="Поддержка — support for the State Service on Drug Control",
        ))
        if len(batch) == 5000:
            with converting():
                Contribution.objects.bulk_create(batch)
            batch = []
    with converting():
        Contribution.objects.bulk_create(batch)



def fetch(url: str) -> tuple[float, int, int]:
    """(seconds, bytes, lines) for a GET read to the end in 64 KiB blocks."""
    start = time.perf_counter()
    size = lines = 0
    with urllib.request.urlopen(url, timeout=900) as response:
        while block := response.read(65536):
            size += len(block)
            lines += block.count(b"\n")
    return time.perf_counter() - start, size, lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database",
                        default="postgres://postgres@127.0.0.1:5432/unodc_export_bench")
    parser.add_argument("--port", type=int, default=8098)
    args = parser.parse_args()

    print(f"Preparing {args.rows:,} contributions in {args.database} …", flush=True)
    subprocess.run([str(PYTHON), __file__, "--prepare-only", str(args.rows), args.database],
                   check=True)

    server, base = start_server(args.database, args.port)
    try:
        master = psutil.Process(server.pid)
        (worker,) = master.children()
        results = {"rows": args.rows, "database": "postgresql", "server": "gunicorn, 1 sync worker"}

        # Warm the worker up (imports, connections), then time the trivial view.
        for _ in range(5):
            fetch(f"{base}/healthz")
        results["idle_rss_mb"] = round(worker.memory_info().rss / 2**20, 1)
        trivial = sorted(fetch(f"{base}/healthz")[0] for _ in range(50))
        results["trivial_view_ms"] = round(trivial[len(trivial) // 2] * 1000, 2)

        for fmt in ("csv", "xlsx"):
            sampler = Sampler(worker)
            sampler.start()
            seconds, size, lines = fetch(f"{base}/contributions/export.{fmt}?sort=year")
            sampler.running = False
            sampler.join()
            results[fmt] = {
                "seconds": round(seconds, 2),
                "megabytes": round(size / 2**20, 1),
                "csv_lines": lines if fmt == "csv" else None,
                "peak_rss_mb_sampled": round(sampler.peak / 2**20, 1),
                "peak_rss_mb_vmhwm": round(high_water_mark(worker.pid) / 2**20, 1),
                "ratio_to_trivial_view": round(seconds * 1000 / results["trivial_view_ms"]),
                "rows_per_second": round(args.rows / seconds),
            }
            print(f"{fmt}: {json.dumps(results[fmt])}", flush=True)
        results["peak_rss_mb"] = max(results[f]["peak_rss_mb_vmhwm"] for f in ("csv", "xlsx"))
        results["under_limit"] = results["peak_rss_mb"] < LIMIT_MB
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    print(f"Peak memory of the serving process: {results['peak_rss_mb']} MB "
          f"({'under' if results['under_limit'] else 'OVER'} {LIMIT_MB} MB).")
    if results["csv"]["csv_lines"] != args.rows + 1:
        sys.exit(f"The CSV had {results['csv']['csv_lines']} lines, expected {args.rows + 1}.")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--prepare-only":
        prepare(sys.argv[3], int(sys.argv[2]))
    else:
        main()
