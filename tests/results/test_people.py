"""People trained and participants reported, computed from the participant record
(``results.people``): who counts, where an event is placed, 0 versus no data, the protected
breakdowns, and a fixed number of queries."""

import calendar
import datetime
import random
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from activities.models import Event, Participant, Participation
from activities.privacy import FEWER_THAN, NOT_SHOWN
from results import people
from results.models import Indicator
from results.progress import Actual
from tests import factories
from unodc_portal.core.roles import DEMO_GROUP, can_see_personal_data, is_demo_user

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()
TRAINED = Indicator.Source.PEOPLE_TRAINED
REPORTED = Indicator.Source.REPORTED_PARTICIPANTS
D = datetime.date
YEAR_2011 = (D(2011, 1, 1), D(2011, 12, 31))
QUARTERS_2011 = [(D(2011, 1, 1), D(2011, 3, 31)), (D(2011, 4, 1), D(2011, 6, 30)),
                 (D(2011, 7, 1), D(2011, 9, 30)), (D(2011, 10, 1), D(2011, 12, 31))]


def indicator(project, periods, source=TRAINED, **fields):
    """An indicator of ``project`` with ``periods`` ((start, end) pairs), loaded as the
    framework loads it (project selected, periods prefetched)."""
    made = factories.IndicatorFactory(result__project=project, source=source, **fields)
    for start, end in periods:
        factories.PeriodFactory(indicator=made, start=start, end=end)
    return loaded(made)[0]


def loaded(*indicators):
    return list(
        Indicator.objects.filter(pk__in=[i.pk for i in indicators])
        .select_related("result__project").prefetch_related("periods").order_by("pk")
    )


FEBRUARY_2011 = D(2011, 2, 21)


def event(project, start=FEBRUARY_2011, **fields):
    fields.setdefault("end_date", start)
    made = factories.EventFactory(start_date=start, **fields)
    made.projects.add(project)
    return made


def attend(events, person=None, status=Participation.Status.ATTENDED, **person_fields):
    person = person or factories.ParticipantFactory(**person_fields)
    for at in events if isinstance(events, list) else [events]:
        factories.ParticipationFactory(participant=person, event=at, status=status)
    return person


def by_period(actuals, ind):
    """The actuals of ``ind``'s periods in the order the test made them."""
    return [actuals[p.pk] for p in sorted(ind.periods.all(), key=lambda p: p.pk)]


def values(actuals, ind):
    return [a.value for a in by_period(actuals, ind)]


def demo_user():
    user = factories.UserFactory(username="demo-viewer")
    user.groups.add(Group.objects.get_or_create(name=DEMO_GROUP)[0])
    return user


# Who counts -----------------------------------------------------------------------------------
def test_a_person_at_two_events_of_the_period_is_trained_once():
    project = factories.ProjectFactory()
    ind = indicator(project, [YEAR_2011])
    first, second = event(project, D(2011, 3, 1)), event(project, D(2011, 5, 1))
    attend([first, second])
    attend(second)
    assert values(people.people_trained([ind], ANONYMOUS), ind) == [Decimal(2)]


def test_only_attended_participations_count():
    project = factories.ProjectFactory()
    ind = indicator(project, [YEAR_2011])
    held = event(project)
    attend(held)
    attend(held, status=Participation.Status.REGISTERED)
    attend(held, status=Participation.Status.ABSENT)
    assert values(people.people_trained([ind], ANONYMOUS), ind) == [Decimal(1)]


def test_only_the_indicators_event_kinds_count_when_it_names_some():
    project = factories.ProjectFactory()
    courses = indicator(project, [YEAR_2011], event_kinds=[Event.Kind.TRAINING_COURSE,
                                                           Event.Kind.DOG_HANDLER_COURSE])
    every = indicator(project, [YEAR_2011])
    attend(event(project, kind=Event.Kind.TRAINING_COURSE))
    attend(event(project, kind=Event.Kind.DOG_HANDLER_COURSE))
    attend(event(project, kind=Event.Kind.CONFERENCE))
    actuals = people.people_trained(loaded(courses, every), ANONYMOUS)
    assert values(actuals, courses) == [Decimal(2)]
    assert values(actuals, every) == [Decimal(3)]


def test_other_projects_events_do_not_count():
    project, other = factories.ProjectFactory(), factories.ProjectFactory()
    ind = indicator(project, [YEAR_2011])
    attend(event(project))
    attend(event(other))
    shared = event(other)
    shared.projects.add(project)
    attend(shared)
    assert values(people.people_trained([ind], ANONYMOUS), ind) == [Decimal(2)]


def test_a_year_is_counted_over_the_year_never_added_up_from_its_quarters():
    project = factories.ProjectFactory()
    ind = indicator(project, [*QUARTERS_2011, YEAR_2011])
    q1, q2, q4 = (event(project, D(2011, 2, 1)), event(project, D(2011, 5, 1)),
                  event(project, D(2011, 11, 1)))
    attend([q1, q2, q4])  # the same person each quarter
    attend(q2)
    actuals = people.people_trained([ind], ANONYMOUS)
    assert values(actuals, ind) == [Decimal(1), Decimal(2), Decimal(0), Decimal(1), Decimal(2)]
    assert sum(values(actuals, ind)[:4]) == Decimal(4)  # what adding up would have said


def test_period_boundaries_are_inclusive():
    project = factories.ProjectFactory()
    ind = indicator(project, QUARTERS_2011[:2])
    attend(event(project, D(2011, 3, 31)))
    attend(event(project, D(2011, 4, 1)))
    assert values(people.people_trained([ind], ANONYMOUS), ind) == [Decimal(1), Decimal(1)]


# Events known only by year or month -------------------------------------------------------------
def test_an_event_known_only_by_its_year_counts_in_periods_covering_the_year():
    project = factories.ProjectFactory()
    ind = indicator(project, [*QUARTERS_2011, YEAR_2011, (D(2010, 7, 1), D(2012, 6, 30))])
    year_only, also_year_only = event(project, None, year=2011), event(project, None, year=2011)
    attend([year_only, also_year_only])
    attend(year_only)
    attend(event(project, D(2011, 2, 1)))
    actuals = people.people_trained([ind], ANONYMOUS)
    assert values(actuals, ind) == [Decimal(1), Decimal(0), Decimal(0), Decimal(0),
                                    Decimal(3), Decimal(3)]
    for quarter in by_period(actuals, ind)[:4]:  # listed once, its people counted once
        assert [(str(u.label), u.value) for u in quarter.unplaced] == [
            ("2011 (year only, not placed)", Decimal(2))]
    assert [a.unplaced for a in by_period(actuals, ind)[4:]] == [[], []]


def test_an_event_known_only_by_year_and_month_counts_in_periods_covering_the_month():
    project = factories.ProjectFactory()
    ind = indicator(project, [QUARTERS_2011[1], (D(2011, 4, 15), D(2011, 6, 30)),
                              (D(2011, 5, 1), D(2011, 5, 31)), (D(2011, 9, 1), D(2011, 9, 30)),
                              (D(2011, 1, 1), D(2011, 4, 30))])
    attend(event(project, None, year=2011, month=4, date_wording="late April"))
    actuals = people.people_trained([ind], ANONYMOUS)
    assert values(actuals, ind) == [Decimal(1), Decimal(0), Decimal(0), Decimal(0), Decimal(1)]
    listed = [[(str(u.label), u.value) for u in a.unplaced] for a in by_period(actuals, ind)]
    assert listed == [[], [("April 2011 (month only, not placed)", Decimal(1))], [], [], []]


def test_an_undated_event_counts_nowhere_and_alone_is_no_data():
    project = factories.ProjectFactory()
    ind = indicator(project, [YEAR_2011])
    attend(event(project, None))
    assert by_period(people.people_trained([ind], ANONYMOUS), ind) == [Actual(Actual.NO_DATA)]


def test_the_unplaced_label_is_translated_when_displayed():
    project = factories.ProjectFactory()
    ind = indicator(project, [QUARTERS_2011[0]])
    attend(event(project, None, year=2011))
    [actual] = by_period(people.people_trained([ind], ANONYMOUS), ind)
    label = actual.unplaced[0].label
    with translation.override("ru"):
        in_russian = str(label)
    assert str(label) == "2011 (year only, not placed)"
    assert "2011" in in_russian


# 0 versus no data -----------------------------------------------------------------------------
def test_a_period_without_records_reads_0_when_the_project_has_some_else_no_data():
    project, empty = factories.ProjectFactory(), factories.ProjectFactory()
    ind = indicator(project, [(D(2012, 1, 1), D(2012, 12, 31))])
    none = indicator(empty, [(D(2012, 1, 1), D(2012, 12, 31))])
    attend(event(project, D(2011, 2, 1)))
    attend(event(empty), status=Participation.Status.REGISTERED)  # nobody attended
    actuals = people.people_trained(loaded(ind, none), ANONYMOUS)
    assert by_period(actuals, ind)[0].state == Actual.VALUE
    assert values(actuals, ind) == [Decimal(0)]
    assert by_period(actuals, none) == [Actual(Actual.NO_DATA)]


def test_records_of_other_kinds_leave_an_indicator_with_no_data():
    project = factories.ProjectFactory()
    ind = indicator(project, [YEAR_2011], event_kinds=[Event.Kind.TRAINING_COURSE])
    attend(event(project, kind=Event.Kind.CONFERENCE))
    assert by_period(people.people_trained([ind], ANONYMOUS), ind) == [Actual(Actual.NO_DATA)]


# Real and demo worlds ---------------------------------------------------------------------------
def test_a_real_project_counts_real_records_only():
    project = factories.ProjectFactory()
    ind = indicator(project, [YEAR_2011])
    attend(event(project))
    attend(event(project, is_demo=True))
    attend(event(project), is_demo=True)
    demo_participation = factories.ParticipationFactory(event=event(project), is_demo=True)
    assert demo_participation.status == Participation.Status.ATTENDED
    assert values(people.people_trained([ind], demo_user()), ind) == [Decimal(1)]


def test_a_demo_project_counts_its_own_events_demo_included():
    real, demo = factories.ProjectFactory(), factories.ProjectFactory(is_demo=True)
    real_ind, demo_ind = indicator(real, [YEAR_2011]), indicator(demo, [YEAR_2011])
    shared_demo_event = event(demo, is_demo=True)
    shared_demo_event.projects.add(real)  # a demo event linked to a real project
    attend(shared_demo_event)
    attend(event(demo), is_demo=True)
    attend(event(real))
    actuals = people.people_trained(loaded(real_ind, demo_ind), demo_user())
    assert values(actuals, demo_ind) == [Decimal(2)]
    assert values(actuals, real_ind) == [Decimal(1)]


def test_a_demo_project_gets_no_figures_for_other_accounts():
    demo = factories.ProjectFactory(is_demo=True)
    ind = indicator(demo, [YEAR_2011])
    attend(event(demo))
    assert people.people_trained([ind], ANONYMOUS) == {}
    assert people.reported_participants([ind], ANONYMOUS) == {}


# Breakdowns ------------------------------------------------------------------------------------
def shown(cells):
    return {cell.key: cell.shown for cell in cells}


def test_the_breakdowns_show_groups_of_three_or_more():
    project = factories.ProjectFactory()
    ind = indicator(project, [YEAR_2011])
    held = event(project)
    for _ in range(4):
        attend(held, sex=Participant.Sex.FEMALE, country=factories.CountryFactory(code="KZ"))
    for _ in range(3):
        attend(held, sex=Participant.Sex.MALE, country=factories.CountryFactory(code="TJ"))
    [actual] = by_period(people.people_trained([ind], ANONYMOUS), ind)
    assert actual.value == Decimal(7)
    assert [(c.key, str(c.label), c.value, str(c.shown)) for c in actual.breakdown["sex"]] == [
        ("female", "Female", Decimal(4), "4"), ("male", "Male", Decimal(3), "3")]
    assert [(c.key, c.value) for c in actual.breakdown["country"]] == [
        ("KZ", Decimal(4)), ("TJ", Decimal(3))]


def test_a_small_group_is_hidden_and_cannot_be_worked_out_from_the_total(officer_user):
    project = factories.ProjectFactory()
    ind = indicator(project, [YEAR_2011])
    held = event(project)
    kg, tj, uz = (factories.CountryFactory(code=code) for code in ("KG", "TJ", "UZ"))
    for _ in range(5):
        attend(held, sex=Participant.Sex.MALE, country=kg)
    for _ in range(4):
        attend(held, sex=Participant.Sex.FEMALE, country=tj)
    attend(held, sex=Participant.Sex.NOT_RECORDED, country=uz)
    [actual] = by_period(people.people_trained([ind], officer_user), ind)
    assert actual.value == Decimal(10)
    for dimension, small, complementary in (("sex", "not_recorded", "female"),
                                            ("country", "UZ", "TJ")):
        cells = actual.breakdown[dimension]
        assert shown(cells)[small] == str(FEWER_THAN)
        assert shown(cells)[complementary] == str(NOT_SHOWN)
        hidden = [c for c in cells if c.value is None]
        assert {c.key for c in hidden} == {small, complementary}
        # The total less the shown groups leaves more than one way to split the hidden ones.
        rest = actual.value - sum(c.value for c in cells if c.value is not None)
        splits = [(a, rest - a) for a in (1, 2) if rest - a >= 3]
        assert len(splits) == 2
        # Hidden groups come after the shown ones.
        assert [c.value is None for c in cells] == sorted(c.value is None for c in cells)
    # What a hidden cell prints follows the reader's language, not the one it was computed in.
    small = next(c for c in actual.breakdown["sex"] if c.key == "not_recorded")
    with translation.override("ru"):
        assert str(small.shown) == str(FEWER_THAN) != "fewer than 3"


def test_a_person_without_a_country_is_counted_as_not_recorded(officer_user):
    project = factories.ProjectFactory()
    ind = indicator(project, [YEAR_2011])
    held = event(project)
    for _ in range(3):
        attend(held, country=None)
    [actual] = by_period(people.people_trained([ind], officer_user), ind)
    assert [(c.key, str(c.label), c.value) for c in actual.breakdown["country"]] == [
        ("", "Not recorded", Decimal(3))]


def test_fewer_than_three_people_get_no_breakdown(officer_user):
    project = factories.ProjectFactory()
    ind = indicator(project, [YEAR_2011])
    attend(event(project))
    attend(event(project))
    [actual] = by_period(people.people_trained([ind], officer_user), ind)
    assert actual.value == Decimal(2)
    assert actual.breakdown == {"sex": [], "country": []}


def test_each_period_is_broken_down_over_its_own_people():
    project = factories.ProjectFactory()
    ind = indicator(project, QUARTERS_2011[:2])
    first, second = event(project, D(2011, 2, 1)), event(project, D(2011, 5, 1))
    for _ in range(3):
        attend(first, sex=Participant.Sex.FEMALE)
    for _ in range(4):
        attend(second, sex=Participant.Sex.MALE)
    q1, q2 = by_period(people.people_trained([ind], ANONYMOUS), ind)
    assert [(c.key, c.value) for c in q1.breakdown["sex"]] == [("female", Decimal(3))]
    assert [(c.key, c.value) for c in q2.breakdown["sex"]] == [("male", Decimal(4))]


# Participants reported --------------------------------------------------------------------------
def test_reported_participants_add_up_the_reported_counts_apart_from_people_trained():
    project = factories.ProjectFactory()
    trained = indicator(project, [*QUARTERS_2011[:2], YEAR_2011])
    reported = indicator(project, [*QUARTERS_2011[:2], YEAR_2011], source=REPORTED)
    first = event(project, D(2011, 2, 1), reported_participants=41,
                  reported_participants_wording="over forty one")
    event(project, D(2011, 5, 1), reported_participants=12)
    event(project, D(2011, 5, 2))  # no count reported
    attend(first)
    both = loaded(trained, reported)
    assert values(people.reported_participants(both, ANONYMOUS), reported) == [
        Decimal(41), Decimal(12), Decimal(53)]
    assert values(people.people_trained(both, ANONYMOUS), trained) == [
        Decimal(1), Decimal(0), Decimal(1)]


def test_reported_participants_follow_kinds_worlds_and_placement():
    project = factories.ProjectFactory()
    ind = indicator(project, [QUARTERS_2011[0], YEAR_2011], source=REPORTED,
                    event_kinds=[Event.Kind.WORKSHOP])
    event(project, D(2011, 2, 1), reported_participants=10)
    event(project, D(2011, 2, 1), reported_participants=100, kind=Event.Kind.CONFERENCE)
    event(project, D(2011, 2, 1), reported_participants=1000, is_demo=True)
    event(project, None, year=2011, reported_participants=7)
    event(project, None, year=2011, reported_participants=2)
    other = event(factories.ProjectFactory(), D(2011, 2, 1), reported_participants=5)
    other.projects.add(factories.ProjectFactory())
    actuals = people.reported_participants([ind], ANONYMOUS)
    assert values(actuals, ind) == [Decimal(10), Decimal(19)]
    assert [(str(u.label), u.value) for u in by_period(actuals, ind)[0].unplaced] == [
        ("2011 (year only, not placed)", Decimal(9))]


def test_reported_participants_read_no_data_without_a_reported_count():
    project = factories.ProjectFactory()
    ind = indicator(project, [YEAR_2011, (D(2012, 1, 1), D(2012, 12, 31))], source=REPORTED)
    attend(event(project))  # attendees, but no reported count
    assert by_period(people.reported_participants([ind], ANONYMOUS), ind) == [
        Actual(Actual.NO_DATA), Actual(Actual.NO_DATA)]
    event(project, reported_participants=0)
    assert values(people.reported_participants([ind], ANONYMOUS), ind) == [
        Decimal(0), Decimal(0)]


# Queries ---------------------------------------------------------------------------------------
def queries(function, indicators):
    with CaptureQueriesContext(connection) as ctx:
        function(indicators, ANONYMOUS)
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("function, expected", [(people.people_trained, 2),
                                                 (people.reported_participants, 2)])
def test_queries_do_not_grow_with_participations_periods_or_indicators(function, expected):
    project = factories.ProjectFactory()
    one = indicator(project, [YEAR_2011])
    held = event(project, reported_participants=3)
    attend(held)
    at_one, _sql = queries(function, [one])
    for n in range(29):
        attend(event(project, D(2011, 1 + n % 12, 1), reported_participants=n,
                     kind=Event.Kind.TRAINING_COURSE if n % 2 else Event.Kind.WORKSHOP))
        attend(event(project, None, year=2011, month=1 + n % 12))
    many = [indicator(project, [*QUARTERS_2011, YEAR_2011]),
            indicator(factories.ProjectFactory(), [YEAR_2011],
                      event_kinds=[Event.Kind.TRAINING_COURSE]),
            indicator(factories.ProjectFactory(is_demo=True), QUARTERS_2011)]
    user = demo_user()
    assert is_demo_user(user)  # asked once per request and kept on the user
    assert not can_see_personal_data(user)  # so are the user's permissions
    with CaptureQueriesContext(connection) as ctx:
        function([one, *many], user)
    at_thirty = len(ctx.captured_queries)
    assert at_one == at_thirty == expected, "\n".join(q["sql"] for q in ctx.captured_queries)


def test_no_indicators_no_queries():
    assert queries(people.people_trained, []) == (0, [])
    assert queries(people.reported_participants, []) == (0, [])


def test_a_public_reader_sees_no_breakdown_of_a_project_where_any_period_hides_a_group(
        officer_user):
    """A quarter's people nest in its year's: the year's shown groups beside the quarter's
    hidden ones would bound them (3 men in the year leave the quarter's hidden groups one
    split). So a reader without the right to personal data gets a project's people-trained
    breakdowns only where none hides a group; officers get protect()'s cells for each."""
    project = factories.ProjectFactory()
    ind = indicator(project, [QUARTERS_2011[0], YEAR_2011])
    other = indicator(project, [QUARTERS_2011[2]])
    q1, q3 = event(project, D(2011, 2, 1)), event(project, D(2011, 8, 1))
    for sex, n in ((Participant.Sex.FEMALE, 2), (Participant.Sex.MALE, 3),
                   (Participant.Sex.NOT_RECORDED, 6)):
        for _ in range(n):
            attend(q1, sex=sex)
    for _ in range(3):
        attend(q3, sex=Participant.Sex.FEMALE)
    quarter, year = by_period(people.people_trained([ind], officer_user), ind)
    assert {c.key for c in quarter.breakdown["sex"] if c.value is None} == {"female", "male"}
    assert None not in {c.value for c in year.breakdown["sex"]}
    public = people.people_trained([ind, other], ANONYMOUS)
    for actual in [*by_period(public, ind), *by_period(public, other)]:
        assert actual.state == Actual.VALUE and actual.value
        assert actual.breakdown == {} and actual.withheld
    assert [a.value for a in by_period(public, ind)] == [quarter.value, year.value]


def test_a_public_reader_sees_breakdowns_where_no_period_hides_a_group():
    project = factories.ProjectFactory()
    ind = indicator(project, [QUARTERS_2011[0], YEAR_2011])
    held = event(project, D(2011, 2, 1))
    kz = factories.CountryFactory(code="KZ")
    for sex in (Participant.Sex.FEMALE, Participant.Sex.MALE):
        for _ in range(3):
            attend(held, sex=sex, country=kz)
    quarter, year = by_period(people.people_trained([ind], ANONYMOUS), ind)
    for actual in (quarter, year):
        assert not actual.withheld
        assert [(c.key, c.value) for c in actual.breakdown["sex"]] == [
            ("female", Decimal(3)), ("male", Decimal(3))]
        assert [(c.key, c.value) for c in actual.breakdown["country"]] == [("KZ", Decimal(6))]


# The counts against a straightforward per-period distinct count --------------------------------
def reference_counts(indicators):
    """Each period's distinct attendees by sex and by country, and the indicators with a record
    that could count, worked out in Python one period at a time from the rules (not from
    ``people.placed()``)."""

    def placed_in(at, period):
        if at.start_date:
            return period.start <= at.start_date <= period.end
        if at.year and at.month:
            last = D(at.year, at.month, calendar.monthrange(at.year, at.month)[1])
            return period.start <= D(at.year, at.month, 1) and last <= period.end
        if at.year:
            return period.start <= D(at.year, 1, 1) and D(at.year, 12, 31) <= period.end
        return False

    rows = list(Participation.objects.filter(status=Participation.Status.ATTENDED)
                .select_related("event", "participant__country")
                .prefetch_related("event__projects"))
    by_sex, by_country, could = {}, {}, set()
    for ind in indicators:
        project = ind.result.project
        counted = [
            pa for pa in rows
            if project in pa.event.projects.all()
            and (not ind.event_kinds or pa.event.kind in ind.event_kinds)
            and (project.is_demo or not (pa.is_demo or pa.participant.is_demo
                                         or pa.event.is_demo))
        ]
        if any(pa.event.year for pa in counted):
            could.add(ind.pk)
        for period in ind.periods.all():
            people_in = {pa.participant for pa in counted if placed_in(pa.event, period)}
            for counts, key in ((by_sex, lambda p: p.sex),
                                (by_country, lambda p: p.country.code if p.country else None)):
                groups = {}
                for person in people_in:
                    groups[key(person)] = groups.get(key(person), 0) + 1
                if groups:
                    counts[period.pk] = groups
    return by_sex, by_country, could


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_counts_equal_a_per_period_distinct_count_over_random_records(seed):
    rng = random.Random(seed)
    kinds = [Event.Kind.WORKSHOP, Event.Kind.TRAINING_COURSE, Event.Kind.CONFERENCE]
    projects = [factories.ProjectFactory(), factories.ProjectFactory(),
                factories.ProjectFactory(is_demo=True)]
    organisation = factories.OrganisationFactory()
    countries = [factories.CountryFactory(code="KG"), factories.CountryFactory(code="KZ"), None]
    people_ = [factories.ParticipantFactory(
        organisation=organisation, sex=rng.choice(list(Participant.Sex)),
        country=rng.choice(countries), is_demo=rng.random() < 0.2) for _n in range(30)]
    events = []
    for _n in range(45):
        year, month, day = rng.randint(2009, 2012), rng.randint(1, 12), rng.randint(1, 28)
        dated = rng.choice(["day", "day", "month", "year", "none"])
        made = factories.EventFactory(
            kind=rng.choice(kinds), is_demo=rng.random() < 0.2,
            start_date=D(year, month, day) if dated == "day" else None,
            end_date=D(year, month, day) if dated == "day" else None,
            year=None if dated == "none" else year,
            month=month if dated == "month" else None)
        made.projects.add(*rng.sample(projects, rng.randint(1, 2)))
        events.append(made)
    for at, person in rng.sample([(e, p) for e in events for p in people_], 300):
        factories.ParticipationFactory(
            event=at, participant=person, is_demo=rng.random() < 0.1,
            status=rng.choice([Participation.Status.ATTENDED] * 3 + [Participation.Status.ABSENT]))

    def random_period():
        if rng.random() < 0.5:  # whole months, quarters, years: where month and year events fall
            year, month = rng.randint(2009, 2012), rng.choice([1, 1, 4, 7, 10, 12])
            start = D(year, month, 1)
            months = rng.choice([1, 3, 12, 24])
            end_month = month + months - 1
            end_year = year + (end_month - 1) // 12
            end_month = (end_month - 1) % 12 + 1
            return start, D(end_year, end_month, calendar.monthrange(end_year, end_month)[1])
        start = D(2009, 1, 1) + datetime.timedelta(days=rng.randint(0, 4 * 365))
        return start, start + datetime.timedelta(days=rng.randint(0, 700))

    made = []
    for project in projects:
        for event_kinds in ([], [kinds[0]], kinds[1:]):
            made.append(indicator(project, sorted({random_period() for _n in range(6)}),
                                  event_kinds=event_kinds))
    indicators = loaded(*made)
    user = demo_user()

    by_sex, by_country, could = people._attendees(people._Batch(indicators, user, "event__"))
    expected_sex, expected_country, expected_could = reference_counts(indicators)
    assert {pk: dict(groups) for pk, groups in by_sex.items()} == expected_sex
    assert {pk: dict(groups) for pk, groups in by_country.items()} == expected_country
    assert could == expected_could
    assert expected_sex and len(expected_could) > 1  # the random record counts somewhere

    actuals = people.people_trained(indicators, user)
    for ind in indicators:
        for period in ind.periods.all():
            if ind.pk not in expected_could:
                assert actuals[period.pk] == Actual(Actual.NO_DATA)
            else:
                assert actuals[period.pk].value == sum(expected_sex.get(period.pk, {}).values())
