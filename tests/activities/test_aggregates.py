"""Grouped figures: small-cell protection, seizure totals, contribution totals per currency —
computed in the database with a fixed number of grouped queries."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities import aggregates
from activities.models import Event, Seizure
from activities.privacy import FEWER_THAN, NOT_SHOWN, protect
from donors import totals as money
from donors.models import Contribution
from tests import factories
from tests.pages import register


def shown(breakdown):
    return [cell.shown for cell in breakdown.cells]


def groups(*counts):
    return [(f"group {i}", count, "") for i, count in enumerate(counts)]


def recoverable(breakdown, counts):
    """Could a reader work out some protected group's exact count from what the page shows?
    Brute force over every assignment consistent with the page."""
    total = sum(counts)
    hidden = [i for i, cell in enumerate(breakdown.cells) if cell.suppressed]
    if not hidden:
        return False
    known = total - sum(counts[i] for i in range(len(counts)) if i not in hidden)

    def candidates(i):
        if breakdown.cells[i].shown == FEWER_THAN:
            return [1, 2]
        if breakdown.cells[i].shown == NOT_SHOWN and any(
            c.shown == FEWER_THAN for c in breakdown.cells
        ):
            return range(3, total + 1)
        return range(1, total + 1)

    solutions = [
        combo for combo in itertools.product(*(candidates(i) for i in hidden))
        if sum(combo) == known
    ]
    return any(len({combo[k] for combo in solutions}) == 1 for k in range(len(hidden)))


def test_groups_of_three_or_more_are_shown_exactly_largest_first():
    breakdown = protect("By sex", groups(3, 10))
    assert shown(breakdown) == ["10", "3"]
    assert breakdown.total_shown == "13"
    assert not breakdown.has_complementary


def test_a_small_group_reads_fewer_than_3_and_the_next_smallest_is_hidden():
    breakdown = protect("By sex", groups(2, 12))
    assert shown(breakdown) == [FEWER_THAN, NOT_SHOWN]
    assert breakdown.total_shown == "14"
    assert breakdown.has_complementary
    assert [cell.value for cell in breakdown.cells] == [None, None]


def test_small_groups_always_have_one_more_group_hidden_with_them():
    """Whether two small groups could hide each other depends on their sizes, so the choice
    would tell them: one more group is always hidden, the smallest of the others."""
    breakdown = protect("By country", groups(1, 2, 20, 30))
    assert shown(breakdown) == ["30", FEWER_THAN, FEWER_THAN, NOT_SHOWN]


def test_two_groups_of_one_are_not_enough_on_their_own():
    """1 + 1 = 2 would tell the reader both are 1: the smallest other group is hidden too."""
    breakdown = protect("By country", groups(1, 1, 4, 20))
    assert shown(breakdown) == ["20", FEWER_THAN, FEWER_THAN, NOT_SHOWN]


def test_a_total_below_three_has_no_breakdown():
    breakdown = protect("By sex", groups(1, 1))
    assert breakdown.total_shown == FEWER_THAN
    assert breakdown.cells == [] and breakdown.withheld


def test_when_nothing_protects_a_small_group_no_breakdown_is_shown():
    """1 and 3 of 4: "fewer than 3" and a hidden group of at least 3 can only be 1 and 3."""
    breakdown = protect("By sex", groups(1, 3))
    assert breakdown.cells == [] and breakdown.withheld
    assert breakdown.total_shown == "4"


def test_three_groups_of_one_get_no_breakdown():
    breakdown = protect("By country", groups(1, 1, 1))
    assert breakdown.cells == [] and breakdown.withheld
    assert breakdown.total_shown == "3"


def test_hidden_groups_come_after_the_shown_ones_in_label_order():
    """Ordered by count, a hidden group between 5 and 3 would be 3 to 5: hidden groups come
    last, by label, whatever their size."""
    breakdown = protect("By country", [
        ("Kazakhstan", 5, ""), ("Afghanistan", 2, ""), ("Uzbekistan", 4, ""),
        ("Tajikistan", 9, ""), ("Kyrgyzstan", 4, ""), ("Turkey", 1, ""),
    ])
    assert [(c.label, c.shown) for c in breakdown.cells] == [
        ("Tajikistan", "9"), ("Kazakhstan", "5"), ("Uzbekistan", "4"),
        ("Afghanistan", FEWER_THAN), ("Kyrgyzstan", NOT_SHOWN), ("Turkey", FEWER_THAN),
    ]
    assert breakdown.chart["labels"][3:] == [
        "Afghanistan (fewer than 3)", "Kyrgyzstan (not shown)", "Turkey (fewer than 3)",
    ]


def test_the_result_does_not_depend_on_the_order_groups_come_in():
    rows = [("B", 4, ""), ("A", 4, ""), ("C", 1, ""), ("D", 7, "")]
    first = protect("Any", rows)
    assert [(c.label, c.shown) for c in first.cells] == [
        ("D", "7"), ("B", "4"), ("A", NOT_SHOWN), ("C", FEWER_THAN),
    ]
    for order in itertools.permutations(rows):
        assert protect("Any", list(order)) == first


def test_no_protected_group_can_be_worked_out_from_the_total():
    """Every breakdown of up to four groups of 1 to 7 people, checked by brute force."""
    leaks = []
    for size in (1, 2, 3, 4):
        for counts in itertools.product(range(1, 8), repeat=size):
            breakdown = protect("Any", groups(*counts))
            if sum(counts) < 3:
                assert breakdown.cells == [], counts
            elif any(cell.shown == str(n) and n < 3
                     for cell, n in zip(breakdown.cells, counts, strict=False)) or (
                breakdown.cells and recoverable(breakdown, list(counts))
            ):
                leaks.append((counts, shown(breakdown)))
    assert leaks == []


@pytest.mark.django_db
def test_participant_figures_count_people_once_each_in_three_grouped_queries():
    kg, kz = factories.CountryFactory(code="KG"), factories.CountryFactory(code="KZ")
    first, second = factories.EventFactory(), factories.EventFactory()
    people = register(first, 5, sex="female", country=kg)
    for participation in people[:3]:  # the same people at a second event
        factories.ParticipationFactory(event=second, participant=participation.participant)
    register(second, 4, sex="male", country=kz)
    with CaptureQueriesContext(connection) as queries:
        figures = aggregates.participant_figures(aggregates.registered_participants())
        assert figures.total_shown == "9"
    assert len(queries) == 3
    assert shown(figures.by_sex) == ["5", "4"]
    second_only = aggregates.participant_figures(aggregates.registered_participants(second))
    assert second_only.total_shown == "7"
    assert {c.label: c.shown for c in second_only.by_country.cells} == {
        "Kazakhstan": "4", "Kyrgyzstan": "3",
    }


@pytest.mark.django_db
def test_register_figures_add_up_the_events_published_figures_in_two_queries():
    """Registrations, not people: the 3 people at both events count twice. Each event is
    protected on its own, then its published figures are added up (stored as the events are
    written: the home page reads two queries)."""
    kg, kz = factories.CountryFactory(code="KG"), factories.CountryFactory(code="KZ")
    first, second = factories.EventFactory(), factories.EventFactory()
    people = register(first, 5, sex="female", country=kg)
    for participation in people[:3]:
        factories.ParticipationFactory(event=second, participant=participation.participant)
    register(second, 4, sex="male", country=kz)
    register(second, 1, sex="male", country=factories.CountryFactory(code="TJ"))
    with CaptureQueriesContext(connection) as queries:
        figures = aggregates.register_figures()
        assert figures.total_shown == "13"
    assert len(queries) == 2
    assert figures == aggregates.register_figures_from_rows()
    assert [(c.label, c.shown) for c in figures.by_sex.cells] == [("Female", "8"), ("Male", "5")]
    # The second event's 3 Kyrgyz, 4 Kazakh and 1 Tajik people: its breakdown by country is
    # withheld (a hidden Kyrgyzstan of at least 3 would pin Tajikistan to 1), so the register's
    # adds up the first event only, and says so.
    assert [(c.label, c.shown, c.value) for c in figures.by_country.cells] == [
        ("Kyrgyzstan", "5", 5),
    ]
    assert figures.by_country.total_shown == "5"
    assert (figures.by_country.events, figures.by_country.left_out) == (1, 1)
    assert figures.by_sex.chart["datasets"][0]["label"] == "Registrations"
    third = factories.EventFactory()
    register(third, 5, sex="male", country=kz)
    register(third, 1, sex="male", country=factories.CountryFactory(code="UZ"))
    register(third, 5, sex="male", country=kg)
    # Third event: Kazakhstan and Kyrgyzstan 5 each, Uzbekistan "fewer than 3": Kazakhstan
    # (the tie goes to the label first) is "not shown" there, so on the register too.
    assert [(c.label, c.shown, c.value) for c in aggregates.register_figures().by_country.cells] \
        == [("Kyrgyzstan", "10", 10), ("Kazakhstan", "not shown", None),
            ("Uzbekistan", "not shown", None)]


@pytest.mark.django_db
def test_register_figures_leave_demo_records_out():
    event = factories.EventFactory()
    register(event, 3)
    demo = factories.EventFactory(is_demo=True)
    register(demo, 5)
    for participation in register(event, 4):
        participation.is_demo = True
        participation.save()
    figures = aggregates.register_figures()
    assert (figures.total_shown, figures.events) == ("3", 1)


@pytest.mark.django_db
def test_reported_participants_add_the_reported_counts_apart_from_records():
    factories.EventFactory(reported_participants=41, reported_participants_wording="over forty one")
    factories.EventFactory(reported_participants=18)
    factories.EventFactory(reported_participants=None)
    reported = aggregates.reported_participants(Event.objects.all())
    assert (reported.total, reported.events) == (59, 2)


@pytest.mark.django_db
def test_seizure_totals_never_add_aggregate_figures():
    heroin = factories.SubstanceFactory(name="Heroin")
    factories.SeizureFactory(substance=heroin, quantity=Decimal("2"), unit="t",
                             date=datetime.date(2011, 1, 1))
    factories.SeizureFactory(substance=heroin, quantity=Decimal("500"), unit="g",
                             date=datetime.date(2011, 5, 1))
    factories.SeizureFactory(substance=heroin, kind=Seizure.Kind.AGGREGATE, quantity=Decimal(40),
                             unit="t", date=None, year=2008)
    with CaptureQueriesContext(connection) as queries:
        totals = aggregates.seizure_totals(Seizure.objects.all())
    assert len(queries) == 4  # the first figures, and their number
    assert totals.substances[0].total == Decimal("2000.500")
    assert totals.chart()["datasets"][0]["data"] == [2000.5]
    assert len(totals.aggregate_figures) == totals.aggregate_count == 1


@pytest.mark.django_db
def test_contribution_totals_are_per_currency_and_count_unknown_amounts():
    canada = factories.DonorFactory(name="Canada")
    factories.ContributionFactory(donor=canada, amount=Decimal("100"), currency="USD",
                                  date=datetime.date(2010, 1, 1))
    factories.ContributionFactory(donor=canada, amount=Decimal("50"), currency="USD")
    factories.ContributionFactory(donor=canada, amount=Decimal("70"), currency="EUR")
    factories.ContributionFactory(amount=None, currency="", kind="in_kind")
    factories.ContributionFactory(amount=Decimal("999"), currency="CAD", is_published=False)
    totals = money.contribution_totals(Contribution.objects.visible_to(AnonymousUser()))
    assert [(row.label, row.amounts) for row in totals.per_currency] == [
        ("EUR", [("EUR", Decimal("70"))]),
        ("USD", [("USD", Decimal("150"))]),
        ("Amount not stated", []),
    ]
    assert totals.without_amount == 1 and totals.count == 4
    assert [row.amounts for row in totals.by_donor if row.label == "Canada"] == [
        [("EUR", Decimal("70")), ("USD", Decimal("150"))]
    ]
    assert [row.label for row in totals.by_year] == ["2010", "2011"]
    count_chart, *amount_charts = totals.charts
    assert sum(sum(d["data"]) for d in count_chart["datasets"]) == 4
    assert [chart["y_title"] for chart in amount_charts] == ["EUR", "USD"]


@pytest.mark.django_db
def test_no_contribution_chart_when_no_year_is_known():
    factories.ContributionFactory(date=None, year=None, amount=None, currency="")
    totals = money.contribution_totals(Contribution.objects.all())
    assert totals.count == 1
    assert totals.charts == []


def compositions(total, parts):
    """Every way of writing ``total`` as ``parts`` counts of 1 or more, in order."""
    for cuts in itertools.combinations(range(1, total), parts - 1):
        edges = (0, *cuts, total)
        yield [b - a for a, b in itertools.pairwise(edges)]


def test_a_reader_who_knows_the_method_learns_nothing_beyond_the_labels():
    """The exact attack: for every breakdown of up to five groups and up to 18 people, every
    other breakdown of the same groups and total that would be served identically (rows, order,
    labels) is a possibility; across them, a "fewer than 3" group must still take both 1 and 2,
    and a "not shown" group at least two values."""
    narrowed = []
    for size in range(1, 6):
        labels = [f"group {chr(ord('a') + i)}" for i in range(size)]
        for total in range(max(3, size), 19):
            seen: dict[tuple, dict[str, set[int]]] = {}
            for counts in compositions(total, size):
                breakdown = protect("Any", list(zip(labels, counts, [""] * size, strict=True)))
                view = (breakdown.total_shown, breakdown.withheld,
                        tuple((c.label, c.shown) for c in breakdown.cells))
                values = seen.setdefault(view, {})
                for cell in breakdown.cells:
                    if cell.suppressed:
                        values.setdefault(cell.label, set()).add(cell._count)
            for view, values in seen.items():
                for (label, label_shown) in view[2]:
                    if label_shown == FEWER_THAN and values[label] != {1, 2}:
                        narrowed.append((view, label, values[label]))
                    if label_shown == NOT_SHOWN and len(values[label]) < 2:
                        narrowed.append((view, label, values[label]))
    assert narrowed == []
