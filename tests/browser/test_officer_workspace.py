"""An officer signs in, records an event with three participants — two found in the register
by search-as-you-type, one new — adds a missing organisation without leaving the page, edits
the event and reads its history."""

import pytest

from activities.models import Event
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_records_edits_and_reads_the_history_of_an_event(page, live_server, roles):
    # `roles`: an earlier transactional test's flush may have removed the groups.
    officer = factories.UserFactory(username="olga")
    officer.groups.add(roles["Programme officers"])
    kyrgyzstan = factories.CountryFactory(code="KG")
    agency = factories.OrganisationFactory(name="State Service on Drug Control", acronym="SSDC",
                                           country=kyrgyzstan)
    factories.ParticipantFactory(name="Alisher Usmonov", organisation=agency)
    factories.ParticipantFactory(name="Madina Yusupova", organisation=agency)

    page.goto("/accounts/login/")
    page.fill("#id_username", "olga")
    page.fill("#id_password", "correct-horse-battery-staple")
    page.click("main button[type=submit]")
    page.wait_for_url("**/workspace/")
    page.click("text=Record an event")

    page.fill("#id_event-title", "Precursor control workshop")
    page.select_option("#id_event-kind", "workshop")
    page.fill("#id_event-city", "Bishkek")
    page.fill("#id_event-start_date", "2011-03-14")
    page.fill("#id_event-end_date", "2011-03-18")
    page.fill("#id_event-reported_participants", "3")
    page.fill("#id_event-reported_participants_wording", "three")

    # Two people from the register, found in Cyrillic and in Latin.
    search = page.locator("#participant-search")
    search.fill("Усмонов")
    page.locator("#participant-results li", has_text="Alisher Usmonov").click()
    search.fill("Yusup")
    page.locator("#participant-results li", has_text="Madina Yusupova").click()
    assert page.locator('[data-formset="part"] .participant-label strong').all_inner_texts() == [
        "Alisher Usmonov", "Madina Yusupova"]

    # A missing organisation, added without leaving the page, chosen for the new participant.
    page.locator("#add-organisation summary").click()
    page.fill("#id_org-name", "Academy of the Interior Ministry")
    page.fill("#id_org-acronym", "AIM")
    page.select_option("#id_org-kind", "training")
    page.click("text=Add the organisation")
    page.locator("#add-organisation .quick-add-status", has_text="Added").wait_for()
    assert page.input_value("#id_event-title") == "Precursor control workshop"

    page.fill("#id_new-0-name", "Timur Nazarov")
    page.select_option("#id_new-0-sex", "male")
    page.select_option("#id_new-0-organisation", label="Academy of the Interior Ministry (AIM)")
    page.click("button:has-text('Save the event')")

    page.wait_for_url("**/events/precursor-control-workshop/edit/")
    assert "with 3 participant record(s)" in page.inner_text(".messages")
    event = Event.objects.get(slug="precursor-control-workshop")
    assert set(event.participations.values_list("participant__name", flat=True)) == {
        "Alisher Usmonov", "Madina Yusupova", "Timur Nazarov"}

    # Edit: a new title and Madina marked absent.
    page.fill("#id_event-title", "Precursor control workshop (Bishkek)")
    row = page.locator('[data-formset="part"] .formset-row', has_text="Madina Yusupova")
    row.locator("select").select_option("absent")
    page.click("button:has-text('Save the event')")
    page.locator(".messages", has_text="Saved").wait_for()

    page.click("text=History of this event")
    history = page.inner_text("main")
    assert "Precursor control workshop (Bishkek)" in history
    assert "olga" in history
    assert "Timur Nazarov" in history and "Absent" in history
    assert page.console_errors == []
