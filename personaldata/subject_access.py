"""The subject-access file: everything the register holds about one participant, for the person
who asks for it (issue 18, point 3; README, "A person's own data").

``build(participant, user)`` gathers it into a ``SubjectAccess``: the values held (every field a
person would recognise, the sources of the data and the contact consent), the events attended,
the records merged into this one with the values they held, and the history of changes — of
the record and of its place on each event's list. ``xlsx()`` and ``as_json()`` write the same
content: a workbook with one sheet per part, in the reader's language, and JSON whose keys are
English (codes beside their labels, as the API gives them).

Who made a change is given as "UNODC staff", never a staff member's name: the file answers
the person, and the names of the officers who typed their data are those officers' own
personal data. (The history pages and the admin keep the names for the office.)

An erased record (``erased_at``) holds no name, e-mail, phone or position any more: its file
says so, with the date, and shows what is still held — the register number, sex, organisation,
country, the events, and the history's dates and changes to those fields.

A fixed number of queries whatever the number of events and history rows (two for the events,
three or four for the record's history, one for the event-list changes and the events they
name, one for the merged values, plus one per record merged in).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, pgettext, pgettext_lazy

from activities.history import history_entries, merged_records, merged_values, record_numbers
from activities.models import DataSource, Event, Participant, Participation, Project
from unodc_portal.core.exports import write_workbook
from unodc_portal.core.roles import is_demo_user

# The fields that name or reach the person; an erasure blanks them (and their history).
PERSONAL_FIELDS = ("name", "email", "phone", "position")
NOT_RECORDED = gettext_lazy("Not recorded")
STAFF = gettext_lazy("UNODC staff")


@dataclass
class Value:
    """One value held about the person. ``value`` is what JSON gives (a code where there is
    one, a list of codes for the sources); ``shown`` is what the spreadsheet shows, in the
    reader's language; ``label_of_code`` is the label JSON gives beside a code."""

    key: str  # English: the JSON key
    label: str
    value: Any
    shown: Any
    label_of_code: Any = None


@dataclass
class EventAttended:
    title: str
    kind: str
    kind_label: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    dates_as_reported: str
    city: str
    venue: str
    country: str  # ISO code, "" when none
    country_label: str
    attendance: str
    attendance_label: str
    projects: list[dict] = field(default_factory=list)  # [{"code", "title"}]

    @property
    def project_codes(self) -> str:
        return ", ".join(project["code"] for project in self.projects)


@dataclass
class Change:
    """One line of the history: a field's old and new value, or a step with no field (the
    record made, a merge that changed nothing)."""

    when: datetime.datetime
    by: str
    what: str  # English code: created, changed, deleted, added_to_event, …
    what_label: str
    reason: str
    field: str = ""
    old: str = ""
    new: str = ""


@dataclass
class SubjectAccess:
    number: int
    produced_at: datetime.datetime
    erased_at: datetime.datetime | None
    values: list[Value]
    events: list[EventAttended]
    merged_records: list[int]
    merged_values: list  # activities.history.MergedValue
    history: list[Change]

    @property
    def file_stem(self) -> str:
        return f"personal-data-{self.number}"


# --------------------------------------------------------------------------------------------
# Building the content
# --------------------------------------------------------------------------------------------
def build(participant: Participant, user) -> SubjectAccess:
    """Everything held about ``participant`` (read with ``select_related("organisation",
    "country")``), as ``user`` may see it: demo events and their changes only for demo
    accounts, as on the participant's page."""
    erased = participant.erased_at is not None
    merged = [] if erased else merged_records(participant)
    return SubjectAccess(
        number=participant.pk,
        produced_at=timezone.now(),
        erased_at=participant.erased_at,
        values=_values(participant, erased),
        events=_events(participant, user),
        merged_records=merged,
        # An erasure blanks the merged records' history too: nothing of theirs is shown.
        merged_values=merged_values(participant) if merged else [],
        history=sorted(
            _record_history(participant, erased) + _event_list_history(participant, merged,
                                                                       user),
            key=lambda change: change.when,
        ),
    )


def _values(participant: Participant, erased: bool) -> list[Value]:
    p = participant
    values = [Value("register_number", gettext("Register No."), p.pk, p.pk)]
    if not erased:
        values.append(Value("name", pgettext("participant", "Name"), p.name, p.name))
    values += [
        Value("sex", gettext("Sex"), p.sex, p.get_sex_display(), p.get_sex_display()),
        Value("organisation", gettext("Organisation"),
              p.organisation.name if p.organisation_id else "",
              _organisation(p.organisation) if p.organisation_id else ""),
        Value("country", gettext("Country"), p.country.code.code if p.country_id else "",
              p.country.name if p.country_id else "", p.country.name if p.country_id else ""),
    ]
    if not erased:
        values += [
            Value("position", gettext("Position"), p.position, p.position),
            Value("email", gettext("E-mail"), p.email, p.email),
            Value("phone", gettext("Phone"), p.phone, p.phone),
        ]
    sources = [_source(code) for code in p.sources]
    values += [
        Value("sources", gettext("Sources of the data"), list(p.sources),
              _sources_text(p.sources), sources),
        Value("contact_consent", gettext("Contact consent"), p.contact_consent,
              p.get_contact_consent_display(), p.get_contact_consent_display()),
        Value("created", gettext("Record created"), p.created_at, _when(p.created_at)),
    ]
    if erased:
        values.append(Value("erased_at", gettext("Data erased on"), p.erased_at,
                            _when(p.erased_at)))
    return values


def _organisation(organisation) -> str:
    if organisation.acronym:
        return f"{organisation.name} ({organisation.acronym})"
    return organisation.name


def _events(participant: Participant, user) -> list[EventAttended]:
    """Two queries: the participations with their events and countries, then the events'
    projects."""
    participations = (
        participant.participations.visible_to(user)
        .select_related("event", "event__country")
        .prefetch_related(Prefetch("event__projects", queryset=Project.objects.order_by("code")))
        .order_by("event__start_date", "event__year", "event__title", "event_id")
    )
    events = []
    for participation in participations:
        event = participation.event
        events.append(EventAttended(
            title=event.title,
            kind=event.kind,
            kind_label=event.get_kind_display(),
            start_date=event.start_date,
            end_date=event.end_date,
            dates_as_reported=event.date_wording or (str(event.year) if event.year else ""),
            city=event.city,
            venue=event.venue,
            country=event.country.code.code if event.country_id else "",
            country_label=event.country.name if event.country_id else "",
            attendance=participation.status,
            attendance_label=participation.get_status_display(),
            projects=[{"code": project.code, "title": project.title}
                      for project in event.projects.all()],
        ))
    return events


# The codes of simple-history's change kinds, in JSON.
KIND_CODES = {"+": "created", "~": "changed", "-": "deleted"}


def _record_history(participant: Participant, erased: bool) -> list[Change]:
    """The record's own history (``activities.history.history_entries``), one line per changed
    field. For an erased record, changes to the fields it no longer holds are left out."""
    meta = Participant._meta
    personal_labels = {str(meta.get_field(name).verbose_name) for name in PERSONAL_FIELDS}
    sources_label = str(meta.get_field("sources").verbose_name)
    entries = history_entries(participant)
    groups = []
    # history_entries is newest first: each entry's older version is the next one.
    for entry, older in zip(entries, [*entries[1:], None], strict=True):
        version = entry.version
        common = {
            "when": version.history_date,
            "by": str(STAFF) if version.history_user_id else str(NOT_RECORDED),
            "what": KIND_CODES.get(entry.kind, entry.kind),
            "what_label": entry.kind_label,
            "reason": gettext(version.history_change_reason or "") or "",
        }
        lines = []
        for change in entry.changes:
            label = str(change.label)
            if erased and label in personal_labels:
                continue
            old, new = change.old, change.new
            if label == sources_label and older is not None:  # codes, read as labels
                old = _sources_text(older.version.sources)
                new = _sources_text(version.sources)
            lines.append(Change(field=_capfirst(label), old=old, new=new,
                                **common))
        groups.append(lines or [Change(**common)])
    # Oldest first, each version's lines in field order.
    return [change for lines in reversed(groups) for change in lines]


def _source(code: str) -> str:
    return str(DataSource(code).label) if code in DataSource.values else code


def _sources_text(codes) -> str:
    return "; ".join(_source(code) for code in codes or []) or str(NOT_RECORDED)


def _event_list_history(participant: Participant, merged: list[int], user) -> list[Change]:
    """The changes to the person's place on events' lists — added, attendance changed, moved
    from a merged record, removed — from the participations' history (theirs and the merged
    records'). Two queries: the rows, then the events they name."""
    numbers = [participant.pk, *merged]
    rows = list(
        Participation.history.filter(participant_id__in=numbers)
        .order_by("history_date", "history_id")
        .only("id", "event_id", "participant_id", "status", "is_demo", "history_type",
              "history_date", "history_user_id", "history_change_reason")
    )
    events = Event.objects.in_bulk({row.event_id for row in rows})
    demo = is_demo_user(user)
    statuses = dict(Participation.Status.choices)
    earlier: dict[int, Any] = {}  # each participation's previous row
    changes = []
    for row in rows:
        before, earlier[row.id] = earlier.get(row.id), row
        event = events.get(row.event_id)
        if not demo and (row.is_demo or (event is not None and event.is_demo)):
            continue
        title = event.title if event is not None else gettext(
            "Event #%(number)s (removed)") % {"number": row.event_id}
        common = {
            "when": row.history_date,
            "by": str(STAFF) if row.history_user_id else str(NOT_RECORDED),
            "reason": gettext(row.history_change_reason or "") or "",
            "field": title,
        }
        if row.history_type == "+":
            changes.append(Change(what="added_to_event", what_label=gettext("Added to an event"),
                                  old="—", new=str(statuses.get(row.status, row.status)),
                                  **common))
        elif row.history_type == "-":
            changes.append(Change(what="removed_from_event",
                                  what_label=gettext("Removed from an event"),
                                  old=str(statuses.get(row.status, row.status)), new="—",
                                  **common))
        elif before is not None and before.participant_id != row.participant_id:
            changes.append(Change(what="moved_by_merge",
                                  what_label=gettext("Moved from a merged record"),
                                  old=gettext("No. %(number)s") % {"number": before.participant_id},
                                  new=gettext("No. %(number)s") % {"number": row.participant_id},
                                  **common))
        elif before is None or before.status != row.status:
            changes.append(Change(what="attendance_changed",
                                  what_label=gettext("Attendance changed"),
                                  old=str(statuses.get(before.status, before.status))
                                  if before is not None else "—",
                                  new=str(statuses.get(row.status, row.status)), **common))
    return changes


def _when(moment: datetime.datetime | None) -> str:
    """A moment in the portal's time zone, to the minute: "2026-11-30 21:08"."""
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# --------------------------------------------------------------------------------------------
# Writing it
# --------------------------------------------------------------------------------------------
SHEETS = {
    "values": pgettext_lazy("subject access sheet", "Values"),
    "events": pgettext_lazy("subject access sheet", "Events"),
    "history": pgettext_lazy("subject access sheet", "History"),
    "merged": pgettext_lazy("subject access sheet", "Merged"),
}


def sheets(content: SubjectAccess) -> list[tuple[str, list[str], list[list]]]:
    """The workbook's sheets — (title, headers, rows) — in the active language."""
    header = [gettext("Field"), gettext("Value")]
    values = [[gettext("File produced"), _when(content.produced_at)]]
    if content.erased_at is not None:
        values.append([gettext("Note"), gettext(
            "This person's name, e-mail, phone and position were erased on %(date)s. The "
            "register still holds what is listed here: the register number, sex, "
            "organisation, country and the events attended."
        ) % {"date": _when(content.erased_at)}])
    values += [[value.label, value.shown] for value in content.values]
    events = [
        [event.title, event.kind_label, event.start_date, event.end_date,
         event.dates_as_reported, event.city, event.venue, event.country_label,
         event.attendance_label,
         "; ".join(f"{p['code']} — {p['title']}" for p in event.projects)]
        for event in content.events
    ]
    history = [[_when(c.when), c.by, c.what_label, c.reason, c.field, c.old, c.new]
               for c in content.history]
    merged = []
    if content.merged_records:
        merged.append([gettext("Records merged into this one"),
                       record_numbers(content.merged_records), ""])
    merged += [[_capfirst(item.label), item.value, record_numbers(item.records)]
               for item in content.merged_values]
    return [
        (str(SHEETS["values"]), header, values),
        (str(SHEETS["events"]), [
            gettext("Event"), gettext("Kind"), gettext("Start date"), gettext("End date"),
            gettext("Dates as reported"), gettext("City"), gettext("Venue"), gettext("Country"),
            gettext("Attendance"), gettext("Projects"),
        ], events),
        (str(SHEETS["history"]), [
            gettext("When"), gettext("By"), gettext("What"), gettext("Reason"),
            gettext("Field or event"), gettext("Before"), gettext("After"),
        ], history),
        (str(SHEETS["merged"]), [gettext("Field"), gettext("Value"), gettext("From record")],
         merged),
    ]


def xlsx(content: SubjectAccess, target) -> None:
    """The workbook, written to ``target`` (a binary file), with the portal's XLSX writer: text
    is only ever a string cell, so a value such as ``=HYPERLINK(…)`` is never run."""
    write_workbook(target, sheets(content))


def as_dict(content: SubjectAccess) -> dict:
    """The same content for JSON: English keys, codes with their labels beside them (in the
    reader's language), dates and moments in ISO 8601."""
    values: dict[str, Any] = {}
    for value in content.values:
        values[value.key] = value.value
        if value.label_of_code is not None:
            values[f"{value.key}_label"] = value.label_of_code
    return {
        "register_number": content.number,
        "produced_at": content.produced_at,
        "erased": content.erased_at is not None,
        "erased_at": content.erased_at,
        "values": values,
        "events": [
            {
                "title": e.title, "kind": e.kind, "kind_label": e.kind_label,
                "start_date": e.start_date, "end_date": e.end_date,
                "dates_as_reported": e.dates_as_reported, "city": e.city, "venue": e.venue,
                "country": e.country, "country_label": e.country_label,
                "attendance": e.attendance, "attendance_label": e.attendance_label,
                "projects": e.projects,
            }
            for e in content.events
        ],
        "merged_records": content.merged_records,
        "merged_values": [
            {"field_label": _capfirst(item.label), "value": item.value, "records": item.records}
            for item in content.merged_values
        ],
        "history": [
            {"when": c.when, "by": c.by, "what": c.what, "what_label": c.what_label,
             "reason": c.reason, "field": c.field, "old": c.old, "new": c.new}
            for c in content.history
        ],
    }


def as_json(content: SubjectAccess) -> bytes:
    """The JSON file, UTF-8 (Cyrillic written as it is, not escaped)."""
    return json.dumps(as_dict(content), cls=DjangoJSONEncoder, ensure_ascii=False,
                      indent=2).encode("utf-8")


def _capfirst(label) -> str:
    label = str(label)
    return label[:1].upper() + label[1:]
