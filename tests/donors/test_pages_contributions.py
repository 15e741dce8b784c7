"""The contributions list: filters, totals per currency, by donor, by project and by year, and
charts — all over the contributions the visitor may see."""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from tests import factories
from tests.pages import client_for
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db
LIST = reverse("donors:contribution_list")


def keys(response):
    return sorted(c.key for c in response.context["page_obj"].object_list)


@pytest.fixture
def contributions(db):
    canada = factories.DonorFactory(slug="canada", name="Canada")
    eu = factories.DonorFactory(slug="eu", name="European Union")
    k50 = factories.ProjectFactory(code="KGZK50")
    prison = factories.ProjectFactory(code="PRISON", title="Prison reform")
    factories.ContributionFactory(key="eu-prison", donor=eu, project=prison,
                                  amount=Decimal("3000000"), currency="EUR", date=None, year=2011)
    factories.ContributionFactory(key="canada-2010", donor=canada, project=k50,
                                  amount=Decimal("120000"), currency="USD",
                                  date=datetime.date(2010, 9, 1), status="committed")
    factories.ContributionFactory(key="canada-2011", donor=canada, project=k50,
                                  amount=Decimal("30000"), currency="USD",
                                  date=datetime.date(2011, 3, 1))
    factories.ContributionFactory(key="canada-dogs", donor=canada, project=k50, kind="in_kind",
                                  amount=None, currency="", date=None, year=2011,
                                  in_kind_description="two narcotic detector dogs",
                                  status="not_stated")
    factories.ContributionFactory(key="canada-secret", donor=canada, project=prison,
                                  amount=Decimal("5"), currency="CAD", is_published=False)


@pytest.mark.parametrize(("role", "count"), [
    ("anonymous", 4), ("officer", 4), ("donor", 4), ("admin", 5),
])
def test_contribution_list_for_every_role(role, count, client, request, contributions):
    response = client_for(role, client, request).get(LIST)
    assert response.status_code == 200
    assert response.context["paginator"].count == count
    assert ("CAD 5" in response.content.decode()) is (role == "admin")


def test_a_donor_sees_its_own_unpublished_contributions_in_the_list_and_totals(
    client, donor_user, contributions
):
    own = donor_user.donor_account.donor
    factories.ContributionFactory(donor=own, amount=Decimal("250"), currency="GBP",
                                  is_published=False)
    assert "GBP 250" not in client.get(LIST).content.decode()
    client.force_login(donor_user)
    response = client.get(LIST)
    html = response.content.decode()
    assert "GBP 250" in html and "Unpublished" in html
    assert "CAD 5" not in html  # another donor's unpublished contribution
    assert "GBP" in [row.label for row in response.context["totals"].per_currency]


def test_totals_are_per_currency_never_added_across_currencies(client, contributions):
    response = client.get(LIST)
    totals = response.context["totals"]
    assert [(row.label, row.amounts, row.contributions) for row in totals.per_currency] == [
        ("EUR", [("EUR", Decimal("3000000"))], 1),
        ("USD", [("USD", Decimal("150000"))], 2),
        ("Amount not stated", [], 1),
    ]
    html = response.content.decode()
    assert "EUR 3,000,000" in html and "USD 150,000" in html
    assert "3,150,000" not in html
    assert "without a stated amount" in html


def test_totals_by_donor_project_and_year(client, contributions):
    totals = client.get(LIST).context["totals"]
    by_donor = {row.label: (row.amounts, row.without_amount) for row in totals.by_donor}
    assert by_donor == {
        "Canada": ([("USD", Decimal("150000"))], 1),
        "European Union": ([("EUR", Decimal("3000000"))], 0),
    }
    assert [row.url for row in totals.by_project] == ["/projects/KGZK50/", "/projects/PRISON/"]
    assert totals.by_project[1].label == "PRISON — Prison reform"
    by_year = {row.label: row.amounts for row in totals.by_year}
    assert by_year["2010"] == [("USD", Decimal("120000"))]
    assert by_year["2011"] == [("EUR", Decimal("3000000")), ("USD", Decimal("30000"))]


def test_charts_per_donor_and_year_reach_the_page_through_json_script(client, contributions):
    html = client.get(LIST).content.decode()
    assert 'id="contributions-count-chart-data" type="application/json"' in html
    assert 'id="contributions-usd-chart-data"' in html
    assert 'id="contributions-eur-chart-data"' in html
    assert "Number of contributions per donor and year" in html
    assert "<script>" not in html and 'style="' not in html


def test_the_count_chart_asks_for_whole_number_ticks_and_the_money_charts_do_not(
    client, contributions
):
    """charts.js gives a spec with "counts" a value axis of whole numbers (precision 0); the
    amounts keep their decimals."""
    tree = lxml_html.fromstring(client.get(LIST).content.decode())

    def spec(name):
        return json.loads(tree.get_element_by_id(f"contributions-{name}-chart-data").text)

    assert spec("count")["counts"] is True
    assert spec("count")["datasets"] and all(
        isinstance(value, int) for dataset in spec("count")["datasets"]
        for value in dataset["data"])
    assert "counts" not in spec("eur") and "counts" not in spec("usd")


def test_the_per_donor_and_per_year_tables_leave_the_unstated_amounts_to_one_sentence(
    client, contributions
):
    tree = lxml_html.fromstring(client.get(LIST).content.decode())
    tables = " ".join(" ".join(table.text_content().split()) for table in tree.xpath(
        "//table[caption='By donor' or caption='By year' or caption='By project']"))
    assert "without a stated amount" not in tables
    (sentence,) = tree.find_class("without-amount")
    assert " ".join(sentence.text_content().split()).startswith(
        "1 contribution without a stated amount.")  # one donor: no list of one
    # The wrappers that may scroll are reachable by the keyboard and named by their table.
    wrappers = tree.xpath("//div[contains(@class, 'table-scroll')]")
    assert {w.get("aria-label") for w in wrappers} >= {"By donor", "By project", "By year"}
    assert {(w.get("tabindex"), w.get("role")) for w in wrappers} == {("0", "region")}


@pytest.mark.parametrize(("params", "expected"), [
    ({"donor": "eu"}, ["eu-prison"]),
    ({"project": "KGZK50"}, ["canada-2010", "canada-2011", "canada-dogs"]),
    ({"kind": "in_kind"}, ["canada-dogs"]),
    ({"currency": "USD"}, ["canada-2010", "canada-2011"]),
    ({"status": "committed"}, ["canada-2010"]),
    ({"year_min": 2011}, ["canada-2011", "canada-dogs", "eu-prison"]),
    ({"year_max": 2010}, ["canada-2010"]),
    ({"q": "detector dogs"}, ["canada-dogs"]),
    ({"q": "prison"}, ["eu-prison"]),
])
def test_filters_narrow_the_contributions_and_their_totals(client, contributions, params,
                                                           expected):
    response = client.get(LIST, params)
    assert not response.context["filter"].form.errors
    assert keys(response) == expected
    assert response.context["totals"].count == len(expected)


@pytest.mark.parametrize(("params", "field"), [
    ({"currency": "CAD"}, "currency"),  # only in an unpublished contribution: not offered
    ({"currency": "XYZ"}, "currency"),
    ({"kind": "gold"}, "kind"),
    ({"status": "maybe"}, "status"),
    ({"year_min": "abc"}, "year_min"),
    ({"year_min": 2012, "year_max": 2010}, "year_max"),
    ({"donor": "nobody"}, "donor"),
])
def test_malformed_contribution_filters_are_form_errors(client, contributions, params, field):
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    assert keys(response) == []
    assert response.context["totals"].per_currency == []


def test_contributions_sort_by_amount_within_currency_and_by_donor(client, contributions):
    def ordered(sort):
        return [c.key for c in client.get(LIST, {"sort": sort}).context["page_obj"]]

    # Grouped by currency, then by amount; contributions without an amount last either way.
    assert ordered("-amount") == ["canada-2010", "canada-2011", "eu-prison", "canada-dogs"]
    assert ordered("amount") == ["eu-prison", "canada-2011", "canada-2010", "canada-dogs"]
    by_donor = [c.donor.name for c in client.get(LIST, {"sort": "-donor"}).context["page_obj"]]
    assert by_donor[0] == "European Union"


@pytest.mark.parametrize("role", ["anonymous", "donor"])
def test_contribution_list_query_count_is_constant_and_within_budget(role, client, request):
    client = client_for(role, client, request)

    def add_rows(n):
        for i in range(n):
            factories.ContributionFactory(
                event=factories.EventFactory(), article=factories.ArticleFactory(),
                currency=["USD", "EUR", "GBP"][i % 3], date=datetime.date(2000 + i, 1, 1),
            )

    assert_constant_queries(client, LIST, add_rows, 15 if role == "anonymous" else 20)
