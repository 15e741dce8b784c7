"""The workspace as a hub (issue 14, point 2), in a real browser: an officer signs in and lands
on it, reads each import's state (one expired), follows an event's title to its page and the
link to the seizures they recorded; the page passes axe's WCAG 2.1 A/AA rules, without console
errors or CSP violations."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import ImportBatch, Seizure
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.helpers import problems, sign_in, watch_csp

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def officer_with_records(roles):
    officer = factories.UserFactory(username="olga")
    officer.groups.add(roles["Programme officers"])
    event = factories.EventFactory(title="Precursor control workshop", slug="precursor-workshop")
    for name, hours, status in [("waiting.csv", 5, ImportBatch.Status.PREVIEW),
                                ("stale.csv", -2, ImportBatch.Status.PREVIEW),
                                ("done.csv", -48, ImportBatch.Status.COMMITTED)]:
        ImportBatch.objects.create(
            event=event, created_by=officer, file_name=name, file_hash="0" * 64, status=status,
            expires_at=timezone.now() + datetime.timedelta(hours=hours), counts={"new": 1},
        )
    seizure = factories.SeizureFactory(key="osh-heroin")
    Seizure.history.filter(id=seizure.pk).update(history_user=officer)
    officer.seizures = (seizure, factories.SeizureFactory(key="someone-elses"))
    return officer


def test_officer_finds_events_seizures_and_imports_from_the_workspace(
    page, live_server, officer_with_records
):
    watch_csp(page)
    sign_in(page, "olga")
    page.wait_for_url("**/workspace/")
    imports = page.locator(".workspace-imports li")
    expect(imports.filter(has_text="stale.csv")).to_contain_text("Expired")
    expect(imports.filter(has_text="waiting.csv")).to_contain_text("Awaiting confirmation")
    expect(imports.filter(has_text="done.csv")).to_contain_text("Imported")
    assert_accessible(page)
    assert problems(page) == []

    page.get_by_role("link", name="Precursor control workshop", exact=True).first.click()
    page.wait_for_url("**/events/precursor-workshop/")
    expect(page.locator("h1")).to_contain_text("Precursor control workshop")

    page.go_back()
    page.get_by_role("link", name="The 1 seizure you recorded").click()
    page.wait_for_url("**/seizures/?recorded=me")
    # Only the officer's seizure of the two.
    mine, theirs = officer_with_records.seizures
    expect(page.locator(f'main a[href="{mine.get_absolute_url()}"]')).to_have_count(1)
    expect(page.locator(f'main a[href="{theirs.get_absolute_url()}"]')).to_have_count(0)
    assert problems(page) == []
