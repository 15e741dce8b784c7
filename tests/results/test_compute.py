"""The dispatcher (``results.compute``): entered actuals by role, qualitative notes, a number of
queries that does not grow with the record or the periods, and the figures' cache."""

import datetime
import logging
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.models import Event, Participation
from results import compute
from results.models import Indicator, Period
from results.progress import Actual, current_period, framework, headline
from tests import factories
from tests.results.test_record import actuals
from unodc_portal.core import pagecache

D = datetime.date
Q2 = (D(2011, 4, 1), D(2011, 6, 30))


def actuals_of(project, user) -> dict[int, Actual]:
    return actuals(project, user)


@pytest.fixture
def readers(db, donor_user, officer_user, admin_user):
    return {"anonymous": AnonymousUser(), "donor": donor_user, "officer": officer_user,
            "admin": admin_user}


# --------------------------------------------------------------------------------------------
# Entered actuals
# --------------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("role, pending_state", [
    ("anonymous", Actual.NO_DATA), ("donor", Actual.NO_DATA),
    ("officer", Actual.PENDING), ("admin", Actual.PENDING),
])
def test_an_approved_actual_is_shown_to_all_a_pending_one_to_officers_and_admins(
        readers, role, pending_state):
    indicator = factories.IndicatorFactory()
    approved = factories.PeriodFactory(indicator=indicator, actual=Decimal("12"),
                                       actual_status=Period.Status.APPROVED, actual_note="ok")
    pending = factories.PeriodFactory(indicator=indicator, start=D(2012, 1, 1),
                                      end=D(2012, 12, 31), actual=Decimal("30"),
                                      actual_status=Period.Status.PENDING)
    empty = factories.PeriodFactory(indicator=indicator, start=D(2013, 1, 1),
                                    end=D(2013, 12, 31))
    found = actuals_of(indicator.result.project, readers[role])
    assert (found[approved.pk].state, found[approved.pk].value, found[approved.pk].note) == (
        Actual.VALUE, Decimal("12"), "ok")
    assert found[pending.pk].state == pending_state
    assert found[pending.pk].value == (Decimal("30") if pending_state == Actual.PENDING
                                       else None)
    assert found[empty.pk].state == Actual.NO_DATA


@pytest.mark.django_db
def test_a_qualitative_note_stands_where_no_number_is_shown(readers):
    words = "more than forty tonnes of acetic anhydride since 2008"
    indicator = factories.IndicatorFactory(qualitative_note=words)
    period = factories.PeriodFactory(indicator=indicator)
    pending = factories.PeriodFactory(indicator=indicator, start=D(2012, 1, 1),
                                      end=D(2012, 12, 31), actual=Decimal("3"),
                                      actual_status=Period.Status.PENDING)
    events = factories.IndicatorFactory(
        result__project=indicator.result.project, qualitative_note=words,
        source=Indicator.Source.EVENTS_HELD, event_kinds=[Event.Kind.WORKSHOP])
    no_events = factories.PeriodFactory(indicator=events)
    public = actuals_of(indicator.result.project, readers["anonymous"])
    assert (public[period.pk].state, public[period.pk].note) == (Actual.QUALITATIVE, words)
    assert public[pending.pk].state == Actual.QUALITATIVE
    assert public[no_events.pk].state == Actual.QUALITATIVE
    assert actuals_of(indicator.result.project, readers["officer"])[pending.pk].state == (
        Actual.PENDING)


# --------------------------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------------------------
SOURCES = [Indicator.Source.MANUAL, Indicator.Source.PEOPLE_TRAINED,
           Indicator.Source.REPORTED_PARTICIPANTS, Indicator.Source.EVENTS_HELD,
           Indicator.Source.SEIZURES_KG, Indicator.Source.CONTRIBUTIONS_RECEIVED]


class World:
    """Projects with an indicator of every source; ``add(n)`` adds n events (each with a
    participation), seizures, contributions and periods of every indicator to each."""

    def __init__(self, projects: int, headline: bool = False):
        self.substance = factories.SubstanceFactory(slug="heroin")
        self.projects = [factories.ProjectFactory() for _ in range(projects)]
        self.indicators = [
            factories.IndicatorFactory(
                result__project=project, source=source, is_headline=headline,
                measure=Indicator.SOURCE_MEASURE.get(source, Indicator.Measure.COUNT),
                event_kinds=[Event.Kind.WORKSHOP] if source == Indicator.Source.EVENTS_HELD
                else [],
                substance=self.substance if source == Indicator.Source.SEIZURES_KG else None,
            )
            for project in self.projects for source in SOURCES
        ]
        self.added = 0

    def add(self, n: int):
        for i in range(self.added, self.added + n):
            year = 1990 + i
            for project in self.projects:
                event = factories.EventFactory(projects=[project], start_date=D(year, 3, 1),
                                               end_date=None)
                factories.ParticipationFactory(event=event,
                                               status=Participation.Status.ATTENDED)
                factories.SeizureFactory(project=project, substance=self.substance,
                                         date=D(year, 3, 2))
                factories.ContributionFactory(project=project, date=D(year, 3, 3),
                                              currency="EUR" if i % 2 else "USD")
            for indicator in self.indicators:
                factories.PeriodFactory(indicator=indicator, start=D(year, 1, 1),
                                        end=D(year, 12, 31), actual=Decimal(i),
                                        actual_status=(Period.Status.APPROVED
                                                       if indicator.source == "manual" else ""))
        self.added += n


def queries(function) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        function()
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


# framework(): the results, the indicators, their periods, one query per computed source
# present (people: results.people's own), and the reader's account (donor, groups, perms).
BUDGET = 12


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "donor", "officer", "admin"])
def test_the_framework_costs_the_same_at_1_and_30_records_and_periods(readers, role):
    world = World(projects=1)
    user = readers[role]
    project = world.projects[0]
    world.add(1)
    framework(project, user)  # the reader's account and permissions, read once
    at_one, _ = queries(lambda: framework(project, user))
    world.add(29)
    at_thirty, sql = queries(lambda: framework(project, user))
    assert at_one == at_thirty, "\n".join(sql)
    assert at_thirty <= BUDGET, "\n".join(sql)
    found = actuals_of(project, user)
    assert len(found) == 30 * len(SOURCES)
    events = [a for i in world.indicators if i.source == Indicator.Source.EVENTS_HELD
              for p, a in found.items() if p in {x.pk for x in i.periods.all()}]
    assert {a.value for a in events} == {1}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "officer"])
def test_the_headline_costs_the_same_whatever_the_projects_records_and_periods(readers, role):
    world = World(projects=3, headline=True)
    user = readers[role]
    world.add(1)
    headline(user)
    at_one, _ = queries(lambda: headline(user))
    world.add(29)
    at_thirty, sql = queries(lambda: headline(user))
    assert at_one == at_thirty, "\n".join(sql)
    assert at_thirty <= BUDGET, "\n".join(sql)
    rows = headline(user)
    assert len(rows) == 3 * len(SOURCES)
    seizures = [row for row in rows if row.indicator.source == Indicator.Source.SEIZURES_KG]
    assert all(p.actual.value == Decimal("12.5") for row in seizures for p in row.periods)
    events = [row for row in rows if row.indicator.source == Indicator.Source.EVENTS_HELD]
    assert all(p.actual.value == 1 for row in events for p in row.periods)
    received = [row for row in rows
                if row.indicator.source == Indicator.Source.CONTRIBUTIONS_RECEIVED]
    assert all(len(p.actual.per_currency) == 1 for row in received for p in row.periods)


# --------------------------------------------------------------------------------------------
# The cache
# --------------------------------------------------------------------------------------------
@pytest.fixture
def cache_on(settings):
    settings.PAGE_CACHE = True


def computed_sql(sql: list[str]) -> list[str]:
    """The queries that read the record (not the framework itself)."""
    return [q for q in sql if any(table in q for table in (
        "activities_event", "activities_seizure", "donors_contribution"))]


def received_indicator(project):
    indicator = factories.IndicatorFactory(
        result__project=project, source=Indicator.Source.CONTRIBUTIONS_RECEIVED,
        measure=Indicator.Measure.QUANTITY)
    return factories.PeriodFactory(indicator=indicator, start=Q2[0], end=Q2[1])


@pytest.mark.django_db(transaction=True)
def test_a_second_reader_reads_the_cached_figures_until_a_write(cache_on, readers):
    project = factories.ProjectFactory()
    period = received_indicator(project)
    factories.ContributionFactory(project=project, amount=Decimal("10"))
    user = readers["anonymous"]
    assert actuals_of(project, user)[period.pk].usd == Decimal("10")
    _, sql = queries(lambda: actuals_of(project, user))
    assert computed_sql(sql) == [] and actuals_of(project, user)[period.pk].usd == 10
    factories.ContributionFactory(project=project, amount=Decimal("5"))  # commits: invalidates
    _, sql = queries(lambda: actuals_of(project, user))
    assert computed_sql(sql) != []
    assert actuals_of(project, user)[period.pk].usd == Decimal("15")


@pytest.mark.django_db(transaction=True)
def test_cached_breakdowns_and_unplaced_records_read_as_computed(cache_on, readers):
    """Every source's figures survive the cache (its lazy labels included)."""
    world = World(projects=1)
    world.add(2)
    project = world.projects[0]
    factories.EventFactory(projects=[project], start_date=None, end_date=None, year=1990)
    for sex in ("female", "female", "male"):
        factories.ParticipationFactory(
            event=Event.objects.get(projects=project, start_date=D(1990, 3, 1)),
            participant__sex=sex, status=Participation.Status.ATTENDED)

    def shown(found):
        return {pk: (a.state, a.value, [(c.key, str(c.label), c.value, str(c.shown))
                                        for cells in a.breakdown.values() for c in cells],
                     [(str(u.label), u.value) for u in a.unplaced], str(a.note))
                for pk, a in found.items()}

    user = readers["anonymous"]
    computed = shown(actuals_of(project, user))
    _, sql = queries(lambda: actuals_of(project, user))
    assert computed_sql(sql) == []
    assert shown(actuals_of(project, user)) == computed
    assert any(breakdown for _, _, breakdown, _, _ in computed.values())


@pytest.mark.django_db(transaction=True)
def test_the_cache_keeps_each_readers_figures_apart(cache_on, readers):
    project = factories.ProjectFactory()
    period = received_indicator(project)
    own = readers["donor"].donor_account.donor
    factories.ContributionFactory(project=project, amount=Decimal("10"))
    factories.ContributionFactory(project=project, donor=own, amount=Decimal("1"),
                                  is_published=False)
    pending = factories.PeriodFactory(
        indicator__result__project=project, actual=Decimal("4"),
        actual_status=Period.Status.PENDING)
    expected = {"anonymous": (Decimal("10"), Actual.NO_DATA),
                "donor": (Decimal("11"), Actual.NO_DATA),
                "officer": (Decimal("10"), Actual.PENDING),
                "admin": (Decimal("11"), Actual.PENDING)}
    for _ in range(2):  # computed, then read from the cache
        for role, (usd, state) in expected.items():
            found = actuals_of(project, readers[role])
            assert (found[period.pk].usd, found[pending.pk].state) == (usd, state), role


@pytest.mark.django_db(transaction=True)
def test_the_cache_keeps_each_languages_labels_apart(cache_on, readers):
    from django.utils import translation

    project = factories.ProjectFactory()
    indicator = factories.IndicatorFactory(
        result__project=project, source=Indicator.Source.EVENTS_HELD,
        event_kinds=[Event.Kind.WORKSHOP])
    period = factories.PeriodFactory(indicator=indicator, start=D(2011, 4, 1),
                                     end=D(2011, 4, 15))
    factories.EventFactory(projects=[project], start_date=None, end_date=None, year=2011,
                           month=4)
    user = readers["anonymous"]
    english = actuals_of(project, user)[period.pk].unplaced[0].label
    with translation.override("ru"):
        russian = actuals_of(project, user)[period.pk].unplaced[0].label
    assert english == "April 2011 (month only, not placed)"
    assert russian != english and "2011" in russian
    assert actuals_of(project, user)[period.pk].unplaced[0].label == english


@pytest.mark.django_db
def test_figures_are_not_cached_inside_a_transaction_that_wrote(cache_on, readers):
    project = factories.ProjectFactory()
    period = received_indicator(project)
    factories.ContributionFactory(project=project, amount=Decimal("10"))
    user = readers["anonymous"]
    assert actuals_of(project, user)[period.pk].usd == Decimal("10")
    factories.ContributionFactory(project=project, amount=Decimal("5"))  # not committed
    assert actuals_of(project, user)[period.pk].usd == Decimal("15")


class Down:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache down")
        return fail


@pytest.mark.django_db(transaction=True)
def test_a_cache_that_does_not_answer_leaves_the_figures_computed(
        cache_on, readers, monkeypatch, caplog):
    project = factories.ProjectFactory()
    period = received_indicator(project)
    factories.ContributionFactory(project=project, amount=Decimal("10"))
    monkeypatch.setattr(pagecache, "cache", lambda: Down())
    with caplog.at_level(logging.WARNING, logger="results.compute"):
        assert actuals_of(project, readers["anonymous"])[period.pk].usd == Decimal("10")
    assert "does not answer" in caplog.text


@pytest.mark.django_db
def test_with_the_page_cache_off_nothing_is_cached(settings, readers):
    settings.PAGE_CACHE = False
    project = factories.ProjectFactory()
    received_indicator(project)
    user = readers["anonymous"]
    actuals_of(project, user)
    assert compute._cache_key([], user) is None


def test_the_current_period_is_the_latest_begun_else_the_first():
    periods = [factories.PeriodFactory.build(start=datetime.date(y, 1, 1),
                                             end=datetime.date(y, 12, 31))
               for y in (2011, 2012, 2013)]
    assert current_period(periods, datetime.date(2012, 6, 1)) is periods[1]
    assert current_period(periods, datetime.date(2030, 1, 1)) is periods[2]
    assert current_period(periods, datetime.date(2000, 1, 1)) is periods[0]
    assert current_period([], datetime.date(2012, 6, 1)) is None


def test_the_headline_computes_one_period_of_a_computed_indicator(db):
    indicator = factories.IndicatorFactory(
        is_headline=True, source=Indicator.Source.EVENTS_HELD,
        event_kinds=["workshop"], measure=Indicator.Measure.COUNT)
    for year in (2011, 2012, 2013):
        factories.PeriodFactory(indicator=indicator, start=datetime.date(year, 1, 1),
                                end=datetime.date(year, 12, 31))
    manual = factories.IndicatorFactory(is_headline=True, result=indicator.result)
    for year in (2011, 2012):
        factories.PeriodFactory(indicator=manual, start=datetime.date(year, 1, 1),
                                end=datetime.date(year, 12, 31))
    rows = {row.indicator.pk: row for row in headline(AnonymousUser())}
    assert [p.period.start.year for p in rows[indicator.pk].periods] == [2013]
    assert [p.period.start.year for p in rows[manual.pk].periods] == [2011, 2012]
