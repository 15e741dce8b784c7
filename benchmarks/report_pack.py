#!/usr/bin/env python
"""Times one donor report pack (issue 16, point 5), both formats, on the benchmark databases.

    .venv/bin/python benchmarks/report_pack.py --sizes 10k          # a quick look
    .venv/bin/python benchmarks/report_pack.py --sizes 1m --runs 3  # the target: under 10 s

The pack is the one of the donor with the most contributions (``pages.donor()``, the donor the
benchmark's donor account acts for), for its busiest year (``--year`` for another, ``--whole``
for every year of the record), asked for through the page as a signed-in reader
(``--roles``: the donor's account, an officer, an admin) with Django's test client: the time
from the request to the whole file, for the workbook and for the PDF, and their sum (the
target: under 10 s at 1M). Besides: the rows of each list, the PDF's pages, the files' sizes
and the queries run.

Databases: the page benchmark's own (``benchmarks/pages.py``: PostgreSQL ``unodc_bench_10k``
and ``unodc_bench_1m``, built when missing, refused under any other name), with its accounts.
"""

import argparse
import io
import os
import statistics
import sys
import time

import pages  # benchmarks/pages.py: the databases, the accounts, the donor
from bench_server import SERVER_ENV, setup_django  # benchmarks/bench_server.py

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--sizes", default="10k,1m", help="sizes to measure (10k, 1m)")
parser.add_argument("--runs", type=int, default=3, help="runs per format (median kept)")
parser.add_argument("--roles", default="donor,admin", help="readers: donor, officer, admin")
parser.add_argument("--year", type=int, help="the pack's year (default: the donor's busiest)")
parser.add_argument("--whole", action="store_true", help="every year of the record")
parser.add_argument("--rebuild", action="store_true", help="build the databases again")


def busiest_year(donor) -> int:
    from django.db.models import Count

    from donors.models import Contribution
    row = (Contribution.objects.filter(donor=donor).exclude(year=None).values("year")
           .annotate(n=Count("pk")).order_by("-n", "-year").first())
    return row["year"] if row else 2011


def measure(client, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, size, queries, response = [], 0, 0, None
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            content = (b"".join(response.streaming_content) if response.streaming
                       else response.content)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code, content[:300])
        size, queries = len(content), len(captured.captured_queries)
    return {"median": statistics.median(times), "all": times, "size": size,
            "queries": queries, "content": content}


def describe(xlsx: bytes, pdf: bytes) -> str:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    book = load_workbook(io.BytesIO(xlsx), read_only=True)
    sheets = ", ".join(f"{sheet.title} {max(sheet.max_row - 1, 0):,}"
                       for sheet in book.worksheets)
    return f"workbook rows: {sheets}; PDF pages: {len(PdfReader(io.BytesIO(pdf)).pages)}"


def main():
    args = parser.parse_args()
    sizes = [size.strip() for size in args.sizes.split(",") if size.strip()]
    unknown = set(sizes) - set(pages.SIZES)
    if unknown:
        sys.exit(f"Unknown sizes {sorted(unknown)}: choose from {sorted(pages.SIZES)}.")
    os.environ["DJANGO_SECRET_KEY"] = SERVER_ENV["DJANGO_SECRET_KEY"]
    os.environ["PORTAL_PAGE_CACHE"] = "0"
    setup_django(pages.own_database(pages.SIZES[sizes[0]][0]))
    from django.test import Client
    from django.urls import reverse

    lines = []
    for size in sizes:
        pages.prepare(size, args.rebuild)
        pages._found.clear()
        donor = pages.donor()
        readers = pages.users()
        year = args.year or busiest_year(donor)
        query = "start=2008-01-01&end=2026-12-31" if args.whole else f"year={year}"
        period = "2008-2026" if args.whole else str(year)
        n = donor.contributions.count()
        print(f"[{size}] {donor.slug} ({n:,} contributions), period {period}", flush=True)
        for role in [r.strip() for r in args.roles.split(",") if r.strip()]:
            client = Client()
            client.force_login(readers[role])
            base = reverse("pack:donor_report", args=[donor.slug]) + f"?{query}&format="
            xlsx = measure(client, base + "xlsx", args.runs)
            pdf = measure(client, base + "pdf", args.runs)
            total = xlsx["median"] + pdf["median"]
            line = (f"| {size} | {role} | {period} | {xlsx['median']:.2f} s "
                    f"({xlsx['size'] / 1024:,.0f} KB, {xlsx['queries']} queries) | "
                    f"{pdf['median']:.2f} s ({pdf['size'] / 1024:,.0f} KB, "
                    f"{pdf['queries']} queries) | {total:.2f} s | "
                    f"{'PASS' if total < 10 else 'MISS'} |")
            print(line, flush=True)
            print("    " + describe(xlsx["content"], pdf["content"]), flush=True)
            lines.append(line)
    print("\n| size | reader | period | workbook (median) | PDF (median) | both | < 10 s |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
