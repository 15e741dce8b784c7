"""After an erasure, no trace of the person anywhere (issue 18, point 4).

1. A person with a rich history — edits on their page, an admin change with its log entry, a
   duplicate merged into them and them merged into another record of theirs, a committed import
   and one left to expire, a "not duplicates" decision, a session holding a flash message — is
   erased; then every text, char and JSON column of every table (history and auto-created
   tables included, ``scanned_columns()``) and every stored session, decoded, are searched for
   each name they had, both keys of each, each e-mail and each phone: nothing.
2. The world's private participants are erased; then every page, export and API answer of the
   permission matrix, as an admin and as an officer, shows none of their values.
"""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import MessageDecoder, MessageEncoder
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import RequestFactory
from django.utils import timezone

from activities import services
from activities.imports import COLUMNS
from activities.matching import match_key, name_key
from activities.models import ImportBatch, Participant
from personaldata.services import participant_erase
from tests import access, factories

pytestmark = pytest.mark.django_db

TEXT_TYPES = {"CharField", "TextField", "SlugField", "EmailField", "URLField", "JSONField",
              "FilePathField", "GenericIPAddressField"}
# Keys this short are other people's keys too: looked for only when longer.
SHORTEST_KEY = 6


def scanned_models() -> list[type[models.Model]]:
    """Every model with a table of its own: history and auto-created (many-to-many) ones
    included, proxies and unmanaged ones left out."""
    return [model for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy]


def text_fields(model) -> list:
    return [field for field in model._meta.concrete_fields
            if field.get_internal_type() in TEXT_TYPES]


def scanned_columns() -> list[tuple[str, str]]:
    """(table, column) of every text, char and JSON column the erasure test searches."""
    return sorted((model._meta.db_table, field.column)
                  for model in scanned_models() for field in text_fields(model))


def traces(needles: set[str]) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every needle found, case ignored, in any scanned column of
    any row, or in any stored session's decoded data. JSON is searched as text written with
    its letters as they are (not escaped)."""
    wanted = {needle.casefold() for needle in needles if needle}
    found = []
    for model in scanned_models():
        fields = text_fields(model)
        if not fields:
            continue
        for row in model._base_manager.values_list(*[f.attname for f in fields]).iterator():
            for field, value in zip(fields, row, strict=True):
                if value is None:
                    continue
                text = (json.dumps(value, ensure_ascii=False, default=str)
                        if not isinstance(value, str) else value).casefold()
                found += [(model._meta.db_table, field.column, n) for n in wanted if n in text]
    store = SessionStore()
    for session in Session.objects.all():
        data = store.decode(session.session_data)
        text = json.dumps(data, ensure_ascii=False, default=str)
        if isinstance(data.get("_messages"), str):  # its JSON escapes letters beyond ASCII
            text += " ".join(str(m.message) for m in MessageDecoder().decode(data["_messages"]))
        found += [("django_session", "session_data (decoded)", n) for n in wanted
                  if n in text.casefold()]
    return found


def needles_of(names, emails, phones) -> set[str]:
    """What the scan looks for: each name, both keys of each (when not trivially short), each
    e-mail and each phone."""
    needles = set(names) | set(emails) | set(phones)
    for name in names:
        needles |= {key for key in (name_key(name), match_key(name)) if len(key) >= SHORTEST_KEY}
    return needles


def test_the_scan_covers_history_batches_the_admin_log_and_sessions():
    columns = scanned_columns()
    print("\n".join(f"{table}.{column}" for table, column in columns))
    assert {
        ("activities_historicalparticipant", "name"),
        ("activities_historicalparticipant", "history_change_reason"),
        ("activities_historicalparticipation", "history_change_reason"),
        ("activities_importbatch", "rows"),
        ("activities_importbatch", "counts"),
        ("activities_duplicatedismissal", "match_key"),
        ("django_admin_log", "object_repr"),
        ("django_admin_log", "change_message"),
        ("django_session", "session_data"),
        ("accesslog_accessentry", "records"),
    } <= set(columns)


# --------------------------------------------------------------------------------------------
# 1. A rich history, erased: nothing left in any column
# --------------------------------------------------------------------------------------------
NAMES = ["Xanthippe Vorobyeva-Quill", "Vorobyeva-Quill Xanthippe", "Xanthipe Vorobyova-Quill",
         "Xanthippe Vorobyeva Quill"]
EMAILS = ["xanthippe.vq@erase.example", "xvq.old@erase.example", "xvq.dup@erase.example",
          "xvq.other@erase.example"]
PHONES = ["+996 700 424242", "+996 700 515151"]


def csv_upload(name: str, rows: list[list[str]]) -> SimpleUploadedFile:
    header = ",".join(column.label for column in COLUMNS)
    lines = [header, *(",".join(row) for row in rows)]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode())


def test_a_rich_history_leaves_no_trace_after_erasure(admin_user, officer_user,
                                                      erasure_journal):
    organisation = factories.OrganisationFactory(name="Border Service", acronym="BSX")
    event = factories.EventFactory(title="Airport interdiction course")
    second = factories.EventFactory(title="Follow-up course")
    bystander = factories.ParticipantFactory(name="Bystander Person", organisation=organisation)

    # Added on the event page, then edited on their page (a new e-mail and spelling).
    services.event_record(
        event=event, projects=[], trainers=[], participations={bystander.pk: "attended"},
        new_participants=[services.NewParticipant(Participant(
            name=NAMES[0], organisation=organisation, sex="female", email=EMAILS[1],
            phone=PHONES[0], position="Customs officer"), "attended")],
        trainer_counts={}, expected_version=event.version,
    )
    person = Participant.objects.get(name=NAMES[0])
    person.email = EMAILS[0]
    services.record_save(person, expected_version=person.version, reason="Edited on the page")

    # The admin's change, with its log entry; and an entry elsewhere naming them.
    request = RequestFactory().post("/")
    request.user = admin_user
    participant_admin = admin.site._registry[Participant]
    participant_admin.log_change(request, person, [{"changed": {"fields": ["E-mail"]}}])
    participant_admin.log_change(request, bystander, f"Checked against {NAMES[0]} "
                                                     f"({EMAILS[0]}, {PHONES[0]})")

    # A duplicate of theirs merged into them.
    duplicate = factories.ParticipantFactory(name=NAMES[1], organisation=organisation,
                                             email=EMAILS[2], phone=PHONES[1])
    factories.ParticipationFactory(participant=duplicate, event=second)
    services.participant_merge(keep=person, other=duplicate)

    # A committed import that matched them, and one left to expire listing them.
    batch = services.import_batch_create(
        event=second, upload=csv_upload("second.csv", [
            [NAMES[0], "female", "BSX", "KG", "Customs officer", EMAILS[0], ""],
            ["Another Attendee", "male", "BSX", "KG", "", "another@attendee.example", ""],
        ]), user=officer_user)
    services.participants_import(batch=batch, user=officer_user)
    expired = services.import_batch_create(
        event=event, upload=csv_upload("first.csv", [
            [NAMES[2], "female", "BSX", "KG", "", EMAILS[3], PHONES[1]],
        ]), user=officer_user)
    ImportBatch.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - timezone.timedelta(hours=1))
    expired.refresh_from_db()
    assert any(row.get("duplicates") or row.get("match") for row in expired.rows)

    # "Not duplicates", then them merged into another record of theirs.
    other_record = factories.ParticipantFactory(name=NAMES[3], organisation=organisation,
                                                email="", phone="")
    services.duplicate_dismiss(organisation=organisation, match_key=person.match_key,
                               records=2, user=officer_user)
    services.participant_merge(keep=other_record, other=person)

    # A session with a flash message naming them (too long for the cookie).
    session = SessionStore()
    session["_messages"] = MessageEncoder().encode(
        [Message(25, f"Saved {NAMES[3]} and {NAMES[0]}.")])
    session["_auth_user_id"] = str(officer_user.pk)
    session.create()

    needles = needles_of(NAMES, EMAILS, PHONES)
    assert {table for table, _column, _needle in traces(needles)} >= {
        "activities_participant", "activities_historicalparticipant",
        "activities_historicalparticipation", "activities_importbatch",
        "activities_duplicatedismissal", "django_admin_log", "django_session"}

    participant_erase(other_record.pk, user=admin_user)

    assert traces(needles) == []
    kept = Participant.objects.get(pk=other_record.pk)
    assert str(kept) == f"Erased participant No. {kept.pk}"
    assert kept.participations.count() == 2
    assert LogEntry.objects.filter(object_id=str(person.pk)).get().object_repr == \
        f"Erased participant No. {person.pk}"
    assert Participant.objects.get(pk=bystander.pk).name == "Bystander Person"
    assert ImportBatch.objects.get(pk=batch.pk).counts["match"] == 0
    assert [row["clean"]["name"] for row in ImportBatch.objects.get(pk=batch.pk).rows] == [
        "Another Attendee"]


# --------------------------------------------------------------------------------------------
# 2. Every page, export and API answer, after the world's private participants are erased
# --------------------------------------------------------------------------------------------
def build_erased_world():
    """The permission matrix's world with its three private participants erased."""
    world = access.build_world()
    world.erased = []
    for participant in world.participants:
        world.erased += [participant.name, participant.email, participant.phone,
                         participant.phone.replace(" ", "").lstrip("+")]
        participant_erase(participant.pk, user=world.users["admin"])
    return world


erased_world = access.world_fixture(builder=build_erased_world, name="erased_world")


def every_url(world) -> list[str]:
    from tests.portal.test_access_coverage import EXPECTATION_SETS

    urls = []
    for path, expectations in EXPECTATION_SETS.items():
        if path == "tests/attachments/test_access.py":
            # The file addresses serve the files' bytes (their own world, build_file_world):
            # attendance sheets are listed on the erasure for an admin to redact or remove.
            continue
        for name, expect in expectations.items():
            urls.append(expect.url(name, world))
    return sorted(set(urls))


@pytest.mark.parametrize("role", access.PERSONAL_DATA_ROLES)
def test_no_page_export_or_api_answer_shows_an_erased_person(role, erased_world, client):
    assert erased_world.erased
    client = access.client_for(role, client, erased_world)
    seen, pseudonymised = [], []
    labels = [f"Erased participant No. {p.pk}" for p in erased_world.participants]
    for url in every_url(erased_world):
        response = client.get(url)
        assert response.status_code < 500, f"GET {url} as {role}: {response.status_code}"
        text = access.marker_text(access.body_text(response))
        found = [value for value in erased_world.erased if value in text]
        assert not found, f"GET {url} as {role} shows {found}"
        seen.append(url)
        if any(label in text for label in labels):
            pseudonymised.append(url)
    assert len(seen) > 100
    # The pages that named them now read "Erased participant No. N": the register, the
    # event's page and form, their own pages, the exports.
    assert len(pseudonymised) >= 5, pseudonymised
