"""The pages that write a results framework: admins edit results, indicators and periods;
officers enter actuals, which stay pending until an admin approves (or rejects) them. Bad input
gets its message beside the field and writes nothing; a save from an older version is refused;
the approval queue's query count does not grow with its rows."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from results.models import Indicator, Period, Result
from tests import factories
from tests.querycount import assert_constant_queries
from unodc_portal.core.versioning import bump_version

pytestmark = pytest.mark.django_db

COUNT, PERCENTAGE = Indicator.Measure.COUNT, Indicator.Measure.PERCENTAGE


@pytest.fixture
def project():
    return factories.ProjectFactory(code="RES1")


@pytest.fixture
def result(project):
    return factories.ResultFactory(project=project, key="res1-outcome")


@pytest.fixture
def indicator(result):
    return factories.IndicatorFactory(result=result, key="res1-trained")


@pytest.fixture
def period(indicator):
    return factories.PeriodFactory(indicator=indicator, start=datetime.date(2011, 1, 1),
                                   end=datetime.date(2011, 12, 31), target=Decimal("40"))


@pytest.fixture
def officer_client(officer_user):
    """The officer's own client (conftest's shares ``client`` with ``admin_client``)."""
    client = Client()
    client.force_login(officer_user)
    return client


def url(name, *args):
    return reverse(f"results:{name}", args=args)


def written():
    """Every framework row and history row: a refused form changes none of them."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in (Result, Indicator, Period, Result.history.model,
                      Indicator.history.model, Period.history.model)
    }


def assert_refused_beside(response, field, message):
    """The form came back (no redirect), with ``message`` on ``field`` shown beside its input
    (crispy's feedback element tied to the field's id)."""
    assert response.status_code == 200, response.get("Location")
    form = response.context["form"]
    assert any(message in error for error in form.errors.get(field, [])), form.errors
    assert f'id="error_1_id_{field}"' in response.content.decode()


# --------------------------------------------------------------------------------------------
# Results and indicators
# --------------------------------------------------------------------------------------------
def test_an_admin_adds_a_result_with_a_key_made_from_the_title(admin_client, project):
    response = admin_client.post(url("result_create", project.code), {
        "title": "Border officers apply risk profiling", "kind": "outcome", "order": "1"})
    assert response.status_code == 302
    assert response["Location"] == url("framework_edit", project.code)
    made = Result.objects.get(project=project)
    assert made.key == "res1-border-officers-apply-risk-profiling"
    assert made.title_en == "Border officers apply risk profiling"
    assert made.history.get().history_change_reason == "Added on the results framework page"


def test_an_output_under_an_output_is_refused_beside_the_field(admin_client, project, result):
    output = factories.ResultFactory(project=project, kind=Result.Kind.OUTPUT, parent=result)
    before = written()
    response = admin_client.post(url("result_create", project.code), {
        "title": "Nested output", "kind": "output", "order": "0", "parent": output.pk})
    # The outcomes of the project are the only choices: an output is not one.
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert written() == before


INDICATOR = {"title": "Officers trained", "order": "0", "unit": "officers",
             "measure": "count", "source": "manual"}


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"source": "seizures_kg", "measure": "quantity"}, "substance",
     "Seizures in kilograms needs the substance it counts."),
    ({"source": "events_held"}, "event_kinds", "Events held needs the event kinds it counts."),
    ({"measure": "percentage", "baseline_value": "105"}, "baseline_value",
     "A percentage lies between 0 and 100."),
    ({"measure": "percentage", "baseline_value": "-1"}, "baseline_value",
     "A percentage lies between 0 and 100."),
    ({"baseline_value": "-1"}, "baseline_value", "The value cannot be negative."),
    ({"baseline_value": "2.5"}, "baseline_value", "A count is a whole number."),
    ({"source": "seizures_kg", "measure": "count"}, "measure", "This source counts a quantity."),
    ({"source": "manual", "substance": "heroin"}, "substance",
     "Only seizures in kilograms counts a substance"),
    ({"source": "seizures_kg", "measure": "quantity", "substance": "heroin",
      "event_kinds": ["workshop"]}, "event_kinds", "This source counts no event kinds"),
    ({"source": "events_held", "event_kinds": ["no-such-kind"]}, "event_kinds",
     "Select a valid choice"),
], ids=["seizures-without-substance", "events-held-without-kinds", "percentage-105",
        "percentage-minus-1", "count-minus-1", "count-2.5", "measure-of-source",
        "substance-on-manual", "kinds-on-seizures", "unknown-kind"])
def test_bad_indicator_input_is_shown_beside_its_field_and_nothing_is_written(
        admin_client, result, change, field, message):
    heroin = factories.SubstanceFactory(slug="heroin", name="Heroin")
    data = {**INDICATOR, "result": result.pk, **change}
    if data.get("substance") == "heroin":
        data["substance"] = heroin.pk
    before = written()
    response = admin_client.post(url("indicator_create", result.project.code, result.key), data)
    assert_refused_beside(response, field, message)
    assert written() == before


def test_a_computed_indicator_with_what_it_needs_is_saved(admin_client, result):
    heroin = factories.SubstanceFactory(slug="heroin", name="Heroin")
    response = admin_client.post(url("indicator_create", result.project.code, result.key), {
        **INDICATOR, "result": result.pk, "title": "Heroin seized", "unit": "kg",
        "source": "seizures_kg", "measure": "quantity", "substance": heroin.pk})
    assert response.status_code == 302
    indicator = Indicator.objects.get(title_en="Heroin seized")
    assert (indicator.substance, indicator.event_kinds) == (heroin, [])
    response = admin_client.post(url("indicator_create", result.project.code, result.key), {
        **INDICATOR, "result": result.pk, "title": "Workshops held", "unit": "events",
        "source": "events_held", "event_kinds": ["workshop", "training_course"]})
    assert response.status_code == 302, response.context["form"].errors
    assert Indicator.objects.get(title_en="Workshops held").event_kinds == [
        "workshop", "training_course"]


def test_a_measure_that_the_periods_cannot_take_is_refused(admin_client, indicator, period):
    period.target = Decimal("150")
    period.save()
    before = written()
    response = admin_client.post(url("indicator_update", indicator.result.project.code,
                                     indicator.key), {
        **INDICATOR, "result": indicator.result.pk, "measure": "percentage",
        "key": indicator.key, "record_version": str(indicator.version)})
    assert_refused_beside(response, "measure", "this measure cannot take")
    assert written() == before


def test_a_computed_source_is_refused_while_entered_actuals_exist(admin_client, indicator,
                                                                   period):
    period.actual, period.actual_status = Decimal("3"), Period.Status.APPROVED
    period.save()
    before = written()
    response = admin_client.post(url("indicator_update", indicator.result.project.code,
                                     indicator.key), {
        **INDICATOR, "result": indicator.result.pk, "source": "people_trained",
        "key": indicator.key, "record_version": str(indicator.version)})
    assert_refused_beside(response, "source", "Entered actuals exist")
    assert written() == before


def test_an_indicator_of_another_project_is_not_found(admin_client, indicator):
    other = factories.ProjectFactory(code="OTHER1")
    response = admin_client.get(url("indicator_update", other.code, indicator.key))
    assert response.status_code == 404


# --------------------------------------------------------------------------------------------
# Periods and targets
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("measure", "data", "field", "message"), [
    (COUNT, {"start": "2011-07-01", "end": "2012-06-30", "target": "5"}, "start",
     "This period overlaps the indicator's period 2011-01-01 to 2011-12-31."),
    (COUNT, {"start": "2012-12-31", "end": "2012-01-01", "target": "5"}, "end", "end"),
    (PERCENTAGE, {"start": "2012-01-01", "end": "2012-12-31", "target": "105"}, "target",
     "A percentage lies between 0 and 100."),
    (PERCENTAGE, {"start": "2012-01-01", "end": "2012-12-31", "target": "-1"}, "target",
     "A percentage lies between 0 and 100."),
    (COUNT, {"start": "2012-01-01", "end": "2012-12-31", "target": "-1"}, "target",
     "The value cannot be negative."),
    (COUNT, {"start": "2012-01-01", "end": "2012-12-31", "target": "2.5"}, "target",
     "A count is a whole number."),
    (COUNT, {"start": "2012-02-30", "end": "2012-12-31", "target": "1"}, "start",
     "Enter a valid date."),
    (COUNT, {"start": "2012-01-01", "end": "2012-12-31", "target": "1" * 30}, "target",
     "digits"),
], ids=["overlap", "end-before-start", "percentage-105", "percentage-minus-1", "count-minus-1",
        "count-2.5", "no-such-date", "too-many-digits"])
def test_bad_period_input_is_shown_beside_its_field_and_nothing_is_written(
        admin_client, indicator, period, measure, data, field, message):
    Indicator.objects.filter(pk=indicator.pk).update(measure=measure)
    before = written()
    response = admin_client.post(
        url("period_create", indicator.result.project.code, indicator.key), data)
    assert_refused_beside(response, field, message)
    assert written() == before


def test_an_admin_adds_and_edits_a_period(admin_client, indicator, period):
    code = indicator.result.project.code
    response = admin_client.post(url("period_create", code, indicator.key), {
        "start": "2012-01-01", "end": "2012-12-31", "target": "50"})
    assert response.status_code == 302
    added = Period.objects.get(indicator=indicator, start=datetime.date(2012, 1, 1))
    assert added.target == Decimal("50")
    response = admin_client.post(url("period_update", code, period.pk), {
        "start": "2011-01-01", "end": "2011-12-31", "target": "45",
        "record_version": str(period.version)})
    assert response.status_code == 302
    period.refresh_from_db()
    assert (period.target, period.version) == (Decimal("45"), 2)


def test_a_period_saved_from_an_older_version_is_refused_with_who_changed_it(
        admin_client, indicator, period):
    loaded = period.version
    period.target = Decimal("41")
    period._change_reason = "someone else"
    bump_version(period)
    period.save()
    before = written()
    response = admin_client.post(url("period_update", indicator.result.project.code, period.pk),
                                 {"start": "2011-01-01", "end": "2011-12-31", "target": "45",
                                  "record_version": str(loaded)})
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert any("Not saved" in error for error in errors)
    assert written() == before
    # The page now carries the current version: saving again applies the input on purpose.
    assert response.context["form"].data["record_version"] == str(period.version)
    again = admin_client.post(url("period_update", indicator.result.project.code, period.pk),
                              {"start": "2011-01-01", "end": "2011-12-31", "target": "45",
                               "record_version": str(period.version)})
    assert again.status_code == 302
    period.refresh_from_db()
    assert period.target == Decimal("45")


def test_a_missing_version_is_refused(admin_client, result):
    before = written()
    response = admin_client.post(url("result_update", result.project.code, result.key), {
        "title": "Renamed", "kind": "outcome", "order": "0", "key": result.key})
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert any("did not say which version" in error for error in errors)
    assert written() == before


def test_deleting_a_result_deletes_its_framework_and_keeps_the_history(admin_client, period):
    result = period.indicator.result
    response = admin_client.post(url("result_delete", result.project.code, result.key))
    assert response.status_code == 302
    assert not Period.objects.exists() and not Indicator.objects.exists()
    deleted = Result.history.filter(id=result.pk, history_type="-").get()
    assert deleted.history_change_reason == "Deleted on the results framework page"
    assert Period.history.filter(id=period.pk, history_type="-").exists()


# --------------------------------------------------------------------------------------------
# Actuals and their approval
# --------------------------------------------------------------------------------------------
def enter(client, period, value, note="", version=None):
    return client.post(url("actual_entry", period.indicator.result.project.code, period.pk), {
        "actual": value, "actual_note": note,
        "record_version": str(version if version is not None else period.version)})


def test_an_officers_actual_is_pending_until_an_admin_approves_it(
        officer_client, officer_user, admin_user, period, client):
    response = enter(officer_client, period, "12", "From the course lists")
    assert response.status_code == 302
    period.refresh_from_db()
    assert (period.actual, period.actual_status, period.actual_entered_by) == (
        Decimal("12"), Period.Status.PENDING, officer_user)
    assert period.actual_note_en == "From the course lists"
    assert period.actual_approved_by is None
    assert period.history.first().history_change_reason == "Actual entered, pending approval"

    client.force_login(admin_user)
    queue = client.get(url("pending")).content.decode()
    assert url("approve", period.pk) in queue
    response = client.post(url("approve", period.pk), {"record_version": str(period.version)})
    assert response.status_code == 302
    period.refresh_from_db()
    assert (period.actual_status, period.actual_approved_by) == (Period.Status.APPROVED,
                                                                 admin_user)
    assert period.actual_approved_at is not None
    assert period.actual_entered_by == officer_user
    assert period.history.first().history_change_reason == "Actual approved"
    assert url("approve", period.pk) not in client.get(url("pending")).content.decode()


def test_a_rejected_actual_goes_back_to_none_and_stays_in_history(
        officer_client, admin_user, period, client):
    enter(officer_client, period, "12")
    period.refresh_from_db()
    client.force_login(admin_user)
    response = client.post(url("reject", period.pk), {"record_version": str(period.version)})
    assert response.status_code == 302
    period.refresh_from_db()
    assert (period.actual, period.actual_status, period.actual_entered_by) == (
        None, Period.Status.NONE, None)
    latest, entered = period.history.order_by("-history_id")[:2]
    assert latest.history_change_reason == "Actual rejected"
    assert (entered.actual, entered.actual_status) == (Decimal("12"), "pending")


def test_an_actual_an_admin_enters_is_approved_at_once(admin_client, admin_user, period):
    assert enter(admin_client, period, "30").status_code == 302
    period.refresh_from_db()
    assert (period.actual, period.actual_status, period.actual_entered_by,
            period.actual_approved_by) == (Decimal("30"), Period.Status.APPROVED, admin_user,
                                           admin_user)


def test_an_officer_changing_an_approved_actual_sends_it_back_to_approval(
        officer_client, period, admin_user):
    period.actual, period.actual_status = Decimal("3"), Period.Status.APPROVED
    period.actual_approved_by = admin_user
    period.save()
    enter(officer_client, period, "4")
    period.refresh_from_db()
    assert (period.actual, period.actual_status, period.actual_approved_by) == (
        Decimal("4"), Period.Status.PENDING, None)


def test_an_officer_cannot_change_targets_or_approve(officer_client, period):
    code = period.indicator.result.project.code
    assert officer_client.get(url("period_update", code, period.pk)).status_code == 403
    # Extra fields on the actual's form are not read.
    officer_client.post(url("actual_entry", code, period.pk), {
        "actual": "5", "target": "1", "start": "2000-01-01", "actual_status": "approved",
        "record_version": str(period.version)})
    period.refresh_from_db()
    assert (period.target, period.start, period.actual_status) == (
        Decimal("40"), datetime.date(2011, 1, 1), Period.Status.PENDING)
    before = written()
    response = officer_client.post(url("approve", period.pk),
                                   {"record_version": str(period.version)})
    assert response.status_code == 403
    assert written() == before


@pytest.mark.parametrize(("measure", "value", "message"), [
    (COUNT, "-1", "The value cannot be negative."),
    (COUNT, "2.5", "A count is a whole number."),
    (PERCENTAGE, "105", "A percentage lies between 0 and 100."),
    (PERCENTAGE, "-1", "A percentage lies between 0 and 100."),
    (COUNT, "twelve", "Enter a number."),
], ids=["count-minus-1", "count-2.5", "percentage-105", "percentage-minus-1", "not-a-number"])
def test_a_bad_actual_is_shown_beside_the_field_and_nothing_is_written(
        officer_client, period, measure, value, message):
    Indicator.objects.filter(pk=period.indicator_id).update(measure=measure)
    period.target = None
    period.save()
    before = written()
    assert_refused_beside(enter(officer_client, period, value), "actual", message)
    assert written() == before


def test_a_computed_indicator_refuses_an_actual(officer_client, period):
    Indicator.objects.filter(pk=period.indicator_id).update(
        source=Indicator.Source.PEOPLE_TRAINED)
    page = officer_client.get(url("actual_entry", period.indicator.result.project.code,
                                  period.pk))
    assert page.status_code == 200
    assert 'name="actual"' not in page.content.decode()
    before = written()
    assert_refused_beside(enter(officer_client, period, "12"), "actual",
                          "computed from the record")
    assert written() == before


def test_an_actual_saved_from_an_older_version_is_refused(officer_client, period, admin_user):
    loaded = period.version
    period.target = Decimal("41")
    bump_version(period)
    period._history_user = admin_user
    period.save()
    before = written()
    response = enter(officer_client, period, "12", version=loaded)
    assert response.status_code == 200
    assert any("Not saved" in e and "admin" in e
               for e in response.context["form"].non_field_errors())
    assert written() == before


def test_an_approval_of_a_value_changed_since_the_queue_was_loaded_is_refused(
        officer_client, admin_client, period):
    enter(officer_client, period, "12")
    period.refresh_from_db()
    seen = period.version
    enter(officer_client, period, "120")  # the officer corrects it meanwhile
    before = written()
    response = admin_client.post(url("approve", period.pk), {"record_version": str(seen)},
                                 follow=True)
    assert "Not saved" in response.content.decode()
    assert written() == before
    period.refresh_from_db()
    assert period.actual_status == Period.Status.PENDING


@pytest.mark.parametrize("version", ["", "abc", "99999999999999999999"])
def test_an_approval_without_a_sound_version_writes_nothing(officer_client, admin_client,
                                                            period, version):
    enter(officer_client, period, "12")
    before = written()
    response = admin_client.post(url("approve", period.pk), {"record_version": version},
                                 follow=True)
    assert response.status_code == 200
    assert written() == before


def test_approving_what_is_not_pending_changes_nothing(admin_client, period):
    before = written()
    response = admin_client.post(url("approve", period.pk),
                                 {"record_version": str(period.version)}, follow=True)
    assert "no longer pending" in response.content.decode()
    assert written() == before


# --------------------------------------------------------------------------------------------
# Query counts
# --------------------------------------------------------------------------------------------
def test_the_approval_queue_runs_as_many_queries_at_30_rows_as_at_1(admin_client, officer_user):
    def add_rows(n):
        for _ in range(n):
            factories.PeriodFactory(actual=Decimal("3"), actual_status="pending",
                                    actual_entered_by=officer_user)

    assert_constant_queries(admin_client, url("pending"), add_rows, budget=12)
    assert admin_client.get(url("pending")).context["paginator"].count == 30


def test_the_framework_page_runs_as_many_queries_at_30_rows_as_at_1(officer_client, project,
                                                                    officer_user):
    def add_rows(n):
        for _ in range(n):
            result = factories.ResultFactory(project=project)
            indicator = factories.IndicatorFactory(result=result)
            factories.PeriodFactory(indicator=indicator, actual=Decimal("3"),
                                    actual_status="pending", actual_entered_by=officer_user)

    assert_constant_queries(officer_client, url("framework_edit", project.code), add_rows,
                            budget=15)


def test_an_outcome_with_outputs_under_it_cannot_become_an_output(admin_client, result):
    factories.ResultFactory(project=result.project, kind=Result.Kind.OUTPUT, parent=result)
    before = written()
    response = admin_client.post(url("result_update", result.project.code, result.key), {
        "title": "Now an output", "kind": "output", "order": "0", "key": result.key,
        "record_version": str(result.version)})
    assert_refused_beside(response, "kind", "Outputs sit under this outcome")
    assert written() == before


HOSTILE = ["NaN", "Infinity", "-Infinity", "1e400", "1e-400", "\x00", "<script>x</script>",
           "9" * 10_000, "1" * 30, "١٢", "0x10", " ", "2011-13-45"]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_values_are_refused_never_a_server_error(admin_client, officer_client, period,
                                                          value):
    code, indicator = period.indicator.result.project.code, period.indicator
    posts = [
        (officer_client, url("actual_entry", code, period.pk), {
            "actual": value, "actual_note": value, "record_version": str(period.version)}),
        (admin_client, url("period_create", code, indicator.key), {
            "start": value, "end": "2013-12-31", "target": value}),
        (admin_client, url("indicator_update", code, indicator.key), {
            **INDICATOR, "result": indicator.result.pk, "key": indicator.key,
            "baseline_value": value, "baseline_date": value, "event_kinds": [value],
            "record_version": value}),
        (admin_client, url("approve", period.pk), {"record_version": value}),
    ]
    for client, address, data in posts:
        before = written()
        response = client.post(address, data)
        assert response.status_code in (200, 302), (address, response.status_code)
        if response.status_code == 200:
            assert written() == before
            assert "<script>x</script>" not in response.content.decode()


def test_an_officer_cannot_take_back_an_approved_actual(officer_client, admin_client,
                                                        period, admin_user):
    period.actual, period.actual_status = Decimal("3"), Period.Status.APPROVED
    period.actual_approved_by = admin_user
    period.save()
    before = written()
    assert_refused_beside(enter(officer_client, period, ""), "actual", "taken back by an admin")
    assert written() == before
    # An admin may: back to no actual.
    assert enter(admin_client, period, "").status_code == 302
    period.refresh_from_db()
    assert (period.actual, period.actual_status) == (None, Period.Status.NONE)
