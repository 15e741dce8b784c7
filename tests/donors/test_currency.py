"""US-dollar equivalents (donors/currency.py): the rate of the contribution's month (July for a
year-only date), computed in the database, a missing rate named and never counted as zero —
in the totals of every page that shows them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from donors import currency
from donors import totals as money
from donors.models import Contribution
from tests import factories

pytestmark = pytest.mark.django_db


def rate(code, year, month, usd):
    return factories.ExchangeRateFactory(
        currency=code, month=datetime.date(year, month, 1), usd_per_unit=Decimal(usd)
    )


def test_the_rate_month_is_the_month_of_the_date_else_july_of_the_year():
    dated = factories.ContributionFactory(date=datetime.date(2011, 4, 15))
    year_only = factories.ContributionFactory(date=None, year=2010)
    undated = factories.ContributionFactory(date=None, year=None)
    months = dict(Contribution.objects.all().values_list("pk", "usd_month"))
    assert months[dated.pk] == datetime.date(2011, 4, 1)
    assert months[year_only.pk] == datetime.date(2010, currency.YEAR_ONLY_MONTH, 1)
    assert currency.YEAR_ONLY_MONTH == 7
    assert months[undated.pk] is None


def test_each_row_is_converted_at_its_months_rate_and_a_missing_rate_gives_none():
    rate("EUR", 2011, 4, "1.4")
    rate("EUR", 2011, 7, "1.5")  # another month's rate must not be used
    april = factories.ContributionFactory(amount=Decimal(100), currency="EUR",
                                          date=datetime.date(2011, 4, 30))
    year_only = factories.ContributionFactory(amount=Decimal(10), currency="EUR", date=None,
                                              year=2011)
    no_rate = factories.ContributionFactory(amount=Decimal(50), currency="GBP",
                                            date=datetime.date(2011, 4, 1))
    dollars = factories.ContributionFactory(amount=Decimal(7), currency="USD", date=None)
    rows = {c.pk: c for c in Contribution.objects.all()}
    assert rows[april.pk].usd_amount == Decimal(140)
    assert rows[year_only.pk].usd_amount == Decimal(15)  # July's rate
    assert rows[no_rate.pk].usd_amount is None and rows[no_rate.pk].usd_rate is None
    assert rows[dollars.pk].usd_amount == Decimal(7)  # US dollars need no rate


def test_totals_per_currency_carry_the_equivalent_and_the_months_used():
    rate("EUR", 2011, 3, "1.38")
    rate("EUR", 2010, 7, "1.30")
    factories.ContributionFactory(amount=Decimal("50000"), currency="EUR",
                                  date=datetime.date(2011, 3, 15))
    factories.ContributionFactory(amount=Decimal("20000"), currency="EUR", date=None, year=2010)
    totals = money.contribution_totals(Contribution.objects.all())
    (row,) = totals.per_currency
    (line,) = row.lines
    assert (line.currency, line.total, line.usd) == ("EUR", Decimal(70000), Decimal(95000))
    assert line.complete
    assert (line.first_month, line.last_month) == (
        datetime.date(2010, 7, 1), datetime.date(2011, 3, 1))
    assert line.rate_note == "at the monthly rates of July 2010 to March 2011"
    assert row.usd_total == Decimal(95000)


def test_a_missing_rate_is_named_and_never_counted_as_zero():
    rate("EUR", 2011, 3, "1.38")
    factories.ContributionFactory(amount=Decimal("50000"), currency="EUR",
                                  date=datetime.date(2011, 3, 15))
    factories.ContributionFactory(amount=Decimal("20000"), currency="EUR", date=None, year=2011)
    (row,) = money.contribution_totals(Contribution.objects.all()).per_currency
    (line,) = row.lines
    assert line.total == Decimal(70000)
    # Only the converted part: the July amount is left out, not converted at zero.
    assert line.usd == Decimal(69000) and line.converted == Decimal(50000)
    assert line.unconverted == Decimal(20000)
    assert [str(m) for m in line.missing] == ["no rate for EUR, July 2011"]
    assert not line.complete
    assert row.usd_total is None  # a total across currencies would hide the gap


def test_with_no_rate_at_all_there_is_no_equivalent():
    factories.ContributionFactory(amount=Decimal("3000000"), currency="EUR", date=None,
                                  year=2011)
    (row,) = money.contribution_totals(Contribution.objects.all()).per_currency
    assert row.lines[0].usd is None
    assert row.lines[0].rate_note == "no rate for EUR, July 2011"


def test_an_undated_amount_has_no_rate_and_says_so():
    factories.ContributionFactory(amount=Decimal(5), currency="EUR", date=None, year=None)
    (row,) = money.contribution_totals(Contribution.objects.all()).per_currency
    assert row.lines[0].usd is None
    assert row.lines[0].rate_note == "no date for the EUR amount, so no rate"


def test_totals_by_year_convert_each_year_at_its_own_rates():
    rate("EUR", 2010, 7, "1.3")
    rate("EUR", 2011, 7, "1.4")
    factories.ContributionFactory(amount=Decimal(100), currency="EUR", date=None, year=2010)
    factories.ContributionFactory(amount=Decimal(100), currency="EUR", date=None, year=2011)
    factories.ContributionFactory(amount=Decimal(5), currency="USD", date=None, year=2011)
    by_year = {row.label: row for row in
               money.contribution_totals(Contribution.objects.all()).by_year}
    assert by_year["2010"].lines[0].usd == Decimal(130)
    assert [(line.currency, line.usd) for line in by_year["2011"].lines] == [
        ("EUR", Decimal(140)), ("USD", Decimal(5)),
    ]
    assert by_year["2011"].usd_total == Decimal(145)


def test_the_contributions_page_shows_equivalents_and_names_missing_rates(client):
    rate("EUR", 2011, 3, "1.38")
    factories.ContributionFactory(amount=Decimal("50000"), currency="EUR",
                                  date=datetime.date(2011, 3, 15))
    factories.ContributionFactory(amount=Decimal("20000"), currency="GBP", date=None, year=2011)
    html = client.get(reverse("donors:contribution_list")).content.decode()
    assert "≈ USD 69,000" in html
    assert "at the rate of March 2011" in html
    assert "no rate for GBP, July 2011" in html
    assert "USD 0" not in html


def test_the_home_page_says_when_an_equivalent_cannot_be_given(client):
    factories.ContributionFactory(amount=Decimal("20000"), currency="GBP", date=None, year=2011)
    html = client.get(reverse("home")).content.decode()
    assert "no US-dollar equivalent: no rate for GBP, July 2011" in html
