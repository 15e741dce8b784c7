"""Hidden small groups stay hidden (issue 11, point 2), tested as an attacker would.

``tests/privacy_auditor.py`` reads what an anonymous visitor is served about registered
participants — event pages, their charts' JSON, ``/api/events/``, the home page — and, knowing
the published method, finds each hidden group's smallest and largest feasible value with an
integer program. No hidden group may be narrowed beyond its label: "fewer than 3" must still be
1 or 2, "not shown" at least two values.

``PRIVACY_AUDIT_REPORT=path`` writes the figures (worlds, hidden groups, narrowed) to ``path``.
"""

import json
import os
import random
from contextlib import contextmanager

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from activities import summaries
from activities.models import Participant
from tests import factories
from tests.privacy_auditor import (
    FEWER_THAN,
    NOT_SHOWN,
    Observed,
    Rules,
    audit,
    event_facets,
    served_countries,
    served_world,
)

pytestmark = pytest.mark.django_db

COUNTRIES = ["KZ", "KG", "TJ", "TM", "UZ", "AF"]
SEXES = [Participant.Sex.FEMALE, Participant.Sex.MALE]


def _record(result, world, nested=None):
    """Append the figures of one audited world to ``PRIVACY_AUDIT_REPORT`` when it is set."""
    path = os.environ.get("PRIVACY_AUDIT_REPORT")
    if path:
        row = {"world": world, "hidden": result.hidden, "narrowed": len(result.narrowed)}
        if nested is not None:
            row |= {"nested_hidden": nested.hidden, "nested_narrowed": len(nested.narrowed),
                    "nested_cells": [f"{f.population} {f.dimension} {f.label} {f.shown} "
                                     f"{f.low}-{f.high}" for f in nested.narrowed]}
        with open(path, "a") as report:
            report.write(json.dumps(row) + "\n")


@contextmanager
def rolled_back():
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


def build(people, events: int, organisations: int):
    """``people`` are (sex, country index, organisation index, event indexes) — every person
    registered for at least one event. Returns the event slugs. The events' stored figures are
    refreshed once, when the world is built (``summaries.writing()``, as an import does), not
    after each registration: the pages read the same figures."""
    countries = [factories.CountryFactory(code=code) for code in COUNTRIES]
    agencies = [factories.OrganisationFactory() for _ in range(organisations)]
    created = [factories.EventFactory() for _ in range(events)]
    with summaries.writing():
        for sex, country, agency, attended in people:
            person = factories.ParticipantFactory(
                sex=sex, country=countries[country],
                organisation=agencies[agency] if agency < organisations else None,
            )
            for index in attended:
                factories.ParticipationFactory(event=created[index], participant=person)
    return [event.slug for event in created]


def assert_nothing_narrowed(result):
    assert result.disagreements == []
    assert result.order_breaches == []
    assert result.narrowed == []


@st.composite
def worlds(draw):
    events = draw(st.integers(1, 3))
    organisations = draw(st.integers(1, 4))
    # Mostly a few large groups and a few small ones, as real events are.
    person = st.tuples(
        st.sampled_from(SEXES),
        st.sampled_from([0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 5]),
        st.integers(0, organisations),
        st.sets(st.integers(0, events - 1), min_size=1, max_size=events).map(sorted),
    )
    people = draw(st.lists(person, min_size=0, max_size=30))
    return people, events, organisations


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate, Phase.shrink],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(world=worlds())
def test_no_hidden_group_is_narrowed_in_generated_worlds(client, world):
    """Each population with everything else served of it: its page, its charts, its API answer;
    then the register tied to its events (the home page adds up their published figures)."""
    people, events, organisations = world
    with rolled_back():
        slugs = build(people, events, organisations)
        observed = served_world(client, slugs)
    result, nested = audit(observed, nested=False), audit(observed)
    _record(result, "generated", nested)
    assert_nothing_narrowed(result)
    assert_nothing_narrowed(nested)


def demo_like_people(rng: random.Random):
    """A few hundred people at five events: mostly from the five Central Asian countries, a few
    from Afghanistan; twelve agencies, some people without one; some at several events."""
    weights = [30, 25, 20, 8, 15, 2]
    people = []
    for _ in range(320):
        attended = sorted(rng.sample(range(5), k=rng.choice([1, 1, 1, 1, 2, 2, 3])))
        people.append((
            rng.choice(SEXES + [Participant.Sex.MALE] * 2),
            rng.choices(range(len(COUNTRIES)), weights)[0],
            min(int(rng.expovariate(0.25)), 12),
            attended,
        ))
    return people


def test_no_hidden_group_is_narrowed_in_a_demo_like_world(client):
    slugs = build(demo_like_people(random.Random(11)), 5, 12)
    result = audit(served_world(client, slugs))  # the register beside its events included
    _record(result, "demo-like")
    assert result.hidden > 10  # the world does have hidden groups to attack
    assert_nothing_narrowed(result)


def test_hidden_rows_come_last_by_label_on_pages_charts_and_the_api(client):
    """Ordered by count, the small group (2) would sit between 4 and 1, and the group of 1
    last: every hidden row comes after the shown ones, in label order, wherever it is served."""
    slugs = build([
        *[(SEXES[0], 0, 0, [0])] * 6, *[(SEXES[1], 4, 0, [0])] * 5,
        *[(SEXES[1], 1, 1, [0])] * 4, *[(SEXES[0], 2, 1, [0])] * 2, (SEXES[1], 5, 1, [0]),
    ], 1, 2)
    observed = served_world(client, slugs)
    countries = [o for o in observed if o.dimension == "country"]
    assert {o.source for o in countries} == {"event table", "event chart", "api",
                                             "home table", "home chart"}
    for obs in countries:
        # The home page adds up the event's rows: a row the event hides is "not shown" there.
        hidden = NOT_SHOWN if obs.population == "register" else FEWER_THAN
        assert obs.rows == [
            ("Kazakhstan", "6"), ("Uzbekistan", "5"),
            ("Afghanistan", hidden), ("Kyrgyzstan", NOT_SHOWN), ("Tajikistan", hidden),
        ], obs.source
    assert_nothing_narrowed(audit(observed))


def test_a_breakdown_withheld_beside_a_total_of_3_or_more_says_so(client):
    """3 women and 1 man: "fewer than 3" and a hidden group of at least 3 could only be 1 and 3,
    so the breakdown by sex is withheld; the page must not claim fewer than 3 people, and the
    other breakdowns are still shown."""
    female, male = SEXES
    slugs = build([(female, 0, 0, [0])] * 3 + [(male, 0, 0, [0])], 1, 1)
    html = client.get(f"/events/{slugs[0]}/").content.decode()
    assert "Fewer than 3 participants are registered" not in html
    assert "Not shown, so that no small group can be picked out." in html
    observed = served_world(client, slugs)
    by_country = [o for o in observed if o.dimension == "country" and o.population != "register"]
    assert {o.source for o in by_country} == {"event table", "api"}  # one bar: no chart
    assert all(o.rows == [("Kazakhstan", "4")] for o in by_country)
    assert_nothing_narrowed(audit(observed))


def test_the_auditor_finds_what_mains_ordering_told():
    """What main (789fe32) served for an event of 6 Kazakh, 4 Kyrgyz, 3 Uzbek, 2 Tajik and 1
    Afghan participants: the two small groups hid each other, but rows went by count, so the
    first small one was the larger: 2 and 1, exactly."""
    served = [
        ("Kazakhstan", "6"), ("Kyrgyzstan", "4"), ("Uzbekistan", "3"),
        ("Tajikistan", FEWER_THAN), ("Afghanistan", FEWER_THAN),
    ]
    observed = [Observed("event:e", "country", 16, False, served, "event table")]
    narrowed = {(f.label, f.low, f.high) for f in audit(observed, Rules.MAIN).narrowed}
    assert narrowed == {("Tajikistan", 2, 2), ("Afghanistan", 1, 1)}


def test_populations_served_differently_are_reported():
    page = Observed("event:e", "sex", 14, False, [("Male", "12"), ("Female", FEWER_THAN)],
                    "event table")
    api = Observed("event:e", "sex", 14, False, [("Female", FEWER_THAN), ("Male", NOT_SHOWN)],
                   "api")
    result = audit([page, api])
    assert result.disagreements
    assert {f.label for f in result.narrowed} == {"Female", "Male"}


def test_the_register_beside_its_events_narrows_nothing(client):
    """Two Kazakh and one Kyrgyz participant at one event, one Tajik at another: a home page
    saying 4 people and Tajikistan "fewer than 3" would pin Tajikistan to 1 (the first event's
    3 people are all Kazakh or Kyrgyz). It publishes only the events' figures added up: "at
    least 4 registrations", and the second event (fewer than 3) is in no breakdown."""
    female = Participant.Sex.FEMALE
    slugs = build([(female, 0, 0, [0]), (female, 0, 0, [0]), (female, 1, 0, [0]),
                   (female, 2, 0, [1])], 2, 1)
    observed = served_world(client, slugs)
    assert_nothing_narrowed(audit(observed, nested=False))
    assert_nothing_narrowed(audit(observed))


def assert_home_adds_up_the_events(observed):
    """The home page's register is the events' published figures added up: its registrations
    are the events' totals (an event of "fewer than 3" counted as 1, "at least"); each group of
    a breakdown is the sum of the group's shown counts over the events that list this
    breakdown, and "not shown" wherever any of them hides it."""
    events = [o for o in observed if o.population.startswith("event:") and o.source == "api"]
    (headline,) = [o for o in observed if o.dimension == "registrations"]
    totals = {o.population: o.total for o in events}
    small = sum(total is None for total in totals.values())
    assert headline.total == sum(t or 0 for t in totals.values()) + small
    assert headline.rows[0][1].startswith("at least") is bool(small)
    for dimension in ("sex", "country", "organisation"):
        listed = [o for o in events if o.dimension == dimension and o.rows and not o.withheld]
        expected: dict[str, int | str] = {}
        for obs in listed:
            for label, shown in obs.rows:
                if shown in (FEWER_THAN, NOT_SHOWN) or expected.get(label) == NOT_SHOWN:
                    expected[label] = NOT_SHOWN
                else:
                    expected[label] = expected.get(label, 0) + int(shown.replace(",", ""))
        home = [o for o in observed if o.population == "register" and o.dimension == dimension]
        if dimension == "organisation":  # the home page breaks the register down by sex and
            assert home == []  # country only
            continue
        for obs in home:
            assert dict(obs.rows) == {
                label: value if value == NOT_SHOWN else f"{value:,}"
                for label, value in expected.items()
            }, obs.source
            if obs.source == "home table":
                assert obs.withheld is (not listed and any(t != 0 for t in totals.values()))
                assert obs.total == (sum(o.total for o in listed) if listed else None)


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate, Phase.shrink],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(world=worlds())
def test_the_home_page_adds_up_what_the_event_pages_show(client, world):
    """For any world: the home figures are the sums of the events' shown figures, a home row is
    "not shown" whenever an event hides that group, and nothing is narrowed with the register
    tied to its events."""
    people, events, organisations = world
    with rolled_back():
        slugs = build(people, events, organisations)
        observed = served_world(client, slugs)
    assert_home_adds_up_the_events(observed)
    assert_nothing_narrowed(audit(observed))


def test_a_group_any_event_hides_is_not_shown_on_the_home_page(client):
    """6 Kazakh and 5 Uzbek people at one event; 5 Kazakh, 4 Uzbek (one of them at both) and 1
    Tajik person at another, where Tajikistan reads "fewer than 3" and Uzbekistan "not shown":
    the home page shows no number for Uzbekistan or Tajikistan, only the sum it can take from
    the event pages (Kazakhstan 6 + 5), and counts each event's registrations."""
    female = Participant.Sex.FEMALE
    slugs = build([(female, 0, 0, [0])] * 6 + [(female, 4, 0, [0])] * 4
                  + [(female, 0, 0, [1])] * 5 + [(female, 2, 0, [1])]
                  + [(female, 4, 0, [1])] * 3 + [(female, 4, 0, [0, 1])], 2, 1)
    observed = served_world(client, slugs)
    home = [o for o in observed if o.population == "register" and o.dimension == "country"]
    assert home and all(o.rows == [("Kazakhstan", "11"), ("Tajikistan", NOT_SHOWN),
                                   ("Uzbekistan", NOT_SHOWN)] for o in home)
    (headline,) = [o for o in observed if o.dimension == "registrations"]
    assert headline.rows == [("registrations", "21")]  # 11 + 10: the shared person twice
    assert_home_adds_up_the_events(observed)
    assert_nothing_narrowed(audit(observed))


def test_the_auditor_finds_a_register_that_tells_more_than_its_events():
    """Were the home page to print Tajikistan's registrations (1) where the only event with
    Tajik people reads "fewer than 3", the sum would pin that event's group: the auditor ties
    register rows to its events' cells, so it says so."""
    event = [("Kazakhstan", "6"), ("Tajikistan", FEWER_THAN), ("Uzbekistan", NOT_SHOWN)]
    observed = [
        Observed("event:e", "country", 11, False, event, "event table"),
        Observed("register", "registrations", 11, False, [("registrations", "11")], "home page"),
        Observed("register", "country", 11, False,
                 [("Kazakhstan", "6"), ("Uzbekistan", "4"), ("Tajikistan", "1")], "home table"),
    ]
    narrowed = {(f.population, f.label) for f in audit(observed).narrowed}
    assert ("event:e", "Tajikistan") in narrowed
    safe = [*observed[:2], Observed("register", "country", 11, False,
                                    [("Kazakhstan", "6"), ("Tajikistan", NOT_SHOWN),
                                     ("Uzbekistan", NOT_SHOWN)], "home table")]
    assert audit(safe).narrowed == []


def test_no_hidden_group_is_narrowed_in_the_demo_world_treated_as_public(client, settings,
                                                                    roles):
    """seed_demo's own world — 303 participants at its four events — published as if it were
    real (its flags cleared), beside a real record of nothing else: the auditor narrows no
    hidden group on its event pages, charts, API answers or the home page."""
    from django.core.management import call_command

    from activities.models import Event, Organisation, Participation, Project

    settings.DEBUG = True
    call_command("seed_demo", stdout=__import__("io").StringIO())
    settings.DEBUG = False
    with transaction.atomic(), summaries.writing():  # as a service writes in bulk
        summaries.mark(Event.objects.filter(is_demo=True).values_list("pk", flat=True))
        for model in (Project, Event, Organisation, Participant, Participation):
            model.objects.filter(is_demo=True).update(is_demo=False)
    slugs = list(Event.objects.filter(participations__isnull=False).distinct()
                 .values_list("slug", flat=True))
    assert len(slugs) >= 3 and Participation.objects.count() > 300
    observed = served_world(client, slugs)
    # Every event's three breakdowns and the home page's were read, with their shown rows.
    assert {o.population for o in observed} >= {f"event:{slug}" for slug in slugs} | {"register"}
    assert sum(bool(o.rows) and not o.withheld for o in observed) >= 3 * len(slugs)
    result = audit(observed)
    _record(result, "demo world as public")
    assert_nothing_narrowed(result)


# --------------------------------------------------------------------------------------------
# Country pages: a country's people as the events publish them, by year and by kind
# --------------------------------------------------------------------------------------------
def test_no_hidden_group_is_narrowed_by_the_country_pages(client):
    """The demo-like world with its events spread over two years and two kinds: every country
    page beside its events (and the register) narrows no hidden group."""
    slugs = build(demo_like_people(random.Random(5)), 5, 12)
    spread_over_years_and_kinds(slugs, [(2015 + i % 2, i // 3) for i in range(5)])
    observed = served_world(client, slugs)
    countries = served_countries(client, COUNTRIES)
    assert {obs.population for obs in countries} >= {"country:Kyrgyzstan", "country:Kazakhstan"}
    result = audit(observed, countries=countries, facets=event_facets(client))
    _record(result, "country pages")
    assert any(f.population.startswith("country:") for f in result.findings)  # hidden ones
    assert_nothing_narrowed(result)


def spread_over_years_and_kinds(slugs, facets):
    """Give the events of ``slugs`` the (year, kind index) pairs of ``facets``."""
    import datetime

    from activities.models import Event

    kinds = ("workshop", "training_course")
    for slug, (year, kind) in zip(slugs, facets, strict=False):
        start = datetime.date(year, 3, 1)
        Event.objects.filter(slug=slug).update(start_date=start, end_date=start, year=year,
                                               month=3, kind=kinds[kind])


@settings(max_examples=15, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate, Phase.shrink],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(world=worlds(), facets=st.lists(st.tuples(st.sampled_from([2015, 2016]),
                                                 st.integers(0, 1)), min_size=3, max_size=3))
def test_no_hidden_group_is_narrowed_by_country_pages_in_generated_worlds(client, world,
                                                                           facets):
    """Generated worlds with their events over two years and two kinds: every country page
    beside the events and the register."""
    people, events, organisations = world
    with rolled_back():
        slugs = build(people, events, organisations)
        spread_over_years_and_kinds(slugs, facets)
        observed = served_world(client, slugs)
        countries = served_countries(client, COUNTRIES)
        result = audit(observed, countries=countries, facets=event_facets(client))
    _record(result, "generated with country pages")
    assert_nothing_narrowed(result)


def test_the_auditor_finds_a_country_page_that_tells_more_than_its_events():
    """Were a country page to print the Tajik registrations of 2016 (1) where the only 2016
    event reads "fewer than 3" for them, the sum would pin that event's group."""
    event = [("Kazakhstan", "6"), ("Tajikistan", FEWER_THAN), ("Uzbekistan", NOT_SHOWN)]
    observed = [Observed("event:e", "country", 11, False, event, "event table")]
    facets = {"event:e": {"year": "2016", "kind": "workshop"}}

    def country(shown):
        return [Observed("country:Tajikistan", "year", None, False, [("2016", shown)],
                         "country table")]

    narrowed = audit(observed, countries=country("1"), facets=facets).narrowed
    assert ("event:e", "Tajikistan") in {(f.population, f.label) for f in narrowed}
    assert audit(observed, countries=country(NOT_SHOWN), facets=facets).narrowed == []
