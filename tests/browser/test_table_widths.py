"""No table cuts a column off, on a laptop (1366 px) or on a phone (390 px): each table either
fits its box, or sits in a wrapper that scrolls sideways and that a keyboard can reach (focusable,
with a label saying what it holds). Charts of counts have whole-number axes."""

import datetime
from decimal import Decimal

import pytest

from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.helpers import sign_in
from tests.engine import sqlite_only

pytestmark = [pytest.mark.django_db(transaction=True),
              sqlite_only("the browser draws the HTML and CSS the pages send, the same whatever "
                          "engine holds the rows (the totals' queries run on both: tests/donors/)")]

# Every table on the page, with what a reader could miss: a table wider than its box whose box
# neither scrolls nor can be reached by the keyboard, or whose box is itself cut by the page.
CLIPPED_TABLES = """() => {
  const clipped = [];
  for (const table of document.querySelectorAll("main table")) {
    const name = (table.caption && table.caption.textContent.trim())
      || table.closest("section, figure")?.querySelector("h2, h3, figcaption")?.textContent.trim()
      || table.className;
    const wrapper = table.parentElement;
    const box = wrapper.getBoundingClientRect();
    const page = document.documentElement.clientWidth;
    if (box.right > page + 1 || box.left < -1) {
      clipped.push(`${name}: its box runs off the page`);
      continue;
    }
    if (table.scrollWidth <= wrapper.clientWidth + 1) {
      continue;
    }
    const scrolls = ["auto", "scroll"].includes(getComputedStyle(wrapper).overflowX);
    const label = wrapper.getAttribute("aria-label") || wrapper.getAttribute("aria-labelledby");
    if (!scrolls) {
      clipped.push(`${name}: ${table.scrollWidth} px wide in a ${wrapper.clientWidth} px box`);
    } else if (wrapper.tabIndex < 0 || !label) {
      clipped.push(`${name}: scrolls, but its box is not focusable with a label`);
    }
  }
  return clipped;
}"""

PAGES = [
    "/", "/contributions/", "/donors/", "/donors/canada/", "/projects/", "/projects/TARCET/",
    "/events/", "/seizures/",
]


@pytest.fixture
def money(bulletin, roles):
    """Beside the bulletin: contributions in four currencies from donors with long names, one
    month without a rate (long notes in the totals), and in-kind contributions without an
    amount."""
    tarcet = factories.ProjectFactory._meta.model.objects.get(code="TARCET")
    prison = factories.ProjectFactory(
        code="XACZ61", title="Strengthening criminal justice responses to drug trafficking "
                             "along the northern route in Central Asia")
    factories.ExchangeRateFactory(currency="EUR", month=datetime.date(2011, 7, 1),
                                  usd_per_unit=Decimal("1.42"))
    factories.ExchangeRateFactory(currency="EUR", month=datetime.date(2012, 7, 1),
                                  usd_per_unit=Decimal("1.23"))
    eu = factories.DonorFactory(slug="eu", name="European Union (Directorate-General for "
                                                 "International Partnerships)")
    japan = factories.DonorFactory(slug="japan", name="Government of Japan")
    canada = factories.DonorFactory._meta.model.objects.get(slug="canada")
    account = factories.DonorAccountFactory(user__username="canada-donor", donor=canada)
    account.user.groups.add(roles["Donors"])
    for year in (2011, 2012):
        factories.ContributionFactory(donor=eu, project=prison, amount=Decimal("3123456.78"),
                                      currency="EUR", date=None, year=year)
    factories.ContributionFactory(donor=japan, project=prison, amount=Decimal("812345678"),
                                  currency="JPY", date=datetime.date(2011, 7, 4))
    factories.ContributionFactory(donor=canada, project=tarcet, amount=Decimal("250000"),
                                  currency="GBP", date=datetime.date(2013, 7, 4))
    for donor in (canada, japan):
        factories.ContributionFactory(donor=donor, project=tarcet, kind="in_kind", amount=None,
                                      currency="", date=None, year=2012,
                                      in_kind_description="two narcotic detector dogs")


@pytest.mark.parametrize("width", [1366, 390])
def test_no_table_cuts_a_column_off(page, money, width):
    page.set_viewport_size({"width": width, "height": 900})
    clipped = {}
    for url in PAGES:
        page.goto(url)
        assert page.locator("main table").count(), url  # the page does show tables
        found = page.evaluate(CLIPPED_TABLES)
        if found:
            clipped[url] = found
    sign_in(page, "canada-donor", next_url="/my/contributions/")  # the donor's workspace
    page.wait_for_url("**/my/contributions/")
    assert page.locator("main table").count()
    found = page.evaluate(CLIPPED_TABLES)
    if found:
        clipped["/my/contributions/"] = found
    assert clipped == {}


@pytest.mark.parametrize("width", [1366, 390])
def test_the_money_pages_scrolling_tables_pass_axe_and_take_the_keyboard(page, money, width):
    """The wrappers that scroll are regions a keyboard reaches, named by their table's caption;
    the totals stay WCAG 2.1 A/AA clean at both widths."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/contributions/")
    assert_accessible(page)
    by_year = page.get_by_role("region", name="By year")
    by_year.focus()
    assert by_year.evaluate("el => el === document.activeElement")
    page.goto("/donors/canada/")
    assert_accessible(page)


def test_a_count_chart_has_whole_number_ticks_and_a_money_chart_keeps_decimals(page, money):
    page.goto("/contributions/")
    page.wait_for_function(
        "() => window.Chart && ['contributions-count-chart-data', 'contributions-eur-chart-data']"
        ".every(id => Chart.getChart(document.querySelector(`canvas[data-chart='${id}']`)))")
    ticks = page.evaluate("""(ids) => ids.map((id) => {
        const chart = Chart.getChart(document.querySelector(`canvas[data-chart='${id}']`));
        return chart.scales.y.ticks.map((tick) => tick.label);
    })""", ["contributions-count-chart-data", "contributions-eur-chart-data"])
    counts, euros = ticks
    # Three contributions at most in a year: without the rule Chart.js labels 0, 0.5, 1, 1.5 ...
    assert counts == ["0", "1", "2", "3"]
    assert euros[-1] == "3,500,000"  # the amounts' axis as before
    assert page.console_errors == []
