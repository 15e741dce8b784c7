#!/usr/bin/env python
"""Admin changelists at scale: the event, participation and participant changelists of the
Django admin timed on 200,000 participations (5,000 events, 50,000 participants).

    .venv/bin/python benchmarks/admin_scale.py --seed     # once: migrate and fill the database
    .venv/bin/python benchmarks/admin_scale.py [--runs 3] # time the changelists

Only ever uses its own PostgreSQL database, ``unodc_admin`` on 127.0.0.1 (``--database`` names
another URL, whose database name must still end in ``_admin``). ``--seed`` refuses a database
that holds events other than its own (slugs ``bench-…``). Each page is requested once to warm
up, then ``--runs`` times through Django's test client as a signed-in superuser; the median is
printed per page, with the time spent in SQL, the number of queries and whether a COUNT was
issued (the rest of the time is rendering the page's 100 rows).
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/unodc_admin")
parser.add_argument("--seed", action="store_true", help="migrate and fill the database")
parser.add_argument("--participations", type=int, default=200_000)
parser.add_argument("--runs", type=int, default=3)
args = parser.parse_args()
if not urlparse(args.database).path.lstrip("/").endswith("_admin"):
    sys.exit("Refusing: the benchmark only uses a database whose name ends in _admin.")

from bench_server import setup_django  # noqa: E402  (benchmarks/bench_server.py)

setup_django(args.database)

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

PAGES = [
    "/admin/activities/event/",
    "/admin/activities/event/?kind__exact=workshop",
    "/admin/activities/participation/",
    "/admin/activities/participation/?status__exact=attended",
    "/admin/activities/participant/",
    "/admin/activities/participant/?sex__exact=female",
]


def seed(participations: int):
    from activities.models import Country, Event, Organisation, Participant, Participation

    call_command("migrate", verbosity=0)
    if Event.objects.exclude(slug__startswith="bench-").exists():
        sys.exit("Refusing: this database holds events the benchmark did not make.")
    if Participation.objects.exists():
        print("already seeded")
        return
    rng = random.Random(13)
    countries = [Country.objects.get_or_create(code=code)[0]
                 for code in ("KG", "KZ", "TJ", "TM", "UZ")]
    Organisation.objects.bulk_create(
        Organisation(slug=f"bench-org-{i}", name=f"Agency {i}", acronym=f"AG{i}",
                     kind="government", country=rng.choice(countries)) for i in range(500))
    organisations = list(Organisation.objects.filter(slug__startswith="bench-org-"))
    events = participations // 40
    Event.objects.bulk_create(
        (Event(slug=f"bench-{i}", title=f"Workshop {i}", kind=rng.choice(["workshop", "meeting"]),
               start_date=None if i % 20 == 0 else
               __import__("datetime").date(2008 + i % 19, 1 + i % 12, 1 + i % 28),
               year=2008 + i % 19, country=rng.choice(countries)) for i in range(events)),
        batch_size=2000)
    people = []
    for i in range(participations // 4):
        person = Participant(name=f"Person {i:06d}", sex=rng.choice(["female", "male"]),
                             organisation=rng.choice(organisations),
                             country=rng.choice(countries))
        person.fill_derived_fields()
        people.append(person)
    Participant.objects.bulk_create(people, batch_size=5000)
    event_ids = list(Event.objects.values_list("id", flat=True))
    person_ids = list(Participant.objects.values_list("id", flat=True))
    rows, seen = [], set()
    while len(rows) < participations:
        pair = (rng.choice(person_ids), rng.choice(event_ids))
        if pair not in seen:
            seen.add(pair)
            rows.append(Participation(participant_id=pair[0], event_id=pair[1],
                                      status=rng.choice(["registered", "attended", "absent"])))
    Participation.objects.bulk_create(rows, batch_size=10_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {events} events, {len(people)} participants, {len(rows)} participations")


def time_pages(runs: int):
    from django.contrib.auth import get_user_model

    setup_test_environment()
    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True})
    client = Client()
    client.force_login(user)
    for url in PAGES:
        assert client.get(url).status_code == 200, url  # warm-up
        times, sql_times = [], []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, url
            sql_times.append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
        counted = any("COUNT(*)" in q["sql"].upper() for q in queries.captured_queries)
        print(f"{statistics.median(times):6.0f} ms (SQL {statistics.median(sql_times):4.0f} ms)  "
              f"{len(queries.captured_queries):3d} queries  "
              f"{'COUNT' if counted else '     '}  {url}")


if args.seed:
    seed(args.participations)
else:
    time_pages(args.runs)
