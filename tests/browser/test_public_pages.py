"""Public pages in a real browser: charts drawn from json_script data, lists that read well on a
phone. (The visitor's journey is in test_journeys.py.)"""


import pytest

from tests.engine import sqlite_only

pytestmark = [pytest.mark.django_db(transaction=True),
              sqlite_only("the browser draws the HTML and CSS the pages send, the same whatever "
                          "engine holds the rows")]


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
