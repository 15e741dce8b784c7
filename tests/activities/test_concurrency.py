"""No edit is silently lost (issue 11, point 3): two officers with the same page open, saving in
turn. A save made from an older version of the record writes nothing, says who changed the
record and when, and shows the officer's input again on the current version, so that saving
again applies it on purpose; the event page submits the participants added and removed, so a
participant added meanwhile (by another officer or an import) is never taken off.

Each page is submitted as a browser without JavaScript submits it: every field the page holds
(templates aside), as parsed from its HTML."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities import services
from activities.models import Event, ImportBatch, Participant, Seizure
from tests import factories
from unodc_portal.core.roles import OFFICERS_GROUP
from unodc_portal.core.versioning import StaleVersion, bump_version

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------------------------
# A browser without JavaScript
# --------------------------------------------------------------------------------------------
class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields, self.select, self.textarea, self.multiple = [], None, None, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            elif kind not in {"submit", "button", "file"}:
                self.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self.select, self.multiple, self.chosen = name, "multiple" in a, []
            self.first = None
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if self.first is None:
                self.first = value
            if "selected" in a:
                self.chosen.append(value)
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields.append((name, ""))

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            chosen = self.chosen or ([] if self.multiple or self.first is None else [self.first])
            self.fields.extend((self.select, value) for value in chosen)
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)


def form_data(html: str, form_id: str | None = None) -> dict:
    """What a browser without JavaScript submits from the page's form ``form_id`` (or from its
    largest form): {name: value or [values]}."""
    html = re.sub(r"<template.*?</template>", "", html, flags=re.S)
    forms = re.findall(r"<form\b(.*?)</form>", html, flags=re.S)
    if form_id:
        forms = [f for f in forms if f'id="{form_id}"' in f.split(">", 1)[0]]
    parsed = []
    for form in forms:
        parser = _FormParser()
        parser.feed(form.split(">", 1)[1])
        parsed.append(parser.fields)
    fields = max(parsed, key=len)
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    # Textareas start with a newline the browser drops.
    return {name: values[0].removeprefix("\n") if len(values) == 1 else values
            for name, values in data.items()}


def row_of(data, participant) -> int:
    """The index of ``participant``'s row in the event page's participant list."""
    for key, value in data.items():
        match = re.fullmatch(r"part-(\d+)-participant", key)
        if match and value == str(participant.pk):
            return int(match.group(1))
    raise AssertionError(f"{participant} is not on the page")


def add_row(data, participant, status="attended"):
    """Type a register number in the empty row (as without JavaScript)."""
    empty = [int(m.group(1)) for key, value in data.items()
             if (m := re.fullmatch(r"part-(\d+)-participant", key)) and not value]
    assert empty, "no empty row"
    data[f"part-{empty[0]}-participant"] = str(participant.pk)
    data[f"part-{empty[0]}-status"] = status


def message_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


# --------------------------------------------------------------------------------------------
# Two officers
# --------------------------------------------------------------------------------------------
@pytest.fixture
def officers(roles):
    group = roles[OFFICERS_GROUP]
    users = {}
    for username, first, last in [("olga", "Olga", "Petrova"), ("bakyt", "Bakyt", "Toktogulov")]:
        user = factories.UserFactory(username=username, first_name=first, last_name=last)
        user.groups.add(group)
        client = Client()
        client.force_login(user)
        users[username] = client
    return users


@pytest.fixture
def event(db):
    event = factories.EventFactory(title="Precursor control workshop")
    for name in ["Alisher Usmonov", "Madina Yusupova"]:
        factories.ParticipationFactory(event=event, participant__name=name, status="attended")
    factories.EventTrainerOrganisationFactory(event=event, trainer_count=2)
    return event


def edit_url(event):
    return reverse("activities:event_update", args=[event.slug])


def open_page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return form_data(response.content.decode(), "event-form" if "/events/" in url else None)


def names(event):
    return set(event.participations.values_list("participant__name", flat=True))


def assert_stale(response, by="Olga Petrova (olga)"):
    assert response.status_code == 409, response.status_code
    text = message_of(response)
    assert "Not saved" in text and f"was changed by {by}" in text
    when = timezone.localtime(Event.objects.get().history.first().history_date)
    # The time of the other's change, to the second it was written (a minute's edge between
    # the event's history row and the rows the same save wrote a moment later is no failure).
    said = re.search(r"on (\d{1,2} \w+ \d{4} at \d\d:\d\d(?::\d\d)?)", text).group(1)
    fmt = "%d %B %Y at %H:%M:%S" if said.count(":") == 2 else "%d %B %Y at %H:%M"
    stated = datetime.datetime.strptime(said, fmt).replace(tzinfo=when.tzinfo)
    assert abs(stated - when.replace(microsecond=0)) <= datetime.timedelta(seconds=61)
    assert text in response.content.decode().replace("&#x27;", "'") or "Not saved" in \
        response.content.decode()
    return text


def test_an_unchanged_page_saved_without_javascript_changes_nothing_but_the_version(
    officers, event
):
    before = set(event.participations.values_list("participant_id", "status"))
    data = open_page(officers["olga"], edit_url(event))
    response = officers["olga"].post(edit_url(event), data)
    assert response.status_code == 302, response.context["event_form"].errors
    assert set(event.participations.values_list("participant_id", "status")) == before
    assert event.trainer_links.count() == 1
    event.refresh_from_db()
    assert event.version == 2


def test_the_empty_extra_row_is_ignored_when_the_list_grew_meanwhile(officers, event):
    """Today's failure: the submitted rows were paired by position with the stored rows of
    now, so after one more participant the empty extra row took that participant's place and
    was refused as a changed row without a register number."""
    data = open_page(officers["olga"], edit_url(event))
    meanwhile = factories.ParticipationFactory(event=event).participant
    response = officers["olga"].post(edit_url(event), data)
    assert response.status_code == 302
    assert meanwhile.name in names(event)


def test_a_save_never_removes_a_participant_the_officer_did_not_remove(officers, event):
    """Even one added without moving the version on (by a path this issue does not know): the
    page submits additions and removals, not the whole list."""
    data = open_page(officers["olga"], edit_url(event))
    meanwhile = factories.ParticipationFactory(event=event).participant
    newcomer = factories.ParticipantFactory()
    add_row(data, newcomer)
    data["event-title"] = "Renamed"
    response = officers["olga"].post(edit_url(event), data)
    assert response.status_code == 302
    assert names(event) == {"Alisher Usmonov", "Madina Yusupova", meanwhile.name, newcomer.name}


def test_add_add_both_additions_survive(officers, event):
    first, second = factories.ParticipantFactory.create_batch(2)
    olga = open_page(officers["olga"], edit_url(event))
    bakyt = open_page(officers["bakyt"], edit_url(event))

    add_row(olga, first)
    assert officers["olga"].post(edit_url(event), olga).status_code == 302

    add_row(bakyt, second)
    response = officers["bakyt"].post(edit_url(event), bakyt)
    text = assert_stale(response)
    assert "1 participant(s) were added meanwhile" in text and first.name in text
    assert second.name not in names(event)  # refused: nothing written
    assert names(event) == {"Alisher Usmonov", "Madina Yusupova", first.name}

    # The page shown again: the current list with Bakyt's addition, on the current version.
    again = form_data(response.content.decode(), "event-form")
    assert again["event-record_version"] == str(Event.objects.get().version)
    assert again[f"part-{row_of(again, first)}-loaded_status"] == "attended"
    assert again[f"part-{row_of(again, second)}-loaded_status"] == ""
    assert officers["bakyt"].post(edit_url(event), again).status_code == 302
    assert names(event) == {"Alisher Usmonov", "Madina Yusupova", first.name, second.name}


def test_edit_edit_the_second_is_refused_naming_the_first_and_keeps_its_input(officers, event):
    olga = open_page(officers["olga"], edit_url(event))
    bakyt = open_page(officers["bakyt"], edit_url(event))

    olga["event-title"] = "Title by Olga"
    olga["event-city"] = "Osh"
    assert officers["olga"].post(edit_url(event), olga).status_code == 302

    bakyt["event-title"] = "Title by Bakyt"
    response = officers["bakyt"].post(edit_url(event), bakyt)
    text = assert_stale(response)
    assert "Kept as you typed them: Title" in text
    event.refresh_from_db()
    assert (event.title, event.city) == ("Title by Olga", "Osh")

    again = form_data(response.content.decode(), "event-form")
    assert again["event-title"] == "Title by Bakyt"  # Bakyt's input, kept
    assert again["event-city"] == "Osh"  # Olga's change, not undone by Bakyt's old page
    assert again["event-record_version"] == str(event.version)
    assert officers["bakyt"].post(edit_url(event), again).status_code == 302
    event.refresh_from_db()
    assert (event.title, event.city) == ("Title by Bakyt", "Osh")


def test_remove_edit_the_removal_stands_and_the_edit_is_applied_on_purpose(officers, event):
    leaving = Participant.objects.get(name="Madina Yusupova")
    olga = open_page(officers["olga"], edit_url(event))
    bakyt = open_page(officers["bakyt"], edit_url(event))

    olga[f"part-{row_of(olga, leaving)}-remove"] = "on"
    assert officers["olga"].post(edit_url(event), olga).status_code == 302
    assert names(event) == {"Alisher Usmonov"}

    bakyt["event-title"] = "Renamed by Bakyt"
    response = officers["bakyt"].post(edit_url(event), bakyt)
    text = assert_stale(response)
    assert "1 participant(s) were removed meanwhile: Madina Yusupova" in text
    again = form_data(response.content.decode(), "event-form")
    with pytest.raises(AssertionError):
        row_of(again, leaving)
    assert officers["bakyt"].post(edit_url(event), again).status_code == 302
    event.refresh_from_db()
    assert event.title == "Renamed by Bakyt"
    assert names(event) == {"Alisher Usmonov"}


def test_edit_remove_the_removal_is_applied_without_undoing_the_edit(officers, event):
    leaving = Participant.objects.get(name="Madina Yusupova")
    olga = open_page(officers["olga"], edit_url(event))
    bakyt = open_page(officers["bakyt"], edit_url(event))

    olga["event-title"] = "Renamed by Olga"
    assert officers["olga"].post(edit_url(event), olga).status_code == 302

    bakyt[f"part-{row_of(bakyt, leaving)}-remove"] = "on"
    response = officers["bakyt"].post(edit_url(event), bakyt)
    assert_stale(response)
    assert names(event) == {"Alisher Usmonov", "Madina Yusupova"}
    again = form_data(response.content.decode(), "event-form")
    assert again[f"part-{row_of(again, leaving)}-remove"] == "on"
    assert officers["bakyt"].post(edit_url(event), again).status_code == 302
    event.refresh_from_db()
    assert event.title == "Renamed by Olga"
    assert names(event) == {"Alisher Usmonov"}


def test_import_then_stale_save_loses_none_of_the_imported_participants(officers, event):
    from tests.activities.test_import import csv_file

    organisation = factories.OrganisationFactory(name="State Service on Drug Control",
                                                 acronym="SSDC")
    bakyt = open_page(officers["bakyt"], edit_url(event))

    rows = [["Nurlan Abdyrakhmanov", "M", "SSDC", "", "", "", ""],
            ["Aigerim Sadykova", "F", "SSDC", "", "", "", ""]]
    officers["olga"].post(reverse("activities:participant_import", args=[event.slug]),
                          {"file": csv_file(rows), "source": "partner_list",
                           "contact_consent": "not_recorded"})
    batch = ImportBatch.objects.get()
    assert officers["olga"].post(batch.get_absolute_url()).status_code == 302
    imported = {"Nurlan Abdyrakhmanov", "Aigerim Sadykova"}
    assert imported <= names(event)
    assert organisation.participants.count() == 2

    bakyt["event-title"] = "Renamed by Bakyt"
    bakyt[f"part-{row_of(bakyt, Participant.objects.get(name='Alisher Usmonov'))}-status"] = (
        "absent")
    response = officers["bakyt"].post(edit_url(event), bakyt)
    text = assert_stale(response)
    assert "2 participant(s) were added meanwhile" in text
    assert "Aigerim Sadykova" in text and "Nurlan Abdyrakhmanov" in text
    assert imported <= names(event)

    again = form_data(response.content.decode(), "event-form")
    assert officers["bakyt"].post(edit_url(event), again).status_code == 302
    assert names(event) == imported | {"Alisher Usmonov", "Madina Yusupova"}
    assert event.participations.get(participant__name="Alisher Usmonov").status == "absent"
    event.refresh_from_db()
    assert event.title == "Renamed by Bakyt"


def test_a_page_opened_before_the_address_changed_is_refused_not_lost(officers, event):
    old_url = edit_url(event)
    olga = open_page(officers["olga"], old_url)
    bakyt = open_page(officers["bakyt"], old_url)
    olga["event-slug"] = "new-address"
    assert officers["olga"].post(old_url, olga).status_code == 302
    bakyt["event-title"] = "Renamed by Bakyt"
    response = officers["bakyt"].post(old_url, bakyt)
    assert_stale(response)
    again = form_data(response.content.decode(), "event-form")
    assert again["event-slug"] == "new-address"
    # Saved, it lands on the event's page at its new address.
    assert officers["bakyt"].post(old_url, again)["Location"] == "/events/new-address/"
    event.refresh_from_db()
    assert (event.slug, event.title) == ("new-address", "Renamed by Bakyt")
    assert officers["bakyt"].get(old_url)["Location"] == "/events/new-address/edit/"


def test_a_stale_save_without_reload_is_refused_even_when_nothing_else_changed(officers, event):
    """Bakyt's own earlier save moved the version on: the old page in another tab is refused
    too (the message names Bakyt)."""
    page = open_page(officers["bakyt"], edit_url(event))
    assert officers["bakyt"].post(edit_url(event), page).status_code == 302
    response = officers["bakyt"].post(edit_url(event), page)
    assert_stale(response, by="Bakyt Toktogulov (bakyt)")


@pytest.mark.parametrize("version", [None, "", "abc", "0", "-1", "99999999999999999999", "²"])
def test_a_missing_or_damaged_version_is_a_clear_error_not_a_server_error(
    officers, event, version
):
    data = open_page(officers["olga"], edit_url(event))
    data["event-title"] = "Typed title"
    if version is None:
        del data["event-record_version"]
    else:
        data["event-record_version"] = version
    response = officers["olga"].post(edit_url(event), data)
    assert response.status_code == 409
    assert "did not say which version" in message_of(response)
    event.refresh_from_db()
    assert event.title == "Precursor control workshop" and event.version == 1
    again = form_data(response.content.decode(), "event-form")
    assert again["event-title"] == "Typed title"
    assert officers["olga"].post(edit_url(event), again).status_code == 302
    event.refresh_from_db()
    assert event.title == "Typed title"


def test_a_newer_version_than_stored_is_refused(officers, event):
    data = open_page(officers["olga"], edit_url(event))
    data["event-record_version"] = "7"
    assert officers["olga"].post(edit_url(event), data).status_code == 409
    assert Event.objects.get().version == 1


# --------------------------------------------------------------------------------------------
# Every write path moves the event's version on
# --------------------------------------------------------------------------------------------
def test_merge_moves_the_versions_of_the_events_whose_lists_change(officers, event):
    other_event = factories.EventFactory()
    keep = Participant.objects.get(name="Alisher Usmonov")
    other = factories.ParticipantFactory(name="Alisher Usmonov",
                                         organisation=keep.organisation)
    factories.ParticipationFactory(participant=other, event=other_event)
    untouched = factories.EventFactory()
    services.participant_merge(keep=keep, other=other)
    versions = dict(Event.objects.values_list("pk", "version"))
    assert versions[other_event.pk] == 2
    assert versions[untouched.pk] == 1
    keep.refresh_from_db()
    assert keep.version == 2


def test_a_page_opened_before_a_merge_is_refused(officers, event):
    keep = factories.ParticipantFactory()
    other = Participant.objects.get(name="Madina Yusupova")
    page = open_page(officers["bakyt"], edit_url(event))
    officers["olga"].post(reverse("activities:participant_merge", args=[keep.pk, other.pk]),
                          {"keep": keep.pk})
    assert not Participant.objects.filter(pk=other.pk).exists()
    assert Event.objects.get().version == 2
    response = officers["bakyt"].post(edit_url(event), page)
    assert response.status_code == 409
    assert "Olga Petrova (olga)" in message_of(response)
    assert keep.name in names(event)


def test_bump_version_is_a_compare_and_set(event):
    assert bump_version(event, expected=1) == 2
    with pytest.raises(StaleVersion):
        bump_version(event, expected=1)
    assert Event.objects.get().version == 2
    assert bump_version(event) == 3


# --------------------------------------------------------------------------------------------
# Participant and seizure pages
# --------------------------------------------------------------------------------------------
def test_participant_edit_edit(officers):
    participant = factories.ParticipantFactory(name="Alisher Usmonov", position="Inspector",
                                               email="")
    url = reverse("activities:participant_update", args=[participant.pk])
    olga = form_data(officers["olga"].get(url).content.decode())
    bakyt = form_data(officers["bakyt"].get(url).content.decode())
    assert olga["record_version"] == "1"

    olga["position"] = "Senior inspector"
    assert officers["olga"].post(url, olga).status_code == 302
    bakyt["email"] = "alisher@example.org"
    response = officers["bakyt"].post(url, bakyt)
    assert response.status_code == 200
    html = response.content.decode()
    assert "was changed by Olga Petrova (olga)" in html
    participant.refresh_from_db()
    assert (participant.position, participant.email, participant.version) == (
        "Senior inspector", "", 2)

    again = form_data(html)
    assert again["email"] == "alisher@example.org" and again["position"] == "Senior inspector"
    assert officers["bakyt"].post(url, again).status_code == 302
    participant.refresh_from_db()
    assert (participant.position, participant.email, participant.version) == (
        "Senior inspector", "alisher@example.org", 3)


def test_seizure_edit_edit(officers):
    seizure = factories.SeizureFactory(place="Khorog")
    url = reverse("activities:seizure_update", args=[seizure.pk])
    olga = form_data(officers["olga"].get(url).content.decode())
    bakyt = form_data(officers["bakyt"].get(url).content.decode())
    olga["place"] = "Murghab"
    response = officers["olga"].post(url, olga)
    assert response.status_code == 302, response.context["form"].errors
    bakyt["notes"] = "Found in a lorry"
    response = officers["bakyt"].post(url, bakyt)
    html = response.content.decode()
    assert response.status_code == 200 and "was changed by Olga Petrova (olga)" in html
    seizure.refresh_from_db()
    assert (seizure.place, seizure.notes, seizure.version) == ("Murghab", "", 2)
    again = form_data(html)
    assert officers["bakyt"].post(url, again).status_code == 302
    seizure.refresh_from_db()
    assert (seizure.place, seizure.notes, seizure.version) == ("Murghab", "Found in a lorry", 3)


def test_the_race_between_the_forms_check_and_the_save_is_refused_too(officers, monkeypatch):
    """Another save landing after this form's check but before its write (a real race): the
    compare-and-set in the service refuses it."""
    seizure = factories.SeizureFactory(place="Khorog")
    url = reverse("activities:seizure_update", args=[seizure.pk])
    data = form_data(officers["bakyt"].get(url).content.decode())
    original = services.record_save

    def racing(obj, **kwargs):
        Seizure.objects.filter(pk=obj.pk).update(version=5)
        return original(obj, **kwargs)

    monkeypatch.setattr(services, "record_save", racing)
    data["notes"] = "Typed"
    response = officers["bakyt"].post(url, data)
    assert response.status_code == 200
    assert "Not saved" in response.content.decode()
    seizure.refresh_from_db()
    assert seizure.notes == "" and seizure.version == 5
    assert form_data(response.content.decode())["record_version"] == "5"


# --------------------------------------------------------------------------------------------
# The admin
# --------------------------------------------------------------------------------------------
def admin_form(client, url):
    response = client.get(url)
    assert response.status_code == 200
    data = form_data(response.content.decode(), None)
    data.pop("_addanother", None)
    data.pop("_continue", None)
    data["_save"] = "Save"
    return data


@pytest.fixture
def admins(db):
    clients = {}
    for username in ["anna", "boris"]:
        user = factories.UserFactory(username=username, is_staff=True, is_superuser=True)
        client = Client()
        client.force_login(user)
        clients[username] = client
    return clients


def test_a_stale_admin_change_form_is_refused(admins):
    seizure = factories.SeizureFactory(place="Khorog")
    url = reverse("admin:activities_seizure_change", args=[seizure.pk])
    anna, boris = admin_form(admins["anna"], url), admin_form(admins["boris"], url)
    assert anna["record_version"] == "1"
    anna["place"] = "Murghab"
    assert admins["anna"].post(url, anna).status_code == 302
    boris["notes"] = "By Boris"
    response = admins["boris"].post(url, boris)
    assert response.status_code == 200
    html = response.content.decode()
    assert "was changed by anna" in html
    seizure.refresh_from_db()
    assert (seizure.place, seizure.notes, seizure.version) == ("Murghab", "", 2)
    again = form_data(html, None)
    again["_save"] = "Save"
    assert again["record_version"] == "2" and again["notes"] == "By Boris"
    assert admins["boris"].post(url, again).status_code == 302
    seizure.refresh_from_db()
    assert (seizure.place, seizure.notes, seizure.version) == ("Murghab", "By Boris", 3)


@pytest.mark.parametrize("model", ["participant", "contribution"])
def test_admin_saves_move_versions_on_and_stale_ones_are_refused(admins, model):
    record = (factories.ParticipantFactory() if model == "participant"
              else factories.ContributionFactory())
    app = "donors" if model == "contribution" else "activities"
    url = reverse(f"admin:{app}_{model}_change", args=[record.pk])
    anna, boris = admin_form(admins["anna"], url), admin_form(admins["boris"], url)
    assert admins["anna"].post(url, anna).status_code == 302
    record.refresh_from_db()
    assert record.version == 2
    response = admins["boris"].post(url, boris)
    assert response.status_code == 200 and "was changed by anna" in response.content.decode()
    record.refresh_from_db()
    assert record.version == 2


def test_admin_event_inline_changes_move_the_version_on_and_stale_ones_are_refused(
    admins, event
):
    url = reverse("admin:activities_event_change", args=[event.pk])
    anna, boris = admin_form(admins["anna"], url), admin_form(admins["boris"], url)
    # Anna removes a participant in the inline only.
    index = next(i for i in range(5) if anna.get(f"participations-{i}-participant")
                 == str(Participant.objects.get(name="Madina Yusupova").pk))
    anna[f"participations-{index}-DELETE"] = "on"
    response = admins["anna"].post(url, anna)
    assert response.status_code == 302, response.content.decode()[:3000]
    event.refresh_from_db()
    assert event.version == 2 and names(event) == {"Alisher Usmonov"}
    boris["title"] = "By Boris"
    response = admins["boris"].post(url, boris)
    assert response.status_code == 200 and "was changed by anna" in response.content.decode()
    event.refresh_from_db()
    assert event.title == "Precursor control workshop"
    assert names(event) == {"Alisher Usmonov"}


def test_admin_participation_and_trainer_link_changes_move_the_event_version_on(admins, event):
    participation = event.participations.first()
    url = reverse("admin:activities_participation_change", args=[participation.pk])
    data = admin_form(admins["anna"], url)
    data["status"] = "absent"
    assert admins["anna"].post(url, data).status_code == 302
    assert Event.objects.get().version == 2
    link = event.trainer_links.get()
    url = reverse("admin:activities_eventtrainerorganisation_delete", args=[link.pk])
    assert admins["anna"].post(url, {"post": "yes"}).status_code == 302
    assert Event.objects.get().version == 3


def test_admin_project_inline_contribution_changes_move_their_versions_on(admins):
    contribution = factories.ContributionFactory(amount=100)
    url = reverse("admin:activities_project_change", args=[contribution.project_id])
    data = admin_form(admins["anna"], url)
    index = next(i for i in range(5) if data.get(f"contributions-{i}-id") == str(
        contribution.pk) or data.get(f"contribution_set-{i}-id") == str(contribution.pk))
    prefix = "contributions" if f"contributions-{index}-id" in data else "contribution_set"
    data[f"{prefix}-{index}-amount"] = "250"
    response = admins["anna"].post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    contribution.refresh_from_db()
    assert contribution.amount == 250 and contribution.version == 2


# --------------------------------------------------------------------------------------------
# Real concurrency (PostgreSQL): two transactions saving from the same version
# --------------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_from_one_version_cannot_both_pass():
    """The first transaction claims version 1 and holds it a moment; the second, started from
    the same version, waits for the first's row lock, then finds the version moved on and
    writes nothing. (PostgreSQL only: SQLite runs one writer at a time anyway.)"""
    import threading
    import time

    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions (PostgreSQL)")
    event = factories.EventFactory(title="Before")
    claimed, outcome = threading.Event(), {}

    def first():
        try:
            with transaction.atomic():
                bump_version(Event.objects.get(pk=event.pk), expected=1)
                Event.objects.filter(pk=event.pk).update(title="First")
                claimed.set()
                time.sleep(0.5)
        finally:
            connections.close_all()

    def second():
        claimed.wait(5)
        started = time.monotonic()
        stale = Event.objects.get(pk=event.pk)
        stale.title = "Second"
        try:
            services.event_record(event=stale, expected_version=1, projects=[], trainers=[],
                                  participations={}, new_participants=[], trainer_counts={})
            outcome["result"] = "saved"
        except StaleVersion:
            outcome["result"] = "stale"
        finally:
            outcome["waited"] = time.monotonic() - started
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert outcome["result"] == "stale"
    event.refresh_from_db()
    assert (event.title, event.version) == ("First", 2)


def test_projects_and_trainer_organisations_changed_meanwhile_are_not_undone(officers, event):
    """Olga adds a project and a trainer organisation; Bakyt, from the older page, changes the
    title only: after the refusal, saving again keeps Olga's project and organisation."""
    project = factories.ProjectFactory()
    police = factories.OrganisationFactory(name="London Metropolitan Police")
    olga = open_page(officers["olga"], edit_url(event))
    bakyt = open_page(officers["bakyt"], edit_url(event))

    olga["event-projects"] = [str(project.pk)]
    empty = next(key for key, value in olga.items()
                 if re.fullmatch(r"trainers-\d+-organisation", key) and not value)
    olga[empty] = str(police.pk)
    assert officers["olga"].post(edit_url(event), olga).status_code == 302
    assert event.trainer_links.count() == 2

    bakyt["event-title"] = "Renamed by Bakyt"
    response = officers["bakyt"].post(edit_url(event), bakyt)
    text = assert_stale(response)
    assert "Kept as you typed them: Title;" in text
    again = form_data(response.content.decode(), "event-form")
    assert officers["bakyt"].post(edit_url(event), again).status_code == 302
    event.refresh_from_db()
    assert event.title == "Renamed by Bakyt"
    assert list(event.projects.all()) == [project]
    assert set(event.trainer_links.values_list("organisation__name", flat=True)) >= {
        "London Metropolitan Police"}
    assert event.trainer_links.count() == 2


def test_a_trainer_organisation_is_removed_only_when_ticked(officers, event):
    link = event.trainer_links.get()
    data = open_page(officers["olga"], edit_url(event))
    factories.EventTrainerOrganisationFactory(event=event)  # meanwhile, without a version
    index = next(int(m.group(1)) for key, value in data.items()
                 if (m := re.fullmatch(r"trainers-(\d+)-organisation", key))
                 and value == str(link.organisation_id))
    data[f"trainers-{index}-trainer_count"] = "5"
    assert officers["olga"].post(edit_url(event), data).status_code == 302
    assert event.trainer_links.count() == 2
    assert event.trainer_links.get(pk=link.pk).trainer_count == 5
    data = open_page(officers["olga"], edit_url(event))
    data[f"trainers-{index}-DELETE"] = "on"
    assert officers["olga"].post(edit_url(event), data).status_code == 302
    assert not event.trainer_links.filter(pk=link.pk).exists()
    assert event.trainer_links.count() == 1


def test_restoring_an_earlier_version_in_the_admin_moves_the_version_on(admins, officers):
    """The restore form holds an instance built from history, with that version's number: it
    is saved from the current version, which moves on (never back)."""
    seizure = factories.SeizureFactory(place="Khorog")
    original = seizure.history.first()
    url = reverse("activities:seizure_update", args=[seizure.pk])
    data = form_data(officers["olga"].get(url).content.decode())
    data["place"] = "Murghab"
    assert officers["olga"].post(url, data).status_code == 302
    restore = reverse("admin:activities_seizure_simple_history",
                      args=[seizure.pk, original.history_id])
    page = admin_form(admins["anna"], restore)
    assert page["record_version"] == "2"
    assert admins["anna"].post(restore, page).status_code == 302
    seizure.refresh_from_db()
    assert (seizure.place, seizure.version) == ("Khorog", 3)
    # The same restore page, submitted again, is now stale.
    response = admins["anna"].post(restore, page)
    assert response.status_code == 200 and "was changed by anna" in response.content.decode()
    seizure.refresh_from_db()
    assert seizure.version == 3


def test_deleting_a_participant_in_the_admin_moves_their_events_versions_on(admins, event):
    participant = Participant.objects.get(name="Madina Yusupova")
    url = reverse("admin:activities_participant_delete", args=[participant.pk])
    assert admins["anna"].post(url, {"post": "yes"}).status_code == 302
    assert names(event) == {"Alisher Usmonov"}
    assert Event.objects.get().version == 2
