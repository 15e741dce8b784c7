"""Purpose and basis of participants' data (issue 18, point 1): how each record's data came and
whether the person agreed to be contacted later — asked once per import batch and once per
event page save, added to (never replacing) a record's first basis when it is named again,
combined by a merge, shown on the participant's pages, the admin and the export."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities import databasis, services
from activities.models import (
    ContactConsent,
    DataSource,
    Event,
    ImportBatch,
    Participant,
    Participation,
)
from tests import factories
from tests.activities.test_event_entry import add_existing, add_new, event_data
from tests.activities.test_import import csv_file
from tests.portal.test_exports import xlsx_rows

pytestmark = pytest.mark.django_db

YES, NO, NOT_RECORDED = ContactConsent.YES, ContactConsent.NO, ContactConsent.NOT_RECORDED
SHEET, FORM, IMPORT, PARTNER = (DataSource.ATTENDANCE_SHEET, DataSource.REGISTRATION_FORM,
                                DataSource.IMPORT, DataSource.PARTNER_LIST)


# --------------------------------------------------------------------------------------------
# The rules
# --------------------------------------------------------------------------------------------
def test_sources_read_first_basis_first_and_not_recorded_when_empty():
    assert databasis.sources_label([SHEET, PARTNER]) == (
        "Attendance sheet, then partner agency list")
    assert databasis.sources_label([]) == "Not recorded"
    assert databasis.sources_label([FORM]) == "Registration form"


@pytest.mark.parametrize(("current", "stated", "after"), [
    (NOT_RECORDED, YES, YES),
    (NO, YES, YES),  # the person's latest statement
    (YES, NO, NO),
    (YES, NOT_RECORDED, YES),  # "not recorded" says nothing
    (NO, NOT_RECORDED, NO),
    (NOT_RECORDED, NOT_RECORDED, NOT_RECORDED),
])
def test_a_recorded_answer_replaces_the_older_one_and_not_recorded_never_does(
    current, stated, after
):
    assert databasis.latest_consent(current, stated) == after


# --------------------------------------------------------------------------------------------
# Import: asked once per batch, shown on the preview, applied at confirmation
# --------------------------------------------------------------------------------------------
@pytest.fixture
def register():
    kg = factories.CountryFactory(code="KG")
    ssdc = factories.OrganisationFactory(name="State Service on Drug Control", acronym="SSDC",
                                         country=kg)
    event = factories.EventFactory(slug="planning")
    return {"event": event, "ssdc": ssdc, "kg": kg}


def import_file(client, event, rows, **basis):
    url = reverse("activities:participant_import", args=[event.slug])
    return client.post(url, {"file": csv_file(rows), **basis})


def confirm(client, rows, event, **basis):
    response = import_file(client, event, rows, **basis)
    assert response.status_code == 302, response.content.decode()[:2000]
    preview = client.get(response["Location"])
    assert client.post(response["Location"]).status_code == 302
    return preview.content.decode()


def test_the_upload_form_asks_both_questions_once_with_nothing_chosen(officer_client, register):
    html = officer_client.get(
        reverse("activities:participant_import", args=[register["event"].slug])).content.decode()
    assert "How did these people&#x27;s details reach you?" in html
    assert "Did they agree to be contacted after the event?" in html
    assert len(re.findall(r'<input[^>]*name="source"', html)) == len(DataSource.choices)
    assert len(re.findall(r'<input[^>]*name="contact_consent"', html)) == len(
        ContactConsent.choices)
    assert not re.search(r'<input[^>]*name="(source|contact_consent)"[^>]*checked', html)


@pytest.mark.parametrize("basis", [
    {},  # the questions left unanswered
    {"source": PARTNER},
    {"contact_consent": YES},
    {"source": "scraped_from_the_web", "contact_consent": YES},  # forged choices
    {"source": PARTNER, "contact_consent": "maybe"},
])
def test_an_upload_without_a_valid_basis_is_a_form_error_and_stores_no_batch(
    officer_client, register, basis
):
    response = import_file(officer_client, register["event"],
                           [["Dilnoza Karimova", "F", "SSDC", "KG", "", "", ""]], **basis)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"source", "contact_consent"} - {
        key for key, value in basis.items() if value in (PARTNER, YES)}
    assert not ImportBatch.objects.exists() and not Participant.objects.exists()


def test_new_rows_get_the_basis_and_matched_records_keep_their_first_and_gain_it(
    officer_client, officer_user, register
):
    ssdc, event = register["ssdc"], register["event"]
    known = factories.ParticipantFactory(name="Alisher Usmonov", organisation=ssdc,
                                         sources=[SHEET], contact_consent=NO)
    old = factories.ParticipantFactory(name="Bakyt Asanov", organisation=ssdc)  # before issue 18
    there = factories.ParticipantFactory(name="Gulnara Sadykova", organisation=ssdc,
                                         sources=[FORM])
    factories.ParticipationFactory(participant=there, event=event)
    versions = {p.pk: p.version for p in (known, old, there)}

    preview = confirm(officer_client, [
        ["Dilnoza Karimova", "F", "SSDC", "KG", "", "", ""],
        ["Alisher Usmonov", "M", "SSDC", "", "", "", ""],
        ["Bakyt Asanov", "M", "SSDC", "", "", "", ""],
        ["Gulnara Sadykova", "F", "SSDC", "", "", "", ""],
    ], event, source=PARTNER, contact_consent=YES)

    assert "Partner agency list" in preview and "Agreed to be contacted later" in preview
    batch = ImportBatch.objects.get()
    assert (batch.source, batch.contact_consent) == (PARTNER, YES)
    new = Participant.objects.get(name="Dilnoza Karimova")
    assert (new.sources, new.contact_consent) == ([PARTNER], YES)
    for person, sources in [(known, [SHEET, PARTNER]), (old, [PARTNER]),
                            (there, [FORM, PARTNER])]:
        person.refresh_from_db()
        assert (person.sources, person.contact_consent) == (sources, YES), person.name
        # Written with history (who, why) and a new version.
        assert person.version == versions[person.pk] + 1
        latest = person.history.order_by("-history_id").first()
        assert latest.history_user == officer_user
        assert latest.history_change_reason.startswith("Imported from list.csv")
        assert (latest.sources, latest.contact_consent, latest.version) == (
            sources, YES, person.version)


def test_importing_again_with_the_same_basis_adds_nothing_and_not_recorded_keeps_an_answer(
    officer_client, register
):
    ssdc = register["ssdc"]
    known = factories.ParticipantFactory(name="Alisher Usmonov", organisation=ssdc,
                                         sources=[SHEET, PARTNER], contact_consent=NO)
    history_rows = known.history.count()
    other_event = factories.EventFactory(slug="second")

    confirm(officer_client, [["Alisher Usmonov", "M", "SSDC", "", "", "", ""]], other_event,
            source=PARTNER, contact_consent=NOT_RECORDED)

    known.refresh_from_db()
    assert (known.sources, known.contact_consent, known.version) == ([SHEET, PARTNER], NO, 1)
    assert known.history.count() == history_rows  # nothing changed, nothing written
    assert other_event.participations.filter(participant=known).exists()


def test_an_import_into_a_demo_event_never_changes_a_real_records_basis(register):
    known = factories.ParticipantFactory(name="Alisher Usmonov", organisation=register["ssdc"],
                                         sources=[SHEET])
    demo_event = factories.EventFactory(slug="demo-event", is_demo=True)
    batch = services.import_batch_create(
        event=demo_event, upload=csv_file([["Alisher Usmonov", "M", "SSDC", "", "", "", ""]]),
        user=None, source=PARTNER, contact_consent=YES)
    assert batch.rows[0]["status"] == "match"
    services.participants_import(batch=batch, user=None)
    known.refresh_from_db()
    assert (known.sources, known.contact_consent) == ([SHEET], NOT_RECORDED)


def test_the_import_confirmation_runs_as_many_queries_at_1_row_as_at_30(
    officer_client, register
):
    ssdc, kg = register["ssdc"], register["kg"]

    def person(name):
        return factories.ParticipantFactory(name=name, organisation=ssdc, country=kg,
                                            sex=Participant.Sex.FEMALE, sources=[SHEET])

    def confirmation_queries(n):
        # Every run the same shape: an event that already shows its one group of each
        # breakdown (3 people), so that only the number of rows differs.
        event = factories.EventFactory()  # a new event: its slug names this run's people
        for i in range(3):
            factories.ParticipationFactory(event=event, participant=person(f"At {event.slug} {i}"))
        known = [person(f"Known {event.slug} {i}") for i in range(n)]
        rows = [[p.name, "F", "SSDC", "KG", "", "", ""] for p in known]
        rows += [[f"New {event.slug} {i}", "F", "SSDC", "KG", "", "", ""] for i in range(n)]
        response = import_file(officer_client, event, rows, source=PARTNER, contact_consent=YES)
        assert response.status_code == 302
        with CaptureQueriesContext(connection) as queries:
            assert officer_client.post(response["Location"]).status_code == 302
        assert [p.sources for p in Participant.objects.filter(pk__in=[p.pk for p in known])
                ] == [[SHEET, PARTNER]] * n
        return len(queries.captured_queries)

    confirmation_queries(1)  # warm-up: sessions, content types
    at_one, at_thirty = confirmation_queries(1), confirmation_queries(30)
    assert at_one == at_thirty


def test_a_forged_basis_reaching_the_service_writes_no_batch(register):
    with pytest.raises(ValidationError):
        services.import_batch_create(event=register["event"], upload=csv_file([["A B"] + [""] * 6]),
                                     user=None, source="rumour")
    assert not ImportBatch.objects.exists()


# --------------------------------------------------------------------------------------------
# The event page: asked once for the new participants of a save
# --------------------------------------------------------------------------------------------
def test_the_event_page_asks_once_beside_the_new_participants(officer_client):
    html = officer_client.get(reverse("activities:event_create")).content.decode()
    section = html.split('id="new-participants"')[1].split('<template id="new-template">')[0]
    assert len(re.findall(r'name="basis-source"', html)) == len(DataSource.choices)
    assert len(re.findall(r'name="basis-source"', section)) == len(DataSource.choices)
    assert len(re.findall(r'name="basis-contact_consent"', section)) == len(
        ContactConsent.choices)
    # Not in a row: the rows (and the template row JavaScript copies) do not repeat it.
    assert "basis" not in html.split('<template id="new-template">')[1].split("</template>")[0]


def test_new_participants_get_the_basis_and_people_from_the_register_keep_theirs(
    officer_client
):
    picked = factories.ParticipantFactory(sources=[SHEET], contact_consent=NO)
    data = event_data()
    add_existing(data, [picked])
    add_new(data, [{"name": "Aigerim Bekova"}, {"name": "Timur Nazarov"}],
            basis={"basis-source": FORM, "basis-contact_consent": YES})

    response = officer_client.post(reverse("activities:event_create"), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    for name in ("Aigerim Bekova", "Timur Nazarov"):
        person = Participant.objects.get(name=name)
        assert (person.sources, person.contact_consent) == ([FORM], YES)
        assert person.history.get().sources == [FORM]
    picked.refresh_from_db()
    assert (picked.sources, picked.contact_consent) == ([SHEET], NO)


def test_the_questions_are_not_required_without_new_participants(officer_client):
    picked = factories.ParticipantFactory()
    data = event_data()
    add_existing(data, [picked])
    response = officer_client.post(reverse("activities:event_create"), data)
    assert response.status_code == 302
    assert Event.objects.get().participations.count() == 1


@pytest.mark.parametrize(("basis", "errors"), [
    ({}, {"source", "contact_consent"}),
    ({"basis-source": SHEET}, {"contact_consent"}),
    ({"basis-source": "gossip", "basis-contact_consent": YES}, {"source"}),
    ({"basis-source": SHEET, "basis-contact_consent": "perhaps"}, {"contact_consent"}),
])
def test_new_participants_without_a_valid_basis_are_refused_beside_the_field(
    officer_client, basis, errors
):
    data = event_data()
    add_new(data, [{"name": "Aigerim Bekova"}], basis=basis)
    response = officer_client.post(reverse("activities:event_create"), data)
    assert response.status_code == 400
    basis_form = response.context["new_participants"].basis
    assert set(basis_form.errors) == errors
    html = response.content.decode()
    if not basis:
        assert "Say how the new participants&#x27; details reached you." in html
    assert not Event.objects.exists() and not Participant.objects.exists()


def test_event_record_refuses_a_forged_source_and_writes_nothing():
    event = factories.EventFactory.build(slug="forged", country=factories.CountryFactory())
    with pytest.raises(ValidationError):
        services.event_record(
            event=event, projects=[], trainers=[], participations={},
            new_participants=[services.NewParticipant(Participant(name="A Person"), "attended")],
            trainer_counts={}, source="rumour", contact_consent=YES,
        )
    assert not Event.objects.exists() and not Participant.objects.exists()


# --------------------------------------------------------------------------------------------
# Merge
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("keep_consent", "other_consent", "after"), [
    (NOT_RECORDED, YES, YES),
    (NOT_RECORDED, NO, NO),
    (YES, NOT_RECORDED, YES),
    (YES, YES, YES),
    (YES, NO, NO),  # both recorded and different: "no" wins
    (NO, YES, NO),
    (NOT_RECORDED, NOT_RECORDED, NOT_RECORDED),
])
def test_a_merge_joins_the_sources_in_order_and_a_recorded_no_wins(
    keep_consent, other_consent, after
):
    keep = factories.ParticipantFactory(sources=[SHEET, IMPORT], contact_consent=keep_consent)
    other = factories.ParticipantFactory(sources=[PARTNER, SHEET, FORM],
                                         contact_consent=other_consent)
    kept = services.participant_merge(keep=keep, other=other)
    kept.refresh_from_db()
    assert kept.sources == [SHEET, IMPORT, PARTNER, FORM]
    assert kept.contact_consent == after
    assert kept.history.order_by("-history_id").first().sources == kept.sources


def test_a_change_of_sources_reads_as_labels_in_the_history(officer_client):
    keep = factories.ParticipantFactory(sources=[SHEET])
    other = factories.ParticipantFactory(sources=[PARTNER])
    services.participant_merge(keep=keep, other=other)
    for url in (keep.get_absolute_url(),
                reverse("activities:participant_history", args=[keep.pk])):
        response = officer_client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Attendance sheet, then partner agency list" in html
        assert "partner_list" not in html


def test_a_merge_of_an_old_record_takes_the_others_basis():
    keep = factories.ParticipantFactory()
    other = factories.ParticipantFactory(sources=[PARTNER], contact_consent=YES)
    kept = services.participant_merge(keep=keep, other=other)
    assert (kept.sources, kept.contact_consent) == ([PARTNER], YES)


# --------------------------------------------------------------------------------------------
# The participant's pages, the admin, the export
# --------------------------------------------------------------------------------------------
def shown(html: str, label: str) -> str:
    """The text of the definition that follows ``label`` on a page."""
    found = re.search(rf"<dt[^>]*>{label}</dt>\s*<dd[^>]*>(.*?)(?:<br>|</dd>)", html, re.S)
    assert found, f"{label} is not on the page"
    return found.group(1).strip()


def test_pages_of_a_record_from_before_the_question_read_not_recorded(officer_client):
    old = factories.ParticipantFactory()
    detail = officer_client.get(old.get_absolute_url()).content.decode()
    assert shown(detail, "Source of the data") == "Not recorded"
    assert shown(detail, "Contact consent") == "Not recorded"
    edit = officer_client.get(
        reverse("activities:participant_update", args=[old.pk])).content.decode()
    assert shown(edit, "Source of the data") == "Not recorded"


def test_the_pages_show_the_sources_first_basis_first_and_the_consent(officer_client):
    person = factories.ParticipantFactory(sources=[SHEET, PARTNER], contact_consent=YES)
    detail = officer_client.get(person.get_absolute_url()).content.decode()
    assert shown(detail, "Source of the data") == "Attendance sheet, then partner agency list"
    assert shown(detail, "Contact consent") == "Agreed to be contacted later"


def edit_data(person, **changes):
    return {"name": person.name, "sex": person.sex, "organisation": str(person.organisation_id),
            "country": str(person.country_id), "position": person.position,
            "email": person.email, "phone": person.phone,
            "contact_consent": person.contact_consent, "record_version": str(person.version),
            **changes}


def test_the_edit_form_changes_the_consent_but_never_the_sources(officer_client):
    person = factories.ParticipantFactory(sources=[SHEET])
    url = reverse("activities:participant_update", args=[person.pk])
    assert 'name="sources"' not in officer_client.get(url).content.decode()

    response = officer_client.post(url, edit_data(person, contact_consent=NO,
                                                  sources='["partner_list"]'))

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.sources, person.contact_consent, person.version) == ([SHEET], NO, 2)


def test_a_forged_consent_on_the_edit_form_is_a_field_error_and_writes_nothing(officer_client):
    person = factories.ParticipantFactory()
    url = reverse("activities:participant_update", args=[person.pk])
    response = officer_client.post(url, edit_data(person, contact_consent="whatever",
                                                  position="Changed"))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"contact_consent"}
    person.refresh_from_db()
    assert (person.contact_consent, person.position, person.version) == (
        NOT_RECORDED, "Inspector", 1)


def test_the_admin_shows_the_sources_read_only_and_the_consent(admin_client):
    person = factories.ParticipantFactory(sources=[PARTNER, SHEET], contact_consent=YES)
    html = admin_client.get(
        reverse("admin:activities_participant_change", args=[person.pk])).content.decode()
    assert "Partner agency list, then attendance sheet" in html
    assert 'name="sources"' not in html
    assert re.search(r'<option value="yes" selected>', html)


def test_the_register_export_has_the_source_and_the_consent(officer_client):
    factories.ParticipantFactory(name="Alisher Usmonov", sources=[SHEET, PARTNER],
                                 contact_consent=NO)
    factories.ParticipantFactory(name="Bakyt Asanov")
    url = reverse("activities:participant_export", args=["xlsx"])
    rows = xlsx_rows(officer_client.get(url))
    people = {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert people["Alisher Usmonov"]["Source of the data"] == (
        "Attendance sheet, then partner agency list")
    assert people["Alisher Usmonov"]["Contact consent"] == "Did not agree to be contacted later"
    assert people["Bakyt Asanov"]["Source of the data"] == "Not recorded"
    assert people["Bakyt Asanov"]["Contact consent"] == "Not recorded"


def test_participations_are_untouched_by_the_basis(officer_client, register):
    """The basis changes who the record is about, never the event's list (a re-import that
    only adds a basis adds no participation twice)."""
    known = factories.ParticipantFactory(name="Alisher Usmonov", organisation=register["ssdc"])
    factories.ParticipationFactory(participant=known, event=register["event"])
    confirm(officer_client, [["Alisher Usmonov", "M", "SSDC", "", "", "", ""]],
            register["event"], source=SHEET, contact_consent=YES)
    assert Participation.objects.filter(participant=known).count() == 1
    known.refresh_from_db()
    assert known.sources == [SHEET]
