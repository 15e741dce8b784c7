"""Demo data never mixes with the real record (issue 11, point 1): demo records are seen only by
demo accounts, with a "Demo" badge; no figure counts them for anyone; remove_demo takes them
away with their history; serving with debug off stops while a demo account exists."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from activities import aggregates
from activities.models import (
    Event,
    Organisation,
    Participant,
    Participation,
    Project,
    Seizure,
)
from donors import totals as money
from donors.models import Contribution, Donor
from tests import factories
from unodc_portal.core.checks import check_no_demo_accounts
from unodc_portal.core.roles import is_demo_user
from unodc_portal.site.management.commands.remove_demo import REMOVED_REASON

pytestmark = pytest.mark.django_db
User = get_user_model()
ROOT = Path(__file__).resolve().parents[2]
BADGE = 'class="badge text-bg-warning demo-badge"'


@pytest.fixture
def real(roles):
    """A small real record: a UNODC project with an event of four participants, a seizure and a
    published contribution."""
    unodc = factories.OrganisationFactory(slug="unodc", name="UNODC", kind="un")
    project = factories.ProjectFactory(code="REAL01")
    project.implementers.add(unodc)
    event = factories.EventFactory(slug="real-event", title="Real workshop", projects=[project])
    factories.ParticipationFactory.create_batch(4, event=event)
    factories.SeizureFactory(key="real-seizure", project=project)
    donor = factories.DonorFactory(slug="real-donor", name="Real Donor")
    factories.ContributionFactory(key="real-contribution", donor=donor, project=project)
    return project


@pytest.fixture
def world(real, demo_world):
    return demo_world


def demo_urls():
    event = Event.objects.get(is_demo=True, slug="demo-training-risk-profiling")
    seizure = Seizure.objects.get(is_demo=True)
    organisation = Organisation.objects.filter(is_demo=True).first()
    participant = Participant.objects.filter(is_demo=True).first()
    return {
        "public": [
            event.get_absolute_url(), "/projects/DEMO-PROJECT/", seizure.get_absolute_url(),
            organisation.get_absolute_url(), "/donors/demo-donor/",
            f"/api/events/{event.slug}/", "/api/projects/DEMO-PROJECT/",
            f"/api/seizures/{seizure.pk}/", "/api/donors/demo-donor/",
            "/api/contributions/demo-contribution-published/",
        ],
        "officer": [
            participant.get_absolute_url(), f"/participants/{participant.pk}/edit/",
            f"/participants/{participant.pk}/history/", f"/events/{event.slug}/edit/",
            f"/events/{event.slug}/history/", f"/events/{event.slug}/participants/import/",
            f"/seizures/{seizure.pk}/edit/", f"/seizures/{seizure.pk}/history/",
        ],
    }


def sign_in(client, user):
    if user is not None:
        client.force_login(user)
    return client


# --------------------------------------------------------------------------------------------
# Who sees demo records
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["anonymous", "officer", "admin", "donor"])
def test_a_demo_record_is_not_found_for_everyone_but_demo_accounts(
    client, world, role, request
):
    user = None if role == "anonymous" else request.getfixturevalue(f"{role}_user")
    sign_in(client, user)
    urls = demo_urls()
    for url in urls["public"] + (urls["officer"] if role in {"officer", "admin"} else []):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", ["officer", "admin", "donor"])
def test_demo_accounts_see_demo_records_with_a_badge(client, world, role):
    sign_in(client, world[role])
    urls = demo_urls()
    for url in urls["public"] + (urls["officer"] if role != "donor" else []):
        response = client.get(url)
        assert response.status_code == 200, url
        if not url.startswith("/api/") and "/history/" not in url and "/edit/" not in url \
                and "/import/" not in url:
            assert BADGE in response.content.decode(), url


LISTS = ["/events/", "/projects/", "/seizures/", "/donors/", "/contributions/",
         "/events/export.csv", "/projects/export.csv", "/seizures/export.csv",
         "/donors/export.csv", "/contributions/export.csv", "/api/events/", "/api/projects/",
         "/api/seizures/", "/api/donors/", "/api/contributions/", "/iati/activities.xml"]
OFFICER_LISTS = ["/participants/", "/participants/export.csv", "/participants/duplicates/",
                 "/participants/search.json?q=Alisher", "/workspace/", "/events/new/"]


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


@pytest.mark.parametrize("role", ["anonymous", "officer", "admin", "donor"])
def test_lists_exports_api_and_search_hold_no_demo_record_for_real_users(
    client, world, role, request
):
    user = None if role == "anonymous" else request.getfixturevalue(f"{role}_user")
    sign_in(client, user)
    for url in LISTS + (OFFICER_LISTS if role in {"officer", "admin"} else []):
        response = client.get(url)
        assert response.status_code == 200, url
        text = body(response)
        for needle in ["Demo —", "DEMO-PROJECT", "demo-donor", "demo-seizure", "Alisher",
                       "example.invalid", BADGE]:
            assert needle not in text, (url, needle)


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_demo_accounts_find_demo_records_in_lists_and_search(client, world, role):
    sign_in(client, world[role])
    for url in ["/events/", "/projects/", "/seizures/", "/donors/", "/contributions/",
                "/participants/", "/participants/duplicates/", "/workspace/"]:
        assert BADGE in client.get(url).content.decode(), url
    found = client.get("/participants/search.json?q=Alisher").json()["results"]
    assert found and all(Participant.objects.get(pk=r["id"]).is_demo for r in found)
    api = client.get("/api/events/?page_size=100").json()
    assert "demo-training-risk-profiling" in {row["slug"] for row in api["results"]}
    export = body(client.get("/events/export.csv"))
    assert "Demo — Training course on risk profiling" in export


def test_a_real_officer_cannot_put_a_demo_participant_on_an_event(client, world, officer_user):
    demo_person = Participant.objects.filter(is_demo=True).first()
    client.force_login(officer_user)
    response = client.post("/events/real-event/edit/", {
        **event_form_data(Event.objects.get(slug="real-event")),
        "part-TOTAL_FORMS": "1", "part-INITIAL_FORMS": "0",
        "part-0-participant": str(demo_person.pk), "part-0-status": "attended",
    })
    assert response.status_code == 400
    assert f"No participant has register number {demo_person.pk}" in response.content.decode()
    assert not Participation.objects.filter(participant=demo_person, event__slug="real-event")\
        .exists()


def event_form_data(event):
    return {
        "event-title": event.title, "event-slug": event.slug, "event-kind": event.kind,
        "event-start_date": event.start_date.isoformat(),
        "event-end_date": event.end_date.isoformat(), "event-city": event.city,
        "new-TOTAL_FORMS": "0", "new-INITIAL_FORMS": "0",
        "trainers-TOTAL_FORMS": "0", "trainers-INITIAL_FORMS": "0",
    }


def test_is_demo_user_is_membership_of_the_demo_group(world, officer_user):
    assert is_demo_user(world["officer"]) and is_demo_user(world["admin"])
    assert not is_demo_user(officer_user)
    assert not is_demo_user(None)


# --------------------------------------------------------------------------------------------
# No figure counts demo records, whoever asks
# --------------------------------------------------------------------------------------------
def figures(client):
    home = client.get("/").context
    contributions = client.get("/contributions/").context["totals"]
    seizures = client.get("/seizures/").context["totals"]
    event = client.get("/api/events/real-event/").json()["participants"]
    return {
        "projects": home["project_count"], "events": home["event_count"],
        "participants": home["participants"].total_shown,
        "by_country": [(c.label, c.shown) for c in home["participants"].by_country.cells],
        "reported": (home["reported"].total, home["reported"].events),
        "kg": [(s.name, s.total) for s in seizures.substances],
        "home_kg": [(s.name, s.total) for s in home["seizures"].substances],
        "money": [(r.label, r.amounts, r.contributions) for r in contributions.per_currency],
        "home_money": [(r.label, r.amounts) for r in home["contributions"].per_currency],
        "by_donor": [r.label for r in contributions.by_donor],
        "event": event,
    }


def test_no_total_chart_or_breakdown_counts_demo_records_for_any_user(
    client, real, roles, settings, admin_user
):
    before = figures(sign_in(client, admin_user))
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    for username in [None, "admin", "demo-admin", "demo-officer", "demo-donor"]:
        client.logout()
        sign_in(client, User.objects.get(username=username) if username else None)
        after = figures(client)
        if username is None or username == "demo-officer":
            # Unpublished contributions are the admins' and the donor's only.
            expected = {**before, "money": after["money"], "home_money": after["home_money"],
                        "by_donor": after["by_donor"]}
            assert after == expected, username
            assert "Demo — Donor" not in after["by_donor"]
        else:
            assert after == before, username
    # A demo event's own figures leave its demo participants out too.
    client.force_login(User.objects.get(username="demo-admin"))
    demo_event = client.get("/api/events/demo-training-risk-profiling/").json()
    assert demo_event["participants"]["total_shown"] == "0"
    assert client.get("/api/donors/demo-donor/").json()["contribution_count"] == 0


def test_aggregates_leave_demo_records_out_at_the_source(world):
    assert aggregates.registered_participants().filter(is_demo=True).count() == 0
    everyone = aggregates.participant_figures(Participant.objects.all())
    assert everyone.total_shown == "4"
    demo_events = Event.objects.filter(is_demo=True).values_list("pk", flat=True)
    by_event = aggregates.participant_figures_by_event(demo_events)
    assert {f.total_shown for f in by_event.values()} == {"0"}
    register = aggregates.register_figures()  # the home page's: the real event's 4 only
    assert (register.total_shown, register.events) == ("4", 1)
    assert aggregates.reported_participants(Event.objects.all()).events == 0
    totals = aggregates.seizure_totals(Seizure.objects.all())
    assert sum(s.seizures for s in totals.substances) == 1
    money_totals = money.contribution_totals(Contribution.objects.all())
    assert money_totals.count == 1 and [r.label for r in money_totals.by_donor] == ["Real Donor"]


def test_the_iati_file_holds_no_demo_project_even_if_unodc_implements_it(client, world):
    Project.objects.get(code="DEMO-PROJECT").implementers.add(
        Organisation.objects.get(slug="unodc"))
    xml = client.get("/iati/activities.xml").content.decode()
    assert "XM-DAC-41114-REAL01" in xml
    assert "DEMO-PROJECT" not in xml and "Demo —" not in xml


# --------------------------------------------------------------------------------------------
# remove_demo
# --------------------------------------------------------------------------------------------
# The search index is derived from the records and rebuilt by remove_demo (whose result
# tests/search/test_commands.py compares with the records).
DUMP_EXCLUDE = ["sessions", "axes", "contenttypes", "auth.permission", "search"]


def dump() -> list[dict]:
    out = io.StringIO()
    call_command("dumpdata", exclude=DUMP_EXCLUDE, format="json", stdout=out)
    return json.loads(out.getvalue())


def keyed(rows):
    return {(row["model"], str(row["pk"])): row["fields"] for row in rows}


def log(user, record, message):
    LogEntry.objects.create(
        user=user, content_type=ContentType.objects.get_for_model(record),
        object_id=str(record.pk), object_repr=str(record), action_flag=CHANGE,
        change_message=message,
    )


def test_remove_demo_leaves_the_real_record_exactly_as_it_was_before_seed_demo(
    real, roles, settings, admin_user
):
    log(admin_user, real, "real admin change")
    before = dump()
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    assert Participant.objects.filter(is_demo=True).exists()
    settings.DEBUG = False
    out = io.StringIO()
    call_command("remove_demo", stdout=out)
    assert keyed(dump()) == keyed(before)
    assert not settings.DEMO_ACCOUNTS_FILE.exists()
    for model in (Project, Event, Organisation, Participant, Participation, Seizure, Donor,
                  Contribution):
        assert not model.objects.filter(is_demo=True).exists()
    assert "No demo account changed a real record" in out.getvalue()


def test_remove_demo_keeps_demo_accounts_changes_to_real_records_without_the_user(
    client, real, roles, settings
):
    seizure = Seizure.objects.get(key="real-seizure")
    before = keyed(dump())
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    demo_admin = User.objects.get(username="demo-admin")
    demo_officer = User.objects.get(username="demo-officer")
    # The demo officer edits a real seizure; the demo admin leaves an admin log entry.
    seizure.notes = "Edited while trying the demo."
    seizure._history_user = demo_officer
    seizure.save()
    log(demo_admin, seizure, "demo change")
    # And links a real event to a demo participant.
    demo_person = Participant.objects.filter(is_demo=True).first()
    link = Participation(participant=demo_person, event=Event.objects.get(slug="real-event"))
    link._history_user = demo_officer
    link.save()

    out = io.StringIO()
    call_command("remove_demo", stdout=out)
    text = out.getvalue()
    assert "1 change(s) by demo accounts to real records" in text
    assert f"seizure  {seizure}" in text

    after = keyed(dump())
    changed = {key for key in after.keys() | before.keys() if after.get(key) != before.get(key)}
    history_row = seizure.history.latest()
    assert changed == {("activities.seizure", str(seizure.pk)),
                       ("activities.historicalseizure", str(history_row.pk))}
    notes = after[("activities.seizure", str(seizure.pk))]["notes"]
    assert notes == "Edited while trying the demo."
    assert history_row.history_user is None
    assert history_row.history_change_reason == REMOVED_REASON
    assert not LogEntry.objects.filter(change_message="demo change").exists()
    assert not User.objects.filter(username__startswith="demo-").exists()


# --------------------------------------------------------------------------------------------
# Serving with debug off stops while a demo account exists
# --------------------------------------------------------------------------------------------
def test_the_deploy_check_stops_start_up_while_a_demo_account_exists(world, settings):
    settings.DEBUG = False
    with pytest.raises(SystemCheckError, match="remove_demo"):
        call_command("check", deploy=True, fail_level="WARNING", stdout=io.StringIO(),
                     stderr=io.StringIO())
    [error] = check_no_demo_accounts()
    assert error.id == "unodc_portal.E001" and "demo-admin" in error.msg
    # With debug on (make run) the check is silent; without demo accounts too.
    settings.DEBUG = True
    assert check_no_demo_accounts() == []
    settings.DEBUG = False
    call_command("remove_demo", stdout=io.StringIO())
    assert check_no_demo_accounts() == []
    assert "unodc_portal.E001" not in {e.id for e in run_checks(include_deployment_checks=True)}


def test_the_deploy_check_reads_an_unreadable_database_as_no_demo_accounts(tmp_path):
    """`make check` and `make serve` run the check before migrating: no tables, no error."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))}
    env.update(DJANGO_SECRET_KEY="check-only-" + "x" * 50, DJANGO_DEBUG="0",
               DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert "unodc_portal.E001" not in result.stdout + result.stderr


def test_the_load_benchmark_does_not_load_demo_data():
    """Benchmark data is not demo data: demo records are hidden and demo accounts stop serving."""
    script = (ROOT / "benchmarks/load.sh").read_text()
    commands = [line for line in script.splitlines() if not line.lstrip().startswith("#")]
    assert not any("seed_demo" in line for line in commands)


ADMIN_LISTS = ["project", "event", "organisation", "participant", "participation", "seizure",
               "historicalevent", "historicalparticipant"]


def test_the_admin_shows_demo_records_to_demo_accounts_only(client, world, admin_user):
    event = Event.objects.get(slug="demo-training-risk-profiling")
    client.force_login(admin_user)
    assert client.get(f"/admin/activities/event/{event.pk}/change/").status_code == 302
    for name in ADMIN_LISTS:
        text = client.get(f"/admin/activities/{name}/").content.decode()
        assert "Demo —" not in text and "Alisher" not in text, name
    for url in ["/admin/donors/donor/", "/admin/donors/contribution/"]:
        assert "demo-" not in client.get(url).content.decode(), url
    client.force_login(world["admin"])
    assert client.get(f"/admin/activities/event/{event.pk}/change/").status_code == 200
    assert "Demo — Training course" in client.get("/admin/activities/event/").content.decode()


def test_what_a_demo_account_creates_is_demo_data(client, world, officer_user):
    substance = Seizure.objects.get(is_demo=True).substance
    data = {"kind": "individual", "substance": str(substance.pk), "qualifier": "exact",
            "quantity": "3", "unit": "kg", "date": "2011-05-02"}
    client.force_login(world["officer"])
    client.post("/seizures/new/", {**data, "key": "by-demo-officer"})
    client.post("/workspace/organisations/new/",
                {"org-name": "Made while trying", "org-kind": "government"})
    client.force_login(officer_user)
    client.post("/seizures/new/", {**data, "key": "by-real-officer"})
    assert Seizure.objects.get(key="by-demo-officer").is_demo
    assert not Seizure.objects.get(key="by-real-officer").is_demo
    assert Organisation.objects.get(name="Made while trying").is_demo
    # Hidden from everyone else, and taken away by remove_demo.
    assert client.get(f"/seizures/{Seizure.objects.get(key='by-demo-officer').pk}/") \
        .status_code == 404
    call_command("remove_demo", stdout=io.StringIO())
    assert list(Seizure.objects.values_list("key", flat=True).order_by("key")) == [
        "by-real-officer", "real-seizure"]


def test_what_a_demo_account_imports_is_demo_data(client, world):
    """A demo officer's spreadsheet import into a demo event adds demo participants and demo
    participations only: the real register and its figures are untouched."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from activities import imports

    event = Event.objects.filter(is_demo=True).first()
    real_people = Participant.objects.real().count()
    header = ",".join(column.label for column in imports.COLUMNS)
    text = f"{header}\nImported Trial Person,F,,,,,\n"
    client.force_login(world["officer"])
    response = client.post(f"/events/{event.slug}/participants/import/",
                           {"file": SimpleUploadedFile("list.csv", text.encode(), "text/csv"),
                            "source": "attendance_sheet", "contact_consent": "yes"})
    assert response.status_code == 302
    assert client.post(response["Location"]).status_code == 302
    person = Participant.objects.get(name="Imported Trial Person")
    assert person.is_demo
    assert person.participations.get().is_demo
    assert Participant.objects.real().count() == real_people
    call_command("remove_demo", stdout=io.StringIO())
    assert not Participant.objects.filter(name="Imported Trial Person").exists()


def test_a_demo_account_cannot_tie_a_real_event_to_demo_records(client, world):
    """On a real event's page a demo account is offered real records only: a demo project or
    a demo participant sent anyway is refused, and the real event is left as it was."""
    event = Event.objects.get(slug="real-event")
    demo_project = Project.objects.get(is_demo=True)
    demo_person = Participant.objects.filter(is_demo=True).first()
    client.force_login(world["officer"])
    page = client.get("/events/real-event/edit/")
    assert page.status_code == 200
    assert str(demo_project) not in page.content.decode()
    data = {**event_form_data(event), "event-record_version": str(event.version),
            "part-TOTAL_FORMS": "0", "part-INITIAL_FORMS": "0"}
    response = client.post("/events/real-event/edit/",
                           {**data, "event-projects": [str(demo_project.pk)]})
    assert response.status_code == 400
    response = client.post("/events/real-event/edit/", {
        **data, "part-TOTAL_FORMS": "1",
        "part-0-participant": str(demo_person.pk), "part-0-status": "attended",
    })
    assert response.status_code == 400
    assert not event.projects.filter(is_demo=True).exists()
    assert not Participation.objects.filter(event=event, participant__is_demo=True).exists()
    # On a demo event, demo records are what it is offered.
    demo_event = Event.objects.filter(is_demo=True).first()
    page = client.get(f"/events/{demo_event.slug}/edit/")
    assert str(demo_project) in page.content.decode()
