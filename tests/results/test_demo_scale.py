"""Frameworks in the demo world (``seed_demo``) and in the synthetic scale data (``seed_scale``):
a new user sees every kind of indicator after ``make run``, no one but demo accounts sees the
demo framework, ``remove_demo`` takes it away with its history and leaves the real record as it
was, and the benchmarks' databases hold frameworks on every synthetic project."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.management.base import CommandError

from activities.models import Project
from results import progress
from results.models import Indicator, Period, Result
from tests import factories
from unodc_portal.core.models import SyntheticData
from unodc_portal.site.management.commands.remove_demo import REMOVED_REASON

pytestmark = pytest.mark.django_db
User = get_user_model()
S = Indicator.Source


@pytest.fixture
def real_framework(roles):
    """A real project with a framework of its own and a seizure (so that a substance exists)."""
    project = factories.ProjectFactory(code="REAL01")
    factories.SeizureFactory(key="real-seizure", project=project)
    indicator = factories.IndicatorFactory(key="real-indicator", result__key="real-outcome",
                                           result__project=project)
    factories.PeriodFactory(indicator=indicator)
    return indicator


@pytest.fixture
def demo(real_framework, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    return User.objects.in_bulk(["demo-officer", "demo-donor", "demo-admin"],
                                field_name="username")


def demo_results():
    return Result.objects.filter(project__is_demo=True)


def demo_indicators():
    return Indicator.objects.filter(result__project__is_demo=True)


def demo_periods():
    return Period.objects.filter(indicator__result__project__is_demo=True)


def framework_rows():
    """Every row of every results table, history included, as comparable tuples."""
    rows = {}
    for model in (Result, Indicator, Period):
        rows[model.__name__] = sorted(map(repr, model.objects.values_list()))
        rows[f"history of {model.__name__}"] = sorted(map(repr, model.history.values_list()))
    return rows


# --------------------------------------------------------------------------------------------
# seed_demo
# --------------------------------------------------------------------------------------------
def test_the_demo_project_has_a_framework_with_every_kind_of_indicator(demo):
    project = Project.objects.get(is_demo=True)
    results = list(demo_results())
    assert {r.project_id for r in results} == {project.pk}
    outcomes = [r for r in results if r.kind == Result.Kind.OUTCOME]
    outputs = [r for r in results if r.kind == Result.Kind.OUTPUT]
    assert outcomes and outputs
    assert any(r.parent_id == outcomes[0].pk for r in outputs)
    assert any(r.parent_id is None for r in outputs)
    assert set(demo_indicators().values_list("source", flat=True)) == set(S.values)
    assert demo_indicators().filter(is_headline=True).exists()
    assert all(r.title.startswith("Demo — ") for r in results)

    manual = demo_periods().filter(indicator__source=S.MANUAL)
    approved = manual.get(actual_status=Period.Status.APPROVED)
    pending = manual.get(actual_status=Period.Status.PENDING)
    assert approved.actual is not None and approved.actual_approved_by == demo["demo-admin"]
    assert approved.actual_entered_by == demo["demo-officer"] and approved.actual_approved_at
    assert pending.actual is not None and pending.actual_approved_by is None
    assert not demo_periods().filter(indicator__source__in=list(Indicator.SOURCE_MEASURE),
                                     actual__isnull=False).exists()

    spans = {(p.end - p.start).days for p in demo_periods()}
    assert any(89 <= days <= 91 for days in spans), "quarterly periods"
    assert 364 in spans, "yearly periods"
    # Valid as a form would save it, with its one history row.
    for record in [*demo_results(), *demo_indicators(), *demo_periods()]:
        record.full_clean()
        assert record.history.count() == 1


def test_the_demo_framework_reads_through_the_progress_interface(demo):
    project = Project.objects.get(is_demo=True)
    rows = progress.framework(project, demo["demo-officer"])
    assert rows and any(row.outputs for row in rows)
    states = {period.actual.state for row in rows for result in [row, *row.outputs]
              for indicator in result.indicators for period in indicator.periods}
    assert progress.Actual.PENDING in states  # the officer sees the pending actual
    assert progress.Actual.VALUE in states


def test_running_seed_demo_again_writes_no_second_framework(demo, settings):
    before = framework_rows()
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    assert framework_rows() == before


@pytest.mark.parametrize("role", ["anonymous", "officer", "admin", "donor"])
def test_no_one_but_demo_accounts_sees_the_demo_framework(demo, role, request):
    user = AnonymousUser() if role == "anonymous" else request.getfixturevalue(f"{role}_user")
    for model, demo_rows in ((Result, demo_results()), (Indicator, demo_indicators()),
                             (Period, demo_periods())):
        assert demo_rows.exists()
        visible = model.objects.visible_to(user)
        assert visible.exists(), model  # the real framework is there
        assert not visible.filter(pk__in=demo_rows.values("pk")).exists(), model
    assert all(not row.indicator.key.startswith("demo-") for row in progress.headline(user))


@pytest.mark.parametrize("account", ["demo-officer", "demo-admin", "demo-donor"])
def test_demo_accounts_see_the_demo_framework_and_its_headline(demo, account):
    user = demo[account]
    assert Indicator.objects.visible_to(user).filter(key__startswith="demo-").count() == (
        demo_indicators().count())
    assert any(row.indicator.key.startswith("demo-") for row in progress.headline(user))


# --------------------------------------------------------------------------------------------
# remove_demo
# --------------------------------------------------------------------------------------------
def test_remove_demo_removes_the_demo_framework_with_its_history(real_framework, settings):
    before = framework_rows()
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    assert demo_indicators().exists()
    out = io.StringIO()
    call_command("remove_demo", stdout=out)
    assert "4 results" in out.getvalue() and "periods" in out.getvalue()
    assert framework_rows() == before  # the real framework, history and all, as it was
    for model in (Result, Indicator):
        assert not model.history.filter(key__startswith="demo-").exists()


def test_remove_demo_keeps_a_demo_accounts_change_to_a_real_period_without_the_account(
    demo, real_framework
):
    """A demo officer enters an actual on a real indicator: the value stays (it is the record's
    state), the account is removed from the period and its history, the change is listed."""
    period = real_framework.periods.get()
    period.actual, period.actual_status = Decimal("7"), Period.Status.PENDING
    period.actual_entered_by = demo["demo-officer"]
    period._history_user = demo["demo-officer"]
    period.save()

    out = io.StringIO()
    call_command("remove_demo", stdout=out)

    period.refresh_from_db()
    assert period.actual == Decimal("7") and period.actual_entered_by is None
    latest = period.history.latest()
    assert latest.history_user is None and latest.history_change_reason == REMOVED_REASON
    assert latest.actual_entered_by_id is None
    assert "1 change(s) by demo accounts to real records" in out.getvalue()
    assert Indicator.objects.filter(key="real-indicator").exists()


# --------------------------------------------------------------------------------------------
# seed_scale
# --------------------------------------------------------------------------------------------
SMALL = {"events": 40, "participants": 30, "participations": 60, "seizures": 20,
         "contributions": 20}


def seed(**options):
    call_command("seed_scale", **{**SMALL, **options}, stdout=io.StringIO(),
                 stderr=io.StringIO())


def test_seed_scale_writes_a_framework_on_every_synthetic_project(db):
    seed()
    projects = list(Project.objects.filter(code__startswith="SYN"))
    assert projects
    for project in projects:
        results = list(project.results.all())
        outcome = next(r for r in results if r.kind == Result.Kind.OUTCOME)
        assert any(r.parent_id == outcome.pk for r in results)
        indicators = Indicator.objects.filter(result__project=project)
        assert indicators.count() >= 4
        sources = set(indicators.values_list("source", flat=True))
        assert {S.PEOPLE_TRAINED, S.MANUAL} <= sources and len(sources) >= 4
        spans = {(p.end - p.start).days
                 for p in Period.objects.filter(indicator__result__project=project)}
        assert any(89 <= days <= 91 for days in spans) and (364 in spans or 365 in spans)
        assert progress.framework(project, AnonymousUser())
    assert Indicator.objects.filter(is_headline=True).exists()
    statuses = set(Period.objects.values_list("actual_status", flat=True))
    assert {Period.Status.APPROVED, Period.Status.PENDING} <= statuses
    (run,) = SyntheticData.objects.all()
    assert run.sizes["indicators"] == Indicator.objects.count()
    assert run.sizes["periods"] == Period.objects.count()


def test_seed_scales_frameworks_are_valid_and_have_their_created_history(db):
    """Written in bulk (COPY on PostgreSQL), each row is what a validated save would store."""
    seed()
    for model in (Result, Indicator, Period):
        records = list(model.objects.all())
        assert records
        for record in records:
            record.full_clean()
            assert record.history.count() == 1
    for indicator in Indicator.objects.all():
        assert isinstance(indicator.event_kinds, list)
        assert indicator.title_en == indicator.title
    for indicator in Indicator.objects.filter(source=S.EVENTS_HELD):
        assert indicator.event_kinds  # read back from the JSON written


def test_seed_scale_refuses_a_framework_that_is_real_work(db, settings):
    """A period an admin added to one of the bulletin's indicators is real work: seed_scale
    refuses the database, naming it."""
    settings.DEBUG = False
    call_command("load_fixtures", verbosity=0)
    factories.PeriodFactory(
        indicator=Indicator.objects.get(key="tarcet-acetic-anhydride-seized-since-2008"),
        start=datetime.date(2011, 1, 1), end=datetime.date(2011, 12, 31), target=None)
    with pytest.raises(CommandError, match=r"neither the bulletin's.*1 periods"):
        seed()
    assert not SyntheticData.objects.exists()


def test_seed_scale_refuses_a_result_that_is_neither_the_bulletins_nor_its_own(db):
    call_command("load_fixtures", verbosity=0)
    factories.ResultFactory(key="an-officers-outcome",
                            project=Project.objects.get(code="KGZK50"))
    with pytest.raises(CommandError, match=r"1 results"):
        seed()


def test_seed_scale_runs_over_the_bulletins_results(db):
    call_command("load_fixtures", verbosity=0)
    seed()
    assert Indicator.objects.filter(key="tarcet-acetic-anhydride-seized-since-2008").exists()
    assert Indicator.objects.filter(key__startswith="synthetic-").exists()
