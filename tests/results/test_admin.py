"""Results frameworks in the admin: every page loads, the changelists run the same queries at
1 and 30 rows, the filters and the action *Approve selected actuals* work, an actual an admin
types is approved at once, a stale change form is refused, and a project's page lists its
results."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from results.models import Indicator, Period, Result
from tests import factories
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

FACTORIES = {
    Result: factories.ResultFactory,
    Indicator: factories.IndicatorFactory,
    Period: lambda: factories.PeriodFactory(actual=Decimal("2"), actual_status="pending"),
}


def url_for(model, action, *args):
    return reverse(f"admin:results_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", list(FACTORIES), ids=lambda m: m._meta.label)
def test_changelists_run_as_many_queries_at_30_rows_as_at_1(admin_client, model):
    def add_rows(n):
        for _ in range(n):
            FACTORIES[model]()

    assert_constant_queries(admin_client, url_for(model, "changelist"), add_rows, budget=20)


@pytest.mark.parametrize("model", list(FACTORIES), ids=lambda m: m._meta.label)
def test_add_change_and_history_pages_load(admin_client, model):
    obj = FACTORIES[model]()
    assert admin_client.get(url_for(model, "add")).status_code == 200
    assert admin_client.get(url_for(model, "change", obj.pk)).status_code == 200
    assert admin_client.get(url_for(model, "history", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", list(FACTORIES), ids=lambda m: m._meta.label)
def test_anyone_but_an_admin_is_sent_to_sign_in(client, officer_user, model):
    client.force_login(officer_user)
    response = client.get(url_for(model, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_filters_find_pending_actuals_by_project_and_source(admin_client):
    pending = factories.PeriodFactory(actual=Decimal("2"), actual_status="pending")
    factories.PeriodFactory()
    computed = factories.IndicatorFactory(source=Indicator.Source.PEOPLE_TRAINED)
    periods = admin_client.get(url_for(Period, "changelist"), {"actual_status__exact": "pending"})
    assert list(periods.context["cl"].result_list) == [pending]
    project = pending.indicator.result.project
    by_project = admin_client.get(url_for(Period, "changelist"), {
        "indicator__result__project__id__exact": project.pk})
    assert list(by_project.context["cl"].result_list) == [pending]
    indicators = admin_client.get(url_for(Indicator, "changelist"), {"pending": "yes"})
    assert list(indicators.context["cl"].result_list) == [pending.indicator]
    by_source = admin_client.get(url_for(Indicator, "changelist"), {
        "source__exact": "people_trained"})
    assert list(by_source.context["cl"].result_list) == [computed]
    results = admin_client.get(url_for(Result, "changelist"), {"kind__exact": "output"})
    assert list(results.context["cl"].result_list) == []


def test_the_action_approves_the_selected_pending_actuals_only(admin_client, admin_user):
    pending = factories.PeriodFactory(actual=Decimal("2"), actual_status="pending")
    untouched = factories.PeriodFactory(actual=Decimal("3"), actual_status="pending")
    empty = factories.PeriodFactory()
    response = admin_client.post(url_for(Period, "changelist"), {
        "action": "approve_actuals", "_selected_action": [pending.pk, empty.pk]}, follow=True)
    assert "1 actual approved." in response.content.decode()
    pending.refresh_from_db()
    untouched.refresh_from_db()
    empty.refresh_from_db()
    assert (pending.actual_status, pending.actual_approved_by) == ("approved", admin_user)
    assert pending.history.first().history_change_reason == "Actual approved"
    assert untouched.actual_status == "pending"
    assert (empty.actual, empty.actual_status) == (None, "")


def period_data(period, **changes):
    return {
        "indicator": period.indicator_id, "start": period.start.isoformat(),
        "end": period.end.isoformat(), "target": "" if period.target is None else period.target,
        "actual": "" if period.actual is None else period.actual, "actual_note_en": "",
        "actual_note_ru": "", "record_version": str(period.version), **changes,
    }


def test_an_actual_an_admin_types_in_the_admin_is_approved_at_once(admin_client, admin_user):
    period = factories.PeriodFactory()
    response = admin_client.post(url_for(Period, "change", period.pk),
                                 period_data(period, actual="7"))
    assert response.status_code == 302
    period.refresh_from_db()
    assert (period.actual, period.actual_status, period.actual_entered_by,
            period.actual_approved_by) == (Decimal("7"), "approved", admin_user, admin_user)
    assert period.version == 2


def test_a_stale_admin_change_form_is_refused_and_writes_nothing(admin_client):
    period = factories.PeriodFactory()
    loaded = period_data(period, target="45")
    Period.objects.filter(pk=period.pk).update(version=period.version + 1)
    response = admin_client.post(url_for(Period, "change", period.pk), loaded)
    assert response.status_code == 200
    assert "Not saved" in response.content.decode()
    period.refresh_from_db()
    assert period.target == Decimal("40")


def test_the_admin_refuses_a_percentage_target_above_100(admin_client):
    period = factories.PeriodFactory(indicator__measure=Indicator.Measure.PERCENTAGE,
                                     target=Decimal("50"))
    response = admin_client.post(url_for(Period, "change", period.pk),
                                 period_data(period, target="105"))
    assert response.status_code == 200
    assert "A percentage lies between 0 and 100." in response.content.decode()
    period.refresh_from_db()
    assert period.target == Decimal("50")


def test_periods_typed_in_the_indicator_page_are_approved_and_versioned(admin_client,
                                                                        admin_user):
    period = factories.PeriodFactory()
    indicator = period.indicator
    page = admin_client.get(url_for(Indicator, "change", indicator.pk))
    form = page.context["adminform"].form
    data = {
        **{name: form[name].value() for name in form.fields if form[name].value() is not None
           and not isinstance(form[name].value(), list)},
        "event_kinds": "[]", "record_version": str(indicator.version),
        "periods-TOTAL_FORMS": "1", "periods-INITIAL_FORMS": "1", "periods-MIN_NUM_FORMS": "0",
        "periods-MAX_NUM_FORMS": "1000", "periods-0-id": period.pk,
        "periods-0-indicator": indicator.pk, "periods-0-start": "2011-01-01",
        "periods-0-end": "2011-12-31", "periods-0-target": "40", "periods-0-actual": "9",
    }
    if data.get("baseline_date") is None:
        data.pop("baseline_date", None)
    response = admin_client.post(url_for(Indicator, "change", indicator.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    period.refresh_from_db()
    assert (period.actual, period.actual_status, period.actual_approved_by) == (
        Decimal("9"), "approved", admin_user)
    assert period.version == 2


def test_a_projects_admin_page_lists_its_results(admin_client):
    result = factories.ResultFactory(title="Listed outcome")
    page = admin_client.get(reverse("admin:activities_project_change",
                                    args=[result.project.pk])).content.decode()
    assert "Listed outcome" in page
    assert url_for(Result, "change", result.pk) in page
    # Donors' contributions are still there.
    assert 'id="contributions-group"' in page


def test_period_dates_refused_in_the_admin_as_on_the_portal(admin_client):
    period = factories.PeriodFactory(start=datetime.date(2011, 1, 1),
                                     end=datetime.date(2011, 12, 31))
    response = admin_client.post(url_for(Period, "change", period.pk),
                                 period_data(period, start="2012-01-01"))
    assert response.status_code == 200
    period.refresh_from_db()
    assert period.start == datetime.date(2011, 1, 1)
