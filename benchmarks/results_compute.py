#!/usr/bin/env python
"""The results frameworks' figures (issue 16) timed on the benchmark's databases.

    .venv/bin/python benchmarks/results_compute.py                  # 10k and 1m, 9 runs
    .venv/bin/python benchmarks/results_compute.py --sizes 10k --runs 5

Databases: ``benchmarks/pages.py``'s own, ``unodc_bench_10k`` and ``unodc_bench_1m`` (built by it
when missing, reused while seeded at the same counts; any other name is refused). Where the
synthetic record has results frameworks (``seed_scale`` writes them), the largest project that
has one is measured; where it has none, this writes one (keys ``bench-results-…``, made once,
kept) on each of the five projects with the most event links: an outcome with an indicator of
every source (entered and approved; people trained; participants reported; workshops held;
kilograms of the substance most seized under the project; contributions received), each with
a period per year 2008 to 2026 (and a second one per quarter of 2019 and 2020); the yearly
ones are marked headline.

Measured in this process (no HTTP), for an anonymous reader, a donor's user and an admin
(``pages.users()``): ``framework()`` of the largest project and ``headline()``, each

- **cold**: the figures' cache off (``PAGE_CACHE`` False), so every call computes them;
- **warm**: the cache on (the database cache table, as ``make serve`` without Redis), after
  one call has stored them: a second reader's cost.

The median of ``--runs`` calls (after one to warm up the connection and the user's caches),
and the queries of one call, are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages  # benchmarks/pages.py: the databases, their accounts
from bench_server import SERVER_ENV, setup_django

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--sizes", default="10k,1m", help="sizes to measure (10k, 1m)")
parser.add_argument("--runs", type=int, default=9, help="timed calls per measure (median kept)")
parser.add_argument("--rebuild", action="store_true", help="drop and build the databases again")

KEY = "bench-results"
PROJECTS = 5
FIRST_YEAR, LAST_YEAR = 2008, 2026
QUARTER_YEARS = (2019, 2020)


def periods() -> tuple[list, list]:
    """The years 2008 to 2026, and the quarters of 2019 and 2020 (for a second indicator: they
    would overlap the years)."""
    years = [(datetime.date(y, 1, 1), datetime.date(y, 12, 31))
             for y in range(FIRST_YEAR, LAST_YEAR + 1)]
    quarters = []
    for year in QUARTER_YEARS:
        for first in (1, 4, 7, 10):
            start = datetime.date(year, first, 1)
            following = datetime.date(year + first // 10, (first + 2) % 12 + 1, 1)
            quarters.append((start, following - datetime.timedelta(days=1)))
    return years, quarters


def frameworks() -> list:
    """The benchmark's frameworks on the projects with the most event links (made once)."""
    from django.db import transaction
    from django.db.models import Count

    from activities.models import Event, Project, Seizure
    from results.models import Indicator, Period, Result

    seeded = Project.objects.real().filter(results__isnull=False).distinct()
    if seeded.exists():  # seed_scale wrote frameworks: measure those, add none
        return list(Project.objects.filter(pk__in=seeded.values("pk"))
                    .annotate(n=Count("events")).order_by("-n", "pk")[:PROJECTS])
    projects = list(Project.objects.real().annotate(n=Count("events"))
                    .order_by("-n", "pk")[:PROJECTS])
    Source = Indicator.Source
    years, quarters = periods()
    with transaction.atomic():
        for project in projects:
            result, made = Result.objects.get_or_create(
                key=f"{KEY}-{project.pk}",
                defaults={"project": project, "kind": Result.Kind.OUTCOME,
                          "title": "Benchmark outcome"})
            if not made:
                continue
            substance_id = (
                Seizure.objects.filter(project=project, kind=Seizure.Kind.INDIVIDUAL)
                .values("substance_id").annotate(n=Count("pk")).order_by("-n")
                .values_list("substance_id", flat=True).first()
            )
            for order, source in enumerate(Source.values):
                if source == Source.SEIZURES_KG and substance_id is None:
                    continue
                for suffix, spans in (("years", years), ("quarters", quarters)):
                    indicator = Indicator.objects.create(
                        key=f"{KEY}-{project.pk}-{source}-{suffix}", result=result,
                        order=order, title=f"{Source(source).label} ({suffix})",
                        source=source, is_headline=suffix == "years",
                        measure=Indicator.SOURCE_MEASURE.get(source, Indicator.Measure.COUNT),
                        event_kinds=[Event.Kind.WORKSHOP, Event.Kind.TRAINING_COURSE]
                        if source == Source.EVENTS_HELD else [],
                        substance_id=substance_id if source == Source.SEIZURES_KG else None,
                    )
                    Period.objects.bulk_create([
                        Period(indicator=indicator, start=start, end=end, target=Decimal(100),
                               **({"actual": Decimal(start.year % 50),
                                   "actual_status": Period.Status.APPROVED}
                                  if source == Source.MANUAL else {}))
                        for start, end in spans
                    ])
    return projects


def timed(function, runs: int) -> tuple[float, int]:
    """(median ms of ``runs`` calls after one to warm up, queries of one call)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        function()
    return statistics.median(times), len(ctx.captured_queries)


def measure(size: str, args) -> list[str]:
    from django.contrib.auth.models import AnonymousUser
    from django.test.utils import override_settings

    from results.progress import framework, headline
    from unodc_portal.core import pagecache

    pages.prepare(size, args.rebuild)
    projects = frameworks()
    largest = projects[0]
    accounts = pages.users()
    readers = {"anonymous": AnonymousUser(), "donor": accounts["donor"],
               "admin": accounts["admin"]}
    database_cache = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                  "LOCATION": "portal_cache"}}
    rows = []
    for name, call in (("framework", lambda user: framework(largest, user)),
                       ("headline", headline)):
        for role, user in readers.items():
            with override_settings(PAGE_CACHE=False):
                cold, cold_queries = timed(lambda call=call, user=user: call(user), args.runs)
            with override_settings(PAGE_CACHE=True, CACHES=database_cache):
                pagecache.invalidate()
                warm, warm_queries = timed(lambda call=call, user=user: call(user), args.runs)
            rows.append(f"| {size} | `{name}()` | {role} | {cold:.1f} | {cold_queries} | "
                        f"{warm:.1f} | {warm_queries} |")
            print(rows[-1], flush=True)
    from django.db.models import Count

    from results.models import Period
    n_periods = Period.objects.filter(indicator__result__project=largest).count()
    events = type(largest).objects.filter(pk=largest.pk).annotate(n=Count("events")).get().n
    print(f"[{size}] largest project {largest.code}: {events} events, {n_periods} periods",
          flush=True)
    return rows


def main():
    args = parser.parse_args()
    sizes = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    for size in sizes:
        if size not in pages.SIZES:
            sys.exit(f"Unknown size {size!r}: one of {', '.join(pages.SIZES)}.")
    if args.runs < 1:
        sys.exit("--runs must be at least 1.")
    os.environ["DJANGO_SECRET_KEY"] = SERVER_ENV["DJANGO_SECRET_KEY"]
    setup_django(pages.own_database(pages.SIZES[sizes[0]][0]))
    header = ["| size | call | reader | cold ms | cold queries | warm ms | warm queries |",
              "|---|---|---|---|---|---|---|"]
    print("\n".join(header), flush=True)
    rows = []
    for size in [s for s in pages.SIZES if s in sizes]:
        rows += measure(size, args)
    print("\n" + "\n".join(header + rows))


if __name__ == "__main__":
    main()
