"""A visitor follows a country link from an article to the country's page (issue 14, point 3):
its records and its people's registrations, accessible, and readable on a laptop and a phone."""

import pytest

from tests.browser.axe import assert_accessible
from tests.pages import PRIVATE_NAME

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitor_goes_from_an_article_to_the_country_page(page, live_server, bulletin):
    from activities.models import Country

    bulletin.countries.add(Country.objects.get(code="KZ"))
    page.goto(bulletin.get_absolute_url())
    page.get_by_role("link", name="Kazakhstan", exact=True).click()
    page.wait_for_url("**/countries/KZ/")
    assert page.get_by_role("heading", level=1).inner_text() == "Kazakhstan"
    assert page.get_by_role("link", name="Operational Planning for Law Enforcement Officers")\
        .is_visible()
    # Fourteen people at the course, five of them from Kazakhstan: registrations by year and
    # by kind of event, as the course's page publishes them.
    assert page.locator("#country-registrations").inner_text() == "5"
    assert page.locator("#country-kind-table tbody").inner_text().split() == [
        "Training", "course", "5"]
    assert PRIVATE_NAME not in page.content()
    assert_accessible(page)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width
    page.get_by_role("link", name="Countries", exact=True).click()
    page.wait_for_url("**/countries/")
    assert page.get_by_role("link", name="Kazakhstan", exact=True).is_visible()
    assert_accessible(page)
    assert page.console_errors == []
