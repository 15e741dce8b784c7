"""Site search in a real browser: the header's box, on any page, finds a record by its city in
Cyrillic letters; the results page passes axe and reads well on a phone."""

import pytest

from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

COURSE = "Operational Planning for Law Enforcement Officers"


def test_the_header_box_finds_the_almaty_course_in_cyrillic(page, live_server, bulletin):
    page.goto("/events/")
    box = page.get_by_role("searchbox", name="Search the portal")
    box.fill("алматы")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.get_by_label("Search", exact=True).input_value() == "алматы"
    assert_accessible(page)
    page.get_by_role("link", name=COURSE).click()
    page.wait_for_url("**/events/operational-planning/")
    assert page.console_errors == []


def test_the_results_and_their_messages_read_well_on_a_phone(page, live_server, bulletin):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/search/?q=planning")
    assert page.get_by_role("link", name=COURSE).is_visible()
    assert page.get_by_role("link", name="Planning for success").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto("/search/?q=" + "x" * 201)
    assert "at most 200 characters" in page.locator("main").inner_text()
    assert_accessible(page)
