from tests.engine import sqlite_only

pytestmark = sqlite_only("the browser draws the HTML and CSS the pages send, the same whatever "
                         "engine holds the rows")


def test_visitor_sees_the_styled_home_page_without_script_errors(page, live_server):
    page.goto("/")
    assert page.title().startswith("Home")
    navbar = page.locator("nav.navbar")
    assert navbar.is_visible()
    # Bootstrap's stylesheet is served and applied: the navbar is laid out as a flex row.
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"
    assert page.console_errors == []


def test_navigation_collapses_on_a_phone(page, live_server):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/")
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible()
    toggler.click()
    page.locator("#main-nav").wait_for(state="visible")
    assert page.locator("#main-nav").is_visible()
