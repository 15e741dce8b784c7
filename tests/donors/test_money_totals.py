"""Money that reads at a glance (issue 14, point 5): a total in US dollars across currencies on
the contributions list, the donor page and the donor workspace, partial and saying so where a
rate is missing; abbreviated figures with the exact one beside them; the contributions without
a stated amount said once; and every figure over the contributions the reader may see."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from donors import totals
from donors.models import Contribution
from donors.templatetags.money_lines import money_short
from tests import factories
from tests.pages import client_for
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db
LIST = reverse("donors:contribution_list")
WORKSPACE = reverse("donors:my_contributions")


def text(response) -> str:
    return " ".join(lxml_html.fromstring(response.content.decode()).text_content().split())


def usd_total(response) -> str:
    """The US-dollar total's card as text ("" when the page has none)."""
    cards = lxml_html.fromstring(response.content.decode()).find_class("usd-total")
    assert len(cards) <= 1
    return " ".join(cards[0].text_content().split()) if cards else ""


def rate(currency, year, month, usd):
    factories.ExchangeRateFactory(currency=currency, month=datetime.date(year, month, 1),
                                  usd_per_unit=Decimal(usd))


@pytest.fixture
def canada():
    return factories.DonorFactory(slug="canada", name="Canada")


@pytest.fixture
def eight(canada):
    """Eight contributions with an amount, in three currencies: seven with a rate (USD 4.3
    million in all), one in GBP without the rate of July 2011."""
    rate("EUR", 2011, 4, "1.4")
    for _ in range(5):
        factories.ContributionFactory(donor=canada, amount=Decimal(500000), currency="EUR",
                                      date=datetime.date(2011, 4, 15))
    factories.ContributionFactory(donor=canada, amount=Decimal(600000), currency="USD")
    factories.ContributionFactory(amount=Decimal("200000.50"), currency="USD")
    factories.ContributionFactory(donor=canada, amount=Decimal(100000), currency="GBP",
                                  date=None, year=2011)


def test_a_total_in_us_dollars_adds_the_stored_equivalents_across_currencies(client, canada):
    rate("EUR", 2011, 4, "1.4")
    factories.ContributionFactory(donor=canada, amount=Decimal(3000000), currency="EUR")
    factories.ContributionFactory(donor=canada, amount=Decimal("123456.78"), currency="USD")
    total = usd_total(client.get(LIST))
    assert total == (
        "Total in US dollars USD 4.3 million for all 2 contributions with a stated amount "
        "USD 4,323,456.78: the US-dollar equivalents at the UN operational rate of each "
        "contribution's month."
    )
    figure = lxml_html.fromstring(client.get(LIST).content.decode()).find_class("figure-value")[0]
    assert figure.get("title") == "USD 4,323,456.78"  # the exact figure, beside the short one
    assert figure.get("value") == "4323456.78"


def test_a_total_that_lacks_a_rate_reads_as_partial_and_names_the_missing_rate(client, eight):
    total = usd_total(client.get(LIST))
    assert total.startswith("Partial total in US dollars USD 4.3 million for 7 of 8 "
                            "contributions; no rate for GBP, July 2011 ")
    assert "Total in US dollars" not in total
    assert "not counted as zero" in total


def test_no_rate_at_all_gives_no_figure_only_the_missing_rates(client, canada):
    factories.ContributionFactory(donor=canada, amount=Decimal(100), currency="GBP")
    factories.ContributionFactory(donor=canada, amount=Decimal(100), currency="JPY")
    assert usd_total(client.get(LIST)) == (
        "No total in US dollars No rate for GBP, April 2011; no rate for JPY, April 2011")


def test_the_missing_rates_named_are_a_bounded_list(client, canada):
    factories.ContributionFactory(donor=canada, amount=Decimal(100), currency="USD")
    for month in range(1, 7):
        factories.ContributionFactory(donor=canada, amount=Decimal(100), currency="GBP",
                                      date=datetime.date(2011, month, 1))
    total = usd_total(client.get(LIST))
    assert ("USD 100 for 1 of 7 contributions; no rate for GBP, January 2011; no rate for GBP, "
            "February 2011; no rate for GBP, March 2011; 3 more months without a rate") in total
    assert "April 2011" not in total


def test_amounts_in_one_currency_need_no_total_across_currencies(client, canada):
    rate("EUR", 2011, 4, "1.4")
    factories.ContributionFactory(donor=canada, amount=Decimal(1000), currency="EUR")
    response = client.get(LIST)
    assert usd_total(response) == ""
    assert "EUR 1,000 ≈ USD 1,400" in text(response)  # the currency's own figure says it


@pytest.mark.parametrize(("amount", "currency", "words"), [
    ("4312345.67", "USD", "USD 4.3 million"),
    ("812345678", "JPY", "JPY 812 million"),
    ("999950000", "USD", "USD 1 billion"),
    ("150000", "USD", "USD 150 thousand"),
    ("12345", "EUR", "EUR 12.3 thousand"),
    ("999.5", "USD", "USD 999.50"),
    ("9949", "USD", "USD 9,949"),
    ("9999", "USD", "USD 10 thousand"),
    ("999999", "USD", "USD 1 million"),
    ("1000000", "USD", "USD 1 million"),
])
def test_figures_are_abbreviated_readably(amount, currency, words):
    assert money_short(Decimal(amount), currency) == words


def test_the_total_is_on_the_donor_page_and_in_the_donor_workspace(client, donor_user):
    own = donor_user.donor_account.donor
    rate("EUR", 2011, 4, "1.4")
    factories.ContributionFactory(donor=own, amount=Decimal(1000), currency="EUR")
    factories.ContributionFactory(donor=own, amount=Decimal(600), currency="USD")
    factories.ContributionFactory(donor=own, amount=Decimal(50), currency="GBP")
    expected = "USD 2,000 for 2 of 3 contributions; no rate for GBP, April 2011"
    assert expected in usd_total(client.get(own.get_absolute_url()))
    client.force_login(donor_user)
    assert expected in usd_total(client.get(WORKSPACE))


@pytest.fixture
def hidden(canada, other_donor_user):
    """Published: EUR 1,000 and USD 500 of Canada. Unpublished: EUR 2,000 of Canada, and USD
    700 of the other donor's account, which that donor alone (and admins) may see."""
    rate("EUR", 2011, 4, "1.5")
    factories.ContributionFactory(donor=canada, amount=Decimal(1000), currency="EUR")
    factories.ContributionFactory(donor=canada, amount=Decimal(500), currency="USD")
    factories.ContributionFactory(donor=canada, amount=Decimal(2000), currency="EUR",
                                  is_published=False)
    factories.ContributionFactory(donor=other_donor_user.donor_account.donor,
                                  amount=Decimal(700), currency="USD", is_published=False)
    # A demo record counts for no one.
    factories.ContributionFactory(donor=canada, amount=Decimal(9000), currency="USD",
                                  is_demo=True)


@pytest.mark.parametrize(("role", "usd", "count"), [
    ("anonymous", "USD 2,000", 2),
    ("officer", "USD 2,000", 2),
    ("donor", "USD 2,000", 2),
    ("other_donor", "USD 2,700", 3),
    ("admin", "USD 5,700", 4),
])
def test_the_total_counts_only_what_the_reader_may_see(role, usd, count, client, request,
                                                       hidden):
    client = client_for(role, client, request)
    response = client.get(LIST)
    total = usd_total(response)
    assert f"{usd} for all {count} contributions" in total
    assert response.context["totals"].count == count


@pytest.mark.parametrize("role", ["anonymous", "officer", "donor"])
def test_no_two_totals_a_visitor_sees_differ_by_an_unpublished_amount(role, client, request,
                                                                     hidden, canada):
    """Canada's unpublished EUR 2,000 is in none of the figures a visitor can compare: the whole
    list, the list of Canada's contributions, and Canada's page all say the same USD 2,000."""
    client = client_for(role, client, request)
    figures = {
        url: usd_total(client.get(url)).split(" for ")[0]
        for url in (LIST, f"{LIST}?donor=canada", f"{LIST}?currency=EUR",
                    canada.get_absolute_url())
    }
    assert figures[LIST] == figures[f"{LIST}?donor=canada"] == figures[
        canada.get_absolute_url()] == "Total in US dollars USD 2,000"
    assert figures[f"{LIST}?currency=EUR"] == ""  # one currency: its own figure, EUR 1,000
    assert "EUR 1,000 ≈ USD 1,500" in text(client.get(f"{LIST}?currency=EUR"))
    assert "3,000" not in text(client.get(canada.get_absolute_url()))


def test_the_usd_total_is_built_from_the_per_currency_rows_without_a_query(
    django_assert_num_queries, eight
):
    contribution_totals = totals.contribution_totals(Contribution.objects.all())
    rows = contribution_totals.per_currency
    with django_assert_num_queries(0):
        total = totals.UsdTotal.of(rows)
    assert (total.with_rate, total.with_amount, total.complete) == (7, 8, False)
    assert total.usd == Decimal("4300000.50")
    assert [str(m) for m in total.missing] == ["no rate for GBP, July 2011"]


# Contributions without a stated amount
# --------------------------------------------------------------------------------------------
@pytest.fixture
def in_kind(canada):
    japan = factories.DonorFactory(slug="japan", name="Japan")
    factories.ContributionFactory(donor=canada, amount=Decimal(1000), currency="USD")
    for donor, year in ((canada, 2011), (canada, 2012), (japan, 2012)):
        factories.ContributionFactory(donor=donor, kind="in_kind", amount=None, currency="",
                                      date=None, year=year)


def test_contributions_without_an_amount_are_said_once_by_donor(client, in_kind):
    response = client.get(LIST)
    page = text(response)
    assert ("3 contributions without a stated amount: Canada (2), Japan (1). They are counted, "
            "never summed.") in page
    assert page.count("without a stated amount") == 1  # not once per table row or card
    tree = lxml_html.fromstring(response.content.decode())
    (japan_row,) = [row for row in tree.xpath("//table[caption='By donor']//tr")
                    if "Japan" in row.text_content()]
    assert " ".join(japan_row.text_content().split()) == "Japan not stated 1"


def test_in_the_workspace_they_are_said_once_by_year(client, donor_user):
    own = donor_user.donor_account.donor
    factories.ContributionFactory(donor=own, amount=Decimal(1000), currency="USD")
    for year in (2011, 2012, 2012, None):
        factories.ContributionFactory(donor=own, kind="in_kind", amount=None, currency="",
                                      date=None, year=year)
    client.force_login(donor_user)
    page = text(client.get(WORKSPACE))
    assert ("4 contributions without a stated amount: 2011 (1), 2012 (2), Year not stated (1)."
            in page)
    assert page.count("without a stated amount") == 1


def test_the_donor_page_says_them_once_without_naming_the_donor_again(client, in_kind, canada):
    page = text(client.get(canada.get_absolute_url()))
    assert "2 contributions without a stated amount. They are counted, never summed." in page
    assert page.count("without a stated amount") == 1


def test_the_groups_named_are_a_bounded_list(client):
    for n in range(totals.WITHOUT_AMOUNT_NAMED + 2):
        factories.ContributionFactory(donor=factories.DonorFactory(name=f"Donor {n:02d}"),
                                      amount=None, currency="", kind="in_kind")
    (sentence,) = lxml_html.fromstring(client.get(LIST).content.decode()).find_class(
        "without-amount")
    sentence = " ".join(sentence.text_content().split())
    assert sentence.startswith("10 contributions without a stated amount: Donor 00 (1), ")
    assert "Donor 07 (1) and 2 more." in sentence and "Donor 08" not in sentence


@pytest.mark.parametrize("role", ["anonymous", "donor"])
def test_donor_page_with_totals_keeps_a_constant_query_count(role, client, request, canada):
    client = client_for(role, client, request)

    def add_rows(n):
        for i in range(n):
            factories.ContributionFactory(
                donor=canada, currency=["USD", "EUR", "GBP", ""][i % 4],
                amount=None if i % 4 == 3 else Decimal(100), date=datetime.date(2000 + i, 1, 1))
    rate("EUR", 2000, 1, "1.1")
    assert_constant_queries(client, canada.get_absolute_url(), add_rows, 15)


def test_the_home_card_has_the_total_and_says_unstated_amounts_once(client, eight, in_kind):
    response = client.get(reverse("home"))
    # The home card adds the same US-dollar equivalents as the list, partial where a rate lacks.
    assert usd_total(response) == usd_total(client.get(LIST))
    assert "no rate for GBP, July 2011" in usd_total(response)
    page = text(response)
    assert page.count("without a stated amount") == 1
    assert "3 contributions without a stated amount: counted, never summed." in page
    assert "without an amount)" not in page  # no longer once per currency
