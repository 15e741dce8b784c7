"""The admin at programme scale (issue 13, point 7): large changelists never count their whole
table, keep a constant number of queries, offer no filter or <select> that lists every row of a
large table, and their default order is read from an index on PostgreSQL."""

import datetime
import re

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from activities import models as am
from activities import summaries
from donors import models as dm
from donors.currency import converting
from tests import factories
from tests.portal.test_admin import FACTORIES, PORTAL_MODELS, url_for
from tests.querycount import assert_constant_queries
from unodc_portal.core import admin_history
from unodc_portal.core.admin_history import EstimatedCountPaginator

pytestmark = pytest.mark.django_db

# Tables that grow to hundreds of thousands of rows, and their audit logs.
LARGE = [am.Event, am.EventTrainerOrganisation, am.Participant, am.Participation, am.Seizure,
         dm.Contribution]
LARGE += [model.history.model for model in LARGE if hasattr(model, "history")]
LARGE_IDS = [model._meta.label for model in LARGE]

# Filters that select a subset of each large changelist.
A_FILTER = {
    am.Event: "kind__exact=workshop",
    am.EventTrainerOrganisation: "q=Agency",
    am.Participant: "sex__exact=female",
    am.Participation: "status__exact=attended",
    am.Seizure: "kind__exact=individual",
    dm.Contribution: "is_published__exact=1",
}


def filter_for(model):
    return A_FILTER.get(model, "history_type__exact=%2B")


def counts_over(sql_list, table):
    """The row counts of ``table`` (a count of a subquery over it included)."""
    return [sql for sql in sql_list
            if sql.upper().startswith("SELECT COUNT(") and f'FROM "{table}"' in sql]


@pytest.fixture
def estimated(monkeypatch):
    """Every table holds 50,000 rows by the planner's estimate (SQLite keeps none)."""
    monkeypatch.setattr(admin_history, "table_estimate", lambda model, using="default": 50_000)


@pytest.mark.parametrize("model", LARGE, ids=LARGE_IDS)
def test_large_changelist_shows_the_estimate_without_counting_its_table(
        admin_client, estimated, model):
    for _ in range(3):
        FACTORIES[model]()
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url_for(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 50_000
    sql = [q["sql"] for q in queries.captured_queries]
    assert counts_over(sql, model._meta.db_table) == [], sql


@pytest.mark.parametrize("model", LARGE, ids=LARGE_IDS)
def test_large_changelist_counts_a_filtered_list_exactly_and_never_the_whole_table(
        admin_client, estimated, model):
    for _ in range(3):
        FACTORIES[model]()
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url_for(model, "changelist") + "?" + filter_for(model))
    assert response.status_code == 200
    cl = response.context["cl"]
    assert cl.result_count == cl.queryset.count() < 50_000
    assert cl.full_result_count is None  # no second COUNT of the unfiltered table
    counts = counts_over([q["sql"] for q in queries.captured_queries], model._meta.db_table)
    assert len(counts) == 1 and "WHERE" in counts[0], counts


@pytest.mark.parametrize("model", LARGE, ids=LARGE_IDS)
def test_large_changelist_queries_are_constant_with_an_estimated_count(
        admin_client, estimated, model):
    def add_rows(n):
        for _ in range(n):
            FACTORIES[model]()

    assert_constant_queries(admin_client, url_for(model, "changelist"), add_rows, budget=20)


def test_a_small_table_is_counted_exactly(admin_client, monkeypatch):
    monkeypatch.setattr(admin_history, "table_estimate", lambda model, using="default": 9_000)
    for _ in range(3):
        factories.SeizureFactory()
    response = admin_client.get(url_for(am.Seizure, "changelist"))
    assert response.context["cl"].result_count == 3


def test_the_estimate_is_read_only_on_postgresql_and_never_on_sqlite(admin_client):
    factories.ParticipantFactory()
    estimate = admin_history.table_estimate(am.Participant)
    if connection.vendor != "postgresql":
        assert estimate is None
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE activities_participant")
        assert admin_history.table_estimate(am.Participant) == 1
    # Unfiltered, on either database: one participant, one counted.
    assert admin_client.get(url_for(am.Participant, "changelist")).context["cl"].result_count == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reltuples is PostgreSQL's")
def test_an_analysed_large_table_is_estimated_on_postgresql(admin_client, monkeypatch):
    monkeypatch.setattr(admin_history, "ESTIMATE_ABOVE", 100)
    people = [am.Participant(name=f"Person {i}") for i in range(150)]
    for person in people:
        person.fill_derived_fields()
    am.Participant.objects.bulk_create(people)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE activities_participant")
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url_for(am.Participant, "changelist"))
    assert response.context["cl"].result_count == 150  # reltuples after a full ANALYZE
    sql = [q["sql"] for q in queries.captured_queries]
    assert counts_over(sql, "activities_participant") == [], sql


def test_paginator_without_a_whole_table_never_asks_the_estimate(monkeypatch):
    monkeypatch.setattr(admin_history, "table_estimate", lambda model, using="default": 50_000)
    factories.ParticipantFactory()
    rows = am.Participant.objects.all()
    assert EstimatedCountPaginator(rows, 100).count == 1
    assert EstimatedCountPaginator(rows, 100, whole_table=True).count == 50_000


# --------------------------------------------------------------------------------------------
# Forms and filters list no large table
# --------------------------------------------------------------------------------------------
@pytest.fixture
def many_rows(db):
    """150 rows of every large table a form or filter could list (bulk, no history)."""
    n = 150
    am.Organisation.objects.bulk_create(
        am.Organisation(slug=f"bulk-org-{i}", name=f"Bulk agency {i}") for i in range(n))
    am.Project.objects.bulk_create(am.Project(code=f"BULK{i}", title=f"P {i}") for i in range(n))
    am.Event.objects.bulk_create(
        am.Event(slug=f"bulk-event-{i}", title=f"E {i}", kind="workshop", year=2011 + i % 3)
        for i in range(n))
    people = [am.Participant(name=f"Bulk person {i}") for i in range(n)]
    for person in people:
        person.fill_derived_fields()
    am.Participant.objects.bulk_create(people)
    am.Person.objects.bulk_create(am.Person(slug=f"bulk-person-{i}", name=f"P {i}")
                                  for i in range(n))
    substance = factories.SubstanceFactory()
    am.Seizure.objects.bulk_create(
        am.Seizure(key=f"bulk-{i}", substance=substance, quantity=1, unit="kg", year=2011)
        for i in range(n))
    dm.Donor.objects.bulk_create(dm.Donor(slug=f"bulk-donor-{i}", name=f"D {i}", kind="other")
                                 for i in range(n))
    project = am.Project.objects.first()
    donor = dm.Donor.objects.first()
    with converting():
        dm.Contribution.objects.bulk_create(
            dm.Contribution(key=f"bulk-c-{i}", donor=donor, project=project, kind="cash",
                            amount=i, currency="USD", year=2011) for i in range(n))


SELECT = re.compile(r'<select\b[^>]*\bname="([^"]*)"[^>]*>(.*?)</select>', re.S)
# A fixed list of choices, not a table's rows: a country's ISO code (django-countries).
FIXED_CHOICES = {"code"}


def largest_select(html: str) -> int:
    """The most options in one <select> of the page that lists rows of a table."""
    return max((options.count("<option") for name, options in SELECT.findall(html)
                if name not in FIXED_CHOICES), default=0)


@pytest.mark.parametrize("model", PORTAL_MODELS, ids=lambda m: m._meta.label)
def test_no_add_or_change_form_lists_every_row_of_a_large_table(admin_client, many_rows, model):
    obj = FACTORIES[model]()
    if hasattr(model, "instance_type"):
        obj = model.objects.first()
    else:
        response = admin_client.get(url_for(model, "add"))
        assert largest_select(response.content.decode()) <= 100
    response = admin_client.get(url_for(model, "change", obj.pk))
    assert response.status_code == 200
    assert largest_select(response.content.decode()) <= 100


@pytest.mark.parametrize("model", PORTAL_MODELS, ids=lambda m: m._meta.label)
def test_no_changelist_filter_lists_every_row_of_a_large_table(admin_client, many_rows, model):
    FACTORIES[model]()
    cl = admin_client.get(url_for(model, "changelist")).context["cl"]
    for spec in cl.filter_specs:
        assert len(list(spec.choices(cl))) <= 100, spec.title


def test_the_contribution_list_has_no_donor_filter(admin_client, many_rows):
    cl = admin_client.get(url_for(dm.Contribution, "changelist")).context["cl"]
    assert "donor" not in [getattr(spec, "field_path", None) for spec in cl.filter_specs]
    assert len(admin_client.get(url_for(dm.Contribution, "changelist") + "?q=D+1").context[
        "cl"].result_list) > 0  # a donor's contributions are found by the search


@pytest.mark.parametrize("model", [am.Event.history.model, am.Participation.history.model],
                         ids=lambda m: m._meta.label)
def test_a_history_log_reads_no_distinct_dates_over_the_whole_log(admin_client, model):
    FACTORIES[model]()
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get(url_for(model, "changelist")).status_code == 200
    assert not [q for q in queries.captured_queries if "DISTINCT" in q["sql"].upper()]


def test_event_changelist_counts_real_participations_per_row(admin_client):
    busy, empty = factories.EventFactory(), factories.EventFactory()
    factories.ParticipationFactory.create_batch(2, event=busy)
    factories.ParticipationFactory(event=busy, is_demo=True)
    rows = {e.pk: e.participant_records
            for e in admin_client.get(url_for(am.Event, "changelist")).context["cl"].result_list}
    assert rows == {busy.pk: 2, empty.pk: 0}
    ordered = admin_client.get(url_for(am.Event, "changelist") + "?o=9").context["cl"]
    assert [e.pk for e in ordered.result_list] == [empty.pk, busy.pk]


# --------------------------------------------------------------------------------------------
# Indexes: PostgreSQL reads each large changelist's page in its default order from an index
# --------------------------------------------------------------------------------------------
def _seed_for_plans():
    kg = factories.CountryFactory(code="KG")
    organisation = factories.OrganisationFactory()
    am.Event.objects.bulk_create(
        am.Event(slug=f"plan-{i}", title=f"Workshop {i}", kind="workshop", country=kg,
                 start_date=None if i % 10 == 0 else datetime.date(2008 + i % 18, 1, 1 + i % 28),
                 year=2008 + i % 18)
        for i in range(3000))
    people = [am.Participant(name=f"Person {i:05d}", organisation=organisation, country=kg)
              for i in range(3000)]
    for person in people:
        person.fill_derived_fields()
    am.Participant.objects.bulk_create(people)
    events = list(am.Event.objects.values_list("pk", flat=True))
    persons = list(am.Participant.objects.values_list("pk", flat=True))
    with transaction.atomic(), summaries.writing():  # as a service writes in bulk
        am.Participation.objects.bulk_create(
            # three participants per event, each (participant, event) pair once
            am.Participation(event_id=events[i % 3000],
                             participant_id=persons[(i * 7 + i // 3000) % 3000])
            for i in range(9000))
        summaries.mark(events)
    substance = factories.SubstanceFactory()
    am.Seizure.objects.bulk_create(
        am.Seizure(key=f"plan-{i}", substance=substance, quantity=1, unit="kg",
                   year=2008 + i % 18) for i in range(3000))
    donor, project = factories.DonorFactory(), factories.ProjectFactory()
    with converting():
        dm.Contribution.objects.bulk_create(
            dm.Contribution(key=f"plan-{i}", donor=donor, project=project, kind="cash",
                            amount=1, currency="USD", year=2008 + i % 18) for i in range(3000))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
@pytest.mark.parametrize("model, index", [
    (am.Event, "activities_event_order_idx"),
    (am.Participation, "activities_event_order_idx"),
    (am.Participant, "activities_particip_order_idx"),
    (am.Seizure, "activities_seizure_order_idx"),
    (dm.Contribution, "donors_contrib_year_idx"),
], ids=lambda v: getattr(v, "__name__", v))
def test_changelist_page_is_read_in_its_default_order_from_an_index(rf, admin_user, model, index):
    _seed_for_plans()
    request = rf.get(url_for(model, "changelist"))
    request.user = admin_user
    cl = admin.site._registry[model].get_changelist_instance(request)
    plan = cl.queryset[:cl.list_per_page].explain()
    assert index in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="The planner's estimate is PostgreSQL's.")
def test_a_large_filtered_list_counts_at_most_the_threshold_then_takes_the_planners_estimate(
        monkeypatch):
    monkeypatch.setattr(admin_history, "EXACT_COUNT_UP_TO", 50)
    factories.ParticipantFactory.create_batch(30, sex="female")
    factories.ParticipantFactory.create_batch(80, sex="male")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE activities_participant")
    small = am.Participant.objects.filter(sex="female")
    assert EstimatedCountPaginator(small, 10).count == 30  # exact below the threshold
    large = am.Participant.objects.filter(sex="male")
    with CaptureQueriesContext(connection) as queries:
        count = EstimatedCountPaginator(large, 10).count
    assert count >= 51  # never below what was counted
    assert any("LIMIT 51" in q["sql"] for q in queries.captured_queries)
    assert any(q["sql"].startswith("EXPLAIN") for q in queries.captured_queries)
    assert not any(q["sql"].startswith("SELECT COUNT(*)") and "LIMIT" not in q["sql"]
                   for q in queries.captured_queries)
