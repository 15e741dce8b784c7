"""The results frameworks in the IATI file (issue 16, point 4): each UNODC project's `result`
elements as an anonymous visitor sees its framework — outcome type 2, output type 1, measure
unit or percentage, an output's outcome named in its description, baseline and periods with
numeric values only, a sex or country dimension only where no group is hidden — valid against
the 2.03 schema and passing IATI's Standard Ruleset on the demo world treated as public and on
generated worlds (the bulletin's own file: tests/bulletin/test_iati.py)."""

import contextlib
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree

from activities import summaries
from activities.models import Event, Organisation, Participant, Participation, Project, Seizure
from donors.models import Contribution, Donor
from results.models import Indicator, Period, Result
from results.progress import Actual, Cell, IndicatorRow, PeriodRow, ResultRow
from tests import factories
from tests.iati import fetch, narratives, ruleset_failures
from unodc_portal.site import iati

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def unodc(db):
    return factories.OrganisationFactory(slug="unodc", name="UNODC", kind="un")


def unodc_project(unodc, **fields):
    project = factories.ProjectFactory(**fields)
    project.implementers.add(unodc)
    return project


def served(client, schema) -> tuple[bytes, dict]:
    """The file as served, checked against the schema, and its activities by identifier."""
    activities = fetch(client, schema)
    return client.get("/iati/activities.xml").content, activities


def framework(project):
    """An outcome with an output under it and an output under no outcome; indicators of each
    measure; approved, pending and missing actuals; a baseline; a result stated in words."""
    outcome = factories.ResultFactory(project=project, kind="outcome", order=1,
                                      title="Borders better controlled",
                                      description="Fewer drugs cross the borders.")
    under = factories.ResultFactory(project=project, kind="output", parent=outcome, order=2,
                                    title="Officers trained in risk profiling")
    free = factories.ResultFactory(project=project, kind="output", order=3,
                                   title="Mobile teams equipped")
    factories.ResultFactory(project=project, kind="output", order=4,
                            title="Output without indicators")
    share = factories.IndicatorFactory(
        result=outcome, title="Share of checkpoints with a mobile team", unit="%",
        measure="percentage", baseline_value=Decimal("12.5"),
        baseline_date=datetime.date(2010, 6, 30), baseline_note="Survey of June 2010")
    factories.PeriodFactory(indicator=share, target=Decimal("40"), actual=Decimal("37.5"),
                            actual_status=Period.Status.APPROVED)
    trained = factories.IndicatorFactory(result=under, title="Officers trained",
                                         description="Border and customs officers.")
    factories.PeriodFactory(indicator=trained, target=Decimal("120"), actual=Decimal("95"),
                            actual_status=Period.Status.APPROVED)
    factories.PeriodFactory(indicator=trained, start=datetime.date(2012, 1, 1),
                            end=datetime.date(2012, 12, 31), target=Decimal("150"),
                            actual=Decimal("777"), actual_status=Period.Status.PENDING)
    words = factories.IndicatorFactory(
        result=free, title="Precursors seized",
        qualitative_note="More than 40 tonnes of acetic anhydride since 2008")
    factories.PeriodFactory(indicator=words, target=None)
    return outcome, under, free


# --------------------------------------------------------------------------------------------
# Content of the result elements
# --------------------------------------------------------------------------------------------
def test_result_types_measures_and_the_outcome_named_by_its_output(client, iati_schema, unodc):
    project = unodc_project(unodc, code="RES1", start_date=datetime.date(2011, 1, 1))
    framework(project)
    document, activities = served(client, iati_schema)
    assert ruleset_failures(document) == []
    activity = activities["XM-DAC-41114-RES1"]
    results = activity.findall("result")
    # Flattened in order; the output without an indicator is left out (IATI wants one).
    assert [(r.get("type"), narratives(r, "title")) for r in results] == [
        ("2", ["Borders better controlled"]),
        ("1", ["Officers trained in risk profiling"]),
        ("1", ["Mobile teams equipped"]),
    ]
    outcome, under, free = results
    assert narratives(outcome, "description") == ["Fewer drugs cross the borders."]
    assert "Contributes to the outcome: Borders better controlled" in narratives(
        under, "description")[0]
    assert free.find("description") is None
    # Measure: percentage → 2, a count → 1; unit and baseline.
    share = outcome.find("indicator")
    assert share.get("measure") == "2"
    assert "Unit: %." in narratives(share, "description")[0]
    baseline = share.find("baseline")
    assert (baseline.get("year"), baseline.get("iso-date"), baseline.get("value")) == (
        "2010", "2010-06-30", "12.5")
    assert narratives(baseline, "comment") == ["Survey of June 2010"]
    (period,) = share.findall("period")
    assert (period.find("period-start").get("iso-date"), period.find("period-end").get(
        "iso-date")) == ("2011-01-01", "2011-12-31")
    assert period.find("target").get("value") == "40"
    assert [a.get("value") for a in period.findall("actual")] == ["37.5"]
    assert under.find("indicator").get("measure") == "1"


def test_a_pending_actual_is_never_published(client, iati_schema, unodc):
    project = unodc_project(unodc, code="RES2", start_date=datetime.date(2011, 1, 1))
    framework(project)
    _, activities = served(client, iati_schema)
    trained = activities["XM-DAC-41114-RES2"].findall("result")[1].find("indicator")
    periods = {p.find("period-start").get("iso-date"): p for p in trained.iterfind("period")}
    # 2012's actual awaits approval: its target is published, its value never.
    assert periods["2012-01-01"].find("target").get("value") == "150"
    assert periods["2012-01-01"].find("actual") is None
    assert periods["2011-01-01"].find("actual").get("value") == "95"
    assert b"777" not in etree.tostring(trained)
    # An admin approves it: now it is published.
    Period.objects.filter(actual=Decimal("777")).update(actual_status=Period.Status.APPROVED)
    _, activities = served(client, iati_schema)
    trained = activities["XM-DAC-41114-RES2"].findall("result")[1].find("indicator")
    assert b'value="777"' in etree.tostring(trained)


def test_a_result_stated_in_words_has_its_note_and_no_period(client, iati_schema, unodc):
    project = unodc_project(unodc, code="RES3", start_date=datetime.date(2011, 1, 1))
    framework(project)
    _, activities = served(client, iati_schema)
    words = activities["XM-DAC-41114-RES3"].findall("result")[2].find("indicator")
    assert narratives(words, "title") == ["Precursors seized"]
    assert "More than 40 tonnes of acetic anhydride since 2008" in narratives(
        words, "description")[0]
    assert words.find("period") is None
    assert words.find("baseline") is None


def test_russian_titles_follow_the_english_ones(client, iati_schema, unodc):
    project = unodc_project(unodc, code="RES4", start_date=datetime.date(2011, 1, 1))
    outcome, under, _ = framework(project)
    Result.objects.filter(pk=outcome.pk).update(title_ru="Границы под контролем")
    Indicator.objects.filter(result=under).update(title_ru="Обучено сотрудников")
    _, activities = served(client, iati_schema)
    results = activities["XM-DAC-41114-RES4"].findall("result")
    assert narratives(results[0], "title") == ["Borders better controlled",
                                               "Границы под контролем"]
    assert results[0].find("title/narrative[2]").get(iati.XML_LANG) == "ru"
    assert narratives(results[1], "indicator/title") == ["Officers trained",
                                                         "Обучено сотрудников"]
    # The output's description names its outcome in both languages.
    assert "Границы под контролем" in narratives(results[1], "description")[1]


def test_demo_projects_frameworks_are_never_in_the_public_file(client, iati_schema, unodc):
    demo = unodc_project(unodc, code="DEMO-RES", is_demo=True)
    framework(demo)
    unodc_project(unodc, code="REAL-RES", start_date=datetime.date(2011, 1, 1))
    document, activities = served(client, iati_schema)
    assert "XM-DAC-41114-DEMO-RES" not in activities
    assert activities["XM-DAC-41114-REAL-RES"].find("result") is None
    assert b"Borders better controlled" not in document


# --------------------------------------------------------------------------------------------
# Dimensions: only breakdowns none of whose groups is hidden
# --------------------------------------------------------------------------------------------
def _row(actual: Actual) -> ResultRow:
    period = Period(start=datetime.date(2011, 1, 1), end=datetime.date(2011, 12, 31))
    indicator = Indicator(title="People trained", measure=Indicator.Measure.COUNT)
    result = Result(title="Officers trained", kind=Result.Kind.OUTPUT)
    return ResultRow(result, [IndicatorRow(indicator, [PeriodRow(period, None, actual, None)])])


def _actuals(row: ResultRow) -> list[tuple[str, list[tuple[str, str]]]]:
    root = etree.Element("iati-activity")
    iati.result_element(root, row, None)
    return [(a.get("value"), [(d.get("name"), d.get("value")) for d in a.iterfind("dimension")])
            for a in root.iterfind("result/indicator/period/actual")]


def test_a_breakdown_with_a_hidden_group_gives_no_dimension():
    sex = [Cell("female", "Female", Decimal(4), "4"), Cell("male", "Male", Decimal(9), "9")]
    country = [Cell("KG", "Kyrgyzstan", Decimal(11), "11"),
               Cell("TJ", "Tajikistan", None, "fewer than 3")]
    actual = Actual(Actual.VALUE, Decimal(13), breakdown={"sex": sex, "country": country})
    assert _actuals(_row(actual)) == [
        ("13", []),
        ("4", [("sex", "female")]),
        ("9", [("sex", "male")]),
    ]


def test_a_breakdown_with_every_group_shown_gives_one_actual_per_group():
    country = [Cell("KG", "Kyrgyzstan", Decimal(6), "6"), Cell("KZ", "Kazakhstan", Decimal(5),
                                                                "5")]
    sex = [Cell("female", "Female", None, "fewer than 3"), Cell("male", "Male", None,
                                                                 "not shown")]
    actual = Actual(Actual.VALUE, Decimal(11), breakdown={"sex": sex, "country": country})
    assert _actuals(_row(actual)) == [
        ("11", []), ("6", [("country", "KG")]), ("5", [("country", "KZ")]),
    ]


def test_no_numeric_actual_no_actual_element():
    for actual in (Actual(Actual.NO_DATA), Actual(Actual.PENDING, Decimal(5)),
                   Actual(Actual.QUALITATIVE, note="As worded")):
        assert _actuals(_row(actual)) == []


# --------------------------------------------------------------------------------------------
# The demo world treated as public
# --------------------------------------------------------------------------------------------
def test_the_demo_world_treated_as_public_is_valid_and_passes_the_ruleset(
    client, iati_schema, unodc, settings, roles
):
    """seed_demo's world, with a framework on its project (computed and entered indicators),
    first as it is — not in the file — then published as if it were real (its flags cleared,
    as tests/activities/test_privacy_auditor.py does, and UNODC among its implementers)."""
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    project = Project.objects.get(code="DEMO-PROJECT")
    outcome, _, _ = framework(project)
    trained = factories.IndicatorFactory(result=outcome, title="People trained",
                                         source=Indicator.Source.PEOPLE_TRAINED)
    factories.PeriodFactory(indicator=trained, target=Decimal("200"))
    held = factories.IndicatorFactory(result=outcome, title="Training courses held",
                                      source=Indicator.Source.EVENTS_HELD,
                                      event_kinds=["training_course"])
    factories.PeriodFactory(indicator=held, target=Decimal("2"))
    project.implementers.add(unodc)
    unodc_project(unodc, code="REAL", start_date=datetime.date(2011, 1, 1))  # a file has one

    document, activities = served(client, iati_schema)
    assert "XM-DAC-41114-DEMO-PROJECT" not in activities
    assert b"Demo" not in document

    with transaction.atomic(), summaries.writing():  # as a service writes in bulk
        summaries.mark(Event.objects.filter(is_demo=True).values_list("pk", flat=True))
        for model in (Project, Event, Organisation, Participant, Participation, Donor,
                      Contribution, Seizure):
            model.objects.filter(is_demo=True).update(is_demo=False)
    document, activities = served(client, iati_schema)
    assert ruleset_failures(document) == []
    demo = activities["XM-DAC-41114-DEMO-PROJECT"]
    # seed_demo's framework and this test's: each result with an indicator once, an outcome
    # as "2", an output as "1".
    assert sorted(r.get("type") for r in demo.iterfind("result")) == sorted(
        "2" if kind == "outcome" else "1"
        for kind in project.results.filter(indicators__isnull=False).distinct()
        .values_list("kind", flat=True))
    indicators = {narratives(i, "title")[0]: i for i in demo.iterfind("result/indicator")}
    people = indicators["People trained"].find("period/actual").get("value")
    attended = (Participation.objects.filter(event__projects=project, status="attended")
                .values("participant").distinct().count())
    assert int(people) == attended > 0
    assert indicators["Training courses held"].find("period/actual").get("value") == "1"
    # Recipients on the activity, never on a transaction.
    assert [c.get("code") for c in demo.iterfind("recipient-country")] == [
        c.code.code for c in project.countries.all()]
    assert demo.find("transaction/recipient-country") is None


# --------------------------------------------------------------------------------------------
# Generated worlds
# --------------------------------------------------------------------------------------------
THEMES = [*iati.THEME_SECTORS, "unmapped-theme"]
COUNTRIES = ["KG", "KZ", "TJ", "TM", "UZ", "AF"]
REGIONS = ["", "Central Asia", "Global", "Somewhere else"]
days = st.dates(min_value=datetime.date(2005, 1, 1), max_value=TODAY + datetime.timedelta(
    days=3 * 365))
amounts = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False,
                      allow_infinity=False)

contributions = st.fixed_dictionaries({
    "status": st.sampled_from(Contribution.Status.values),
    "amount": st.one_of(st.none(), amounts),
    "date": st.one_of(st.none(), days),
    "is_published": st.booleans(),
})
periods = st.fixed_dictionaries({
    "year": st.integers(2008, TODAY.year + 2),
    "target": st.one_of(st.none(), st.integers(0, 100).map(Decimal)),
    "actual": st.one_of(st.none(), st.integers(0, 100).map(Decimal)),
    "status": st.sampled_from([Period.Status.APPROVED, Period.Status.PENDING]),
})
indicators = st.fixed_dictionaries({
    "measure": st.sampled_from(Indicator.Measure.values),
    "baseline": st.one_of(st.none(), st.tuples(st.integers(0, 100).map(Decimal), days)),
    "note": st.sampled_from(["", "As the bulletin words it"]),
    "periods": st.lists(periods, max_size=3, unique_by=lambda p: p["year"]),
})
results = st.fixed_dictionaries({
    "kind": st.sampled_from(Result.Kind.values),
    "under_previous": st.booleans(),
    "indicators": st.lists(indicators, max_size=2),
})
projects = st.fixed_dictionaries({
    "status": st.sampled_from(Project.Status.values),
    "themes": st.lists(st.sampled_from(THEMES), unique=True, max_size=5),
    "countries": st.lists(st.sampled_from(COUNTRIES), unique=True, max_size=4),
    "region": st.sampled_from(REGIONS),
    "start": st.one_of(st.none(), days),
    "length": st.one_of(st.none(), st.integers(0, 2000)),
    "start_year": st.one_of(st.none(), st.integers(2000, TODAY.year + 2)),
    "budget": st.one_of(st.none(), amounts),
    "event": st.one_of(st.none(), days),
    "contributions": st.lists(contributions, max_size=4),
    "results": st.lists(results, max_size=4),
})


@contextlib.contextmanager
def rolled_back():
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


def build(world: list[dict]) -> None:
    unodc, _ = Organisation.objects.get_or_create(slug="unodc", defaults={
        "name": "UNODC", "kind": Organisation.Kind.UN})
    themes = {slug: factories.ThemeFactory(slug=slug) for slug in THEMES}
    countries = {code: factories.CountryFactory(code=code) for code in COUNTRIES}
    for number, spec in enumerate(world):
        start = spec["start"]
        end = start + datetime.timedelta(days=spec["length"]) if start and spec[
            "length"] is not None else None
        project = factories.ProjectFactory(
            code=f"GEN{number}", status=spec["status"], region=spec["region"],
            start_date=start, end_date=end, start_year=spec["start_year"],
            budget_amount=spec["budget"], budget_currency="EUR" if spec["budget"] is not None
            else "")
        project.implementers.add(unodc)
        project.themes.set([themes[t] for t in spec["themes"]])
        project.countries.set([countries[c] for c in spec["countries"]])
        if spec["event"]:
            factories.EventFactory(projects=[project], start_date=spec["event"],
                                   end_date=spec["event"])
        for contribution in spec["contributions"]:
            factories.ContributionFactory(
                project=project, status=contribution["status"], amount=contribution["amount"],
                currency="USD" if contribution["amount"] is not None else "",
                date=contribution["date"], is_published=contribution["is_published"])
        previous_outcome = None
        for order, result_spec in enumerate(spec["results"]):
            parent = previous_outcome if (result_spec["kind"] == "output"
                                          and result_spec["under_previous"]) else None
            result = factories.ResultFactory(project=project, kind=result_spec["kind"],
                                             parent=parent, order=order)
            if result.kind == Result.Kind.OUTCOME:
                previous_outcome = result
            for indicator_spec in result_spec["indicators"]:
                baseline = indicator_spec["baseline"]
                indicator = factories.IndicatorFactory(
                    result=result, measure=indicator_spec["measure"],
                    qualitative_note=indicator_spec["note"],
                    baseline_value=baseline[0] if baseline else None,
                    baseline_date=baseline[1] if baseline else None)
                for period_spec in indicator_spec["periods"]:
                    actual = period_spec["actual"]
                    factories.PeriodFactory(
                        indicator=indicator, start=datetime.date(period_spec["year"], 1, 1),
                        end=datetime.date(period_spec["year"], 12, 31),
                        target=period_spec["target"], actual=actual,
                        actual_status=period_spec["status"] if actual is not None else "")


@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate, Phase.shrink],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(world=st.lists(projects, min_size=1, max_size=4))
def test_generated_worlds_are_valid_and_pass_the_ruleset(iati_schema, world):
    """Random projects — themes mapped or not, countries, regions, statuses, dates in the past
    and the future, budgets over short and long periods, contributions of every status with or
    without amount and date, frameworks with every measure and approval state — give a file
    that is valid, passes the ruleset, and publishes no pending actual."""
    with rolled_back():
        build(world)
        document = iati.activities_document()
        pending = {iati.number(v) for v in Period.objects.filter(
            actual_status=Period.Status.PENDING).values_list("actual", flat=True)}
        approved = {iati.number(v) for v in Period.objects.filter(
            actual_status=Period.Status.APPROVED).values_list("actual", flat=True)}
    root = etree.fromstring(document)
    assert iati_schema.validate(root), iati_schema.error_log
    assert ruleset_failures(document) == []
    assert len(root.findall("iati-activity")) == len(world)
    for activity in root.iter("iati-activity"):
        shares = [Decimal(s.get("percentage")) for s in activity.iterfind("sector")]
        assert sum(shares) == 100 and len(shares) >= 1
        assert (activity.find("recipient-country") is None) != (
            activity.find("recipient-region") is None)
        assert activity.find("transaction/recipient-country") is None
    published = {a.get("value") for a in root.iterfind(".//result/indicator/period/actual")}
    # Every published actual is an approved one (a value that is only pending never shows).
    assert published <= approved
    assert not (pending - approved) & published


def test_sector_shares_add_up_to_exactly_one_hundred():
    for count in range(1, 12):
        parts = iati.shares(count)
        assert len(parts) == count
        assert sum(Decimal(p) for p in parts) == 100
        assert max(Decimal(p) for p in parts) - min(Decimal(p) for p in parts) <= Decimal("0.01")
    assert iati.shares(3) == ["33.33", "33.33", "33.34"]
    assert iati.shares(2) == ["50", "50"]
    assert iati.shares(1) == ["100"]

