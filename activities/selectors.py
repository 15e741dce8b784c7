"""Reads for the officers' pages: what a page shows, in a fixed number of queries, starting
from each model's ``visible_to(user)``. The views call these and hold no queries of their own;
writes are in ``activities.services``."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Q, When

from activities import imports
from activities.matching import name_key
from activities.models import (
    Country,
    DuplicateDismissal,
    Event,
    ImportBatch,
    Organisation,
    Participant,
    Participation,
    Seizure,
    Substance,
)
from unodc_portal.core.lists import EXACT_COUNT_UP_TO, capped_count

# The officers' event-page search answers at most this many participants.
SEARCH_LIMIT = 20


def _real_participations():
    return Count("participations", filter=Q(participations__is_demo=False))


# --------------------------------------------------------------------------------------------
# Workspace
# --------------------------------------------------------------------------------------------
# The workspace shows this many of the latest events, of the seizures the officer recorded and
# of the officer's imports, each list with a link to the whole list.
WORKSPACE_EVENTS, WORKSPACE_SEIZURES, WORKSPACE_IMPORTS = 10, 5, 10


def workspace_summary(user) -> dict:
    """The workspace's figures and lists: the latest events with their (real) participant
    records and how many events ``user`` may edit, the seizures the user recorded, the
    user's imports (their state read from each row: ``ImportBatch.state``), the number of
    duplicate groups to review and the register's size. A fixed number of queries; the
    counts are exact up to 10,000, PostgreSQL's estimate above ("about 198,000")."""
    events = Event.objects.visible_to(user)
    seizures = Seizure.objects.visible_to(user).recorded_by(user)
    return {
        "recent_events": (
            events.select_related("country")
            .annotate(participant_records=_real_participations()).order_by("-pk")[:WORKSPACE_EVENTS]
        ),
        "event_count": capped_count(events, EXACT_COUNT_UP_TO),
        "recent_seizures": (
            seizures.select_related("substance", "country").order_by("-pk")[:WORKSPACE_SEIZURES]
        ),
        "seizure_count": capped_count(seizures, EXACT_COUNT_UP_TO),
        "duplicate_groups": duplicate_group_count(user),
        "recent_imports": (
            ImportBatch.objects.select_related("event").defer("rows").filter(created_by=user)
            [:WORKSPACE_IMPORTS]
        ),
        "participant_count": capped_count(Participant.objects.visible_to(user), EXACT_COUNT_UP_TO),
    }


# --------------------------------------------------------------------------------------------
# Duplicates
# --------------------------------------------------------------------------------------------
def duplicate_groups(user) -> list[dict]:
    """(organisation, match_key) pairs held by more than one participant that ``user`` may see,
    less the groups an officer has said are different people (until a new record joins them).
    Two queries; the grouping reads only the (match_key, organisation) index."""
    dismissed = set(DuplicateDismissal.objects.values_list(
        "organisation_id", "match_key", "records"))
    return [g for g in Participant.objects.visible_to(user).duplicate_groups()
            if (g["organisation_id"], g["match_key"], g["records"]) not in dismissed]


# The workspace counts the groups to review up to this many ("more than 100").
DUPLICATE_GROUPS_COUNTED = 100


def duplicate_group_count(user) -> tuple[int, bool]:
    """(groups to review, more): ``duplicate_groups`` counted up to
    ``DUPLICATE_GROUPS_COUNTED``; ``more`` when there are more. The grouping stops once that
    many are found (the partial index activities_particip_dup_idx gives the groups in order)."""
    dismissed = set(DuplicateDismissal.objects.values_list(
        "organisation_id", "match_key", "records"))
    first = Participant.objects.visible_to(user).duplicate_groups()[
        :DUPLICATE_GROUPS_COUNTED + len(dismissed) + 1]
    count = sum((g["organisation_id"], g["match_key"], g["records"]) not in dismissed
                for g in first)
    return min(count, DUPLICATE_GROUPS_COUNTED), count > DUPLICATE_GROUPS_COUNTED


def duplicate_group_members(user, groups) -> list[list[Participant]]:
    """The records of each of ``groups`` (as ``duplicate_groups`` gives them), by register
    number, with their number of (real) events: one query for all groups."""
    members = (
        Participant.objects.visible_to(user).with_related()
        .annotate(event_count=_real_participations())
        .likely_duplicates((g["organisation_id"], g["match_key"]) for g in groups)
    )
    return [members.get((g["organisation_id"], g["match_key"]), []) for g in groups]


def merge_pair(user, pk: int, other_pk: int) -> list[Participant] | None:
    """The two records to compare before a merge, in that order, with their number of events;
    None when either is not visible to ``user``."""
    records = Participant.objects.visible_to(user).with_related().annotate(
        event_count=Count("participations")
    ).in_bulk([pk, other_pk])
    if len(records) != 2:
        return None
    return [records[pk], records[other_pk]]


# --------------------------------------------------------------------------------------------
# Participants
# --------------------------------------------------------------------------------------------
def with_event_counts(people: list[Participant]) -> list[Participant]:
    """``people`` (a page of the register), each given ``event_count``, its number of real
    events: one query for the page, so the register never groups the whole table."""
    counts = dict(
        Participation.objects.real().filter(participant__in=people).order_by()
        .values("participant").annotate(events=Count("event", distinct=True))
        .values_list("participant", "events")
    )
    for person in people:
        person.event_count = counts.get(person.pk, 0)
    return people


def participant_search(user, text: str, number: int | None) -> tuple[list[Participant], bool]:
    """The event page's search-as-you-type: up to ``SEARCH_LIMIT`` participants whose name is
    written like ``text``, or whose register number is ``number`` — the register number and
    names written exactly like the text first, then names that begin with it, then the others,
    each by name — and whether there are more. One query, LIMIT ``SEARCH_LIMIT`` + 1."""
    also = Q(pk=number) if number is not None else None
    key = name_key(text)
    exact = Q(name_key=key) | (also or Q())
    found = list(
        Participant.objects.visible_to(user).with_related().search(text, also=also)
        .annotate(rank=Case(When(exact, then=0), When(name_key__startswith=key, then=1),
                            default=2, output_field=IntegerField()))
        .order_by("rank", "name", "pk")[:SEARCH_LIMIT + 1]
    )
    return found[:SEARCH_LIMIT], len(found) > SEARCH_LIMIT


def participant_page(participant: Participant, user) -> dict:
    """A participant's page: their events (newest first) and up to ten likely duplicates."""
    return {
        "participations": participant.participations.visible_to(user).select_related(
            "event", "event__country"
        ).order_by("-event__start_date", "-event__year", "event__title"),
        "likely_duplicates": Participant.objects.visible_to(user).with_related()
        .likely_duplicates_of(participant)[:10],
    }


# --------------------------------------------------------------------------------------------
# The event page
# --------------------------------------------------------------------------------------------
def organisation_choices(user, chosen) -> list[tuple]:
    """The event page's organisation choices, read once for all its rows: the ``chosen``
    organisations (ids) among those ``user`` may see; the others are searched as the officer
    types (``activities.lookups``)."""
    return [("", "---------")] + [
        (pk, f"{name} ({acronym})" if acronym else name)
        for pk, name, acronym in Organisation.objects.visible_to(user).filter(
            pk__in=chosen).order_by("name").values_list("pk", "name", "acronym")
    ]


def country_choices() -> list[tuple]:
    """The event page's country choices, read once for all its rows, by name."""
    return [("", "---------"), *((c.pk, c.name) for c in Country.objects.by_name())]


def event_rows(event: Event) -> tuple[list[dict], list[dict]]:
    """The event page's stored participant rows and trainer-organisation rows, as its formsets'
    initial data (each with what it was loaded with)."""
    participations = [
        {"participant": p.participant_id, "status": p.status, "loaded_status": p.status}
        for p in event.participations.order_by("participant__name")
    ]
    links = [
        {"organisation": link.organisation_id, "trainer_count": link.trainer_count,
         "loaded_organisation": link.organisation_id,
         "loaded_count": "" if link.trainer_count is None else link.trainer_count}
        for link in event.trainer_links.all()
    ]
    return participations, links


def event_to_edit(user, slug: str) -> Event | None:
    """The event at ``slug`` that ``user`` may see, or the one that had that address before
    (from history); None when neither."""
    events = Event.objects.visible_to(user).select_related("organiser")  # the page shows it
    event = events.filter(slug=slug).first()
    if event is None:
        former = Event.history.filter(slug=slug).order_by(
            "-history_date", "-history_id").values_list("id", flat=True).first()
        event = events.filter(pk=former).first() if former else None
    return event


def event_lists_now(event: Event) -> tuple[dict[int, str], dict[int, int | None]]:
    """The event's stored participants {id: status} (by name) and trainer organisations
    {id: trainer count}, to reconcile a page loaded before someone else saved."""
    participants = dict(
        event.participations.order_by("participant__name", "participant_id")
        .values_list("participant_id", "status")
    )
    links = dict(event.trainer_links.values_list("organisation_id", "trainer_count"))
    return participants, links


def participants_by_number(user, numbers) -> dict[int, Participant]:
    """The participants ``user`` may see among register ``numbers``, by number."""
    return Participant.objects.visible_to(user).with_related().in_bulk(numbers)


def participant_names(numbers) -> dict[int, str]:
    """Register number → name ("Erased participant No. N" for an erased record), for the
    records among ``numbers`` that still exist."""
    return {p.pk: p.display_name
            for p in Participant.objects.filter(pk__in=numbers).only("pk", "name", "erased_at")}


def participation_changes(event: Event):
    """Changes to an event's participant list, newest first, for its history page."""
    return (
        Participation.history.filter(event_id=event.pk)
        .select_related("history_user", "participant")
        .order_by("-history_date", "-history_id")
    )


def substance_densities() -> dict[str, str]:
    """Each substance's density (kg per litre) by id, for the seizure form's kilogram
    preview; "" where unknown."""
    return {str(pk): str(density) if density else ""
            for pk, density in Substance.objects.values_list("pk", "density_kg_per_l")}


# --------------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------------
def import_batches(user):
    """The import batches of events ``user`` may see."""
    return ImportBatch.objects.filter(
        event__in=Event.objects.visible_to(user)
    ).select_related("event", "created_by")


def import_preview_rows(batch: ImportBatch, status: str) -> list[dict]:
    """A batch's rows, only those of ``status`` when it is one of ``imports.STATUS_LABELS``."""
    if status in imports.STATUS_LABELS:
        return [row for row in batch.rows if row["status"] == status]
    return batch.rows


def import_counts(batch: ImportBatch) -> list[tuple[str, str, int]]:
    """(status, label, rows) for each status, for the preview's status links."""
    return [(key, label, batch.counts.get(key, 0))
            for key, label in imports.STATUS_LABELS.items()]


def template_organisations() -> list[tuple[str, str]]:
    """(acronym, name) of every real organisation, for the import template (the import
    matches no demo organisation)."""
    return [(acronym, name) for name, acronym in
            Organisation.objects.real().order_by("name").values_list("name", "acronym")]
