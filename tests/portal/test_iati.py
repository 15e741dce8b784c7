"""/iati/activities.xml: the projects UNODC implements as IATI 2.03 activities, valid against the
official schema (tests/data/iati-2.03/, copied from IATI/IATI-Schemas version-2.03), with their
funders, status, dates, places, sectors, budget and transactions — published data only."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from tests import factories
from tests.iati import fetch, narratives, ruleset_failures
from tests.querycount import count_queries

URL = reverse("opendata:iati_activities")


# --------------------------------------------------------------------------------------------
# Built records
# --------------------------------------------------------------------------------------------
@pytest.fixture
def unodc(db):
    return factories.OrganisationFactory(slug="unodc", name="UNODC", kind="un")


@pytest.mark.django_db
def test_transactions_for_published_contributions_with_amount_and_date_only(
    client, iati_schema, unodc
):
    project = factories.ProjectFactory(code="PRJ1", status="ongoing",
                                       start_date=datetime.date(2011, 1, 1),
                                       end_date=datetime.date(2011, 12, 31),
                                       budget_amount=Decimal("3000000"), budget_currency="EUR")
    project.implementers.add(unodc)
    project.themes.add(factories.ThemeFactory(slug="anti-corruption"))
    donor = factories.DonorFactory(name="Canada", kind="government")
    factories.ContributionFactory(key="received", donor=donor, project=project,
                                  amount=Decimal("250000"), currency="CAD",
                                  date=datetime.date(2011, 4, 1), status="received")
    factories.ContributionFactory(key="pledged", donor=donor, project=project,
                                  amount=Decimal("10"), currency="USD",
                                  date=datetime.date(2011, 5, 1), status="pledged")
    factories.ContributionFactory(key="no-amount", donor=donor, project=project, amount=None,
                                  currency="")
    factories.ContributionFactory(key="year-only", donor=donor, project=project, date=None,
                                  year=2011)
    factories.ContributionFactory(key="unpublished", project=project, is_published=False,
                                  donor=factories.DonorFactory(name="Secret donor"))
    factories.ContributionFactory(key="tomorrow", donor=donor, project=project,
                                  date=timezone.localdate() + datetime.timedelta(days=1))
    activity = fetch(client, iati_schema)["XM-DAC-41114-PRJ1"]
    transactions = {t.get("ref"): t for t in activity.iterfind("transaction")}
    # A contribution dated in the future joins the file on its day (IATI: no future dates).
    assert sorted(transactions) == ["pledged", "received"]
    received = transactions["received"]
    assert received.find("transaction-type").get("code") == "1"
    assert received.find("transaction-date").get("iso-date") == "2011-04-01"
    value = received.find("value")
    assert (value.text, value.get("currency"), value.get("value-date")) == (
        "250000.00", "CAD", "2011-04-01")
    assert narratives(received, "provider-org") == ["Canada"]
    assert transactions["pledged"].find("transaction-type").get("code") == "13"
    assert narratives(activity, "participating-org[@role='1']") == ["Canada"]
    assert "Secret donor" not in etree.tostring(activity).decode()
    budget = activity.find("budget")
    assert budget.find("period-start").get("iso-date") == "2011-01-01"
    assert budget.find("value").get("currency") == "EUR"
    assert activity.find("activity-status").get("code") == "2"
    assert [(s.get("code"), s.get("percentage")) for s in activity.iterfind("sector")] == [
        ("15113", "100")]
    assert ruleset_failures(client.get(URL).content) == []


@pytest.mark.django_db
def test_a_budget_over_more_than_a_year_is_described_not_given_as_one_period(
    client, iati_schema, unodc
):
    """IATI's budget periods are at most a year long; the record gives no split by year, so a
    longer budget is stated in words rather than split by guesswork."""
    project = factories.ProjectFactory(code="LONG", start_date=datetime.date(2011, 1, 1),
                                       end_date=datetime.date(2013, 12, 31),
                                       budget_amount=Decimal("3000000"), budget_currency="EUR")
    project.implementers.add(unodc)
    leap = factories.ProjectFactory(code="LEAP", start_date=datetime.date(2012, 2, 29),
                                    end_date=datetime.date(2013, 2, 28),
                                    budget_amount=Decimal("10"), budget_currency="USD")
    leap.implementers.add(unodc)
    activities = fetch(client, iati_schema)
    long = activities["XM-DAC-41114-LONG"]
    assert long.find("budget") is None
    (words,) = narratives(long, "description[@type='4']")
    assert "EUR 3,000,000.00 for 2011-01-01 to 2013-12-31" in words
    assert activities["XM-DAC-41114-LEAP"].find("budget/period-end").get("iso-date") == (
        "2013-02-28")
    assert activities["XM-DAC-41114-LEAP"].find("description[@type='4']") is None
    assert ruleset_failures(client.get(URL).content) == []


@pytest.mark.django_db
def test_sectors_share_one_hundred_and_a_project_without_one_is_not_specified(
    client, iati_schema, unodc
):
    three = factories.ProjectFactory(code="THREE")
    three.implementers.add(unodc)
    three.themes.set([factories.ThemeFactory(slug=slug) for slug in
                      ("law-enforcement", "prison-reform", "anti-corruption", "border-control")])
    none = factories.ProjectFactory(code="NONE")
    none.implementers.add(unodc)
    none.themes.add(factories.ThemeFactory(slug="a-theme-with-no-sector"))
    activities = fetch(client, iati_schema)
    assert [(s.get("code"), s.get("percentage"))
            for s in activities["XM-DAC-41114-THREE"].iterfind("sector")] == [
        ("16063", "33.33"), ("15130", "33.33"), ("15113", "33.34")]
    assert [(s.get("code"), s.get("percentage"))
            for s in activities["XM-DAC-41114-NONE"].iterfind("sector")] == [("99810", "100")]
    # Without a country or a known region: "developing countries, unspecified", said so.
    region = activities["XM-DAC-41114-NONE"].find("recipient-region")
    assert region.get("code") == "998"
    assert "no recipient" in region.findtext("narrative")
    assert ruleset_failures(client.get(URL).content) == []


@pytest.mark.django_db
def test_actual_dates_are_never_in_the_future_nor_a_start_after_the_end(
    client, iati_schema, unodc
):
    today = timezone.localdate()
    later = today + datetime.timedelta(days=30)
    ahead = factories.ProjectFactory(code="AHEAD", status="completed", start_date=later,
                                     end_date=later + datetime.timedelta(days=10))
    ahead.implementers.add(unodc)
    ending = factories.ProjectFactory(code="ENDING", status="completed",
                                      start_date=datetime.date(2011, 1, 1), end_date=later)
    ending.implementers.add(unodc)
    inverted = factories.ProjectFactory(code="INVERTED", start_year=2012,
                                        end_date=datetime.date(2011, 6, 30))
    inverted.implementers.add(unodc)
    activities = fetch(client, iati_schema)

    def dates(code):
        return [(d.get("type"), d.get("iso-date"))
                for d in activities[f"XM-DAC-41114-{code}"].iterfind("activity-date")]

    assert dates("AHEAD") == [("1", later.isoformat()),
                              ("3", (later + datetime.timedelta(days=10)).isoformat())]
    assert dates("ENDING") == [("2", "2011-01-01"), ("3", later.isoformat())]
    assert dates("INVERTED") == [("2", "2011-06-30"), ("3", "2011-06-30")]
    assert "after it" in activities["XM-DAC-41114-INVERTED"].findtext("activity-date/narrative")
    assert ruleset_failures(client.get(URL).content) == []


@pytest.mark.django_db
def test_status_maps_to_iati_codes_and_a_planned_project_has_a_planned_start(
    client, iati_schema, unodc
):
    for code, status in [("P", "planned"), ("C", "completed"), ("N", "not_stated")]:
        project = factories.ProjectFactory(code=code, status=status,
                                           start_date=datetime.date(2010, 1, 1),
                                           end_date=datetime.date(2010, 12, 31))
        project.implementers.add(unodc)
    activities = fetch(client, iati_schema)

    def codes(code):
        activity = activities[f"XM-DAC-41114-{code}"]
        return (activity.find("activity-status").get("code"),
                [d.get("type") for d in activity.iterfind("activity-date")])

    assert codes("P") == ("1", ["1", "3"])
    assert codes("C") == ("3", ["2", "4"])
    assert codes("N") == ("2", ["2", "3"])


@pytest.mark.django_db
def test_a_project_with_no_date_takes_its_first_events_date_and_says_so(
    client, iati_schema, unodc
):
    project = factories.ProjectFactory(code="UNDATED")
    project.implementers.add(unodc)
    factories.EventFactory(projects=[project], start_date=datetime.date(2011, 2, 21))
    (date,) = fetch(client, iati_schema)["XM-DAC-41114-UNDATED"].iterfind("activity-date")
    assert date.get("iso-date") == "2011-02-21"
    assert "not stated" in date.findtext("narrative")


@pytest.mark.django_db
def test_the_file_costs_a_fixed_number_of_queries(client, unodc):
    def add(n):
        for _ in range(n):
            project = factories.ProjectFactory()
            project.implementers.add(unodc)
            project.countries.add(factories.CountryFactory(code="KG"))
            factories.ContributionFactory(project=project)

    add(1)
    at_one, _ = count_queries(client, URL)
    add(29)
    at_thirty, _ = count_queries(client, URL)
    assert at_one == at_thirty <= 12


@pytest.mark.django_db
def test_the_results_cost_a_fixed_number_of_queries(client, unodc):
    """Every project's framework is read at once (``results.progress.frameworks``), not one
    project at a time (entered indicators; the computed ones are the compute helper's)."""
    def add(n):
        for _ in range(n):
            project = factories.ProjectFactory(start_date=datetime.date(2011, 1, 1))
            project.implementers.add(unodc)
            outcome = factories.ResultFactory(project=project)
            output = factories.ResultFactory(project=project, kind="output", parent=outcome)
            for result in (outcome, output):
                factories.PeriodFactory(indicator__result=result, actual=Decimal("5"),
                                        actual_status="approved")

    add(1)
    at_one, _ = count_queries(client, URL)
    add(29)
    at_thirty, _ = count_queries(client, URL)
    assert at_one == at_thirty <= 15
    assert client.get(URL).content.count(b"<result ") == 60
