"""The four journeys of issue 7, each in a real browser, driven as a person drives the portal:
links and buttons, the real sign-in pages, files chosen in the file input, downloads saved.
Every page of a journey must also be free of console errors and CSP violations. A failing
journey leaves a screenshot of its last page in test-artifacts/ (tests/browser/conftest.py)."""

import csv
import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from activities.models import Article, Event, ImportBatch, Participant
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.helpers import admin_sign_in, apply_filter, problems, sign_in, watch_csp
from tests.pages import assert_no_personal_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def accessible_at_the_end(page, request):
    """Where a journey ends, the page passes axe-core's WCAG 2.1 A/AA rules too (issue 14)."""
    yield
    journey = getattr(request.node, "rep_call", None)
    if journey is not None and journey.passed:
        assert_accessible(page)


# --------------------------------------------------------------------------------------------
# A visitor
# --------------------------------------------------------------------------------------------
def test_visitor_reads_an_article_follows_its_links_and_filters_events(
    page, live_server, bulletin
):
    watch_csp(page)
    visited = []

    def arrived(path, heading):
        page.wait_for_url(f"**{path}")
        expect(page.locator("h1")).to_have_text(heading)
        assert_no_personal_data(page.content())
        assert problems(page) == [], path
        visited.append(path)

    page.goto("/")
    arrived("/", re.compile(r".+"))
    # The home page adds up what event pages show: registrations, not people.
    expect(page.locator("main")).to_contain_text("14 registrations at 1 event")
    expect(page.locator("#home-sex-table")).to_contain_text("registrations at 1 event")
    page.locator("main").get_by_role("link", name="Planning for success").first.click()
    arrived("/articles/planning-for-success/", "Planning for success")
    expect(page.locator(".kicker")).to_have_text("A meeting of minds")
    mentions = page.locator(".mentions")

    mentions.get_by_role("link", name="TARCET", exact=True).click()
    arrived("/projects/TARCET/", "Operation TARCET")
    # The project lists both of its events.
    main = page.locator("main")
    expect(main.get_by_role("link", name="Expert meeting in Bishkek")).to_be_visible()
    page.go_back()

    mentions.get_by_role("link", name="Operational Planning for Law Enforcement Officers").click()
    arrived("/events/operational-planning/", "Operational Planning for Law Enforcement Officers")
    # Participants as reported and as aggregates only: 14 registered, 9 men and 5 women.
    expect(page.locator("dd", has_text="eighteen")).to_have_text("18 (“eighteen”)")
    expect(page.locator("#event-sex-table")).to_contain_text("9")
    expect(page.locator("#event-sex-table")).to_contain_text("5")
    expect(page.get_by_text("Participant list")).to_have_count(0)
    page.go_back()

    mentions.get_by_role("link", name="Canada").click()
    arrived("/donors/canada/", "Canada")
    expect(page.locator("main")).to_contain_text("TARCET")

    page.get_by_role("navigation").get_by_role("link", name="Events").click()
    arrived("/events/", "Events")
    rows = page.locator("table.table-stack tbody tr")
    expect(rows).to_have_count(2)
    apply_filter(page, "kind", "training_course")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Operational Planning")
    assert_no_personal_data(page.content())
    assert problems(page) == []
    assert visited == ["/", "/articles/planning-for-success/", "/projects/TARCET/",
                       "/events/operational-planning/", "/donors/canada/", "/events/"]


# --------------------------------------------------------------------------------------------
# A programme officer
# --------------------------------------------------------------------------------------------
@pytest.fixture
def officer_and_register(roles):
    officer = factories.UserFactory(username="olga")
    officer.groups.add(roles["Programme officers"])
    kyrgyzstan = factories.CountryFactory(code="KG")
    agency = factories.OrganisationFactory(name="State Service on Drug Control", acronym="SSDC",
                                           country=kyrgyzstan)
    factories.ParticipantFactory(name="Alisher Usmonov", organisation=agency)
    factories.ParticipantFactory(name="Madina Yusupova", organisation=agency)
    factories.ParticipantFactory(name="Bakyt Toktogulov", organisation=agency, country=kyrgyzstan)
    return officer


def participants_file(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Name", "Sex", "Organisation", "Country", "Position", "E-mail", "Phone"])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_officer_records_a_workshop_then_imports_a_corrected_spreadsheet(
    page, live_server, officer_and_register
):
    watch_csp(page)
    sign_in(page, "olga")
    page.wait_for_url("**/workspace/")
    page.get_by_role("link", name="Record an event").click()
    page.wait_for_url("**/events/new/")

    page.fill("#id_event-title", "Precursor control workshop")
    page.select_option("#id_event-kind", "workshop")
    page.fill("#id_event-city", "Bishkek")
    page.fill("#id_event-start_date", "2011-03-14")
    page.fill("#id_event-end_date", "2011-03-18")
    page.fill("#id_event-reported_participants", "3")
    page.fill("#id_event-reported_participants_wording", "three")

    # Two people from the register, found by search-as-you-type in Cyrillic and in Latin.
    search = page.locator("#participant-search")
    search.fill("Усмонов")
    page.locator("#participant-results li", has_text="Alisher Usmonov").click()
    search.fill("Yusup")
    page.locator("#participant-results li", has_text="Madina Yusupova").click()
    expect(page.locator('[data-formset="part"] .participant-label strong')).to_have_text(
        ["Alisher Usmonov", "Madina Yusupova"])

    # A missing organisation, added without leaving the page, chosen for a new participant.
    page.locator("#add-organisation summary").click()
    page.fill("#id_org-name", "Academy of the Interior Ministry")
    page.fill("#id_org-acronym", "AIM")
    page.select_option("#id_org-kind", "training")
    page.get_by_role("button", name="Add the organisation").click()
    expect(page.locator("#add-organisation .quick-add-status")).to_contain_text("Added")
    assert page.input_value("#id_event-title") == "Precursor control workshop"

    page.fill("#id_new-0-name", "Timur Nazarov")
    page.select_option("#id_new-0-sex", "male")
    # The organisation is searched as the officer types (the page lists no organisations).
    with page.expect_response(lambda r: "/lookup/organisations/" in r.url and r.status == 200):
        page.locator("#id_new-0-organisation-ts-control").press_sequentially("AIM")
    page.locator("#id_new-0-organisation-ts-dropdown .option",
                 has_text="Academy of the Interior Ministry (AIM)").click()
    # Asked once for the new participants of the save (issue 18).
    page.locator('input[name="basis-source"][value="attendance_sheet"]').check()
    page.locator('input[name="basis-contact_consent"][value="yes"]').check()
    page.get_by_role("button", name="Save the event").click()

    # Saving lands on the event's page, with a confirmation.
    page.wait_for_url("**/events/precursor-control-workshop/")
    expect(page.locator(".messages")).to_contain_text("with 3 participant records")
    event = Event.objects.get(slug="precursor-control-workshop")
    assert set(event.participations.values_list("participant__name", flat=True)) == {
        "Alisher Usmonov", "Madina Yusupova", "Timur Nazarov"}
    timur = Participant.objects.get(name="Timur Nazarov")
    assert (timur.sources, timur.contact_consent) == (["attendance_sheet"], "yes")

    # The import: the template first, to see the columns.
    page.get_by_role("link", name="Import participants").click()
    page.wait_for_url("**/events/precursor-control-workshop/participants/import/")
    with page.expect_download() as template_download:
        page.get_by_role("link", name="CSV template").click()
    header = Path(template_download.value.path()).read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "Name,Sex,Organisation,Country,Position,E-mail,Phone"

    good = [
        ["Nurlan Abdyrakhmanov", "M", "SSDC", "KG", "Inspector", "nurlan@example.org", ""],
        ["Bakyt Toktogulov", "male", "SSDC", "KG", "", "", ""],  # already in the register
    ]
    bad = [
        ["Aigerim Sadykova", "F", "Ministry of Magic", "KG", "", "", ""],  # unknown organisation
        ["Dilnoza Karimova", "female", "SSDC", "KG", "", "not-an-e-mail", ""],
    ]
    register_before = Participant.objects.count()
    page.set_input_files("#id_file", files=[{
        "name": "participants.csv", "mimeType": "text/csv",
        "buffer": participants_file(good + bad),
    }])
    # Asked once for the whole file (issue 18).
    page.locator('input[name="source"][value="partner_list"]').check()
    page.locator('input[name="contact_consent"][value="not_recorded"]').check()
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url(re.compile(r"/imports/\d+/$"))
    expect(page.get_by_role("alert")).to_contain_text("Nothing can be imported: 2 rows have errors")
    expect(page.get_by_role("button", name="Confirm the import")).to_have_count(0)
    errors = page.locator("tr.import-error")
    expect(errors).to_have_count(2)
    expect(errors.nth(0).locator("th")).to_have_text("4")
    expect(errors.nth(0)).to_contain_text("Organisation: No organisation “Ministry of Magic”")
    expect(errors.nth(1).locator("th")).to_have_text("5")
    expect(errors.nth(1)).to_contain_text("E-mail: “not-an-e-mail” is not an e-mail address.")
    expect(page.locator("tr.import-new")).to_contain_text("Nurlan Abdyrakhmanov")
    expect(page.locator("tr.import-match")).to_contain_text("Bakyt Toktogulov")
    assert Participant.objects.count() == register_before  # nothing written

    # Fixed: the real organisation, the e-mail corrected; uploaded again and confirmed.
    bad[0][2] = "SSDC"
    bad[1][5] = "dilnoza@example.org"
    page.get_by_role("alert").get_by_role("link", name="upload it again").click()
    page.set_input_files("#id_file", files=[{
        "name": "participants-fixed.csv", "mimeType": "text/csv",
        "buffer": participants_file(good + bad),
    }])
    # Asked once for the whole file (issue 18).
    page.locator('input[name="source"][value="partner_list"]').check()
    page.locator('input[name="contact_consent"][value="not_recorded"]').check()
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator("tr.import-error")).to_have_count(0)
    expect(page.locator(".import-counts")).to_contain_text("New: 3")
    expect(page.locator(".import-counts")).to_contain_text("Matches existing: 1")
    page.get_by_role("button", name="Confirm the import").click()
    expect(page.locator(".messages")).to_contain_text(
        "Imported: 3 new participant record(s), 1 existing record(s) added to the event")
    expect(page.locator("h1")).to_have_text("Imported: participants-fixed.csv")

    imported = {"Nurlan Abdyrakhmanov", "Bakyt Toktogulov", "Aigerim Sadykova",
                "Dilnoza Karimova"}
    names = set(event.participations.values_list("participant__name", flat=True))
    assert names == imported | {"Alisher Usmonov", "Madina Yusupova", "Timur Nazarov"}
    assert Participant.objects.count() == register_before + 3
    assert Participant.objects.get(name="Dilnoza Karimova").email == "dilnoza@example.org"
    assert ImportBatch.objects.filter(event=event, status="committed").count() == 1
    assert Participant.objects.get(name="Dilnoza Karimova").sources == ["partner_list"]
    # Already in the register: keeps its first basis (none recorded) and gains this one.
    assert Participant.objects.get(name="Bakyt Toktogulov").sources == ["partner_list"]

    # Back on the event's page, the officer sees them in its participant list.
    page.get_by_role("main").get_by_role("link", name="Precursor control workshop").click()
    page.wait_for_url("**/events/precursor-control-workshop/edit/")
    labels = page.locator('[data-formset="part"] .participant-label strong')
    expect(labels).to_have_count(7)
    assert imported <= set(labels.all_inner_texts())
    assert problems(page) == []


# --------------------------------------------------------------------------------------------
# A donor
# --------------------------------------------------------------------------------------------
@pytest.fixture
def donor_with_contributions(roles):
    account = factories.DonorAccountFactory(user__username="canada-donor",
                                            donor__name="Canada", donor__slug="canada")
    account.user.groups.add(roles["Donors"])
    project = factories.ProjectFactory(code="TARCET", title="Operation TARCET")
    factories.ContributionFactory(key="canada-2011-published", donor=account.donor,
                                  project=project, amount=Decimal(30000), currency="USD",
                                  date=datetime.date(2011, 2, 1))
    factories.ContributionFactory(key="canada-2010-unpublished", donor=account.donor,
                                  project=project, amount=Decimal(50000), currency="EUR",
                                  date=datetime.date(2010, 3, 15), is_published=False)
    factories.ContributionFactory(key="someone-else-unpublished", project=project,
                                  is_published=False, date=datetime.date(2010, 6, 1))
    return account.user


def test_donor_filters_by_year_and_downloads_its_unpublished_contribution(
    page, live_server, donor_with_contributions
):
    watch_csp(page)
    sign_in(page, "canada-donor")
    page.wait_for_url("**/my/contributions/")  # donors land on their contributions
    expect(page.locator("h1")).to_have_text("My contributions")
    rows = page.locator("table.table-stack tbody tr")
    expect(rows).to_have_count(2)

    apply_filter(page, "year", "2010")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Unpublished")
    expect(rows.first).to_contain_text("50,000")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("contributions-")
    assert download.suggested_filename.endswith(".csv")
    body = Path(download.path()).read_text(encoding="utf-8-sig")
    records = list(csv.DictReader(io.StringIO(body)))
    assert [(r["Key"], r["Published"]) for r in records] == [("canada-2010-unpublished", "no")]
    assert "someone-else-unpublished" not in body
    assert problems(page) == []


# --------------------------------------------------------------------------------------------
# An administrator
# --------------------------------------------------------------------------------------------
def test_admin_edits_an_article_and_sees_the_change_on_the_public_page(page, live_server):
    factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    article = factories.ArticleFactory(slug="planning-for-success", title="Planning for success",
                                       body="The training course was a unique opportunity.")
    watch_csp(page)
    admin_sign_in(page, "root")
    page.get_by_role("link", name="Articles", exact=True).click()
    page.wait_for_url("**/admin/activities/article/")
    page.get_by_role("link", name="Planning for success").click()
    page.wait_for_url(f"**/admin/activities/article/{article.pk}/change/")

    page.fill("#id_title_en", "Planning for success in Almaty")
    body = page.locator("#id_body_en")
    body.fill(body.input_value() + "\n\nEighteen officers from five countries took part.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/admin/activities/article/")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert article.title == "Planning for success in Almaty"
    assert article.slug == "planning-for-success"  # the public address is kept

    # The public page, from the admin's "View on site" link.
    page.locator("#result_list").get_by_role("link", name="Planning for success in Almaty").click()
    page.get_by_role("link", name="View on site").click()
    page.wait_for_url("**/articles/planning-for-success/")
    expect(page.locator("h1")).to_have_text("Planning for success in Almaty")
    expect(page.locator(".article-body p")).to_have_text([
        "The training course was a unique opportunity.",
        "Eighteen officers from five countries took part.",
    ])
    assert Article.objects.get(pk=article.pk).body.endswith("five countries took part.")
    assert problems(page) == []
