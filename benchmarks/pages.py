#!/usr/bin/env python
"""Every page of the portal measured at 10,000 and at 1,000,000 participations.

    .venv/bin/python benchmarks/pages.py                       # everything (about 2 h 30 min)
    .venv/bin/python benchmarks/pages.py --sizes 10k --runs 1  # a quick look (about 1.5 min)
    .venv/bin/python benchmarks/pages.py --pages event_list,participant --sizes 10k,1m

Databases: only its own, PostgreSQL ``unodc_bench_10k`` and ``unodc_bench_1m`` on 127.0.0.1 (no
option names another; ``own_database`` refuses any other name before connecting). Each is built
when missing — migrate, sync_roles, load_fixtures, ``seed_scale`` at the size's record counts —
and reused while its ``SyntheticData`` row says it was seeded with the same counts
(``--rebuild`` drops and builds it again). The benchmark's accounts are made in it: an officer,
an admin, a donor's user, each signed in once (a session row; the cookie goes to every request).

Pages: the URL resolver's patterns, each of which needs an entry in ``SAMPLES`` (who opens it
and how its address is made from the database) or a reason it is not measured (POST-only
views); the admin's model pages are sampled by rule (``admin_samples``). A pattern with neither
stops the benchmark, naming it, so that a page added later is measured too.

For each size, a server as ``make serve`` runs it (gunicorn, 3 gthread workers x 8 threads,
debug off) is started on the size's database:

1. page cache off (``PORTAL_PAGE_CACHE=0``): each page requested once to warm up, then
   ``--requests`` times one after another over HTTP, the median wall time kept; downloads (IATI,
   CSV, XLSX) also give the time to the first byte and the peak resident memory of the worker;
2. page cache on (only at ``--load-sizes``, 1M by default): for each page, ``wrk -t2 -c16 -d10s
   --timeout 2s`` on ``/healthz`` with the page's headers, then the same on the page; requests
   per second, p99, the ratio of the two, error answers and socket errors (time-outs included);
3. with the load (unless ``--no-write-run``): the anonymous pages loaded together while an
   officer saves an event through its form once a second; the page cache's hit rate and the
   p99 under that invalidation.

Each of 1 and 2 is repeated ``--runs`` times (median of the runs). The table (Markdown) is
printed and written to ``benchmarks/results/pages-<UTC date>.md``, with a verdict per page
against the targets at the largest size measured (``TARGETS``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

import psutil
from bench_server import (  # benchmarks/bench_server.py
    ROOT,
    SERVER_ENV,
    Sampler,
    high_water_mark,
    maintenance,
    reset_high_water_mark,
    setup_django,
    start_gthread_server,
    stop_server,
)

PG = "postgres://postgres@127.0.0.1:5432/"
# The benchmark's sizes: its own database and seed_scale's counts for each.
SIZES = {
    "10k": ("unodc_bench_10k", {"events": 200, "participants": 2_000, "participations": 10_000,
                                "seizures": 1_000, "contributions": 500}),
    "1m": ("unodc_bench_1m", {"events": 20_000, "participants": 200_000,
                              "participations": 1_000_000, "seizures": 100_000,
                              "contributions": 50_000}),
}
OWN_DATABASES = {database for database, _ in SIZES.values()}
LUA = ROOT / "benchmarks" / "pages.lua"
RESULTS = ROOT / "benchmarks" / "results"

# Targets at 1M (issue 13): single request, cache off; load at 16 connections.
TARGETS = {
    "growth": 1.5,            # x the time at 10k
    "page_ms": 150,
    "changelist_ms": 300,     # admin changelists
    "ttfb_ms": 150,           # downloads: time to the first byte
    "anonymous_ratio": 0.35,  # x /healthz, page cache on
    "register_ratio": 0.05, "register_p99": 250,  # officers' event list, participant register
    "signed_in_ratio": 0.01, "signed_in_p99": 500,
}


def own_database(name: str) -> str:
    """The URL of one of the benchmark's own databases; any other name is refused."""
    if name not in OWN_DATABASES:
        sys.exit(f"Refusing: the benchmark only uses its own databases {sorted(OWN_DATABASES)}, "
                 f"not {name!r}.")
    return PG + name


parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--sizes", default="10k,1m", help="sizes to measure (10k, 1m)")
parser.add_argument("--load-sizes", default="1m",
                    help="sizes to load with wrk (default 1m; 'none' for none)")
parser.add_argument("--pages", default="",
                    help="comma-separated pattern names or parts of them (default: every page)")
parser.add_argument("--language", default="en-gb",
                    help="the pages' language: en-gb (default, unprefixed) or ru (/ru/…)")
parser.add_argument("--runs", type=int, default=3, help="runs per measure (median kept)")
parser.add_argument("--requests", type=int, default=5,
                    help="sequential requests per page and run, after one to warm up")
parser.add_argument("--download-requests", type=int, default=1,
                    help="requests per download and run (they take seconds at 1M)")
parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run")
parser.add_argument("--connections", type=int, default=16)
parser.add_argument("--load-all", action="store_true",
                    help="load every page, the admin's record pages too (see LOAD_CHANGELISTS)")
parser.add_argument("--no-write-run", dest="write_run", action="store_false",
                    help="leave out the run loading the anonymous pages while an officer saves "
                    "an event each second")
parser.add_argument("--write-duration", type=int, default=30)
parser.add_argument("--redis", default="", help="REDIS_URL for the server (default: the "
                    "database cache), e.g. redis://127.0.0.1:6379/9")
parser.add_argument("--rebuild", action="store_true", help="drop and build the databases again")
parser.add_argument("--port", type=int, default=8140)
parser.add_argument("--list", action="store_true", help="list the pages and skips, measure nothing")


# --------------------------------------------------------------------------------------------
# What is measured: a sample per URL pattern
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sample:
    """How a pattern is opened: by which roles, with which arguments (a callable reading the
    database), and under which query strings (``""`` the plain page); ``download`` for files
    that grow with the data; ``load`` False for pages measured one request at a time only;
    ``status`` the answer expected."""

    roles: tuple[str, ...] = ("anonymous",)
    args: Callable[[], list] | None = None
    queries: tuple[str, ...] = ("",)
    download: bool = False
    load: bool = True
    status: int = 200


@dataclass(frozen=True)
class Skip:
    reason: str


@dataclass
class Page:
    name: str
    role: str
    path: str
    label: str
    download: bool = False
    load: bool = True
    status: int = 200
    changelist: bool = False


_found: dict = {}


def once(function):
    """A lookup made once per database (``_found`` is emptied when the database changes)."""
    def wrapper():
        if function.__name__ not in _found:
            _found[function.__name__] = function()
        return _found[function.__name__]
    wrapper.__name__ = function.__name__
    return wrapper


@once
def event():
    """The synthetic event with the most participants (the largest event page)."""
    from django.db.models import Count

    from activities.models import Event
    return (Event.objects.filter(slug__startswith="synthetic-")
            .annotate(n=Count("participations")).order_by("-n", "pk").first())


@once
def small_events():
    """The 30 synthetic events with the fewest participants: the write run saves them (any
    save invalidates every cached page; small forms keep each save short)."""
    from django.db.models import Count

    from activities.models import Event
    return list(Event.objects.filter(slug__startswith="synthetic-")
                .annotate(n=Count("participations")).order_by("n", "pk")[:30])


@once
def participants():
    from activities.models import Participant
    return list(Participant.objects.filter(email__endswith="@synthetic.invalid")
                .order_by("pk")[:2])


@once
def seizure():
    from activities.models import Seizure
    return Seizure.objects.order_by("pk").first()


@once
def project():
    from activities.models import Project
    return Project.objects.filter(code__startswith="SYN").order_by("pk").first()


@once
def person():
    from activities.models import Person
    return Person.objects.order_by("pk").first()


@once
def organisation():
    from activities.models import Organisation
    return Organisation.objects.filter(slug__startswith="synthetic-").order_by("pk").first()


@once
def article():
    from activities.models import Article
    return Article.objects.filter(status=Article.Status.PUBLISHED).order_by("pk").first()


@once
def donor():
    """The donor with the most contributions."""
    from django.db.models import Count

    from donors.models import Donor
    return Donor.objects.annotate(n=Count("contributions")).order_by("-n", "pk").first()


@once
def contribution():
    from donors.models import Contribution
    return Contribution.objects.filter(is_published=True).order_by("pk").first()


@once
def results_period():
    """A period of an entered indicator (with its result and project), for the results
    framework's pages; None where no framework has been written."""
    from results.models import Indicator, Period
    return (Period.objects.filter(indicator__source=Indicator.Source.MANUAL)
            .select_related("indicator__result__project").order_by("pk").first())


def _results_args(*parts):
    """Arguments of a results framework page: the project's code, then ``parts`` of the
    sampled period (``period``, ``indicator`` or ``result``); None without a period."""
    def args():
        period = results_period()
        if period is None:
            return None
        records = {"period": period.pk, "indicator": period.indicator.key,
                   "result": period.indicator.result.key}
        return [period.indicator.result.project.code, *(records[part] for part in parts)]
    return args


@once
def import_batch():
    """An import awaiting confirmation on the sampled event, made once by the officer."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from activities import services
    from activities.imports import COLUMNS
    from activities.models import ImportBatch
    batch = ImportBatch.objects.filter(event=event()).order_by("pk").first()
    if batch is None:
        header = ",".join(column.label for column in COLUMNS)
        row = "Benchmark Person,female,,KG,Inspector,bench@example.org,"
        batch = services.import_batch_create(
            event=event(), upload=SimpleUploadedFile("list.csv", f"{header}\n{row}\n".encode()),
            user=users()["officer"])
    return batch


# The benchmark's attachment: a public photo on the sampled event, its files under
# ``MEDIA`` (the server and this process share it: ``main`` sets DJANGO_MEDIA_ROOT).
MEDIA = RESULTS / "media"
BENCH_PHOTO = "Benchmark photo"


@once
def attachment():
    """The sampled event's public photo (1600 x 1200, with its thumbnail and public copy),
    added once by the officer through ``attachments.services``; added again when its files
    are missing (the media directory was emptied, the database kept)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from attachments import services, storage
    from attachments.models import Attachment
    found = Attachment.objects.filter(event=event(), title=BENCH_PHOTO).first()
    if found and storage.exists(found.file_key) and storage.exists(found.public_key):
        return found
    if found:
        Attachment.objects.filter(pk=found.pk).delete()
    out = io.BytesIO()
    Image.effect_noise((1600, 1200), 64).convert("RGB").save(out, format="JPEG", quality=85)
    return services.add(
        event(), SimpleUploadedFile("benchmark-photo.jpg", out.getvalue(), "image/jpeg"),
        user=users()["officer"], title=BENCH_PHOTO, kind="photo", visibility="public",
        consent="Benchmark image: noise, no person shown.")


def public_file_args():
    """The public copy's address (after ``public/``); None with object storage, where the
    bucket serves public copies and the portal's address answers 404."""
    from attachments import storage
    if not storage.is_local():
        return None
    return [attachment().public_key.removeprefix(storage.PUBLIC)]

def event_file_args():
    """The sampled event's benchmark photo (its file pages)."""
    return [attachment().pk]


def erasure_args():
    from personaldata.models import Erasure
    erasure = Erasure.objects.order_by("pk").first()
    return [erasure.pk] if erasure else None


def unknown_user_uid():
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode
    return urlsafe_base64_encode(force_bytes(users()["officer"].pk))


def content_type_of_event():
    from django.contrib.contenttypes.models import ContentType
    return ContentType.objects.get_for_model(event()).pk


POST_ONLY = "answers POST only (a GET gets 405): a write, not a page"
OFFICER = ("officer",)

SAMPLES: dict[str, Sample | Skip] = {
    # The site's own
    "home": Sample(),
    "favicon": Sample(status=302, load=False),
    "healthz": Skip("the baseline: loaded before every page's load run"),
    "switch_language": Sample(args=lambda: ["ru"], status=302, load=False),
    "javascript_catalog": Sample(),
    "login": Sample(),
    "logout": Skip(POST_ONLY),
    "password_change": Sample(OFFICER),
    "password_change_done": Sample(OFFICER),
    "password_reset": Sample(),
    "password_reset_done": Sample(),
    "password_reset_confirm": Sample(args=lambda: [unknown_user_uid(), "wrong-token"]),
    "password_reset_complete": Sample(),
    # Public pages
    "activities:article_list": Sample(),
    "activities:article_detail": Sample(args=lambda: [article().slug]),
    "activities:project_list": Sample(queries=("", "?status=ongoing")),
    "activities:project_export": Sample(args=lambda: ["csv"], download=True),
    "activities:project_detail": Sample(args=lambda: [project().code]),
    "activities:event_list": Sample(
        ("anonymous", "officer"), queries=("", "?country=KZ", "?q=training", "?kind=workshop"
                                           "&sort=title")),
    "activities:event_export": Sample(args=lambda: ["xlsx"], download=True),
    "activities:event_detail": Sample(("anonymous", "officer"), args=lambda: [event().slug]),
    "activities:seizure_list": Sample(queries=("", "?country=KZ&year_min=2015")),
    "activities:seizure_export": Sample(args=lambda: ["csv"], download=True),
    "activities:seizure_detail": Sample(args=lambda: [seizure().pk]),
    "activities:person_detail": Sample(args=lambda: [person().slug]),
    "activities:organisation_detail": Sample(args=lambda: [organisation().slug]),
    "activities:country_list": Sample(),
    "activities:country_detail": Sample(("anonymous", "officer"), args=lambda: ["KZ"]),
    # Programme officers' pages
    "activities:workspace": Sample(OFFICER),
    "activities:event_create": Sample(OFFICER),
    "activities:event_update": Sample(OFFICER, args=lambda: [event().slug]),
    "activities:event_history": Sample(OFFICER, args=lambda: [event().slug]),
    "activities:participant_import": Sample(OFFICER, args=lambda: [event().slug]),
    "activities:import_preview": Sample(OFFICER, args=lambda: [import_batch().pk]),
    "activities:import_template": Sample(OFFICER, args=lambda: ["xlsx"]),
    "activities:participant_list": Sample(
        OFFICER, queries=("", "?q=ivanov", "?country=KZ&sex=female", "?year=2015")),
    "activities:participant_export": Sample(OFFICER, args=lambda: ["csv"], download=True),
    "activities:participant_search": Sample(OFFICER, queries=("?q=ivan",)),
    "activities:event_lookup": Sample(OFFICER, queries=("?q=workshop", "?q=border+liaison")),
    "activities:organisation_lookup": Sample(OFFICER, queries=("?q=drug",)),
    "activities:project_lookup": Sample(OFFICER, queries=("?q=kgz", "?q=border")),
    "activities:person_lookup": Sample(OFFICER, queries=("?q=ivan", "?q=police")),
    "activities:participant_duplicates": Sample(OFFICER),
    "activities:participant_duplicates_dismiss": Skip(POST_ONLY),
    "activities:participant_detail": Sample(OFFICER, args=lambda: [participants()[0].pk]),
    "activities:participant_update": Sample(OFFICER, args=lambda: [participants()[0].pk]),
    "activities:participant_history": Sample(OFFICER, args=lambda: [participants()[0].pk]),
    "activities:participant_merge": Sample(
        OFFICER, args=lambda: [participant.pk for participant in participants()]),
    "activities:seizure_create": Sample(OFFICER),
    "activities:seizure_update": Sample(OFFICER, args=lambda: [seizure().pk]),
    "activities:seizure_history": Sample(OFFICER, args=lambda: [seizure().pk]),
    "activities:organisation_create": Sample(OFFICER),
    "activities:person_create": Sample(OFFICER),
    # Results frameworks: editing (admins), actuals (officers), the approval queue (admins)
    "results:framework_edit": Sample(("officer", "admin"), args=_results_args(), load=False),
    "results:result_create": Sample(("admin",), args=_results_args(), load=False),
    "results:result_update": Sample(("admin",), args=_results_args("result"), load=False),
    "results:result_delete": Sample(("admin",), args=_results_args("result"), load=False),
    "results:indicator_create": Sample(("admin",), args=_results_args("result"), load=False),
    "results:indicator_update": Sample(("admin",), args=_results_args("indicator"),
                                       load=False),
    "results:indicator_delete": Sample(("admin",), args=_results_args("indicator"),
                                       load=False),
    "results:period_create": Sample(("admin",), args=_results_args("indicator"), load=False),
    "results:period_update": Sample(("admin",), args=_results_args("period"), load=False),
    "results:period_delete": Sample(("admin",), args=_results_args("period"), load=False),
    "results:actual_entry": Sample(OFFICER, args=_results_args("period"), load=False),
    "results:pending": Sample(("admin",)),
    "results:approve": Skip(POST_ONLY),
    "results:reject": Skip(POST_ONLY),
    # Donors
    "donors:donor_list": Sample(),
    "donors:donor_export": Sample(args=lambda: ["xlsx"], download=True),
    "donors:donor_detail": Sample(args=lambda: [donor().slug]),
    "donors:contribution_list": Sample(
        queries=("", "?currency=EUR&year_min=2015&year_max=2015",
                 "?donor={donor}&sort=year")),
    "donors:contribution_export": Sample(args=lambda: ["xlsx"], download=True),
    "donors:my_contributions": Sample(("donor",)),
    "donors:my_contribution_export": Sample(("donor",), args=lambda: ["csv"], download=True),
    # The donor report pack (results.pack_views): the form, and both formats for a year
    # (benchmarks/report_pack.py times the building of one pack at 1M).
    "pack:donor_report": Sample(
        ("donor", "officer", "admin"), args=lambda: [donor().slug],
        queries=("", "?year=2015&format=pdf", "?year=2015&format=xlsx"), load=False),
    # Site search (a common word, a city, the same city in Cyrillic letters, an acronym)
    "search:search": Sample(("anonymous", "officer"), queries=(
        "?q=training", "?q=almaty", "?q=%D0%B0%D0%BB%D0%BC%D0%B0%D1%82%D1%8B&type=event",
        "?q=unodc")),
    # Files (attachments): the portal's checked address (a public photo: anonymous and an
    # officer; its thumbnail) and the public copy, served without a database query.
    "files:file": Sample(("anonymous", "officer"), args=lambda: [attachment().pk]),
    "files:thumbnail": Sample(("anonymous", "officer"), args=lambda: [attachment().pk]),
    "files:public_file": Sample(args=public_file_args),
    # Open data
    "open_data": Sample(),
    "opendata:iati_activities": Sample(download=True),
    "opendata:schema": Sample(),
    "opendata:docs": Sample(),
    "opendata:api-root": Sample(),
    "opendata:project-list": Sample(),
    "opendata:project-detail": Sample(args=lambda: [project().code]),
    "opendata:project-results": Sample(("anonymous", "officer"), args=lambda: [project().code]),
    "opendata:event-list": Sample(("anonymous", "officer"), queries=("", "?country=KZ")),
    "opendata:event-detail": Sample(args=lambda: [event().slug]),
    "opendata:seizure-list": Sample(),
    "opendata:seizure-detail": Sample(args=lambda: [seizure().pk]),
    "opendata:donor-list": Sample(),
    "opendata:donor-detail": Sample(args=lambda: [donor().slug]),
    "opendata:contribution-list": Sample(queries=("", "?donor={donor}")),
    "opendata:contribution-detail": Sample(args=lambda: [contribution().key]),
    "opendata:article-list": Sample(),
    "opendata:article-detail": Sample(args=lambda: [article().slug]),
    # A record's files (officers on events and seizures, admins also on projects and articles)
    # and one file's details, replacement and removal, on a file of the sampled event.
    "attachments:event_files": Sample(OFFICER, args=lambda: [event().slug], load=False),
    "attachments:seizure_files": Sample(OFFICER, args=lambda: [seizure().pk], load=False),
    "attachments:project_files": Sample(("admin",), args=lambda: [project().code], load=False),
    "attachments:article_files": Sample(("admin",), args=lambda: [article().slug], load=False),
    "attachments:file_edit": Sample(OFFICER, args=lambda: event_file_args(), load=False),
    "attachments:file_replace": Sample(OFFICER, args=lambda: event_file_args(), load=False),
    "attachments:file_remove": Sample(OFFICER, args=lambda: event_file_args(), load=False),
    # A person's own data (officers and admins) and erasure (admins), on a sampled participant;
    # an erasure's page where the data holds one (seed_scale erases no one: then not timed).
    "personaldata:subject_access": Sample(OFFICER, args=lambda: [participants()[0].pk]),
    "personaldata:subject_access_file": Sample(
        OFFICER, args=lambda: [participants()[0].pk, "xlsx"], load=False),
    "personaldata:participant_erase": Sample(("admin",), args=lambda: [participants()[0].pk],
                                             load=False),
    "personaldata:erasure_detail": Sample(("admin",), args=lambda: erasure_args(), load=False),
    # The admin's own pages (its model pages: admin_samples)
    "admin:index": Sample(("admin",)),
    "admin:app_list": Sample(("admin",), args=lambda: ["activities"]),
    "admin:login": Sample(),
    "admin:logout": Skip(POST_ONLY),
    "admin:password_change": Sample(("admin",), load=False),
    "admin:password_change_done": Sample(("admin",), load=False),
    "admin:autocomplete": Sample(("admin",), queries=(
        "?app_label=activities&model_name=participation&field_name=participant&term=ivan",)),
    "admin:jsi18n": Sample(("admin",), load=False),
    "admin:view_on_site": Sample(("admin",), args=lambda: [content_type_of_event(), event().pk],
                                 status=302, load=False),
}

# The admin changelists loaded with wrk: those of the tables that grow with the data (every
# other admin page is timed one request at a time; --load-all loads them too).
LOAD_CHANGELISTS = {
    "admin:activities_event_changelist", "admin:activities_participant_changelist",
    "admin:activities_participation_changelist", "admin:activities_seizure_changelist",
    "admin:donors_contribution_changelist", "admin:activities_historicalparticipant_changelist",
}
# Admin pages that refuse even an admin, by design (tests/portal/test_access.py).
HISTORY_LOGS = ["activities_historicalproject", "activities_historicalevent",
                "activities_historicalparticipant", "activities_historicalparticipation",
                "activities_historicalseizure", "donors_historicalcontribution"]
ADMIN_REFUSED = {
    **{f"admin:{log}_{view}": "the history logs are read-only (403 to everyone)"
       for log in HISTORY_LOGS for view in ("add", "delete")},
    **{f"admin:axes_{records}_add": "axes' records are written by sign-in attempts (403)"
       for records in ("accessattempt", "accesslog", "accessfailurelog")},
}


def admin_object(model):
    """The record an admin change/delete/history page is opened on: the sampled one where the
    benchmark samples that model, else the first; None when the table is empty."""
    from activities.models import Event, Participant, Seizure
    from attachments.models import Attachment
    chosen = {Event: event, Seizure: seizure, Participant: lambda: participants()[0],
              Attachment: attachment}.get(model)
    if chosen:
        return chosen()
    if model._meta.label == "auth.User":
        return users()["donor"]
    return model._default_manager.order_by("pk").first()


def admin_samples() -> dict[str, Sample | Skip]:
    """A sample for each model admin's URL, by the kind of page it is (the suffix of its name);
    a kind not known here gets none, and so stops the benchmark."""
    from django.contrib import admin

    samples = {}
    for model, model_admin in admin.site._registry.items():
        for pattern in model_admin.get_urls():
            if not pattern.name:
                continue
            name = f"admin:{pattern.name}"
            kind = pattern.name.rsplit("_", 1)[1]
            if name in ADMIN_REFUSED:
                samples[name] = Skip(ADMIN_REFUSED[name])
            elif pattern.name.endswith("_simple_history"):
                samples[name] = Sample(("admin",), args=version_args(model), load=False)
            elif kind == "changelist":
                samples[name] = Sample(("admin",), load=name in LOAD_CHANGELISTS)
            elif kind == "add":
                samples[name] = Sample(("admin",), load=False)
            elif kind in {"change", "delete", "history"} or name.endswith("_password_change"):
                samples[name] = Sample(("admin",), args=object_args(model), load=False)
    return samples


def object_args(model):
    def args():
        obj = admin_object(model)
        if obj is None:
            return None
        return [obj.user_id if model._meta.label == "authtoken.TokenProxy" else obj.pk]
    return args


def version_args(model):
    def args():
        obj = admin_object(model)
        version = obj and obj.history.order_by("history_id").first()
        return [obj.pk, version.history_id] if version else None
    return args


def url_patterns(resolver=None, namespace=""):
    """(namespace, name, route) of every pattern, through every include (as the permission
    matrix walks them: tests/portal/test_access_coverage.py)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern, ":".join(filter(None, [namespace,
                                                                   pattern.namespace])))
        elif isinstance(pattern, URLPattern):
            yield namespace, pattern.name, str(pattern.pattern)


# Unnamed patterns cannot be reversed: the admin's old change address and its catch-all.
UNNAMED = {("admin", "<path:object_id>/"), ("admin", "(?P<url>.*)$")}


def all_samples() -> dict[str, Sample | Skip]:
    """Every pattern's sample, or the benchmark stops naming the patterns without one."""
    samples = {**SAMPLES, **admin_samples()}
    names, unnamed = set(), set()
    for namespace, name, route in url_patterns():
        if name:
            names.add(f"{namespace}:{name}" if namespace else name)
        else:
            unnamed.add((namespace, route))
    missing = sorted(names - set(samples))
    if missing or unnamed - UNNAMED:
        sys.exit("No sample in benchmarks/pages.py (SAMPLES) for: "
                 + ", ".join(missing + [f"{ns}:{route}" for ns, route in unnamed - UNNAMED]))
    stale = sorted(set(samples) - names)
    if stale:
        sys.exit(f"Samples for patterns that no longer exist: {', '.join(stale)}")
    return samples


def wanted(label: str, selectors: list[str]) -> bool:
    return not selectors or any(selector in label for selector in selectors)


# The language of the pages measured (--language): their addresses are reversed in it.
ARGS_LANGUAGE = ["en-gb"]


def build_pages(samples, selectors) -> tuple[list[Page], list[tuple[str, str]]]:
    """The pages of the samples chosen by ``--pages``, their addresses made from the database
    in use; and (label, reason) of the samples not measured."""
    from django.urls import reverse as reverse_in_english
    from django.utils import translation

    def reverse(name, args):
        with translation.override(ARGS_LANGUAGE[0]):
            return reverse_in_english(name, args=args)

    pages, skipped = [], []
    for name, sample in sorted(samples.items()):
        if isinstance(sample, Skip):
            if wanted(name, selectors):
                skipped.append((name, sample.reason))
            continue
        args = sample.args() if sample.args else []
        if args is None:
            if wanted(name, selectors):
                skipped.append((name, "no record of this kind in the database"))
            continue
        base = reverse(name, args=args)
        for query in sample.queries:
            query = query.format(donor=donor().slug) if "{" in query else query
            for role in sample.roles:
                label = name + query
                if not wanted(label, selectors):
                    continue
                pages.append(Page(
                    name=name, role=role, path=base + query, label=label,
                    download=sample.download, load=sample.load and not sample.download,
                    status=sample.status, changelist=name.endswith("_changelist"),
                ))
    return pages, skipped


# --------------------------------------------------------------------------------------------
# The databases
# --------------------------------------------------------------------------------------------
def use_database(name: str) -> None:
    """Point Django's default connection at one of our own databases."""
    from django.db import connections

    own_database(name)
    connections.close_all()
    connections["default"].settings_dict["NAME"] = name
    _found.clear()


def seeded_sizes() -> dict | None:
    from django.db.utils import ProgrammingError

    from unodc_portal.core.models import SyntheticData
    try:
        runs = list(SyntheticData.objects.values_list("sizes", flat=True))
    except ProgrammingError:
        return None
    return runs[0] if len(runs) == 1 else None


def prepare(size: str, rebuild: bool) -> None:
    """The size's database, built unless it exists seeded at the same counts."""
    from django.core.management import call_command

    database, counts = SIZES[size]
    own_database(database)
    exists = bool(maintenance("SELECT 1 FROM pg_database WHERE datname = %s", [database]))
    if exists and not rebuild:
        use_database(database)
        found = seeded_sizes()
        if found and all(found.get(kind) == count for kind, count in counts.items()):
            print(f"[{size}] reusing {database} (seeded: {found['participations']:,} "
                  "participations)", flush=True)
            call_command("migrate", verbosity=0)
            call_command("createcachetable", verbosity=0)
            call_command("sync_roles", verbosity=0)
            return
        sys.exit(f"{database} exists but is not seeded with {counts}: --rebuild to build it "
                 "again.")
    if exists:
        from django.db import connections
        connections.close_all()
        maintenance(f'DROP DATABASE "{database}" WITH (FORCE)')
    started = time.monotonic()
    print(f"[{size}] building {database}: {counts}", flush=True)
    maintenance(f'CREATE DATABASE "{database}"')
    use_database(database)
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("sync_roles", verbosity=0)
    call_command("load_fixtures", verbosity=0)
    call_command("seed_scale", verbosity=1, **counts)
    from django.db import connection
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"[{size}] built in {time.monotonic() - started:.0f} s", flush=True)


@once
def users() -> dict:
    """The benchmark's accounts in the database in use: an officer, an admin and a donor's user
    (acting for the donor with the most contributions)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from donors.models import DonorAccount
    from unodc_portal.core.roles import DONORS_GROUP, OFFICERS_GROUP

    User = get_user_model()
    made = {
        "officer": User.objects.get_or_create(username="bench-officer")[0],
        "admin": User.objects.get_or_create(
            username="bench-admin", defaults={"is_staff": True, "is_superuser": True})[0],
        "donor": User.objects.get_or_create(username="bench-donor")[0],
    }
    made["officer"].groups.add(Group.objects.get(name=OFFICERS_GROUP))
    made["donor"].groups.add(Group.objects.get(name=DONORS_GROUP))
    DonorAccount.objects.get_or_create(user=made["donor"], defaults={"donor": donor()})
    # One record of each kind the admin shows that seed_scale does not write: a token, axes'
    # sign-in records, a participation's history row (a participation saved once).
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from rest_framework.authtoken.models import Token

    from activities.models import Participation
    Token.objects.get_or_create(user=made["officer"])
    attempt = {"username": "someone", "ip_address": "192.0.2.1", "user_agent": "benchmark"}
    if not AccessAttempt.objects.exists():
        AccessAttempt.objects.create(failures_since_start=1, **attempt)
    if not AccessLog.objects.exists():
        AccessLog.objects.create(**attempt)
    if not AccessFailureLog.objects.exists():
        AccessFailureLog.objects.create(locked_out=False, **attempt)
    participation = Participation.objects.order_by("pk").first()
    if participation and not participation.history.exists():
        participation.save()
    return made


def sessions() -> dict[str, dict[str, str]]:
    """The request headers of each role: a session cookie for the signed-in ones."""
    from django.conf import settings
    from django.test import Client

    headers = {"anonymous": {}}
    for role, user in users().items():
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        headers[role] = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"}
    return headers


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------
def request(port: int, path: str, headers: dict, method="GET", body=None, timeout=300,
            first_byte_only=False):
    """One request on a fresh connection: (status, ms to the first byte, ms in all, bytes,
    the response); ``first_byte_only`` hangs up after the first byte."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    first = response.read(1)
    ttfb = (time.perf_counter() - started) * 1000
    size = len(first)
    while not first_byte_only and (chunk := response.read(1 << 16)):
        size += len(chunk)
    total = (time.perf_counter() - started) * 1000
    connection.close()
    return response.status, ttfb, total, size, response


def workers(server) -> list[psutil.Process]:
    return psutil.Process(server.pid).children()


@dataclass
class Timing:
    ms: list[float] = field(default_factory=list)        # the median of each run
    ttfb: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    growth_mb: list[float] = field(default_factory=list)  # peak over the worker's RSS before
    size_mb: float = 0.0
    errors: list[str] = field(default_factory=list)


def time_page(page: Page, port: int, headers: dict, args, server, timing: Timing):
    """One request to warm up (for a download, its first byte only), then ``--requests``
    (``--download-requests`` for a download) one after another; the run's median is kept."""
    status = request(port, page.path, headers, first_byte_only=page.download)[0]
    if status != page.status:
        timing.errors.append(f"{status}")
        return
    times, ttfbs, peaks, growths = [], [], [], []
    for _ in range(args.download_requests if page.download else args.requests):
        if page.download:
            processes = workers(server)
            before = {}
            for process in processes:
                reset_high_water_mark(process.pid)
                before[process.pid] = process.memory_info().rss
            samplers = [Sampler(process) for process in processes]
            for sampler in samplers:
                sampler.start()
        status, ttfb, total, size, _ = request(port, page.path, headers)
        if status != page.status:
            timing.errors.append(f"{status}")
        times.append(total)
        ttfbs.append(ttfb)
        if page.download:
            # The worker that served it is the one whose memory grew most.
            grown = []
            for sampler in samplers:
                sampler.running = False
                peak = sampler.peak
                with contextlib.suppress(OSError, RuntimeError):
                    peak = max(peak, high_water_mark(sampler.process.pid))
                grown.append((peak - before[sampler.process.pid], peak))
            growth, peak = max(grown)
            peaks.append(peak / 2**20)
            growths.append(growth / 2**20)
            timing.size_mb = size / 2**20
    timing.ms.append(statistics.median(times))
    timing.ttfb.append(statistics.median(ttfbs))
    if peaks:
        timing.peak_mb.append(max(peaks))
        timing.growth_mb.append(max(growths))


def wrk(port: int, paths: list[str], headers: dict, duration: int, connections: int) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "2s",
               "--latency", "-s", str(LUA)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command += [f"http://127.0.0.1:{port}{paths[0]}", "--", *paths]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"^PAGES-RESULT (\{.*\})$", output, re.MULTILINE)
    if not match:
        raise RuntimeError(f"wrk gave no result:\n{output}")
    result = json.loads(match.group(1))
    # wrk counts an answer slower than --timeout as a time-out and keeps it out of the
    # latencies; when no answer came at all, every connection timed out.
    if not result["requests"]:
        result["timeout"] = max(result["timeout"], connections)
    if not result["requests"] or not result["max_ms"]:  # no latency within the time-out
        result["p99_ms"] = result["p50_ms"] = result["p90_ms"] = float("inf")
    result["socket_errors"] = sum(result[k] for k in ("connect", "read", "write", "timeout"))
    return result


def settle(server, limit: float = 300) -> float:
    """Wait until the server's workers are idle — requests that wrk gave up on (time-outs) are
    still being worked through after it stops — so that the next measure starts on an idle
    server; the seconds waited."""
    started = time.monotonic()
    processes = workers(server)
    for process in processes:
        process.cpu_percent(None)
    quiet = 0
    while quiet < 2 and time.monotonic() - started < limit:
        time.sleep(0.5)
        try:
            busy = sum(process.cpu_percent(None) for process in processes)
        except psutil.Error:
            break
        quiet = quiet + 1 if busy < 10 else 0
    return time.monotonic() - started


@dataclass
class Load:
    runs: list[dict] = field(default_factory=list)  # {"page": …, "healthz": …}

    def median(self, key, of="page"):
        return statistics.median(run[of][key] for run in self.runs)

    @property
    def ratio(self):
        """Requests/s over /healthz's just before, median of the runs (None when /healthz
        answered nothing)."""
        ratios = [run["page"]["rps"] / run["healthz"]["rps"] for run in self.runs
                  if run["healthz"]["rps"]]
        return statistics.median(ratios) if ratios else None

    @property
    def errors(self):
        return sum(run["page"]["bad"] + run["page"]["socket_errors"] for run in self.runs)

    @property
    def timeouts(self):
        return sum(run["page"]["timeout"] for run in self.runs)


class FormReader(HTMLParser):
    """The fields of each POST form of a page (``forms``), as a browser would send them
    unchanged; ``fields`` those of the largest (the page's own form, beside small ones such as
    "add an organisation")."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.current, self.select, self.textarea = [], None, None, None

    @property
    def fields(self) -> list[list[str]]:
        return max(self.forms, key=len, default=[])

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.current = []
            self.forms.append(self.current)
        if self.current is None:
            return
        if tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            default = "on" if kind == "checkbox" else ""
            self.current.append([attrs["name"], attrs.get("value") or default])
        elif tag == "select" and attrs.get("name"):
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.current.append([self.select, attrs.get("value", "")])
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = [attrs["name"], ""]
            self.current.append(self.textarea)

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data


class Writer(threading.Thread):
    """An officer saving events through their form, one save started each second whatever the
    time the last one takes (each in a thread of its own, over ``paths`` in turn so that two
    saves in flight are not of one event): the form read from the page and sent back as a
    browser would, the title gaining or losing a trailing " (edited)"."""

    def __init__(self, port: int, paths: list[str], headers: dict):
        super().__init__(daemon=True)
        self.port, self.paths, self.headers = port, paths, headers
        self.running, self.saved, self.failed, self.failures = True, 0, 0, []
        self.lock, self.saves = threading.Lock(), []

    def count(self, saved: bool, failure=None):
        with self.lock:
            if saved:
                self.saved += 1
            else:
                self.failed += 1
                self.failures.append(failure)

    def save_once(self, path: str):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", path, headers=self.headers)
        page = connection.getresponse()
        html = page.read().decode()
        csrf = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie") or "")
        connection.close()
        reader = FormReader()
        reader.feed(html)
        for pair in reader.fields:
            if pair[0].rpartition("-")[2] == "title":
                pair[1] = (pair[1].removesuffix(" (edited)") if pair[1].endswith(" (edited)")
                           else pair[1] + " (edited)")
        headers = {**self.headers, "Content-Type": "application/x-www-form-urlencoded"}
        if csrf:
            headers["Cookie"] = f"{self.headers['Cookie']}; csrftoken={csrf.group(1)}"
        status = request(self.port, path, headers, method="POST",
                         body=urlencode([tuple(pair) for pair in reader.fields]))[0]
        self.count(status in (301, 302, 303), status)

    def save_guarded(self, path: str):
        try:
            self.save_once(path)
        except Exception as error:  # reported, and the run goes on
            self.count(False, str(error))

    def run(self):
        started, number = time.monotonic(), 0
        while self.running:
            save = threading.Thread(target=self.save_guarded,
                                    args=[self.paths[number % len(self.paths)]], daemon=True)
            save.start()
            self.saves.append(save)
            number += 1
            time.sleep(max(0.0, started + number - time.monotonic()))

    def stop(self):
        self.running = False
        self.join(timeout=5)
        for save in self.saves:
            save.join(timeout=60)


# --------------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------------
def server_env(cache: bool, redis: str) -> dict:
    env = {"PORTAL_PAGE_CACHE": "1" if cache else "0"}
    if redis:
        env["REDIS_URL"] = redis
    return env


def measure_size(size, args, samples, selectors, report):
    database, _ = SIZES[size]
    prepare(size, args.rebuild)
    headers = sessions()  # makes the accounts and records the samples may need first
    ARGS_LANGUAGE[0] = args.language
    pages, skipped = build_pages(samples, selectors)
    if not pages:
        sys.exit(f"No page matches --pages {','.join(selectors)} (see --list).")
    report["skipped"] = sorted(set(report.get("skipped", [])) | set(skipped))
    known = {(page.label, page.role) for page in report.setdefault("pages", [])}
    report["pages"] += [page for page in pages if (page.label, page.role) not in known]
    print(f"[{size}] {len(pages)} pages; {len(skipped)} patterns not measured", flush=True)
    environment = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}

    # 1. One request at a time, page cache off.
    server, _ = start_gthread_server(own_database(database), args.port,
                                     extra_env={**server_env(False, args.redis)},
                                     base_env=environment)
    try:
        timings = report.setdefault("timings", {}).setdefault(size, {})
        for run in range(args.runs):
            started = time.monotonic()
            for page in pages:
                timing = timings.setdefault((page.label, page.role), Timing())
                measured = len(timing.ms)
                time_page(page, args.port, headers[page.role], args, server, timing)
                shown = f"{timing.ms[-1]:.0f} ms" if len(timing.ms) > measured else "—"
                errors = f" errors: {','.join(timing.errors)}" if timing.errors else ""
                print(f"  {page.label} ({page.role}): {shown}{errors}", flush=True)
            print(f"[{size}] single-request run {run + 1}/{args.runs}: "
                  f"{time.monotonic() - started:.0f} s", flush=True)
    finally:
        stop_server(server)

    # 2. Load, page cache on.
    if size not in args.load_sizes:
        return
    loaded = [page for page in pages if page.load or (args.load_all and not page.download)]
    server, _ = start_gthread_server(own_database(database), args.port,
                                     extra_env=server_env(True, args.redis),
                                     base_env=environment)
    try:
        loads = report.setdefault("loads", {}).setdefault(size, {})
        for run in range(args.runs):
            started = time.monotonic()
            for page in loaded:
                if request(args.port, page.path, headers[page.role])[0] != page.status:
                    print(f"  {page.label} ({page.role}): not {page.status}", flush=True)
                baseline = wrk(args.port, ["/healthz"], headers[page.role], args.duration,
                               args.connections)
                result = wrk(args.port, [page.path], headers[page.role], args.duration,
                             args.connections)
                loads.setdefault((page.label, page.role), Load()).runs.append(
                    {"page": result, "healthz": baseline})
                waited = settle(server)
                print(f"  {page.label} ({page.role}): {result['rps']:.1f} rps, p99 "
                      f"{result['p99_ms']:.0f} ms, {result['bad']} error answers, "
                      f"{result['socket_errors']} socket errors ({result['timeout']} time-outs);"
                      f" healthz {baseline['rps']:.0f} rps"
                      + (f"; {waited:.0f} s until the server was idle" if waited > 5 else ""),
                      flush=True)
            print(f"[{size}] load run {run + 1}/{args.runs}: {time.monotonic() - started:.0f} s",
                  flush=True)
        if args.write_run:
            settle(server)
            report.setdefault("write", {})[size] = write_run(args, pages, headers)
    finally:
        stop_server(server)


def write_run(args, pages, headers) -> dict:
    """The anonymous pages loaded together while the officer saves the event once a second."""
    from django.urls import reverse

    anonymous = [page.path for page in pages
                 if page.role == "anonymous" and page.load and page.status == 200]
    if not anonymous:
        return {}
    writer = Writer(args.port, [reverse("activities:event_update", args=[event.slug])
                                for event in small_events()], headers["officer"])
    baseline = wrk(args.port, ["/healthz"], {}, args.duration, args.connections)
    writer.start()
    try:
        result = wrk(args.port, anonymous, {}, args.write_duration, args.connections)
    finally:
        writer.stop()
    counted = result["hit"] + result["miss"]
    return {"pages": len(anonymous), "result": result, "healthz": baseline,
            "saved": writer.saved, "failed": writer.failed, "failures": writer.failures[:5],
            "seconds": args.write_duration,
            "hit_rate": result["hit"] / counted if counted else None}


# --------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------
REGISTER = {"activities:event_list", "activities:participant_list"}


def fmt(value, pattern="{:.0f}"):
    if value == float("inf"):
        return "time-out"
    return "—" if value is None else pattern.format(value)


def verdict(page: Page, single: dict, load: dict, top: str, smallest: str | None) -> str:
    """PASS, or MISS with what missed, against the targets at the size ``top``."""
    misses = []
    at_top = single.get(top)
    if at_top is None:
        return "—"
    if at_top.errors:
        misses.append(f"{len(at_top.errors)} errors ({at_top.errors[0]})")
    if at_top.ms:
        ms = statistics.median(at_top.ms)
        if page.download:
            if statistics.median(at_top.ttfb) > TARGETS["ttfb_ms"]:
                misses.append(f"TTFB>{TARGETS['ttfb_ms']}")
        else:
            limit = TARGETS["changelist_ms"] if page.changelist else TARGETS["page_ms"]
            if ms > limit:
                misses.append(f">{limit} ms")
            base = single.get(smallest)
            if (smallest and smallest != top and base and base.ms
                    and ms > TARGETS["growth"] * statistics.median(base.ms)):
                    misses.append(f">{TARGETS['growth']}x 10k")
    measured = load.get(top)
    if measured and measured.runs:
        if measured.errors:
            misses.append(f"{measured.errors} load errors ({measured.timeouts} time-outs)")
        if page.role == "anonymous":
            floor, p99 = TARGETS["anonymous_ratio"], None
        elif page.name in REGISTER and page.role == "officer":
            floor, p99 = TARGETS["register_ratio"], TARGETS["register_p99"]
        else:
            floor, p99 = TARGETS["signed_in_ratio"], TARGETS["signed_in_p99"]
        if measured.ratio is None:
            misses.append("/healthz did not answer")
        elif measured.ratio < floor:
            misses.append(f"<{floor}x healthz")
        if p99 is not None and measured.median("p99_ms") >= p99:
            misses.append(f"p99≥{p99}")
    return "PASS" if not misses else "MISS: " + ", ".join(misses)


def table(report, sizes, load_sizes) -> str:
    timings, loads = report.get("timings", {}), report.get("loads", {})
    top = sizes[-1]
    smallest = sizes[0] if len(sizes) > 1 else None
    load_top = [s for s in sizes if s in load_sizes and s in loads]
    head = ["page", "role"] + [f"{s} ms" for s in sizes]
    if len(sizes) > 1:
        head.append(f"{sizes[-1]}/{sizes[0]}")
    for s in load_top:
        head += [f"rps {s}", f"p99 {s}", f"vs healthz {s}"]
    head.append(f"verdict ({top})")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    downloads = []
    for page in report["pages"]:
        key = (page.label, page.role)
        single = {s: timings.get(s, {}).get(key) for s in sizes}
        row = [f"`{page.label}`", page.role]
        medians = {}
        for s in sizes:
            timing = single[s]
            medians[s] = statistics.median(timing.ms) if timing and timing.ms else None
            cell = fmt(medians[s])
            if timing and timing.errors:
                cell += f" ({len(timing.errors)} err {timing.errors[0]})"
            row.append(cell)
        if len(sizes) > 1:
            a, b = medians[sizes[-1]], medians[sizes[0]]
            row.append(fmt(a / b if a and b else None, "{:.2f}"))
        load = {s: loads.get(s, {}).get(key) for s in load_top}
        for s in load_top:
            measured = load[s]
            if measured and measured.runs:
                row += [fmt(measured.median("rps"), "{:.1f}"), fmt(measured.median("p99_ms")),
                        fmt(measured.ratio, "{:.3f}")]
            else:
                row += ["—", "—", "—"]
        row.append(verdict(page, single, load, top, smallest))
        lines.append("| " + " | ".join(row) + " |")
        if page.download:
            downloads.append((page, single))
    if downloads:
        lines += ["", "Downloads (median of runs): time to the first byte; total time; peak "
                  "resident memory of the worker that served it (+ its growth during the "
                  "request), the largest of the runs; size.", "",
                  "| download | role | " + " | ".join(f"{s} TTFB ms | {s} total ms | {s} peak MB "
                                                      f"| {s} MB" for s in sizes) + " |",
                  "|" + "---|" * (2 + 4 * len(sizes))]
        for page, single in downloads:
            row = [f"`{page.label}`", page.role]
            for s in sizes:
                timing = single[s]
                if timing and timing.ms:
                    row += [fmt(statistics.median(timing.ttfb)), fmt(statistics.median(timing.ms)),
                            fmt(max(timing.peak_mb) if timing.peak_mb else None)
                            + fmt(max(timing.growth_mb) if timing.growth_mb else None,
                                  " (+{:.0f})"),
                            fmt(timing.size_mb, "{:.2f}")]
                else:
                    row += ["—"] * 4
            lines.append("| " + " | ".join(row) + " |")
    for s, write in report.get("write", {}).items():
        if not write:
            continue
        result = write["result"]
        rate = write["hit_rate"]
        lines += ["", f"Write run at {s}: {write['pages']} anonymous pages loaded together for "
                  f"{result['seconds']:.0f} s while the officer saved an event once a second "
                  f"({write['saved']} saves, {write['saved'] / write['seconds']:.2f}/s; "
                  f"{write['failed']} failed"
                  + (f": {write['failures']}" if write["failures"] else "") + "): "
                  f"{result['rps']:.1f} rps (/healthz {write['healthz']['rps']:.0f}), p99 "
                  f"{result['p99_ms']:.0f} ms, cache hit rate "
                  + (f"{rate:.1%}" if rate is not None else "n/a (no X-Page-Cache header)")
                  + f" ({result['hit']} hits, {result['miss']} misses, {result['bypass']} "
                  f"bypassed), {result['bad']} error answers, {result['socket_errors']} "
                  f"socket errors ({result['timeout']} time-outs)."]
    if report.get("skipped"):
        lines += ["", "Not measured:", ""]
        lines += [f"- `{name}`: {reason}" for name, reason in report["skipped"]]
    return "\n".join(lines)


def main():
    args = parser.parse_args()
    sizes = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    load_sizes = [s.strip().lower() for s in args.load_sizes.split(",")
                  if s.strip() and s.strip().lower() != "none"]
    for s in sizes + load_sizes:
        if s not in SIZES:
            sys.exit(f"Unknown size {s!r}: one of {', '.join(SIZES)}.")
    sizes = [s for s in SIZES if s in sizes]  # smallest first
    args.load_sizes = load_sizes
    if min(args.runs, args.requests, args.download_requests) < 1:
        sys.exit("--runs, --requests and --download-requests must be at least 1.")
    if load_sizes and not shutil.which("wrk"):
        sys.exit("wrk is missing (apt-get install -y wrk), or pass --load-sizes none.")
    selectors = [s.strip() for s in args.pages.split(",") if s.strip()]

    # The in-process Django signs in with the server's secret key (sessions carry its hash).
    os.environ["DJANGO_SECRET_KEY"] = SERVER_ENV["DJANGO_SECRET_KEY"]
    # The attachments' files: a directory of the benchmark's own, for the servers too.
    os.environ.setdefault("DJANGO_MEDIA_ROOT", str(MEDIA))
    setup_django(own_database(SIZES[sizes[0]][0]))
    samples = all_samples()
    if args.list:
        for name, sample in sorted(samples.items()):
            print(f"{name}: {sample}")
        return

    started = time.monotonic()
    report: dict = {}
    for size in sizes:
        measure_size(size, args, samples, selectors, report)
    elapsed = time.monotonic() - started
    text = (f"# Pages measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC\n\n"
            f"`benchmarks/pages.py {' '.join(sys.argv[1:])}`: sizes {', '.join(sizes)}; "
            f"{args.runs} run(s), {args.requests} requests per page and run "
            f"({args.download_requests} per download; page cache off); "
            f"load at {', '.join(load_sizes) or 'no size'} ({args.connections} connections, "
            f"{args.duration} s, page cache on"
            f"{', Redis' if args.redis else ', database cache'}). Times in ms, medians.\n\n"
            + table(report, sizes, load_sizes)
            + f"\n\nTotal time: {elapsed / 60:.1f} min.\n")
    print(text)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"pages-{datetime.datetime.now(datetime.UTC):%Y-%m-%d}.md"
    out.write_text(text)
    print(f"Written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    main()
