"""What a donor's money supported, walked in a browser (issue 14, point 7): a visitor on the
public donor page follows a project's event and seizure figures to the records; the donor, signed
in, also sees the project its unpublished contribution alone links it to."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.helpers import problems, sign_in, watch_csp
from tests.engine import sqlite_only
from tests.pages import assert_no_personal_data, register

HEADING = "Projects this donor contributes to"


@pytest.fixture
def donor_world(roles):
    account = factories.DonorAccountFactory(user__username="canada-donor",
                                            donor__name="Canada", donor__slug="canada")
    account.user.groups.add(roles["Donors"])
    canada = account.donor
    kg = factories.CountryFactory(code="KG")
    tarcet = factories.ProjectFactory(code="TARCET", title="Operation TARCET")
    secret = factories.ProjectFactory(code="SECRET", title="Unannounced project")
    course = factories.EventFactory(
        slug="operational-planning", title="Operational planning course",
        kind="training_course", projects=[tarcet], country=kg,
        start_date=datetime.date(2011, 2, 21), end_date=datetime.date(2011, 2, 25),
    )
    factories.EventFactory(title="Expert meeting in Bishkek", kind="expert_meeting",
                           projects=[tarcet], country=kg,
                           start_date=datetime.date(2012, 3, 10), end_date=None)
    register(course, 9, sex="male", country=kg)
    register(course, 5, sex="female", country=kg)
    factories.ContributionFactory(key="canada-tarcet", donor=canada, project=tarcet,
                                  event=course, amount=Decimal(30000), currency="USD")
    factories.ContributionFactory(key="canada-secret", donor=canada, project=secret,
                                  amount=Decimal(5000), currency="USD", is_published=False)
    factories.ContributionFactory(donor=factories.DonorFactory(name="Japan", slug="japan"),
                                  project=tarcet)
    heroin = factories.SubstanceFactory(slug="heroin", name="Heroin")
    seizure = factories.SeizureFactory(project=tarcet, substance=heroin,
                                       quantity=Decimal("2.5"))
    factories.ArticleFactory(slug="heroin-at-the-border",
                             title="Heroin seized at the border").seizures.add(seizure)
    return account.user


def test_a_visitor_follows_a_projects_figures_to_the_records(page, live_server, donor_world):
    watch_csp(page)
    page.goto("/donors/canada/")
    section = page.locator("section.supported-projects")
    expect(section.get_by_role("heading", name=HEADING)).to_be_visible()
    cards = section.locator("article.supported-project")
    expect(cards).to_have_count(1)  # SECRET is linked by an unpublished contribution only
    card = cards.first
    expect(card).to_contain_text("Operation TARCET")
    expect(card.locator(".supported-donors")).to_contain_text("Japan")
    expect(card.locator(".supported-funded")).to_contain_text("funded by this contribution")
    expect(card.locator("table[id$='-sex-table']")).to_contain_text("Female")
    expect(card.locator("table[id$='-sex-table'] tfoot")).to_contain_text("14")
    assert_no_personal_data(page.content())
    assert_accessible(page)
    page.screenshot(path="/tmp/e2-donor-page.png", full_page=True)

    card.locator(".supported-kinds").get_by_role("link", name="Expert meeting").click()
    page.wait_for_url("**/events/?project=TARCET&kind=expert_meeting")
    rows = page.locator("table.table-stack tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Expert meeting in Bishkek")

    page.go_back()
    substances = page.locator("section.supported-projects table.supported-seizures")
    substances.get_by_role("link", name="Heroin", exact=True).click()
    page.wait_for_url("**/seizures/?project=TARCET&substance=heroin")
    expect(page.locator("table.table-stack tbody tr")).to_have_count(1)

    page.go_back()
    page.get_by_role("link", name="Heroin seized at the border").click()
    page.wait_for_url("**/articles/heroin-at-the-border/")
    assert problems(page) == []


def test_the_donor_sees_the_project_of_its_unpublished_contribution(page, live_server,
                                                                   donor_world):
    watch_csp(page)
    sign_in(page, "canada-donor")
    page.wait_for_url("**/my/contributions/")
    section = page.locator("section.supported-projects")
    expect(section.locator("article.supported-project")).to_have_count(2)
    expect(section).to_contain_text("Unannounced project")
    expect(section).to_contain_text("Only Canada contributes to it")
    assert_accessible(page)
    page.screenshot(path="/tmp/e2-workspace.png", full_page=True)
    page.goto("/donors/canada/")
    expect(page.locator("article.supported-project")).to_have_count(2)
    assert problems(page) == []


@sqlite_only("the browser lays out the HTML and CSS the page sends, the same whatever engine "
             "holds the rows")
@pytest.mark.parametrize("width", [390, 1366])
def test_the_projects_fit_the_screen(page, live_server, donor_world, width):
    """No column of the section is clipped: the page is no wider than a phone or a laptop."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/donors/canada/")
    expect(page.locator("article.supported-project")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if width == 390:
        page.screenshot(path="/tmp/e2-donor-phone.png", full_page=True)
