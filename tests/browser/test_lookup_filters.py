"""The register's event filter in a real browser: the page lists no events; the officer types a
few letters, the search widget (Tom Select, static/js/lookup.js) asks /lookup/events/, the
officer picks a suggestion and applies the filter, and the register shows that event's
participants, with the event shown chosen — and no Content-Security-Policy violation."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import problems, sign_in, watch_csp

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def register_with_events(roles):
    officer = factories.UserFactory(username="olga")
    officer.groups.add(roles["Programme officers"])
    liaison = factories.EventFactory(
        slug="border-liaison-2012", title="Border liaison workshop", city="Khorog",
        start_date=datetime.date(2012, 6, 4), end_date=None,
    )
    factories.EventFactory.create_batch(30, title="Regional coordination meeting")
    factories.ParticipationFactory(event=liaison, participant__name="Alisher Usmonov")
    factories.ParticipantFactory(name="Madina Yusupova")
    return liaison


def test_an_officer_finds_an_event_by_typing_and_filters_the_register(page, live_server,
                                                                       register_with_events):
    watch_csp(page)
    sign_in(page, "olga", next_url="/participants/")
    page.wait_for_url("**/participants/")
    # Nothing but the empty choice is sent for the event filter: the widget searches.
    assert page.locator("select#id_event option").count() == 1
    expect(page.get_by_role("row", name=re.compile("Madina Yusupova"))).to_be_visible()

    with page.expect_response(lambda r: "/lookup/events/?q=" in r.url and r.status == 200):
        page.get_by_role("combobox", name="Event", exact=True).fill("liaison")
    suggestion = page.get_by_role("option", name=re.compile("Border liaison workshop"))
    expect(suggestion).to_have_text("Border liaison workshop, 4 June 2012, Khorog")
    suggestion.click()
    assert page.input_value("#id_event") == "border-liaison-2012"
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"[?&]event=border-liaison-2012(&|$)"))

    results = page.get_by_role("region", name="Participants")
    expect(results.get_by_role("row", name=re.compile("Alisher Usmonov"))).to_be_visible()
    expect(results.get_by_text("Madina Yusupova")).to_have_count(0)
    # The chosen event is shown by its title in the widget after the reload.
    expect(page.locator(".ts-wrapper", has=page.locator("#id_event-ts-control"))).to_contain_text(
        "Border liaison workshop"
    )
    assert problems(page) == []
