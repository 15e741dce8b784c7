"""The portal's pages, API answers, exports and downloads write the access log with exactly the
participants they show: a page of the register logs its rows, not the register; an export logs
every row it sent, once sent; the import preview logs an entry even for rows that have no
register number yet. (The permission matrix checks every page for the log row:
tests/access.py, ``check_logged``.)"""

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accesslog.models import AccessEntry
from activities import services
from activities.imports import COLUMNS
from activities.models import Participant
from tests import access, factories
from tests.activities.test_event_entry import add_new, event_data

pytestmark = pytest.mark.django_db


def build_logged_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.donor_a, w.donor_b = factories.DonorFactory(), factories.DonorFactory()
    access.add_users(w)
    w.organisation = factories.OrganisationFactory(name="Drug Control Agency", acronym="DCA")
    w.event = factories.EventFactory(slug="logged-workshop")
    w.attendees = [
        # Each in an agency of their own: no two are likely duplicates.
        factories.ParticipationFactory(
            event=w.event, participant=factories.ParticipantFactory(name=f"Logged Person {n:02d}"),
        ).participant
        for n in range(12)
    ]
    w.other_event = factories.EventFactory(slug="other-workshop")
    w.others = [factories.ParticipationFactory(
        event=w.other_event, participant=factories.ParticipantFactory(
            name=f"Other Person {n}", **({"organisation": w.organisation} if n == 0 else {})),
    ).participant for n in range(3)]
    # A likely duplicate pair (one agency, one phonetic key), at no event.
    w.pair = [factories.ParticipantFactory(name=name, organisation=w.organisation)
              for name in ("Alisher Usmonov", "ALISHER USMONOV")]
    # An import into the event: one row matching a record of the register, one new person.
    header = ",".join(column.label for column in COLUMNS)
    rows = ["Other Person 0,,DCA,,,,", "Newcomer Person,,DCA,,,,"]
    w.batch = services.import_batch_create(
        event=w.event, user=w.users["officer"],
        upload=SimpleUploadedFile("list.csv", "\n".join([header, *rows]).encode()),
    )
    return w


world = access.world_fixture(build_logged_world)


def as_role(role, world) -> Client:
    return access.client_for(role, Client(), world)


def logged(since: int) -> list[AccessEntry]:
    return list(AccessEntry.objects.filter(pk__gt=since).order_by("pk"))


def numbers(entry) -> set[int]:
    return set(entry.accessed.values_list("participant", flat=True))


def get_logged(world, url, role="officer", **extra):
    """(response, the one entry the request wrote) — the answer read whole first."""
    since = access.newest_access_entry()
    response = as_role(role, world).get(url, **extra)
    if response.streaming:
        b"".join(response.streaming_content)
    entries = logged(since)
    assert len(entries) == 1, f"{url}: {len(entries)} entries"
    return response, entries[0]


def pks(participants) -> set[int]:
    return {p.pk for p in participants}


# --------------------------------------------------------------------------------------------
# The register, its export and its search
# --------------------------------------------------------------------------------------------
def test_a_page_of_the_register_logs_its_rows_not_the_register(world):
    url = reverse("activities:participant_list")
    first, entry = get_logged(world, url + "?page_size=10")
    shown = {p.pk for p in first.context["object_list"]}
    assert len(shown) == 10 < Participant.objects.count()
    assert numbers(entry) == shown and entry.record_count == 10
    second, entry = get_logged(world, url + "?page_size=10&page=2")
    assert numbers(entry) == {p.pk for p in second.context["object_list"]}
    assert not numbers(entry) & shown
    user = world.users["officer"]
    assert (entry.user, entry.username, entry.what, entry.path) == (
        user, user.username, "activities:participant_list", url)


def test_the_register_searched_by_name_keeps_the_name_out_of_the_log(world):
    url = reverse("activities:participant_list")
    _response, entry = get_logged(world, url + "?q=Usmonov")
    assert numbers(entry) == pks(world.pair)
    assert entry.path == url and "Usmonov" not in str(entry.__dict__)


def test_a_csv_export_logs_every_row_once_it_has_been_sent(world):
    since = access.newest_access_entry()
    response = as_role("officer", world).get(
        reverse("activities:participant_export", args=["csv"]) + f"?event={world.event.slug}")
    assert response.streaming and not logged(since)  # nothing sent yet
    rows = access.csv_rows(access.body_text(response))
    [entry] = logged(since)
    assert numbers(entry) == pks(world.attendees) == {int(row[0]) for row in rows[1:]}
    assert entry.what == "activities:participant_export"


def test_an_xlsx_export_logs_every_row(world):
    _response, entry = get_logged(world, reverse("activities:participant_export",
                                                 args=["xlsx"]))
    assert numbers(entry) == set(Participant.objects.values_list("pk", flat=True))


def test_the_event_pages_search_logs_the_participants_it_answers(world):
    response, entry = get_logged(world, reverse("activities:participant_search") + "?q=Usmonov")
    assert {r["id"] for r in response.json()["results"]} == numbers(entry) == pks(world.pair)
    # Too short a text answers nobody, and logs nothing.
    since = access.newest_access_entry()
    as_role("officer", world).get(reverse("activities:participant_search") + "?q=U")
    assert not logged(since)


# --------------------------------------------------------------------------------------------
# Participants, duplicates, merging
# --------------------------------------------------------------------------------------------
def test_a_participants_page_logs_them_and_the_likely_duplicates_it_lists(world):
    one, other = world.pair
    _response, entry = get_logged(world, one.get_absolute_url())
    assert numbers(entry) == {one.pk, other.pk}
    for name in ("participant_update", "participant_history"):
        _response, entry = get_logged(world, reverse(f"activities:{name}", args=[one.pk]))
        assert numbers(entry) == {one.pk}, name


def test_the_duplicates_and_merge_pages_log_the_records_compared(world):
    _response, entry = get_logged(world, reverse("activities:participant_duplicates"))
    assert numbers(entry) == pks(world.pair)
    _response, entry = get_logged(world, reverse("activities:participant_merge",
                                                 args=[p.pk for p in world.pair]))
    assert numbers(entry) == pks(world.pair)


def test_a_merged_records_number_is_logged_wherever_its_name_is_shown(world):
    """A merge's change reason names the record merged away: the kept record's page and
    history, and the history of the merged record's events, show it."""
    keep, other = world.pair
    factories.ParticipationFactory(event=world.other_event, participant=other)
    as_role("officer", world).post(
        reverse("activities:participant_merge", args=[keep.pk, other.pk]), {"keep": keep.pk})
    assert not Participant.objects.filter(pk=other.pk).exists()
    _response, entry = get_logged(world, keep.get_absolute_url())
    assert numbers(entry) == {keep.pk, other.pk}
    response, entry = get_logged(world, reverse("activities:participant_history",
                                                args=[keep.pk]))
    assert other.name in response.content.decode()
    assert numbers(entry) == {keep.pk, other.pk}
    response, entry = get_logged(world, reverse("activities:event_history",
                                                args=[world.other_event.slug]))
    assert other.name in response.content.decode()
    assert numbers(entry) == pks(world.others) | {keep.pk, other.pk}


# --------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------
def test_an_event_page_logs_its_participants_for_officers_only(world):
    _response, entry = get_logged(world, world.event.get_absolute_url())
    assert numbers(entry) == pks(world.attendees)
    since = access.newest_access_entry()
    for role in ("anonymous", "donor"):
        as_role(role, world).get(world.event.get_absolute_url())
    assert not logged(since)


def test_the_event_form_logs_its_rows(world):
    _response, entry = get_logged(world, reverse("activities:event_update",
                                                 args=[world.event.slug]))
    assert numbers(entry) == pks(world.attendees)


def test_a_refused_event_form_logs_the_register_records_its_errors_name(world):
    data = event_data()
    add_new(data, [{"name": "Усмонов Алишер", "organisation": str(world.organisation.pk)}])
    since = access.newest_access_entry()
    response = as_role("officer", world).post(reverse("activities:event_create"), data)
    assert response.status_code == 400
    assert "Likely already in the register" in response.content.decode()
    [entry] = logged(since)
    assert numbers(entry) == pks(world.pair)


def test_the_event_history_logs_the_participants_of_its_page_of_changes(world):
    _response, entry = get_logged(world, reverse("activities:event_history",
                                                 args=[world.event.slug]))
    assert numbers(entry) == pks(world.attendees)


def test_the_api_logs_the_participant_records_of_the_events_it_answers(world):
    url = reverse("opendata:event-detail", args=[world.other_event.slug])
    _response, entry = get_logged(world, url)
    assert numbers(entry) == pks(world.others)
    assert entry.what == "opendata:event-detail"
    _response, entry = get_logged(world, reverse("opendata:event-list"))
    assert numbers(entry) == pks(world.attendees) | pks(world.others)
    since = access.newest_access_entry()
    as_role("anonymous", world).get(url)  # aggregates only
    assert not logged(since)


# --------------------------------------------------------------------------------------------
# The import preview
# --------------------------------------------------------------------------------------------
def test_the_import_preview_logs_its_matched_records_and_its_new_rows(world):
    _response, entry = get_logged(world, world.batch.get_absolute_url())
    assert numbers(entry) == {world.others[0].pk}
    assert entry.what == f"activities:import_preview, batch {world.batch.pk}: 2 rows"


def test_a_preview_page_of_new_rows_only_is_logged_all_the_same(world):
    _response, entry = get_logged(world, world.batch.get_absolute_url() + "?status=new")
    assert (numbers(entry), entry.record_count, entry.records) == (set(), 0, "")
    assert entry.what == f"activities:import_preview, batch {world.batch.pk}: 1 rows"


# --------------------------------------------------------------------------------------------
# Attendance sheets
# --------------------------------------------------------------------------------------------
def test_an_attendance_sheet_download_logs_its_events_participants(world, attachment_media):
    from attachments import services as attachment_services
    from tests.attachments.files import pdf_upload

    officer = world.users["officer"]
    sheet = attachment_services.add(world.other_event, pdf_upload("sheet.pdf"), user=officer,
                                    title="Sheet", kind="attendance_sheet")
    agenda = attachment_services.add(world.other_event, pdf_upload("agenda.pdf"), user=officer,
                                     title="Agenda", kind="agenda")
    empty_event = factories.EventFactory()
    empty_sheet = attachment_services.add(empty_event, pdf_upload("empty.pdf"), user=officer,
                                          title="Sheet", kind="attendance_sheet")
    _response, entry = get_logged(world, reverse("files:file", args=[sheet.pk]))
    assert numbers(entry) == pks(world.others)
    assert entry.what == f"files:file, attendance sheet {sheet.pk}"
    # The sheet names people whether or not they are in the register.
    _response, entry = get_logged(world, reverse("files:file", args=[empty_sheet.pk]))
    assert entry.record_count == 0
    since = access.newest_access_entry()
    assert as_role("officer", world).get(reverse("files:file", args=[agenda.pk])).status_code \
        == 200
    assert as_role("donor", world).get(reverse("files:file", args=[sheet.pk])).status_code \
        == 404
    assert not logged(since)
