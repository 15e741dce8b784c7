"""Stored participant summaries (``activities.summaries``): after any sequence of writes, by
every writer, the stored tables equal their recomputation from the rows and the home page's
and the projects' figures (the donor pages) equal the reference computation from the rows;
bulk writes outside a service fail; ``rebuild_summaries`` finds and repairs drift."""

import contextlib
import csv
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from activities import aggregates, imports, services, summaries
from activities.models import (
    Event,
    EventFigure,
    Organisation,
    Participant,
    Participation,
    Project,
    ProjectCell,
    ProjectTotal,
    RegisterCell,
    RegisterTotal,
    SummaryBypassed,
)
from tests import factories

pytestmark = pytest.mark.django_db

SEXES = [Participant.Sex.FEMALE, Participant.Sex.MALE, Participant.Sex.NOT_RECORDED]
HEADER = [column.label for column in imports.COLUMNS]


@contextlib.contextmanager
def rolled_back():
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


def assert_exact():
    """The stored tables equal their recomputation, the exact counts equal the reference
    query's (``aggregates._event_rows``), and the home page's figures equal the reference
    computation from the rows."""
    drift = summaries.rebuild(check=True)
    assert not drift, drift.summary()
    slugs = dict(Organisation.objects.values_list("slug", "pk"))
    reference = {}
    for event_id, (sex, country, organisation) in aggregates._event_rows(
            Participation.objects.real(), {}).items():
        reference[event_id] = {
            "sex": {row["sex_value"]: row["n"] for row in sex},
            "country": {row["country_code"] or "": row["n"] for row in country},
            "organisation": {str(slugs[row["org_slug"]]) if row["org_slug"] else "": row["n"]
                             for row in organisation},
        }
    stored = {}
    for figure in EventFigure.objects.all():
        stored.setdefault(figure.event_id, {}).setdefault(figure.dimension, {})[figure.key] = \
            figure.n
    assert stored == reference
    assert aggregates.register_figures() == aggregates.register_figures_from_rows()
    projects = list(Project.objects.values_list("pk", flat=True))
    assert_projects_read_their_events(projects)


def assert_projects_read_their_events(projects):
    """Each project's stored figures read as its real events' own protected figures added up
    as the home page adds them (``_add_up``), by sex and by country."""
    stored = aggregates.registrations_by("projects", projects)
    for project in projects:
        events = Event.objects.real().filter(projects=project).values_list("pk", flat=True)
        published = aggregates.participant_figures_by_event(events).values()
        reference = [aggregates._add_up(title, [f.breakdowns[index] for f in published])
                     for index, title in enumerate(aggregates._REGISTER_TITLES[:2])]
        assert stored[project] == reference, project


def world():
    kg, kz, tj = (factories.CountryFactory(code=code) for code in ("KG", "KZ", "TJ"))
    organisations = [
        factories.OrganisationFactory(slug="agency-b", name="Agency B", acronym="", country=kg),
        factories.OrganisationFactory(slug="agency-c", name="Agency C", acronym="", country=kg),
        factories.OrganisationFactory(slug="agency-d", name="Agency D", acronym="AD", country=kz),
    ]
    events = [factories.EventFactory(slug=f"event-{n}") for n in range(4)]
    people = [
        factories.ParticipantFactory(
            name=f"Person {n}", sex=SEXES[n % 3], country=[kg, kz, tj, None][n % 4],
            organisation=[*organisations, None][n % 4],
        )
        for n in range(12)
    ]
    projects = [factories.ProjectFactory(code=code) for code in ("ALPHA", "BETA")]
    for event, linked in zip(events, ([0], [0], [0, 1], []), strict=True):
        event.projects.set([projects[n] for n in linked])
    return events, people, organisations, [kg, kz, tj, None]


def import_into(event, people, step):
    """Import a small list into ``event``: one row matching a register record, one new."""
    rows = [[f"New Person {step}", "f", "", "KG", "", "", ""]]
    if people:
        known = people[step % len(people)]
        rows.append([known.name, "", "", "", "", "", ""])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    upload = SimpleUploadedFile(f"list-{step}.csv", buffer.getvalue().encode(), "text/csv")
    batch = services.import_batch_create(event=event, upload=upload, user=None)
    if not batch.has_errors:
        services.participants_import(batch=batch, user=None)


def apply(step: int, op: tuple, events, people, organisations, countries):
    kind, a, b, c = op
    live_events = list(Event.objects.filter(pk__in=[e.pk for e in events]))
    live_people = list(Participant.objects.all().order_by("pk"))
    if not live_events or not live_people:
        return
    event = live_events[a % len(live_events)]
    person = live_people[b % len(live_people)]
    live_projects = list(Project.objects.order_by("pk"))
    project = live_projects[c % len(live_projects)] if live_projects else None
    if kind == "add":
        Participation.objects.get_or_create(event=event, participant=person)
    elif kind == "remove":  # the admin's bulk delete
        Participation.objects.filter(event=event, participant=person).delete()
    elif kind == "sex":
        person.sex = SEXES[c % 3]
        person.save()
    elif kind == "country":
        person.country = countries[c % 4]
        person.save()
    elif kind == "organisation":
        person.organisation = [*organisations, None][c % 4]
        person.save()
    elif kind == "merge":
        other = live_people[c % len(live_people)]
        if other.pk != person.pk:
            services.participant_merge(keep=person, other=other)
    elif kind == "delete event":
        event.delete()
    elif kind == "demo event":
        event.is_demo = not event.is_demo
        event.save()
    elif kind == "demo participation":
        participation = Participation.objects.filter(event=event).order_by("pk").first()
        if participation is not None:
            participation.is_demo = not participation.is_demo
            participation.save()
    elif kind == "delete participant":
        person.delete()
    elif kind == "import":
        import_into(event, live_people, step)
    elif kind == "event page":
        others = live_people[c % len(live_people)]
        current = set(event.participations.values_list("participant_id", flat=True))
        services.event_record(
            event=event, projects=live_projects[:c % 3], trainers=[],
            participations={person.pk: Participation.Status.ATTENDED},
            new_participants=[services.NewParticipant(
                Participant(name=f"Typed Person {step}", sex=SEXES[c % 3]),
                Participation.Status.REGISTERED)],
            trainer_counts={}, removed={others.pk} & current - {person.pk},
            trainers_removed=set(), expected_version=event.version,
        )
    elif kind == "rename":  # labels break ties in protect()
        organisation = organisations[c % 3]
        organisation.refresh_from_db()
        organisation.name = "Agency A" if organisation.name != "Agency A" else "Agency Z"
        organisation.save()
    elif project is None:
        return
    elif kind == "link":  # either side of Event.projects
        event.projects.add(project)
    elif kind == "link project":
        project.events.add(*live_events[:b % 5])
    elif kind == "unlink":
        (event.projects.remove(project) if b % 2 else project.events.remove(event, *live_events))
    elif kind == "clear":
        (event.projects.clear() if b % 2 else project.events.clear())
    elif kind == "set":
        project.events.set(live_events[b % 3:])
    elif kind == "delete project":
        project.delete()


OPS = ["add", "add", "add", "remove", "sex", "country", "organisation", "merge", "delete event",
       "demo event", "demo participation", "delete participant", "import", "event page",
       "rename", "link", "link project", "unlink", "clear", "set", "delete project"]
step_strategy = st.tuples(st.sampled_from(OPS), st.integers(0, 3), st.integers(0, 20),
                          st.integers(0, 20))


@settings(max_examples=int(os.environ.get("SUMMARY_EXAMPLES", 25)), deadline=None,
          derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate, Phase.shrink],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(start=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 11)), max_size=30),
       steps=st.lists(step_strategy, max_size=12))
def test_after_any_writes_the_stored_summaries_equal_their_recomputation(start, steps):
    with rolled_back():
        events, people, organisations, countries = world()
        for event_index, person_index in start:
            Participation.objects.get_or_create(event=events[event_index],
                                                participant=people[person_index])
        assert_exact()
        for number, op in enumerate(steps):
            apply(number, op, events, people, organisations, countries)
        assert_exact()


def register(event, n, **fields):
    return [factories.ParticipationFactory(event=event, participant__country=None, **{
        f"participant__{name}": value for name, value in fields.items()}) for _ in range(n)]


def test_a_bulk_write_outside_a_service_fails_and_the_services_still_work():
    event = factories.EventFactory()
    people = [p.participant for p in register(event, 3, sex="female")]
    with pytest.raises(SummaryBypassed, match="bypasses the stored participant summaries"):
        Participation.objects.filter(event=event).update(status=Participation.Status.ABSENT)
    with pytest.raises(SummaryBypassed):
        Participation.objects.bulk_create([Participation(event=factories.EventFactory(),
                                                         participant=people[0])])
    with pytest.raises(SummaryBypassed):
        Participant.objects.filter(pk=people[0].pk).update(sex="male")
    with pytest.raises(SummaryBypassed):
        Event.objects.filter(pk=event.pk).update(is_demo=True)
    # What the figures do not read may be updated in bulk.
    assert Participant.objects.filter(pk=people[0].pk).update(position="Analyst") == 1
    assert aggregates.register_figures().total_shown == "3"

    # Inside writing(), a bulk write is allowed and the marked events refreshed at the end.
    with transaction.atomic(), summaries.writing():
        Participant.objects.filter(pk__in=[p.pk for p in people]).update(sex="male")
        summaries.mark_participants([p.pk for p in people])
    assert [(c.label, c.shown) for c in aggregates.register_figures().by_sex.cells] \
        == [("Male", "3")]
    other = factories.EventFactory()
    services.event_record(
        event=other, projects=[], trainers=[],
        participations={p.pk: Participation.Status.ATTENDED for p in people},
        new_participants=[], trainer_counts={}, expected_version=other.version,
    )
    assert aggregates.register_figures().total_shown == "6"
    assert_exact()


def test_rebuild_summaries_reports_drift_and_repairs_it():
    first, second = factories.EventFactory(), factories.EventFactory()
    register(first, 4, sex="female")
    register(second, 5, sex="male")
    call_command("rebuild_summaries", "--check", stdout=io.StringIO())  # nothing drifted
    EventFigure.objects.filter(event=first, dimension="sex").update(n=40)
    RegisterCell.objects.filter(dimension="sex", key="male").update(shown_sum=1)
    RegisterTotal.objects.filter(dimension="").update(total=0)
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("rebuild_summaries", "--check", stdout=out)
    message = out.getvalue()
    assert f"1 event(s)' figures (#{first.pk})" in message
    assert "register totals (headline)" in message and "1 register group(s)" in message
    assert aggregates.register_figures().total_shown == "0"  # the drift is what is served
    out = io.StringIO()
    call_command("rebuild_summaries", stdout=out)
    assert "participant figures: Drifted: 1 event(s)" in out.getvalue()
    call_command("rebuild_summaries", "--check", stdout=io.StringIO())
    assert aggregates.register_figures().total_shown == "9"
    assert_exact()


def test_migrate_builds_summaries_that_were_never_built():
    register(factories.EventFactory(), 3, sex="female")
    for model in (EventFigure, RegisterCell, RegisterTotal):
        model.objects.all().delete()  # as the migration that adds the tables leaves them
    assert aggregates.register_figures().total_shown == "0"
    call_command("migrate", verbosity=0)
    assert aggregates.register_figures().total_shown == "3"
    assert_exact()


@pytest.mark.django_db(transaction=True)
def test_a_restore_rebuilds_the_summaries_its_backup_leaves_out(tmp_path):
    project = factories.ProjectFactory()
    event = factories.EventFactory(projects=[project])
    register(event, 4, sex="female")
    before = aggregates.register_figures()
    before_project = aggregates.registrations_by("projects", [project.pk])
    path = tmp_path / "portal.json.gz"
    call_command("backup", output=path, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    assert aggregates.register_figures().total_shown == "0"
    call_command("restore", path, verbosity=0)
    assert aggregates.register_figures() == before
    assert aggregates.registrations_by("projects", [project.pk]) == before_project
    assert_exact()


def test_a_deleted_event_and_a_demo_flag_leave_the_register():
    event, other = factories.EventFactory(), factories.EventFactory()
    register(event, 3, sex="female")
    register(other, 4, sex="male")
    assert aggregates.register_figures().total_shown == "7"
    other.is_demo = True
    other.save()
    assert aggregates.register_figures().total_shown == "3"
    event.delete()
    figures = aggregates.register_figures()
    assert (figures.total_shown, figures.events, figures.by_sex.cells) == ("0", 0, [])
    assert not EventFigure.objects.filter(event_id=event.pk).exists()
    assert_exact()


def test_the_home_page_reads_the_summaries_in_as_many_queries_at_one_and_thirty_events(client):
    def home_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        return len(queries)

    organisation = factories.OrganisationFactory()
    register(factories.EventFactory(), 4, organisation=organisation)
    one = home_queries()
    for _ in range(29):
        register(factories.EventFactory(), 3, organisation=factories.OrganisationFactory())
    assert home_queries() == one
    assert_exact()


def test_renaming_an_organisation_moves_the_tie_it_breaks():
    """4 people of Agency B, 4 of Agency C and 1 without an agency: the tie for "not shown"
    goes to the label first in order, so renaming B to sort after C moves it."""
    event = factories.EventFactory()
    b, c = (factories.OrganisationFactory(name=name, acronym="") for name in ("Agency B",
                                                                           "Agency C"))
    register(event, 4, organisation=b)
    register(event, 4, organisation=c)
    register(event, 1, organisation=None)

    def agencies():
        return [(cell.label, cell.shown) for cell in aggregates.register_figures()
                .by_organisation.cells]

    assert agencies() == [("Agency C", "4"), ("Agency B", "not shown"),
                          ("Not recorded", "not shown")]
    b.name = "Agency Z"
    b.save()
    assert agencies() == [("Agency Z", "4"), ("Agency C", "not shown"),
                          ("Not recorded", "not shown")]
    assert_exact()


def test_loading_fixtures_and_demo_seeding_and_removal_keep_the_summaries_exact(settings,
                                                                                roles):
    settings.DEBUG = True
    register(factories.EventFactory(), 3, sex="female")
    call_command("load_fixtures", verbosity=0, stdout=io.StringIO())
    assert_exact()
    before = aggregates.register_figures()
    call_command("seed_demo", stdout=io.StringIO())
    assert_exact()
    assert aggregates.register_figures() == before  # demo records count in no figure
    call_command("remove_demo", stdout=io.StringIO())
    assert_exact()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writers_to_one_event_both_count():
    """Two transactions add a participant each to one event at the same moment: the second's
    refresh waits for the first's lock on the register, then sees its participation, so the
    delta of neither is applied twice or lost. (PostgreSQL only: SQLite has one writer.)"""
    import threading
    import time

    from django.db import connections

    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions (PostgreSQL)")
    event = factories.EventFactory()
    register(event, 3, sex="female")
    newcomers = [factories.ParticipantFactory(sex="male", country=None) for _ in range(2)]
    holding = threading.Event()

    def first():
        try:
            with transaction.atomic():
                Participation.objects.create(event=event, participant=newcomers[0])
                holding.set()
                time.sleep(0.5)  # holds the register's lock
        finally:
            connections.close_all()

    def second():
        holding.wait(5)
        try:
            with transaction.atomic():
                Participation.objects.create(event=event, participant=newcomers[1])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert aggregates.register_figures().total_shown == "5"
    assert_exact()


def test_a_projects_figures_follow_its_links_and_go_with_it():
    """Links made and broken from either side, an event deleted, a project deleted: each
    project reads its events' published figures, in two queries whatever their number."""
    alpha, beta = factories.ProjectFactory(code="ALPHA"), factories.ProjectFactory(code="BETA")
    first = factories.EventFactory(projects=[alpha])
    second = factories.EventFactory()
    register(first, 4, sex="female")
    register(second, 3, sex="male")

    def by_sex(project):
        [breakdown] = aggregates.registrations_by("projects", [project.pk], ("sex",))[project.pk]
        return breakdown.total_shown, [(cell.label, cell.shown) for cell in breakdown.cells]

    assert by_sex(alpha) == ("4", [("Female", "4")])
    assert by_sex(beta) == ("0", [])
    beta.events.add(first, second)  # from the project's side
    second.projects.add(alpha)
    assert by_sex(alpha) == by_sex(beta) == ("7", [("Female", "4"), ("Male", "3")])
    alpha.events.remove(first, factories.EventFactory())  # one was never linked
    assert by_sex(alpha) == ("3", [("Male", "3")])
    second.delete()
    assert by_sex(alpha) == ("0", []) and by_sex(beta) == ("4", [("Female", "4")])
    assert_exact()
    beta_pk = beta.pk
    beta.delete()
    assert not ProjectCell.objects.filter(project_id=beta_pk).exists()
    assert not ProjectTotal.objects.filter(project_id=beta_pk).exists()
    assert_exact()

    for _ in range(30):
        register(factories.EventFactory(projects=[alpha]), 3, sex="female")
    with CaptureQueriesContext(connection) as queries:
        aggregates.registrations_by("projects", [alpha.pk, beta_pk])
    assert len(queries) == 2
    with pytest.raises(ValueError):
        aggregates.registrations_by("themes", [1])


def test_rebuild_summaries_reports_and_repairs_a_projects_drift():
    project = factories.ProjectFactory()
    register(factories.EventFactory(projects=[project]), 4, sex="female")
    ProjectCell.objects.filter(project=project, dimension="sex").update(shown_sum=40)
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("rebuild_summaries", "--check", stdout=out)
    assert f"1 project(s)' figures (#{project.pk})" in out.getvalue()
    call_command("rebuild_summaries", stdout=io.StringIO())
    call_command("rebuild_summaries", "--check", stdout=io.StringIO())
    assert_exact()


def test_migrate_builds_the_projects_figures_when_only_they_were_never_built():
    project = factories.ProjectFactory()
    register(factories.EventFactory(projects=[project]), 3, sex="female")
    before = aggregates.registrations_by("projects", [project.pk])
    ProjectCell.objects.all().delete()  # as the migration that adds their tables leaves them
    ProjectTotal.objects.all().delete()
    assert aggregates.registrations_by("projects", [project.pk]) != before
    call_command("migrate", verbosity=0)
    assert aggregates.registrations_by("projects", [project.pk]) == before
    assert_exact()
