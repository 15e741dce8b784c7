#!/usr/bin/env python
"""What the access log costs on the participant register: the register page (an officer,
50 rows) at 10,000 participations, single requests, with the log and without it.

    .venv/bin/python benchmarks/accesslog.py                  # 300 requests each (about 1 min)
    .venv/bin/python benchmarks/accesslog.py --requests 1000
    .venv/bin/python benchmarks/accesslog.py --database unodc_wt_logportal

The database: its own PostgreSQL database on 127.0.0.1 (``unodc_bench_accesslog`` unless
``--database`` names another whose name starts with ``unodc_bench_`` or ``unodc_wt_``; any other
is refused before connecting), built when missing as ``benchmarks/pages.py`` builds its 10k one
(migrate, sync_roles, load_fixtures, ``seed_scale`` at 200 events, 2,000 participants, 10,000
participations) and reused while its ``SyntheticData`` row says so (``--rebuild`` builds it
again). An officer account is made there and signed in once.

Two servers run side by side on that database, each one gunicorn gthread worker (one thread),
debug off, page cache off: the portal's own settings, and
``benchmarks/settings_without_accesslog.py`` (the same without ``AccessLogMiddleware``: the views
still note their rows, nothing is written). After a warm-up, ``--requests`` pairs of requests
are made one after another over HTTP, alternating which server goes first, so that whatever
else the machine does falls on both alike. Printed, and written to
``benchmarks/results/accesslog-<UTC date>.md``: the median, 10th and 90th percentiles of each,
the ratio of the medians (the issue's bound: at most 1.1) and of the 10th percentiles, the
entries the logged server wrote (one per request, 50 participants each; the other writes none),
and the time of the log's write alone, in this process (``accesslog.log.write`` of 50 numbers:
what a logged request adds, without the noise of the network and the machine).
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import os
import statistics
import sys
import time

from bench_server import (  # benchmarks/bench_server.py
    ROOT,
    SERVER_ENV,
    maintenance,
    setup_django,
    start_gthread_server,
    stop_server,
)

PG = "postgres://postgres@127.0.0.1:5432/"
DEFAULT_DATABASE = "unodc_bench_accesslog"
OWN_PREFIXES = ("unodc_bench_", "unodc_wt_")
# benchmarks/pages.py's 10k size.
COUNTS = {"events": 200, "participants": 2_000, "participations": 10_000, "seizures": 1_000,
          "contributions": 500}
ROWS = 50
PATH = f"/participants/?page_size={ROWS}"
BOUND = 1.1
RESULTS = ROOT / "benchmarks" / "results"

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--database", default=DEFAULT_DATABASE,
                    help=f"its own database (a name starting with {' or '.join(OWN_PREFIXES)})")
parser.add_argument("--requests", type=int, default=300, help="requests to each server")
parser.add_argument("--warm-up", type=int, default=20, help="requests to each server first")
parser.add_argument("--rebuild", action="store_true", help="drop and build the database again")
parser.add_argument("--port", type=int, default=8150,
                    help="the logged server's port (the other one: the next)")


def own_database(name: str) -> str:
    if not name.startswith(OWN_PREFIXES) or not name.replace("_", "").isalnum():
        sys.exit(f"Refusing: the benchmark uses a database of its own (a name starting with "
                 f"{' or '.join(OWN_PREFIXES)}), not {name!r}.")
    return PG + name


def prepare(database: str, rebuild: bool) -> None:
    """The database, seeded at the 10k counts; built when missing or asked to."""
    exists = bool(maintenance("SELECT 1 FROM pg_database WHERE datname = %s", [database]))
    if exists and rebuild:
        maintenance(f'DROP DATABASE "{database}" WITH (FORCE)')
        exists = False
    if not exists:
        maintenance(f'CREATE DATABASE "{database}"')
    setup_django(own_database(database))
    from django.core.management import call_command
    from django.db import connection

    from unodc_portal.core.models import SyntheticData

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("sync_roles", verbosity=0)
    runs = list(SyntheticData.objects.values_list("sizes", flat=True))
    if len(runs) == 1 and all(runs[0].get(kind) == n for kind, n in COUNTS.items()):
        print(f"reusing {database} ({runs[0]['participations']:,} participations)", flush=True)
        return
    if runs:
        sys.exit(f"{database} holds other synthetic data: --rebuild to build it again.")
    started = time.monotonic()
    print(f"building {database}: {COUNTS}", flush=True)
    call_command("load_fixtures", verbosity=0)
    call_command("seed_scale", verbosity=1, **COUNTS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built in {time.monotonic() - started:.0f} s", flush=True)


def officer_cookie() -> dict[str, str]:
    """The benchmark officer's session cookie (the account made once)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from unodc_portal.core.roles import OFFICERS_GROUP

    officer = get_user_model().objects.get_or_create(username="bench-officer")[0]
    officer.groups.add(Group.objects.get(name=OFFICERS_GROUP))
    client = Client()
    client.force_login(officer)
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}="
                      f"{client.cookies[settings.SESSION_COOKIE_NAME].value}"}


def timed(port: int, headers: dict) -> float:
    """One request on a fresh connection, read whole: milliseconds."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    connection.request("GET", PATH, headers=headers)
    response = connection.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    rows = body.count(b'<th scope="row" class="fw-normal"')
    if response.status != 200 or rows != ROWS:
        raise RuntimeError(f"{PATH} on {port}: {response.status} with {rows} rows, not {ROWS}")
    return elapsed


def write_alone(times: int) -> float:
    """The median milliseconds of ``accesslog.log.write`` of one page's 50 numbers, in this
    process over the same database (what the logged server adds, without the HTTP noise)."""
    from accesslog.log import write
    from activities.models import Participant

    numbers = list(Participant.objects.order_by("name", "pk").values_list("pk", flat=True)[:ROWS])
    took = []
    for _ in range(times):
        started = time.perf_counter()
        write(ids=numbers, what="benchmark", method="GET", path="/participants/")
        took.append((time.perf_counter() - started) * 1000)
    return statistics.median(took)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main():
    args = parser.parse_args()
    if args.requests < 1:
        sys.exit("--requests must be at least 1.")
    own_database(args.database)
    # The in-process Django signs in with the servers' secret key (sessions carry its hash).
    os.environ["DJANGO_SECRET_KEY"] = SERVER_ENV["DJANGO_SECRET_KEY"]
    prepare(args.database, args.rebuild)
    headers = officer_cookie()
    from accesslog.models import AccessEntry

    database = own_database(args.database)
    common = {"PORTAL_PAGE_CACHE": "0"}
    servers = {}
    try:
        servers["with"] = start_gthread_server(
            database, args.port, extra_env=common, workers=1, threads=1)
        servers["without"] = start_gthread_server(
            database, args.port + 1, workers=1, threads=1, extra_env={
                **common, "DJANGO_SETTINGS_MODULE": "settings_without_accesslog",
                "PYTHONPATH": str(ROOT / "benchmarks")})
        ports = {"with": args.port, "without": args.port + 1}
        for _ in range(args.warm_up):
            for name in ports:
                timed(ports[name], headers)
        before = AccessEntry.objects.count()
        times: dict[str, list[float]] = {"with": [], "without": []}
        for n in range(args.requests):
            order = ("with", "without") if n % 2 == 0 else ("without", "with")
            for name in order:
                times[name].append(timed(ports[name], headers))
        written = AccessEntry.objects.count() - before
        records = set(AccessEntry.objects.order_by("-pk")[:1].values_list("record_count",
                                                                          flat=True))
    finally:
        for server, _base in servers.values():
            stop_server(server)

    alone = write_alone(args.requests)
    median = {name: statistics.median(values) for name, values in times.items()}
    ratio = median["with"] / median["without"]
    quiet = percentile(times["with"], 0.1) / percentile(times["without"], 0.1)
    text = (
        f"# The access log's cost on the register page, "
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC\n\n"
        f"`benchmarks/accesslog.py {' '.join(sys.argv[1:])}`: `{PATH}` as an officer, "
        f"{COUNTS['participations']:,} participations, {args.requests} requests to each "
        f"server (alternating), one gthread worker each, page cache off. Times in ms.\n\n"
        "| server | median | p10 | p90 | min |\n|---|---:|---:|---:|---:|\n"
        + "".join(
            f"| {name} the log | {median[name]:.1f} | {percentile(values, 0.1):.1f} | "
            f"{percentile(values, 0.9):.1f} | {min(values):.1f} |\n"
            for name, values in times.items())
        + f"\nRatio of the medians (with / without): **{ratio:.3f}** (bound {BOUND}); of the "
        f"10th percentiles (the requests least disturbed by the rest of the machine): "
        f"{quiet:.3f}. "
        f"Entries written during the measured requests: {written} "
        f"(expected {args.requests}: one per logged request; "
        f"participants in the last: {', '.join(map(str, records))}). The log's write "
        f"alone (an entry and its {ROWS} participants, in this process): {alone:.2f} ms "
        f"median.\n"
    )
    print(text)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"accesslog-{datetime.datetime.now(datetime.UTC):%Y-%m-%d}.md"
    out.write_text(text)
    print(f"Written to {out.relative_to(ROOT)}")
    if written != args.requests:
        sys.exit("The logged server did not write one entry per request.")
    if ratio > BOUND:
        sys.exit(f"Over the bound: {ratio:.3f} > {BOUND}.")


if __name__ == "__main__":
    main()
