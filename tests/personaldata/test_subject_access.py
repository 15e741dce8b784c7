"""A person's own data on request (issue 18, point 3): the subject-access file holds every value,
event, change and merged value, in XLSX and JSON alike; keeps Cyrillic; runs no formula; says
what an erased record still holds; is logged once per download; is found only where the
participant's page finds it; and costs the same queries at 1 and at 30 events and changes."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accesslog.models import AccessEntry
from activities import services, summaries
from activities.models import ContactConsent, DataSource, Participant, Participation
from personaldata import subject_access
from tests import access, factories
from tests.querycount import assert_constant_queries
from unodc_portal.core.roles import DEMO_GROUP, OFFICERS_GROUP, ensure_groups

pytestmark = pytest.mark.django_db

NAME = "Гульнара Усмонова"
OLD_NAME = "Gulnara Usmonova"
FORMULA = '=HYPERLINK("http://evil.example","click")'
MERGED_EMAIL = "g.old@mail.example"
MERGED_PHONE = "+996 700 222333"


def build_subject() -> SimpleNamespace:
    """One participant with everything a file can hold: a Cyrillic name that was once written in
    Latin, a position that looks like a formula, two sources and a consent, two events (one
    under two projects), an event they were removed from, changes made by an officer, and a
    record merged into theirs."""
    w = SimpleNamespace()
    ensure_groups(apps)
    w.officer = factories.UserFactory(username="subject-officer")
    w.officer.groups.add(Group.objects.get(name=OFFICERS_GROUP))
    w.agency = factories.OrganisationFactory(name="State Service on Drug Control",
                                             acronym="SSDC")
    w.other_agency = factories.OrganisationFactory(name="Customs Service", acronym="CS")
    w.person = factories.ParticipantFactory(
        name=OLD_NAME, organisation=w.other_agency, position="Inspector",
        email="gulnara@agency.example", phone="+996 555 000111",
        sources=[DataSource.ATTENDANCE_SHEET], contact_consent=ContactConsent.YES,
    )
    w.projects = [factories.ProjectFactory(code="KGZK50", title="Drug control agency support"),
                  factories.ProjectFactory(code="TARCET", title="Operation TARCET")]
    w.event = factories.EventFactory(title="Precursor control workshop", venue="Hotel Issyk",
                                     city="Cholpon-Ata", projects=w.projects)
    w.second = factories.EventFactory(title="Border liaison meeting", city="Osh",
                                      start_date=datetime.date(2012, 5, 3),
                                      end_date=datetime.date(2012, 5, 4))
    w.left = factories.EventFactory(title="Cancelled seminar in Khujand")
    with summaries.writing():
        factories.ParticipationFactory(participant=w.person, event=w.event)
        factories.ParticipationFactory(participant=w.person, event=w.second,
                                       status=Participation.Status.REGISTERED)
        gone = factories.ParticipationFactory(participant=w.person, event=w.left)
        gone._change_reason = "Removed on the event page"
        gone.delete()

    # Changes made by an officer on the participant page.
    p = Participant.objects.get(pk=w.person.pk)
    p.name, p.organisation, p.position = NAME, w.agency, FORMULA
    p.sources = [DataSource.ATTENDANCE_SHEET, DataSource.IMPORT]
    p._history_user = w.officer
    services.record_save(p, expected_version=p.version, reason="Edited on the participant page")

    # A second record of the same person, merged into this one.
    w.other = factories.ParticipantFactory(name="Gulnara Usmonova", organisation=w.agency,
                                           email=MERGED_EMAIL, phone=MERGED_PHONE, position="")
    w.merged_event = factories.EventFactory(title="Drug demand reduction conference")
    factories.ParticipationFactory(participant=w.other, event=w.merged_event)
    w.person = services.participant_merge(keep=Participant.objects.get(pk=p.pk), other=w.other)
    return w


subject = access.world_fixture(build_subject, name="subject")


@pytest.fixture
def officer_of(client, subject):
    client.force_login(subject.officer)
    return client


def file_url(participant, fmt: str, language: str | None = None) -> str:
    """The file's address on an English page, or on a page in ``language``."""
    if language is None:
        return reverse("personaldata:subject_access_file", args=[participant.pk, fmt])
    with translation.override(language):
        return reverse("personaldata:subject_access_file", args=[participant.pk, fmt])


def workbook_of(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def sheet_rows(workbook, index: int) -> list[tuple]:
    return list(workbook.worksheets[index].iter_rows(values_only=True))


# --------------------------------------------------------------------------------------------
# Content
# --------------------------------------------------------------------------------------------
def test_the_json_file_holds_every_value_event_change_and_merged_value(officer_of, subject):
    response = officer_of.get(file_url(subject.person, "json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="personal-data-{subject.person.pk}.json"')
    assert {"private", "no-store"} <= {
        word.strip() for word in response["Cache-Control"].split(",")}
    text = response.content.decode("utf-8")
    assert NAME in text  # Cyrillic written as it is, not escaped
    data = json.loads(text)

    values = data["values"]
    assert data["register_number"] == values["register_number"] == subject.person.pk
    assert data["erased"] is False
    assert values["name"] == NAME
    assert values["sex"] == subject.person.sex
    assert values["sex_label"] == subject.person.get_sex_display()
    assert values["organisation"] == "State Service on Drug Control"
    assert (values["country"], values["country_label"]) == ("KG", "Kyrgyzstan")
    assert values["position"] == FORMULA
    assert values["email"] == "gulnara@agency.example"
    assert values["phone"] == "+996 555 000111"
    assert values["sources"] == ["attendance_sheet", "import"]
    assert values["sources_label"] == ["Attendance sheet", "Imported spreadsheet"]
    assert values["contact_consent"] == "yes"
    assert values["contact_consent_label"] == "Agreed to be contacted later"
    assert values["created"].startswith(str(subject.person.created_at.year))

    events = {event["title"]: event for event in data["events"]}
    assert set(events) == {"Precursor control workshop", "Border liaison meeting",
                           "Drug demand reduction conference"}  # the last by the merge
    workshop = events["Precursor control workshop"]
    assert (workshop["city"], workshop["venue"], workshop["country"]) == (
        "Cholpon-Ata", "Hotel Issyk", "KG")
    assert (workshop["start_date"], workshop["end_date"]) == ("2011-02-21", "2011-02-25")
    assert workshop["attendance"] == "attended"
    assert workshop["projects"] == [
        {"code": "KGZK50", "title": "Drug control agency support"},
        {"code": "TARCET", "title": "Operation TARCET"}]
    assert events["Border liaison meeting"]["attendance_label"] == "Registered"

    changes = {(c["field"], c["old"], c["new"]) for c in data["history"]}
    assert ("Name", OLD_NAME, NAME) in changes
    assert ("Organisation", "Customs Service (CS)", "State Service on Drug Control (SSDC)") in (
        changes)
    assert ("Position", "Inspector", FORMULA) in changes
    assert ("Sources of the data", "Attendance sheet",
            "Attendance sheet; Imported spreadsheet") in changes
    # The person's place on events' lists: removed from one, moved from the merged record.
    assert ("Cancelled seminar in Khujand", "Attended", "—") in changes
    assert ("Drug demand reduction conference", f"No. {subject.other.pk}",
            f"No. {subject.person.pk}") in changes
    whats = [c["what"] for c in data["history"]]
    assert {"created", "changed", "added_to_event", "removed_from_event",
            "moved_by_merge"} <= set(whats)
    reasons = {c["reason"] for c in data["history"]}
    assert "Edited on the participant page" in reasons
    assert data["history"] == sorted(data["history"], key=lambda c: c["when"])  # oldest first
    # Staff are never named.
    assert subject.officer.username not in text
    assert {c["by"] for c in data["history"]} <= {"UNODC staff", "Not recorded"}
    assert "UNODC staff" in {c["by"] for c in data["history"]}

    assert data["merged_records"] == [subject.other.pk]
    merged = {(m["field_label"], m["value"]): m["records"] for m in data["merged_values"]}
    assert merged[("Email", MERGED_EMAIL)] == [subject.other.pk]
    assert merged[("Phone", MERGED_PHONE)] == [subject.other.pk]
    assert merged[("Name", OLD_NAME)] == [subject.other.pk]


def test_the_spreadsheet_holds_the_same_on_one_sheet_per_part(officer_of, subject):
    response = officer_of.get(file_url(subject.person, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert response["Content-Disposition"].startswith("attachment;")
    assert f'filename="personal-data-{subject.person.pk}.xlsx"' in response[
        "Content-Disposition"]
    assert {"private", "no-store"} <= {
        word.strip() for word in response["Cache-Control"].split(",")}
    book = workbook_of(response)
    assert book.sheetnames == ["Values", "Events", "History", "Merged"]
    for sheet in book.worksheets:  # headers bold
        assert all(cell.font.bold for cell in sheet[1] if cell.value is not None)

    values = dict(sheet_rows(book, 0)[1:])
    assert values["Name"] == NAME
    assert values["Register No."] == subject.person.pk
    assert values["Organisation"] == "State Service on Drug Control (SSDC)"
    assert values["Country"] == "Kyrgyzstan"
    assert values["E-mail"] == "gulnara@agency.example"
    assert values["Phone"] == "+996 555 000111"
    assert values["Sources of the data"] == "Attendance sheet; Imported spreadsheet"
    assert values["Contact consent"] == "Agreed to be contacted later"

    events = sheet_rows(book, 1)
    assert events[0][:2] == ("Event", "Kind")
    by_title = {row[0]: row for row in events[1:]}
    assert set(by_title) == {"Precursor control workshop", "Border liaison meeting",
                             "Drug demand reduction conference"}
    workshop = by_title["Precursor control workshop"]
    assert workshop[2] == datetime.datetime(2011, 2, 21)  # a date cell
    assert "KGZK50 — Drug control agency support" in workshop[-1]
    assert "TARCET" in workshop[-1]

    history = sheet_rows(book, 2)
    assert history[0] == ("When", "By", "What", "Reason", "Field or event", "Before", "After")
    lines = {row[4:] for row in history[1:]}
    assert ("Name", OLD_NAME, NAME) in lines
    assert ("Cancelled seminar in Khujand", "Attended", "—") in lines
    assert subject.officer.username not in access.body_text(
        officer_of.get(file_url(subject.person, "xlsx")))

    merged = sheet_rows(book, 3)
    assert merged[1] == ("Records merged into this one", f"No. {subject.other.pk}", None)
    assert ("Email", MERGED_EMAIL, f"No. {subject.other.pk}") in merged


def test_a_formula_like_value_is_a_text_cell_in_the_spreadsheet(officer_of, subject):
    response = officer_of.get(file_url(subject.person, "xlsx"))
    content = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        sheets = [package.read(name).decode() for name in package.namelist()
                  if name.startswith("xl/worksheets/sheet")]
    assert sheets and not any("<f>" in sheet or "<f " in sheet for sheet in sheets)
    book = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
             if cell.value == FORMULA]
    assert len(cells) >= 2  # the position, and the history's "after"
    assert all(cell.data_type == "s" for cell in cells)


def test_the_spreadsheet_reads_in_russian_when_asked_from_a_russian_page(officer_of, subject):
    book = workbook_of(officer_of.get(file_url(subject.person, "xlsx", "ru")))
    labels = [row[0] for row in sheet_rows(book, 0)]
    assert "Пол" in labels and "Страна" in labels and "№ в реестре" in labels
    assert sheet_rows(book, 1)[0][0] == "Мероприятие"
    assert NAME in dict(sheet_rows(book, 0)[1:]).values()


def test_the_page_says_what_the_file_holds_and_links_both_files(officer_of, subject):
    url = reverse("personaldata:subject_access", args=[subject.person.pk])
    page = officer_of.get(url).content.decode()
    assert NAME in page
    assert "Events: 3 events attended" in page
    assert file_url(subject.person, "xlsx") in page
    assert file_url(subject.person, "json") in page
    assert "Merged: 1 record merged into this one" in page
    detail = officer_of.get(subject.person.get_absolute_url()).content.decode()
    assert f'href="{url}"' in detail and "Personal data file" in detail


# --------------------------------------------------------------------------------------------
# The access log
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["xlsx", "json"])
def test_each_download_writes_one_access_log_entry(officer_of, subject, fmt):
    before = set(AccessEntry.objects.values_list("pk", flat=True))
    response = officer_of.get(file_url(subject.person, fmt))
    if response.streaming:
        b"".join(response.streaming_content)
    new = AccessEntry.objects.exclude(pk__in=before)
    assert new.count() == 1
    entry = new.get()
    assert (entry.what, entry.records, entry.record_count) == (
        "subject access file", str(subject.person.pk), 1)
    assert entry.user == subject.officer
    assert entry.path == file_url(subject.person, fmt)
    assert list(entry.accessed.values_list("participant", flat=True)) == [subject.person.pk]


def test_the_page_writes_an_entry_and_a_refused_download_none(client, officer_of, subject):
    before = AccessEntry.objects.count()
    officer_of.get(reverse("personaldata:subject_access", args=[subject.person.pk]))
    assert AccessEntry.objects.count() == before + 1
    assert AccessEntry.objects.latest("pk").records == str(subject.person.pk)
    officer_of.get(file_url(subject.person, "pdf"))  # 404
    officer_of.get(reverse("personaldata:subject_access_file", args=[999999, "json"]))
    assert AccessEntry.objects.count() == before + 1


# --------------------------------------------------------------------------------------------
# Which records
# --------------------------------------------------------------------------------------------
def test_an_unknown_number_is_a_404(officer_client):
    for url in (reverse("personaldata:subject_access", args=[999999]),
                reverse("personaldata:subject_access_file", args=[999999, "xlsx"])):
        assert officer_client.get(url).status_code == 404


def test_a_demo_record_is_hidden_from_real_officers_and_shown_to_demo_ones(
    client, officer_user, roles
):
    demo_person = factories.ParticipantFactory(name="Demo — Person", is_demo=True)
    real_person = factories.ParticipantFactory(name="Real Person")
    demo_event = factories.EventFactory(title="Demo — Seminar", is_demo=True)
    factories.ParticipationFactory(participant=real_person, event=demo_event, is_demo=True)
    factories.ParticipationFactory(participant=real_person,
                                   event=factories.EventFactory(title="Real seminar"))
    client.force_login(officer_user)
    assert client.get(file_url(demo_person, "json")).status_code == 404
    assert client.get(reverse("personaldata:subject_access",
                              args=[demo_person.pk])).status_code == 404
    # A real person linked to a demo event by a demo account: the demo event is not theirs.
    data = json.loads(client.get(file_url(real_person, "json")).content)
    assert [event["title"] for event in data["events"]] == ["Real seminar"]
    assert "Demo — Seminar" not in json.dumps(data, ensure_ascii=False)

    demo_officer = factories.UserFactory(username="demo-officer-x")
    demo_officer.groups.add(roles[OFFICERS_GROUP],
                            Group.objects.get_or_create(name=DEMO_GROUP)[0])
    client.force_login(demo_officer)
    assert client.get(file_url(demo_person, "json")).status_code == 200


# --------------------------------------------------------------------------------------------
# An erased record
# --------------------------------------------------------------------------------------------
def test_an_erased_records_file_says_so_and_shows_only_what_is_still_held(officer_client):
    agency = factories.OrganisationFactory(name="Border Guard Service")
    person = factories.ParticipantFactory(name="Aibek Sadykov", organisation=agency,
                                          email="aibek@example.org", phone="+996 1",
                                          position="Captain")
    factories.ParticipationFactory(participant=person,
                                   event=factories.EventFactory(title="Border workshop"))
    person.name = "Aibek Sadykov-Uulu"
    services.record_save(person, expected_version=person.version, reason="Corrected")
    erased_at = timezone.now()
    # What an erasure leaves (personaldata's erasure blanks history too; this record's
    # history still holds the old name, which the file must not show either way).
    Participant.objects.filter(pk=person.pk).update(
        name=f"Erased participant No. {person.pk}", email="", phone="", position="",
        erased_at=erased_at)

    data = json.loads(officer_client.get(file_url(person, "json")).content)
    assert data["erased"] is True
    assert data["erased_at"][:16] == erased_at.isoformat()[:16]
    assert {"name", "email", "phone", "position"}.isdisjoint(data["values"])
    assert data["values"]["organisation"] == "Border Guard Service"
    assert data["values"]["sex"] == person.sex
    assert data["values"]["country"] == "KG"
    assert [event["title"] for event in data["events"]] == ["Border workshop"]
    text = json.dumps(data, ensure_ascii=False)
    for gone in ("Aibek", "aibek@example.org", "Captain"):
        assert gone not in text

    response = officer_client.get(file_url(person, "xlsx"))
    content = access.body_text(response)
    assert "were erased on" in content
    assert timezone.localtime(erased_at).strftime("%Y-%m-%d") in content
    assert "Border Guard Service" in content and "Border workshop" in content
    assert "Aibek" not in content and "Captain" not in content

    page = officer_client.get(reverse("personaldata:subject_access", args=[person.pk]))
    assert "were erased on" in page.content.decode()


# --------------------------------------------------------------------------------------------
# Cost
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["page", "xlsx", "json"])
def test_the_queries_do_not_grow_with_events_and_changes(officer_client, name):
    person = factories.ParticipantFactory()

    def add(n):
        with summaries.writing():
            for _ in range(n):
                event = factories.EventFactory(projects=[factories.ProjectFactory()])
                factories.ParticipationFactory(participant=person, event=event)
                person.refresh_from_db()
                person.position = f"Position {event.pk}"
                person.organisation = factories.OrganisationFactory()
                services.record_save(person, expected_version=person.version, reason="Edit")

    url = (reverse("personaldata:subject_access", args=[person.pk]) if name == "page"
           else file_url(person, name))
    assert_constant_queries(officer_client, url, add, 22)


def test_the_content_is_built_in_a_fixed_number_of_queries(subject, django_assert_max_num_queries):
    person = Participant.objects.with_related().get(pk=subject.person.pk)
    with django_assert_max_num_queries(12):
        content = subject_access.build(person, subject.officer)
    assert len(content.events) == 3 and len(content.history) >= 6
