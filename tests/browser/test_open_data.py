"""Open data in a real browser: the IATI file opens in Chromium's XML viewer as a styled document
tree, with no Content-Security-Policy violation and no console error; the footer leads to the
open-data page (which passes axe-core's WCAG 2.1 AA rules), the API documentation and the IATI
file."""

import pytest

from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.helpers import watch_csp
from tests.engine import sqlite_only

pytestmark = [pytest.mark.django_db(transaction=True),
              sqlite_only("the browser draws the HTML and XML the pages send, the same whatever "
                          "engine holds the rows (the IATI file's queries run on both, in "
                          "tests/portal/test_iati.py)")]


def test_the_iati_file_shows_as_a_document_tree_without_policy_errors(page, live_server):
    unodc = factories.OrganisationFactory(slug="unodc", name="UNODC", kind="un")
    project = factories.ProjectFactory(code="XACZ60", title="Border liaison offices")
    project.implementers.add(unodc)
    watch_csp(page)
    response = page.goto("/iati/activities.xml")
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    # Chromium's viewer draws the tree with its own inline style sheet: applied, not blocked.
    page.wait_for_selector(".pretty-print .html-tag")
    tag = page.locator(".pretty-print .html-tag").first
    assert tag.evaluate("e => getComputedStyle(e).color") == "rgb(136, 18, 128)"
    text = page.locator(".pretty-print").inner_text()
    assert "XM-DAC-41114-XACZ60" in text and "Border liaison offices" in text
    page.wait_for_load_state("networkidle")
    assert page.csp_violations == []
    assert page.console_errors == []


def test_the_footer_leads_to_the_open_data(page, live_server):
    page.goto("/")
    footer = page.locator("footer")
    footer.get_by_role("link", name="Open data").click()
    page.wait_for_url("**/open-data/")
    assert page.get_by_role("heading", level=1).inner_text() == "Open data"
    assert_accessible(page)
    page.goto("/")
    footer.get_by_role("link", name="API documentation").click()
    page.wait_for_url("**/api/docs/")
    page.goto("/")
    href = footer.get_by_role("link", name="IATI activity file").get_attribute("href")
    assert href == "/iati/activities.xml"
