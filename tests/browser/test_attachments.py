"""Files in a real browser (issue 17): an officer uploads an agenda, two photos and an
attendance sheet to an event at once, each file with its own details and a progress bar while
it uploads; the public event page shows the agenda and the photos to a visitor, and the
attendance sheet's address answers the visitor 404. No inline script or style is needed (CSP)."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from attachments.models import Attachment
from tests import factories
from tests.attachments.files import pdf_bytes
from tests.browser.axe import assert_accessible
from tests.browser.helpers import problems, sign_in, watch_csp

pytestmark = pytest.mark.django_db(transaction=True)

CONSENT = "Asked at the workshop on 3 May; all agreed in writing."


def image(fmt: str, color) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(out, format=fmt)
    return out.getvalue()


@pytest.fixture
def officer(roles):
    user = factories.UserFactory(username="olga")
    user.groups.add(roles["Programme officers"])
    return user


def entry(page, name):
    return page.locator(".upload-entry", has=page.locator("p", has_text=name))


def test_an_officer_uploads_files_and_a_visitor_sees_only_the_public_ones(
        page, browser, live_server, officer, attachment_media):
    event = factories.EventFactory(slug="border-workshop", title="Border workshop")
    watch_csp(page)
    sign_in(page, "olga", next_url=f"/events/{event.slug}/edit/")
    page.get_by_role("link", name="Files").click()
    page.wait_for_url(f"**/events/{event.slug}/files/")

    page.locator("input[type=file][name=files]").set_input_files([
        {"name": "Agenda.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("Agenda")},
        {"name": "Opening.jpg", "mimeType": "image/jpeg", "buffer": image("JPEG", (20, 90, 160))},
        {"name": "Handover.png", "mimeType": "image/png", "buffer": image("PNG", (160, 40, 20))},
        {"name": "Attendance.pdf", "mimeType": "application/pdf",
         "buffer": pdf_bytes("Signed by the participants")},
    ])
    # Each file has its own details, its title taken from its name; photos are photos.
    expect(page.locator(".upload-entry")).to_have_count(4)
    agenda = entry(page, "Agenda.pdf")
    expect(agenda.get_by_label("Title")).to_have_value("Agenda")
    agenda.get_by_label("Kind").select_option("agenda")
    agenda.get_by_label("Visibility").select_option("public")
    expect(agenda.get_by_label("Consent of the people shown (photos)")).to_be_hidden()
    for name, caption in (("Opening.jpg", "The opening session"),
                          ("Handover.png", "Handover of the scanners")):
        photo = entry(page, name)
        expect(photo.get_by_label("Kind")).to_have_value("photo")
        photo.get_by_label("Visibility").select_option("public")
        photo.get_by_label("Alternative text (photos)").fill(f"{caption}, officers in a room")
        photo.get_by_label("Caption (photos)").fill(caption)
        photo.get_by_label("Consent of the people shown (photos)").fill(CONSENT)
    sheet = entry(page, "Attendance.pdf")
    sheet.get_by_label("Kind").select_option("attendance_sheet")
    expect(sheet.get_by_label("Visibility")).to_have_value("staff")
    assert_accessible(page)  # every copied field keeps a label of its own

    page.get_by_role("button", name="Upload").click()
    # A progress bar per file, each at 100 when its file is stored.
    bars = page.get_by_role("progressbar")
    expect(bars).to_have_count(4)
    for index in range(4):
        expect(bars.nth(index)).to_have_attribute("aria-valuenow", "100")
    expect(page.locator(".upload-entry[data-done=stored]")).to_have_count(4)
    # Each file's message and labels name it (placeholders filled, not printed as written).
    expect(agenda.locator(".upload-message")).to_have_text("Stored: Agenda.")
    expect(bars.nth(0)).to_have_attribute("aria-label", "Uploading Agenda.pdf")
    expect(page.locator(".upload-entry").first).not_to_contain_text("%(")
    expect(page.locator("#attachment-list tbody tr")).to_have_count(4)
    assert_accessible(page)
    assert problems(page) == []

    stored = {a.title: a for a in Attachment.objects.filter(event=event)}
    assert set(stored) == {"Agenda", "Opening", "Handover", "Attendance"}
    assert stored["Attendance"].visibility == "staff" and stored["Attendance"].public_key == ""
    assert all(stored[t].public_key for t in ("Agenda", "Opening", "Handover"))

    # A visitor (a fresh context: no session).
    visitor = browser.new_context(base_url=live_server.url).new_page()
    from django.template.backends.django import get_installed_libraries
    response = visitor.goto(f"/files/{stored['Attendance'].pk}/")
    assert response.status == 404
    if "attachment_tags" not in get_installed_libraries():
        pytest.skip("record pages show their files with the display helper's template tags")
    visitor.goto(f"/events/{event.slug}/")
    main = visitor.locator("main")
    expect(main.get_by_role("link", name="Agenda")).to_be_visible()
    expect(main.get_by_text("The opening session")).to_be_visible()
    expect(main.get_by_text("Handover of the scanners")).to_be_visible()
    expect(main.get_by_alt_text("The opening session, officers in a room")).to_be_visible()
    expect(main.get_by_text("Attendance")).to_have_count(0)
    visitor.context.close()
