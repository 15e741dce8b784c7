"""No edit is silently lost (issue 11, point 3), in a real browser: two officers with one event
page open; the second save is refused with who and when, the officer's input kept, and saving
again applies it without removing what the first added. And the page without JavaScript."""

import pytest
from playwright.sync_api import expect

from activities.models import Event
from tests import factories
from tests.browser.helpers import problems, sign_in, watch_csp

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_officers_and_an_event(roles):
    for username, first, last in [("olga", "Olga", "Petrova"), ("bakyt", "Bakyt", "Toktogulov")]:
        user = factories.UserFactory(username=username, first_name=first, last_name=last)
        user.groups.add(roles["Programme officers"])
    agency = factories.OrganisationFactory(name="State Service on Drug Control", acronym="SSDC")
    event = factories.EventFactory(slug="planning", title="Operational planning")
    factories.ParticipationFactory(event=event, participant__name="Alisher Usmonov",
                                   participant__organisation=agency)
    factories.ParticipantFactory(name="Madina Yusupova", organisation=agency)
    factories.ParticipantFactory(name="Timur Nazarov", organisation=agency)
    return event


def pick(page, query, name):
    page.locator("#participant-search").fill(query)
    page.locator("#participant-results li", has_text=name).click()


def test_the_second_of_two_saves_is_refused_then_applied_on_purpose(
    browser, live_server, two_officers_and_an_event
):
    pages = {}
    for username in ["olga", "bakyt"]:
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.console_errors = []
        page.on("console", lambda m, p=page: m.type == "error" and p.console_errors.append(m.text))
        watch_csp(page)
        sign_in(page, username, next_url="/events/planning/edit/")
        page.wait_for_url("**/events/planning/edit/")
        pages[username] = page
    olga, bakyt = pages["olga"], pages["bakyt"]

    pick(olga, "Yusup", "Madina Yusupova")
    olga.fill("#id_event-city", "Osh")
    olga.get_by_role("button", name="Save the event").click()
    expect(olga.locator(".messages")).to_contain_text("with 2 participant records")

    pick(bakyt, "Nazar", "Timur Nazarov")
    bakyt.fill("#id_event-title", "Operational planning for border officers")
    bakyt.get_by_role("button", name="Save the event").click()
    alert = bakyt.locator("#event-form .alert-danger")
    expect(alert).to_contain_text("was changed by Olga Petrova (olga)")
    expect(alert).to_contain_text("1 participant(s) were added meanwhile")
    expect(alert).to_contain_text("Madina Yusupova")
    event = Event.objects.get()
    assert event.title == "Operational planning"  # nothing written
    # Bakyt's input is on the page; Olga's city and participant too.
    assert bakyt.input_value("#id_event-title") == "Operational planning for border officers"
    assert bakyt.input_value("#id_event-city") == "Osh"
    expect(bakyt.locator('[data-formset="part"] .participant-label strong')).to_have_text(
        ["Alisher Usmonov", "Madina Yusupova", "Timur Nazarov"])

    bakyt.get_by_role("button", name="Save the event").click()
    expect(bakyt.locator(".messages")).to_contain_text("with 3 participant records")
    event.refresh_from_db()
    assert (event.title, event.city) == ("Operational planning for border officers", "Osh")
    assert set(event.participations.values_list("participant__name", flat=True)) == {
        "Alisher Usmonov", "Madina Yusupova", "Timur Nazarov"}
    # The refused save answers 409, which Chromium logs as a failed resource.
    for page in pages.values():
        assert problems(page, error_page=True) == []
        page.context.close()


def test_the_event_page_saves_without_javascript(browser, live_server,
                                                 two_officers_and_an_event):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, "olga", next_url="/events/planning/edit/")
    page.wait_for_url("**/events/planning/edit/")

    # Unchanged, then with a register number typed in the empty row.
    page.get_by_role("button", name="Save the event").click()
    expect(page.locator(".messages")).to_contain_text("with 1 participant record.")
    # Saving lands on the event's page; its edit link leads back to the form.
    page.get_by_role("link", name="Edit event and participants").click()
    page.wait_for_url("**/events/planning/edit/")
    madina = factories.ParticipantFactory._meta.model.objects.get(name="Madina Yusupova")
    page.locator("input.participant-number").last.fill(str(madina.pk))
    page.get_by_role("button", name="Save the event").click()
    expect(page.locator(".messages")).to_contain_text("with 2 participant records")
    context.close()
