"""The record's sources of computed indicators (``results.record``): events held, seizures in
kilograms and contributions received, with the placement, "0 versus no data", world and
visibility rules, for every role."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from activities.models import Event, Seizure
from donors.models import Contribution
from results.models import Indicator
from results.progress import Actual, framework
from tests import factories
from unodc_portal.core.roles import DEMO_GROUP

pytestmark = pytest.mark.django_db

D = datetime.date
Q1 = (D(2011, 1, 1), D(2011, 3, 31))
Q2 = (D(2011, 4, 1), D(2011, 6, 30))
YEAR = (D(2011, 1, 1), D(2011, 12, 31))
NEXT_YEAR = (D(2012, 1, 1), D(2012, 12, 31))


def indicator_with_periods(project, source, *periods, **fields):
    measure = Indicator.SOURCE_MEASURE[source]
    indicator = factories.IndicatorFactory(
        result__project=project, source=source, measure=measure, **fields)
    made = [factories.PeriodFactory(indicator=indicator, start=start, end=end)
            for start, end in periods]
    return indicator, made


def actuals(project, user=None) -> dict[int, Actual]:
    """Every period's actual on the project's framework, as ``user`` reads it."""
    user = user or AnonymousUser()
    found = {}

    def walk(rows):
        for row in rows:
            for indicator_row in row.indicators:
                for period_row in indicator_row.periods:
                    found[period_row.period.pk] = period_row.actual
            walk(row.outputs)

    walk(framework(project, user))
    return found


def demo_user():
    user = factories.UserFactory(username="demo-reader")
    user.groups.add(Group.objects.get_or_create(name=DEMO_GROUP)[0])
    return user


# --------------------------------------------------------------------------------------------
# Events held
# --------------------------------------------------------------------------------------------
def test_events_held_counts_the_projects_events_of_its_kinds_by_their_start():
    project, other = factories.ProjectFactory(), factories.ProjectFactory()
    factories.EventFactory(projects=[project], start_date=D(2011, 2, 1), end_date=None)
    factories.EventFactory(projects=[project, other], start_date=D(2011, 3, 31), end_date=None)
    factories.EventFactory(projects=[project], start_date=D(2011, 5, 1), end_date=None)
    factories.EventFactory(projects=[project], kind=Event.Kind.CONFERENCE,
                           start_date=D(2011, 2, 1), end_date=None)
    factories.EventFactory(projects=[other], start_date=D(2011, 2, 1), end_date=None)
    _, (q1, q2, year) = indicator_with_periods(
        project, Indicator.Source.EVENTS_HELD, Q1, Q2, YEAR,
        event_kinds=[Event.Kind.WORKSHOP, Event.Kind.TRAINING_COURSE])
    found = actuals(project)
    assert (found[q1.pk].state, found[q1.pk].value) == (Actual.VALUE, 2)
    assert found[q2.pk].value == 1
    assert found[year.pk].value == 3


def test_an_event_known_by_its_year_counts_in_whole_years_and_is_listed_in_shorter_periods():
    project = factories.ProjectFactory()
    factories.EventFactory(projects=[project], start_date=None, end_date=None, year=2011)
    factories.EventFactory(projects=[project], start_date=D(2011, 2, 1), end_date=None)
    _, (q1, year, following) = indicator_with_periods(
        project, Indicator.Source.EVENTS_HELD, Q1, YEAR, NEXT_YEAR,
        event_kinds=[Event.Kind.WORKSHOP])
    found = actuals(project)
    assert found[year.pk].value == 2 and found[year.pk].unplaced == []
    assert found[q1.pk].value == 1
    assert [(u.label, u.value) for u in found[q1.pk].unplaced] == [
        ("2011 (year only, not placed)", 1)]
    assert found[following.pk].value == 0 and found[following.pk].unplaced == []


def test_an_event_known_by_its_month_counts_in_periods_covering_the_month():
    project = factories.ProjectFactory()
    factories.EventFactory(projects=[project], start_date=None, end_date=None, year=2011,
                           month=4, date_wording="late April")
    _, (q2, half_april) = indicator_with_periods(
        project, Indicator.Source.EVENTS_HELD, Q2, (D(2011, 4, 1), D(2011, 4, 15)),
        event_kinds=[Event.Kind.WORKSHOP])
    found = actuals(project)
    assert found[q2.pk].value == 1
    assert found[half_april.pk].value == 0
    assert [u.label for u in found[half_april.pk].unplaced] == [
        "April 2011 (month only, not placed)"]


def test_events_held_is_zero_with_events_elsewhere_and_no_data_without_any_that_can_count():
    with_events, undated, none = (factories.ProjectFactory() for _ in range(3))
    factories.EventFactory(projects=[with_events], start_date=D(2011, 2, 1), end_date=None)
    factories.EventFactory(projects=[undated], minimal=True)
    factories.EventFactory(projects=[none], kind=Event.Kind.CONFERENCE)
    kinds = {"event_kinds": [Event.Kind.WORKSHOP]}
    _, (zero,) = indicator_with_periods(with_events, Indicator.Source.EVENTS_HELD, Q2, **kinds)
    _, (never,) = indicator_with_periods(undated, Indicator.Source.EVENTS_HELD, Q2, **kinds)
    _, (other_kind,) = indicator_with_periods(none, Indicator.Source.EVENTS_HELD, Q1, **kinds)
    assert (actuals(with_events)[zero.pk].state, actuals(with_events)[zero.pk].value) == (
        Actual.VALUE, 0)
    assert actuals(undated)[never.pk].state == Actual.NO_DATA
    assert actuals(none)[other_kind.pk].state == Actual.NO_DATA


def test_a_real_project_counts_real_events_and_a_demo_project_its_own():
    real = factories.ProjectFactory()
    demo = factories.ProjectFactory(is_demo=True)
    factories.EventFactory(projects=[real], is_demo=True)  # a demo account linked it
    factories.EventFactory(projects=[real])
    factories.EventFactory(projects=[demo], is_demo=True)
    factories.EventFactory(projects=[demo], is_demo=True)
    kinds = {"event_kinds": [Event.Kind.WORKSHOP]}
    _, (real_q1,) = indicator_with_periods(real, Indicator.Source.EVENTS_HELD, Q1, **kinds)
    _, (demo_q1,) = indicator_with_periods(demo, Indicator.Source.EVENTS_HELD, Q1, **kinds)
    reader = demo_user()
    assert actuals(real, reader)[real_q1.pk].value == 1
    assert actuals(real)[real_q1.pk].value == 1
    assert actuals(demo, reader)[demo_q1.pk].value == 2


# --------------------------------------------------------------------------------------------
# Seizures in kilograms
# --------------------------------------------------------------------------------------------
def test_seizures_add_individual_kilograms_of_the_substance_under_the_project_by_country():
    project, other = factories.ProjectFactory(), factories.ProjectFactory()
    heroin = factories.SubstanceFactory(slug="heroin", name="Heroin")
    opium = factories.SubstanceFactory(slug="opium", name="Opium")
    kz = factories.CountryFactory(code="KZ")
    factories.SeizureFactory(project=project, substance=heroin, quantity=Decimal("12.5"),
                             date=D(2011, 2, 1))
    factories.SeizureFactory(project=project, substance=heroin, quantity=Decimal("2"),
                             unit=Seizure.Unit.TONNE, date=D(2011, 3, 1), country=kz)
    factories.SeizureFactory(project=project, substance=heroin, quantity=Decimal("1"),
                             date=D(2011, 3, 2), country=None, region="Central Asia")
    factories.SeizureFactory(project=project, substance=heroin, kind=Seizure.Kind.AGGREGATE,
                             quantity=Decimal("40"), unit=Seizure.Unit.TONNE, date=None,
                             year=2011)
    factories.SeizureFactory(project=project, substance=opium, date=D(2011, 2, 1))
    factories.SeizureFactory(project=other, substance=heroin, date=D(2011, 2, 1))
    _, (q1,) = indicator_with_periods(project, Indicator.Source.SEIZURES_KG, Q1,
                                      substance=heroin, unit="kg")
    found = actuals(project)[q1.pk]
    assert (found.state, found.value) == (Actual.VALUE, Decimal("2013.5"))
    assert [(c.key, c.label, c.value, c.shown) for c in found.breakdown["country"]] == [
        ("KZ", "Kazakhstan", Decimal("2000"), "2,000"),
        ("TJ", "Tajikistan", Decimal("12.5"), "12.5"),
        ("", "Not recorded", Decimal("1"), "1"),
    ]
    assert found.note == ""


def test_seizures_without_kilograms_are_said_not_added():
    project = factories.ProjectFactory()
    anhydride = factories.SubstanceFactory(slug="anhydride", name="Acetic anhydride")
    factories.SeizureFactory(project=project, substance=anhydride, quantity=Decimal("300"),
                             unit=Seizure.Unit.LITRE, date=D(2011, 2, 1))
    factories.SeizureFactory(project=project, substance=anhydride, date=D(2011, 2, 3))
    _, (q1,) = indicator_with_periods(project, Indicator.Source.SEIZURES_KG, Q1,
                                      substance=anhydride)
    found = actuals(project)[q1.pk]
    assert found.value == Decimal("12.5")
    assert "1 seizure whose weight in kilograms is not known is not added" in found.note


def test_seizures_known_by_their_year_and_zero_versus_no_data():
    project, empty = factories.ProjectFactory(), factories.ProjectFactory()
    heroin = factories.SubstanceFactory(slug="heroin")
    factories.SeizureFactory(project=project, substance=heroin, date=None, year=2011)
    factories.SeizureFactory(project=empty, substance=heroin, kind=Seizure.Kind.AGGREGATE)
    _, (q1, year, following) = indicator_with_periods(
        project, Indicator.Source.SEIZURES_KG, Q1, YEAR, NEXT_YEAR, substance=heroin)
    _, (nothing,) = indicator_with_periods(empty, Indicator.Source.SEIZURES_KG, YEAR,
                                           substance=heroin)
    found = actuals(project)
    assert found[year.pk].value == Decimal("12.5")
    assert found[q1.pk].value == 0
    assert [(u.label, u.value) for u in found[q1.pk].unplaced] == [
        ("2011 (year only, not placed)", Decimal("12.5"))]
    assert (found[following.pk].state, found[following.pk].value) == (Actual.VALUE, 0)
    assert actuals(empty)[nothing.pk].state == Actual.NO_DATA


def test_a_real_projects_seizures_leave_demo_ones_out():
    project = factories.ProjectFactory()
    heroin = factories.SubstanceFactory(slug="heroin")
    factories.SeizureFactory(project=project, substance=heroin)
    factories.SeizureFactory(project=project, substance=heroin, is_demo=True)
    demo = factories.ProjectFactory(is_demo=True)
    factories.SeizureFactory(project=demo, substance=heroin, is_demo=True)
    _, (real_q1,) = indicator_with_periods(project, Indicator.Source.SEIZURES_KG, Q1,
                                           substance=heroin)
    _, (demo_q1,) = indicator_with_periods(demo, Indicator.Source.SEIZURES_KG, Q1,
                                           substance=heroin)
    reader = demo_user()
    assert actuals(project, reader)[real_q1.pk].value == Decimal("12.5")
    assert actuals(demo, reader)[demo_q1.pk].value == Decimal("12.5")


# --------------------------------------------------------------------------------------------
# Contributions received
# --------------------------------------------------------------------------------------------
@pytest.fixture
def funded(donor_user, other_donor_user):
    """A project with received contributions: published USD and EUR from two donors, an
    unpublished one of each donor, a pledged one, one of another project."""
    project = factories.ProjectFactory()
    own = donor_user.donor_account.donor
    other = other_donor_user.donor_account.donor
    factories.ExchangeRateFactory(currency="EUR", month=D(2011, 4, 1), usd_per_unit=Decimal("1.4"))
    make = factories.ContributionFactory
    make(project=project, donor=own, amount=Decimal("1000"), date=D(2011, 4, 15))
    make(project=project, donor=other, amount=Decimal("500"), currency="EUR",
         date=D(2011, 4, 20))
    make(project=project, donor=own, amount=Decimal("7"), date=D(2011, 5, 1), is_published=False)
    make(project=project, donor=other, amount=Decimal("30"), date=D(2011, 5, 1),
         is_published=False)
    make(project=project, donor=own, amount=Decimal("999"), date=D(2011, 5, 1),
         status=Contribution.Status.PLEDGED)
    make(donor=own, amount=Decimal("888"), date=D(2011, 5, 1))
    _, (q2,) = indicator_with_periods(project, Indicator.Source.CONTRIBUTIONS_RECEIVED, Q2,
                                      unit="USD")
    return project, q2


def money(actual):
    return {m.currency: m.amount for m in actual.per_currency}


def test_contributions_received_per_currency_with_their_us_dollars(funded):
    project, q2 = funded
    found = actuals(project)[q2.pk]
    assert money(found) == {"EUR": Decimal("500"), "USD": Decimal("1000")}
    assert found.usd == Decimal("1700") and found.value == Decimal("1700")
    assert found.usd_partial is False


@pytest.mark.parametrize("role, usd", [
    ("anonymous", Decimal("1700")),
    ("donor", Decimal("1707")),  # its own unpublished one too
    ("other_donor", Decimal("1730")),
    ("officer", Decimal("1700")),
    ("admin", Decimal("1737")),
])
def test_each_role_counts_the_contributions_it_may_see(
        funded, role, usd, donor_user, other_donor_user, officer_user, admin_user):
    users = {"anonymous": AnonymousUser(), "donor": donor_user,
             "other_donor": other_donor_user, "officer": officer_user, "admin": admin_user}
    project, q2 = funded
    assert actuals(project, users[role])[q2.pk].usd == usd


def test_a_missing_rate_makes_the_us_dollars_partial_and_is_named():
    project = factories.ProjectFactory()
    factories.ContributionFactory(project=project, amount=Decimal("100"), date=D(2011, 4, 2))
    factories.ContributionFactory(project=project, amount=Decimal("50"), currency="GBP",
                                  date=D(2011, 4, 3))
    _, (q2,) = indicator_with_periods(project, Indicator.Source.CONTRIBUTIONS_RECEIVED, Q2)
    found = actuals(project)[q2.pk]
    assert money(found) == {"GBP": Decimal("50"), "USD": Decimal("100")}
    assert found.usd == Decimal("100") and found.usd_partial is True
    assert "no rate for GBP, April 2011" in found.note


def test_contributions_known_by_their_year_and_zero_versus_no_data(donor_user):
    project, unfunded = factories.ProjectFactory(), factories.ProjectFactory()
    factories.ContributionFactory(project=project, amount=Decimal("100"), date=None, year=2011)
    factories.ContributionFactory(project=unfunded, status=Contribution.Status.PLEDGED)
    # Unpublished: the public cannot count it, its donor can.
    factories.ContributionFactory(project=unfunded, donor=donor_user.donor_account.donor,
                                  is_published=False)
    source = Indicator.Source.CONTRIBUTIONS_RECEIVED
    _, (q2, year, following) = indicator_with_periods(project, source, Q2, YEAR, NEXT_YEAR)
    _, (none,) = indicator_with_periods(unfunded, source, Q2)
    found = actuals(project)
    assert found[year.pk].usd == Decimal("100")
    assert (found[q2.pk].value, found[q2.pk].per_currency) == (0, [])
    assert [(u.label, u.value) for u in found[q2.pk].unplaced] == [
        ("2011 (year only, not placed), USD", Decimal("100"))]
    assert found[following.pk].state == Actual.VALUE and found[following.pk].value == 0
    assert actuals(unfunded)[none.pk].state == Actual.NO_DATA
    assert actuals(unfunded, donor_user)[none.pk].usd == Decimal("100000")


def test_contributions_without_an_amount_are_counted_in_the_note():
    project = factories.ProjectFactory()
    factories.ContributionFactory(project=project, amount=None, currency="",
                                  kind=Contribution.Kind.IN_KIND, date=D(2011, 5, 1))
    _, (q2,) = indicator_with_periods(project, Indicator.Source.CONTRIBUTIONS_RECEIVED, Q2)
    found = actuals(project)[q2.pk]
    assert (found.state, found.value, found.per_currency) == (Actual.VALUE, 0, [])
    assert "1 contribution without a stated amount" in found.note


def test_a_real_projects_contributions_leave_demo_ones_out_even_for_demo_accounts():
    project = factories.ProjectFactory()
    demo = factories.ProjectFactory(is_demo=True)
    factories.ContributionFactory(project=project, amount=Decimal("10"))
    factories.ContributionFactory(project=project, amount=Decimal("5"), is_demo=True)
    factories.ContributionFactory(project=demo, amount=Decimal("3"), is_demo=True)
    source = Indicator.Source.CONTRIBUTIONS_RECEIVED
    _, (real_q2,) = indicator_with_periods(project, source, Q2)
    _, (demo_q2,) = indicator_with_periods(demo, source, Q2)
    reader = demo_user()
    assert actuals(project, reader)[real_q2.pk].usd == Decimal("10")
    assert actuals(demo, reader)[demo_q2.pk].usd == Decimal("3")
    assert actuals(demo)[demo_q2.pk].state == Actual.NO_DATA  # the public sees none of it


def test_a_period_across_two_years_lists_the_records_known_only_by_either_year():
    project = factories.ProjectFactory()
    factories.EventFactory(projects=[project], start_date=None, end_date=None, year=2011)
    factories.EventFactory(projects=[project], start_date=None, end_date=None, year=2012)
    factories.EventFactory(projects=[project], start_date=D(2012, 1, 5), end_date=None)
    _, (season,) = indicator_with_periods(
        project, Indicator.Source.EVENTS_HELD, (D(2011, 7, 1), D(2012, 6, 30)),
        event_kinds=[Event.Kind.WORKSHOP])
    found = actuals(project)[season.pk]
    assert found.value == 1
    assert [u.label for u in found.unplaced] == [
        "2011 (year only, not placed)", "2012 (year only, not placed)"]


def test_indicators_read_together_keep_their_own_kinds_substances_and_projects():
    """One query per source serves every indicator: each still counts only its own."""
    project, other = factories.ProjectFactory(), factories.ProjectFactory()
    heroin = factories.SubstanceFactory(slug="heroin")
    opium = factories.SubstanceFactory(slug="opium")
    factories.EventFactory(projects=[project])
    factories.EventFactory(projects=[project], kind=Event.Kind.CONFERENCE)
    factories.EventFactory(projects=[project], kind=Event.Kind.CONFERENCE)
    factories.EventFactory(projects=[other], kind=Event.Kind.CONFERENCE)
    factories.SeizureFactory(project=project, substance=heroin, quantity=Decimal("1"))
    factories.SeizureFactory(project=project, substance=opium, quantity=Decimal("2"))
    factories.SeizureFactory(project=other, substance=opium, quantity=Decimal("4"))
    source = Indicator.Source
    _, (workshops,) = indicator_with_periods(project, source.EVENTS_HELD, Q1,
                                             event_kinds=[Event.Kind.WORKSHOP])
    _, (conferences,) = indicator_with_periods(project, source.EVENTS_HELD, Q1,
                                               event_kinds=[Event.Kind.CONFERENCE])
    _, (both,) = indicator_with_periods(project, source.EVENTS_HELD, Q1,
                                        event_kinds=[Event.Kind.CONFERENCE, Event.Kind.WORKSHOP])
    _, (heroin_kg,) = indicator_with_periods(project, source.SEIZURES_KG, Q1, substance=heroin)
    _, (opium_kg,) = indicator_with_periods(project, source.SEIZURES_KG, Q1, substance=opium)
    _, (other_opium,) = indicator_with_periods(other, source.SEIZURES_KG, Q1, substance=opium)
    found = actuals(project)
    assert [found[p.pk].value for p in (workshops, conferences, both)] == [1, 2, 3]
    assert [found[p.pk].value for p in (heroin_kg, opium_kg)] == [1, 2]
    assert actuals(other)[other_opium.pk].value == 4
