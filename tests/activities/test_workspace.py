"""The officers' workspace as a hub (issue 14, point 2): event titles lead to their pages; the
latest events with a link to all of them; the seizures the officer recorded; the officer's
imports with their state, an import never confirmed reading "Expired" after its time without
anything written on reading; a fixed number of queries."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html

from activities.models import ImportBatch, Seizure
from activities.selectors import WORKSPACE_EVENTS, WORKSPACE_SEIZURES
from tests import factories
from tests.access import FIXTURE_ROLES, client_for_fixture
from tests.querycount import assert_constant_queries
from unodc_portal.core.roles import DEMO_GROUP

pytestmark = pytest.mark.django_db

WORKSPACE = "/workspace/"


def batch(user, *, hours=1, status=ImportBatch.Status.PREVIEW, counts=None, name="list.csv"):
    """An import by ``user`` that expires in ``hours`` (negative: expired that long ago)."""
    return ImportBatch.objects.create(
        event=factories.EventFactory(), created_by=user, file_name=name, file_hash="0" * 64,
        expires_at=timezone.now() + datetime.timedelta(hours=hours), status=status,
        counts=counts or {"new": 1},
        committed_at=timezone.now() if status == ImportBatch.Status.COMMITTED else None,
    )


def recorded_by(user, **kwargs):
    """A seizure whose creation the history credits to ``user``."""
    seizure = factories.SeizureFactory(**kwargs)
    Seizure.history.filter(id=seizure.pk, history_type="+").update(history_user=user)
    return seizure


def page(client):
    response = client.get(WORKSPACE)
    assert response.status_code == 200
    return response.content.decode()


def test_the_url_is_the_workspace():
    assert reverse("activities:workspace") == WORKSPACE


@pytest.mark.parametrize("role", FIXTURE_ROLES)
def test_only_officers_and_admins_reach_the_workspace(role, client, request):
    event = factories.EventFactory(title="Border liaison course")
    response = client_for_fixture(role, client, request).get(WORKSPACE)
    expected = {"anonymous": 302, "donor": 403, "officer": 200, "admin": 200}[role]
    assert response.status_code == expected
    if expected == 200:
        assert event.get_absolute_url() in response.content.decode()
    else:
        assert b"Border liaison course" not in response.content


def test_event_titles_link_to_their_pages_with_a_link_to_every_event(officer_client):
    events = [factories.EventFactory(title=f"Course {n}") for n in range(WORKSPACE_EVENTS + 2)]
    tree = lxml_html.fromstring(page(officer_client))
    title_links = tree.xpath('//section[@aria-labelledby="recent-events"]//th[@scope="row"]/a')
    newest = events[::-1][:WORKSPACE_EVENTS]
    assert [(a.text_content(), a.get("href")) for a in title_links] == [
        (event.title, event.get_absolute_url()) for event in newest
    ]
    all_link = tree.find_class("workspace-all-events")[0].find("a")
    assert all_link.text_content() == f"All {WORKSPACE_EVENTS + 2} events"
    assert all_link.get("href") == reverse("activities:event_list")
    # The oldest two are not listed here: the list is bounded.
    assert events[0].get_absolute_url() not in page(officer_client)


def test_the_officer_sees_the_seizures_they_recorded_not_others(officer_client, officer_user,
                                                                   admin_user):
    mine = [recorded_by(officer_user, key=f"mine-{n}") for n in range(WORKSPACE_SEIZURES + 1)]
    theirs = recorded_by(admin_user, key="someone-elses")
    html = page(officer_client)
    listed = [a.get("href") for a in lxml_html.fromstring(html).xpath(
        '//ul[contains(@class, "workspace-seizures")]/li/a[1]')]
    assert listed == [s.get_absolute_url() for s in mine[::-1][:WORKSPACE_SEIZURES]]
    assert theirs.get_absolute_url() not in html
    all_link = lxml_html.fromstring(html).find_class("workspace-all-seizures")[0].find("a")
    assert all_link.text_content() == f"All {WORKSPACE_SEIZURES + 1} seizures you recorded"
    assert all_link.get("href") == reverse("activities:seizure_list") + "?recorded=me"


@pytest.mark.parametrize("role", FIXTURE_ROLES)
def test_the_seizure_list_filters_by_who_recorded_for_those_who_record(role, client, request,
                                                                        officer_user,
                                                                        admin_user):
    mine = recorded_by(officer_user, key="by-the-officer")
    theirs = recorded_by(admin_user, key="by-the-admin")
    client = client_for_fixture(role, client, request)
    html = client.get(reverse("activities:seizure_list") + "?recorded=me").content.decode()
    if role == "officer":
        assert mine.get_absolute_url() in html and theirs.get_absolute_url() not in html
        assert 'name="recorded"' in html
    elif role == "admin":
        assert theirs.get_absolute_url() in html and mine.get_absolute_url() not in html
    else:
        # No such filter for those who record no seizures: the parameter is ignored.
        assert mine.get_absolute_url() in html and theirs.get_absolute_url() in html
        assert 'name="recorded"' not in html


def test_no_seizures_yet_offers_to_record_one(officer_client, admin_user):
    recorded_by(admin_user)
    tree = lxml_html.fromstring(page(officer_client))
    section = tree.xpath('//section[@aria-labelledby="your-seizures"]')[0]
    assert "None yet." in section.text_content()
    assert section.xpath(f'.//a[@href="{reverse("activities:seizure_create")}"]')


def test_imports_show_their_state_and_expire_on_reading_without_a_write(officer_client,
                                                                       officer_user):
    waiting = batch(officer_user, hours=2, name="waiting.csv")
    done = batch(officer_user, hours=-5, status=ImportBatch.Status.COMMITTED, name="done.csv")
    stale = batch(officer_user, hours=-1, name="stale.csv")
    broken = batch(officer_user, hours=2, counts={"error": 2}, name="broken.csv")
    with CaptureQueriesContext(connection) as queries:
        tree = lxml_html.fromstring(page(officer_client))
    states = {
        item.find("a").text_content(): item.find_class("import-state")[0].text_content()
        for item in tree.find_class("workspace-imports")[0].iter("li")
    }
    assert states == {
        "waiting.csv": "Awaiting confirmation", "done.csv": "Imported", "stale.csv": "Expired",
        "broken.csv": "Rows with errors: correct the file",
    }
    # Read, not written: the expired import is still a preview in the database.
    assert not [q["sql"] for q in queries.captured_queries
                if q["sql"].startswith(("UPDATE", "DELETE", "INSERT"))
                and "importbatch" in q["sql"]]
    stale.refresh_from_db()
    assert stale.status == ImportBatch.Status.PREVIEW
    assert (waiting.expired, done.expired, stale.expired, broken.expired) == (
        False, False, True, False)


def test_an_expired_preview_says_so_on_its_page(officer_client, officer_user):
    stale = batch(officer_user, hours=-1, name="stale.csv")
    html = officer_client.get(stale.get_absolute_url()).content.decode()
    assert "<h1>Expired preview: stale.csv</h1>" in html
    assert "This preview has expired." in html
    assert "Confirm the import" not in html


def test_a_wrong_recorded_by_is_a_message_not_an_error(officer_client, officer_user):
    recorded_by(officer_user)
    response = officer_client.get(reverse("activities:seizure_list") + "?recorded=everyone")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_imports_by_someone_else_are_not_listed(officer_client, admin_user):
    batch(admin_user, name="admins-list.csv")
    assert "admins-list.csv" not in page(officer_client)


def test_the_workspace_runs_the_same_queries_at_1_and_30_rows(officer_client, officer_user):
    def add(n):
        for i in range(n):
            factories.ParticipationFactory()
            recorded_by(officer_user)
            batch(officer_user, hours=1 if i % 2 else -1)
            batch(officer_user, status=ImportBatch.Status.COMMITTED)

    assert_constant_queries(officer_client, WORKSPACE, add, 15)


def text(html: str) -> str:
    return " ".join(lxml_html.fromstring(html).text_content().split())


def test_the_register_button_counts_what_the_register_lists_for_that_account(
        officer_client, officer_user, roles):
    """A demo officer's register lists the demo participants too: its button said "(0)"."""
    factories.ParticipantFactory.create_batch(2)
    factories.ParticipantFactory.create_batch(3, is_demo=True)
    assert "Participant register (2)" in text(page(officer_client))
    officer_user.groups.add(Group.objects.get_or_create(name=DEMO_GROUP)[0])
    listed = officer_client.get(reverse("activities:participant_list")).context["paginator"].count
    assert listed == 5
    assert "Participant register (5)" in text(page(officer_client))
