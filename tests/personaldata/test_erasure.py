"""Erasing a participant (personaldata.services.participant_erase and its pages): what is
blanked, what stays (figures unchanged), the attendance sheets' states, and each refusal —
already erased, merged away, gone, in a pending import, a demo account, not an admin — with
nothing written."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from activities import aggregates, selectors, services, summaries
from activities.history import merged_records, merged_values
from activities.models import (
    DuplicateDismissal,
    ImportBatch,
    Participant,
    Participation,
)
from attachments import services as attachment_services
from personaldata import journal
from personaldata.models import Erasure, SheetState
from personaldata.services import participant_erase
from tests import access, factories
from tests.attachments.files import pdf_upload
from tests.engine import postgresql_only

pytestmark = pytest.mark.django_db


def person(name="Ulugbek Tashpulatov", **kwargs):
    return factories.ParticipantFactory(name=name, email="ulugbek.t@mail.example",
                                        phone="+998 90 1234567", position="Major", **kwargs)


def test_erasure_blanks_the_record_and_its_history_and_keeps_the_figures(admin_user,
                                                                         erasure_journal):
    participant = person()
    participation = factories.ParticipationFactory(participant=participant)
    factories.ParticipationFactory(event=participation.event)  # somebody else
    participant.email = "new.address@mail.example"
    services.record_save(participant, expected_version=participant.version, reason="Edited")
    with summaries.writing():
        pass
    before = aggregates.participant_figures_by_event([participation.event_id])

    erasure = participant_erase(participant.pk, user=admin_user)

    participant.refresh_from_db()
    assert (participant.name, participant.email, participant.phone, participant.position,
            participant.name_key, participant.match_key) == ("", "", "", "", "", "")
    assert participant.erased_at == erasure.erased_at
    assert str(participant) == f"Erased participant No. {participant.pk}"
    assert participant.sex and participant.organisation_id and participant.country_id
    rows = Participant.history.filter(id=participant.pk)
    assert rows.count() == 3
    assert set(rows.values_list("name", "email", "phone", "position")) == {("", "", "", "")}
    assert rows.first().history_change_reason == "Erased on request"
    assert aggregates.participant_figures_by_event([participation.event_id]) == before
    assert erasure.erased_by == admin_user and erasure.erased_by_username == "admin"
    assert [e["participant"] for e in journal.entries()] == [participant.pk]


def test_merge_reasons_and_merged_values_name_nobody_after_erasure(admin_user, admin_client,
                                                                   erasure_journal):
    keep = person()
    other = person(name="Ulugbek Tashpulatov ", organisation=keep.organisation)
    other.email = "old.ulugbek@mail.example"
    other.save()
    other_pk = other.pk
    services.participant_merge(keep=keep, other=other)
    assert merged_values(keep)  # the other e-mail, before

    participant_erase(keep.pk, user=admin_user)

    keep.refresh_from_db()
    assert merged_records(keep) == [other_pk]  # the numbers are still read back
    assert merged_values(keep) == []
    reasons = set(Participant.history.values_list("history_change_reason", flat=True))
    assert f"Merged participant #{other_pk} (Erased participant No. {other_pk}) into " \
           f"#{keep.pk}" in reasons
    assert not [r for r in reasons if r and "Tashpulatov" in r]
    assert not Participant.history.filter(email__contains="ulugbek").exists()
    page = admin_client.get(keep.get_absolute_url()).content.decode()
    assert f"Erased participant No. {keep.pk}" in page
    assert "Their values were erased with this record" in page
    assert "ulugbek" not in page.lower() and "Tashpulatov" not in page


def test_import_batches_lose_the_persons_rows_and_mentions(admin_user, erasure_journal):
    participant = person()
    event = factories.EventFactory()
    batch = ImportBatch.objects.create(
        event=event, file_name="list.csv", file_hash="x", status=ImportBatch.Status.COMMITTED,
        expires_at=timezone.now(),
        rows=[
            {"n": 2, "status": "match", "clean": {"name": participant.name},
             "name_key": participant.name_key, "match": {"id": participant.pk,
                                                         "name": participant.name}},
            {"n": 3, "status": "duplicate", "clean": {"name": "Ulugbek Toshpulatov"},
             "name_key": "ulugbek toshpulatov", "duplicates": [
                 {"id": participant.pk, "name": participant.name}]},
            {"n": 4, "status": "new", "clean": {"name": "Somebody Else",
                                                "email": "ULUGBEK.T@mail.example"},
             "name_key": "somebody else"},
        ],
        counts={"match": 1, "duplicate": 1, "new": 1, "already": 0, "error": 0},
    )
    participant_erase(participant.pk, user=admin_user)
    batch.refresh_from_db()
    assert [row["n"] for row in batch.rows] == [3]  # matched, and the same e-mail: removed
    assert batch.rows[0]["duplicates"] == []
    assert batch.counts == {"match": 0, "duplicate": 1, "new": 0, "already": 0, "error": 0}


def test_dismissals_of_their_key_go_and_others_stay(admin_user, erasure_journal):
    participant = person()
    DuplicateDismissal.objects.create(organisation=participant.organisation,
                                      match_key=participant.match_key, records=2)
    kept = DuplicateDismissal.objects.create(organisation=None, match_key="smbd ls", records=2)
    participant_erase(participant.pk, user=admin_user)
    assert list(DuplicateDismissal.objects.all()) == [kept]


def test_attendance_sheets_are_listed_and_their_state_follows_what_was_done(
        admin_user, erasure_journal, attachment_media, admin_client):
    participant = person()
    events = [factories.ParticipationFactory(participant=participant).event for _ in range(3)]
    sheets = [attachment_services.add(event, pdf_upload(f"sheet{n}.pdf"), user=admin_user,
                                      title=f"Sheet {n}", kind="attendance_sheet")
              for n, event in enumerate(events)]
    attachment_services.add(events[0], pdf_upload("agenda.pdf"), user=admin_user,
                            title="Agenda", kind="agenda")
    erasure = participant_erase(participant.pk, user=admin_user)
    assert [s["id"] for s in erasure.sheets] == [s.pk for s in sheets]
    attachment_services.replace(sheets[0], pdf_upload("redacted.pdf", text="Redacted"),
                                expected_version=sheets[0].version, user=admin_user)
    attachment_services.remove(sheets[1], expected_version=sheets[1].version, user=admin_user)
    states = [sheet.state for sheet in erasure.sheet_states()]
    assert states == [SheetState.REPLACED, SheetState.REMOVED, SheetState.TO_HANDLE]

    page = admin_client.get(erasure.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200
    assert reverse("attachments:file_replace", args=[sheets[2].pk]) in text
    assert reverse("attachments:file_remove", args=[sheets[2].pk]) in text
    assert "Still to redact or remove" in text and "Removed" in text


def test_erased_records_take_no_part_in_matching_search_or_merging(admin_user,
                                                                   erasure_journal):
    participant = person()
    twin = person(organisation=participant.organisation)
    participant_erase(participant.pk, user=admin_user)
    participant.refresh_from_db()
    assert list(Participant.objects.likely_duplicates_of(twin)) == []
    assert list(Participant.objects.likely_duplicates_of(participant)) == []
    assert list(Participant.objects.duplicate_groups()) == []
    assert list(Participant.objects.search("")) == [twin]
    assert list(Participant.objects.search("Tashpulatov")) == [twin]
    assert participant.pk in [p.pk for p in selectors.participant_search(
        admin_user, str(participant.pk), participant.pk)[0]]
    with pytest.raises(ValidationError, match="cannot be merged"):
        services.participant_merge(keep=twin, other=participant)
    with pytest.raises(ValidationError, match="cannot be merged"):
        services.participant_merge(keep=participant, other=twin)
    assert Participant.objects.filter(pk__in=[participant.pk, twin.pk]).count() == 2


def test_the_edit_page_refuses_an_erased_record(admin_user, admin_client, erasure_journal):
    participant = person()
    participant_erase(participant.pk, user=admin_user)
    url = reverse("activities:participant_update", args=[participant.pk])
    response = admin_client.post(url, {"name": "Filled Again", "record_version": 1})
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.name == ""
    page = admin_client.get(participant.get_absolute_url())
    assert "cannot be edited" in page.content.decode()
    assert f"Erased participant No. {participant.pk}" in page.content.decode()


# --------------------------------------------------------------------------------------------
# Refusals: a clear message, nothing written
# --------------------------------------------------------------------------------------------
def test_erasing_twice_is_refused_naming_when_and_who(admin_user, erasure_journal):
    participant = person()
    participant_erase(participant.pk, user=admin_user)
    counts = access.every_row_count()
    with pytest.raises(ValidationError, match=r"already erased, on .* by admin"):
        participant_erase(participant.pk, user=admin_user)
    assert access.every_row_count() == counts
    assert len(journal.entries()) == 1


def test_replaying_an_erasure_already_made_does_nothing(admin_user, erasure_journal):
    participant = person()
    erasure = participant_erase(participant.pk, user=admin_user)
    assert participant_erase(participant.pk, user=None, replaying=True) == erasure
    assert len(journal.entries()) == 1


def test_replaying_erases_without_a_user_or_a_journal_line(erasure_journal):
    participant = person()
    erasure = participant_erase(participant.pk, user=None, replaying=True)
    assert erasure.erased_by is None and erasure.erased_by_username == ""
    assert Participant.objects.get(pk=participant.pk).name == ""
    assert journal.entries() == []


def test_a_record_merged_away_names_the_record_it_went_into(admin_user, erasure_journal):
    keep = person()
    other = person(organisation=keep.organisation)
    other_pk = other.pk
    services.participant_merge(keep=keep, other=other)
    with pytest.raises(ValidationError, match=rf"No. {other_pk} was merged into No. {keep.pk}"):
        participant_erase(other_pk, user=admin_user)
    with pytest.raises(ValidationError, match="no longer exists"):
        participant_erase(999999, user=admin_user)
    assert not Erasure.objects.exists()


def test_a_record_in_a_pending_import_is_refused_naming_the_event_and_the_file(
        admin_user, erasure_journal):
    participant = person()
    event = factories.EventFactory(title="Border workshop")
    batch = ImportBatch.objects.create(
        event=event, file_name="border-list.xlsx", file_hash="y",
        expires_at=timezone.now() + datetime.timedelta(hours=2),
        rows=[{"n": 2, "status": "duplicate", "clean": {"name": "x"}, "name_key": "x",
               "duplicates": [{"id": participant.pk, "name": participant.name}]}],
        counts={"duplicate": 1},
    )
    counts = access.every_row_count()
    with pytest.raises(ValidationError, match=r"border-list\.xlsx.*Border workshop"):
        participant_erase(participant.pk, user=admin_user)
    assert access.every_row_count() == counts
    assert Participant.objects.get(pk=participant.pk).name == participant.name
    # Expired: no longer in the way.
    ImportBatch.objects.filter(pk=batch.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1))
    participant_erase(participant.pk, user=admin_user)


def test_a_demo_account_never_erases_a_real_record(demo_world, erasure_journal):
    from django.contrib.auth import get_user_model

    demo_admin = get_user_model().objects.get(username="demo-admin")
    participant = person()
    with pytest.raises(PermissionDenied):
        participant_erase(participant.pk, user=demo_admin)
    assert Participant.objects.get(pk=participant.pk).erased_at is None


def test_officers_do_not_erase(officer_user, erasure_journal, client):
    participant = person()
    with pytest.raises(PermissionDenied):
        participant_erase(participant.pk, user=officer_user)
    client.force_login(officer_user)
    counts = access.every_row_count()
    response = client.post(reverse("personaldata:participant_erase", args=[participant.pk]),
                           {"number": str(participant.pk)})
    assert response.status_code == 403
    assert access.every_row_count() == counts


# --------------------------------------------------------------------------------------------
# The pages
# --------------------------------------------------------------------------------------------
def test_the_page_shows_what_will_happen_and_erases_on_the_typed_number(
        admin_client, erasure_journal):
    participant = person()
    factories.ParticipationFactory(participant=participant)
    url = reverse("personaldata:participant_erase", args=[participant.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "cannot be undone" in page.content.decode()
    wrong = admin_client.post(url, {"number": str(participant.pk + 1)})
    assert wrong.status_code == 400 and f"Type {participant.pk}" in wrong.content.decode()
    assert not Erasure.objects.exists()
    done = admin_client.post(url, {"number": str(participant.pk)})
    erasure = Erasure.objects.get()
    assert done.status_code == 302 and done["Location"] == erasure.get_absolute_url()
    again = admin_client.post(url, {"number": str(participant.pk)})
    assert again.status_code == 400
    assert "already erased" in again.content.decode()


def test_the_erase_link_is_for_admins_only(admin_client, officer_user):
    from django.test import Client

    officer_client = Client()
    officer_client.force_login(officer_user)
    participant = person()
    url = reverse("personaldata:participant_erase", args=[participant.pk])
    assert url in admin_client.get(participant.get_absolute_url()).content.decode()
    assert url in admin_client.get(
        reverse("admin:activities_participant_change", args=[participant.pk])).content.decode()
    assert url not in officer_client.get(participant.get_absolute_url()).content.decode()


def test_the_pages_query_counts_do_not_grow_with_the_rows(admin_client, admin_user,
                                                         erasure_journal, attachment_media):
    from django.test.utils import CaptureQueriesContext

    def counts(n):
        participant = person(name=f"Person Number {n}")
        for index in range(n):
            event = factories.ParticipationFactory(participant=participant).event
            attachment_services.add(event, pdf_upload(f"s{index}.pdf"), user=admin_user,
                                    title=f"S {index}", kind="attendance_sheet")
        found = []
        url = reverse("personaldata:participant_erase", args=[participant.pk])
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(url).status_code == 200
        found.append(len(queries))
        erasure = participant_erase(participant.pk, user=admin_user)
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(erasure.get_absolute_url()).status_code == 200
        found.append(len(queries))
        return found

    one, thirty = counts(1), counts(30)
    assert one == thirty
    assert max(thirty) <= 22


# --------------------------------------------------------------------------------------------
# Two at once (PostgreSQL: SQLite has no row locks)
# --------------------------------------------------------------------------------------------
@postgresql_only("row locks: SQLite writes one transaction at a time")
@pytest.mark.django_db(transaction=True)
def test_an_erasure_waits_for_a_merge_in_progress_then_names_the_record_merged_into(
        erasure_journal):
    admin = factories.UserFactory(username="admin-lock", is_staff=True, is_superuser=True)
    keep = person()
    other = person(organisation=keep.organisation)
    merging, erased = threading.Event(), {}

    def erase():
        merging.wait(5)
        try:
            participant_erase(other.pk, user=admin)
        except ValidationError as exc:
            erased["message"] = " ".join(exc.messages)
        except Exception as exc:  # shown by the assertion below
            erased["message"] = repr(exc)
        finally:
            connection.close()

    worker = threading.Thread(target=erase)
    worker.start()
    with transaction.atomic():
        list(Participant.objects.select_for_update().filter(pk__in=[keep.pk, other.pk]))
        merging.set()
        worker.join(0.5)  # the erasure waits for this transaction's locks
        assert worker.is_alive(), erased
        services.participant_merge(keep=keep, other=other)
    worker.join(10)
    assert f"No. {other.pk} was merged into No. {keep.pk}" in erased["message"]
    assert not Erasure.objects.exists()
    assert Participation.objects.count() == 0
