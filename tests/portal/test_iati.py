"""/iati/activities.xml: the projects UNODC implements as IATI 2.03 activities, valid against the
official schema (tests/data/iati-2.03/, copied from IATI/IATI-Schemas version-2.03), with their
funders, status, dates, places, sectors, budget and transactions — published data only."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from lxml import etree

from tests import factories
from tests.iati import fetch, narratives
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
                                       end_date=datetime.date(2012, 12, 31),
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
    activity = fetch(client, iati_schema)["XM-DAC-41114-PRJ1"]
    transactions = {t.get("ref"): t for t in activity.iterfind("transaction")}
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
    assert [s.get("code") for s in activity.iterfind("sector")] == ["15113"]


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
