"""Public pages in a real browser: charts drawn from json_script data, lists that read well on a
phone. (The visitor's journey is in test_journeys.py.)"""

import datetime

import pytest

from tests import factories
from tests.pages import register

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bulletin(db):
    kg, kz = factories.CountryFactory(code="KG"), factories.CountryFactory(code="KZ")
    tarcet = factories.ProjectFactory(code="TARCET", title="Operation TARCET", kind="operation")
    course = factories.EventFactory(
        slug="operational-planning", title="Operational Planning for Law Enforcement Officers",
        kind="training_course", city="Almaty", country=kz, projects=[tarcet],
        reported_participants=18, reported_participants_wording="eighteen",
    )
    factories.EventFactory(title="Expert meeting in Bishkek", kind="expert_meeting",
                           city="Bishkek", country=kg, start_date=datetime.date(2011, 3, 10),
                           end_date=None)
    register(course, 9, sex="male", country=kg)
    register(course, 5, sex="female", country=kz)
    trainer = factories.PersonFactory(slug="steven-brown", name="Steven Brown")
    course.trainers.add(trainer)
    article = factories.ArticleFactory(
        slug="planning-for-success", title="Planning for success", section="workshop",
        kicker="A meeting of minds", body="The training course was a unique opportunity.",
    )
    article.events.add(course)
    article.projects.add(tarcet)
    article.people.add(trainer)
    factories.ContributionFactory(project=tarcet, donor=factories.DonorFactory(name="Canada"),
                                  article=article, date=datetime.date(2011, 2, 1))
    factories.SeizureFactory(date=datetime.date(2011, 3, 1))
    return article


def test_charts_are_drawn_from_json_script_data(page, live_server, bulletin):
    page.goto("/events/operational-planning/")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector("
                           "'canvas[data-chart=\"event-sex-chart-data\"]'))")
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('canvas[data-chart]')]"
        ".map(c => Boolean(Chart.getChart(c)))"
    )
    assert drawn and all(drawn)
    page.goto("/contributions/")
    page.wait_for_function("() => window.Chart && document.querySelector('canvas[data-chart]')"
                           " && Chart.getChart(document.querySelector('canvas[data-chart]'))")
    assert page.console_errors == []


def test_lists_read_well_on_a_phone(page, live_server, bulletin):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/events/")
    assert page.locator("details.filter-panel").evaluate("d => d.open") is False
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    label = page.locator("table.table-stack td[data-label='Kind']").first
    assert label.evaluate("td => getComputedStyle(td).display") == "block"
    page.goto("/events/?kind=training_course")
    assert page.locator("details.filter-panel").evaluate("d => d.open") is True
