"""Who may open each page of the activities app, and what each role sees there (the engine and
the world are in tests/access.py). Every URL of the app needs an entry here
(tests/portal/test_access_coverage.py walks the resolver)."""

import pytest
from django.test import Client
from django.urls import reverse

from activities.models import DuplicateDismissal, Event, ImportBatch, Participant
from tests import access
from tests.access import (
    CONTRIBUTIONS,
    OFFICERS,
    OFFICERS_POST_ONLY,
    PERSONAL_DATA_ROLES,
    PUBLIC,
    Expect,
)

world = access.world_fixture()

# Participants' personal data: officers and admins only (on the officers' pages, and in the
# participant list an event's page adds for them).
PERSONAL = {"personal": PERSONAL_DATA_ROLES}
# Pages listing the articles that mention a record: drafts only for admins (who may edit them).
DRAFTS = {"draft": ["admin"]}
CSV, XLSX, JSON = "text/csv", "application/vnd.openxmlformats", "application/json"
# An officer page asked for a record that does not exist.
MISSING = access.statuses(403, anonymous=access.LOGIN, officer=404, admin=404)


def _event(w):
    return [w.event.slug]


def _seizure(w):
    return [w.seizure.pk]


def _participant(w):
    return [w.participants[0].pk]


EXPECTATIONS = {
    # Public pages
    "activities:article_list": Expect(PUBLIC, shows=DRAFTS),
    "activities:article_detail": Expect(PUBLIC, lambda w: [w.article.slug]),
    "activities:article_detail#draft": Expect(
        access.statuses(404, admin=200), lambda w: [w.draft.slug], shows=DRAFTS
    ),
    "activities:project_list": Expect(PUBLIC),
    "activities:project_export": Expect(PUBLIC, lambda w: ["csv"], content_type=CSV),
    # Filtered by the donor whose unpublished contribution is the only one in its currency:
    # the filter must not give that contribution away either.
    "activities:project_list#donor": Expect(PUBLIC, query=access.by_other_donor),
    "activities:project_export#donor": Expect(
        PUBLIC, lambda w: ["csv"], query=access.by_other_donor, content_type=CSV
    ),
    "activities:project_detail": Expect(
        PUBLIC, lambda w: [w.project.code], shows={**CONTRIBUTIONS, **DRAFTS}
    ),
    "activities:event_list": Expect(PUBLIC),
    "activities:event_export": Expect(PUBLIC, lambda w: ["xlsx"], content_type=XLSX),
    "activities:event_detail": Expect(
        PUBLIC, _event, shows={**CONTRIBUTIONS, **PERSONAL, **DRAFTS}
    ),
    "activities:seizure_list": Expect(PUBLIC),
    "activities:seizure_export": Expect(PUBLIC, lambda w: ["csv"], content_type=CSV),
    "activities:seizure_detail": Expect(PUBLIC, _seizure, shows=DRAFTS),
    "activities:person_detail": Expect(PUBLIC, lambda w: [w.person.slug], shows=DRAFTS),
    "activities:organisation_detail": Expect(
        PUBLIC, lambda w: [w.organisation.slug], shows=DRAFTS
    ),
    "activities:country_list": Expect(PUBLIC),
    "activities:country_detail": Expect(
        PUBLIC, lambda w: [w.country.code.code], shows=DRAFTS
    ),
    # The filters' search as you type: public records only, as the user may see them
    # (tests/activities/test_lookups.py checks demo records and bad input).
    "activities:event_lookup": Expect(
        PUBLIC, query=lambda w: f"?q={w.event.title.split()[0]}", content_type=JSON
    ),
    "activities:organisation_lookup": Expect(PUBLIC, query="?q=drug", content_type=JSON),
    "activities:project_lookup": Expect(PUBLIC, query="?q=project", content_type=JSON),
    "activities:person_lookup": Expect(PUBLIC, query="?q=smith", content_type=JSON),
    # Programme officers' pages
    "activities:workspace": Expect(OFFICERS),
    "activities:event_create": Expect(OFFICERS),
    "activities:event_update": Expect(OFFICERS, _event, shows=PERSONAL),
    "activities:event_history": Expect(OFFICERS, _event, shows=PERSONAL),
    "activities:participant_import": Expect(OFFICERS, _event),
    "activities:import_preview": Expect(OFFICERS, lambda w: [w.batch.pk], shows=PERSONAL),
    "activities:import_template": Expect(OFFICERS, lambda w: ["csv"], content_type=CSV),
    "activities:import_template#xlsx": Expect(OFFICERS, lambda w: ["xlsx"], content_type=XLSX),
    "activities:participant_list": Expect(OFFICERS, shows=PERSONAL),
    "activities:participant_export": Expect(
        OFFICERS, lambda w: ["csv"], content_type=CSV, shows=PERSONAL
    ),
    "activities:participant_export#xlsx": Expect(
        OFFICERS, lambda w: ["xlsx"], content_type=XLSX, shows=PERSONAL
    ),
    "activities:participant_search": Expect(
        OFFICERS, query="?q=Zebulon", content_type=JSON, shows=PERSONAL
    ),
    "activities:participant_duplicates": Expect(OFFICERS, shows=PERSONAL),
    "activities:participant_duplicates_dismiss": Expect(OFFICERS_POST_ONLY),
    "activities:participant_detail": Expect(OFFICERS, _participant, shows=PERSONAL),
    "activities:participant_update": Expect(OFFICERS, _participant, shows=PERSONAL),
    "activities:participant_history": Expect(OFFICERS, _participant, shows=PERSONAL),
    "activities:participant_merge": Expect(
        OFFICERS, lambda w: [w.participants[0].pk, w.participants[1].pk], shows=PERSONAL
    ),
    "activities:seizure_create": Expect(OFFICERS),
    "activities:seizure_update": Expect(OFFICERS, _seizure),
    "activities:seizure_history": Expect(OFFICERS, _seizure),
    "activities:organisation_create": Expect(OFFICERS),
    "activities:person_create": Expect(OFFICERS),
    # Records that do not exist: the portal's own 404 page to those who may open the page (the
    # refusal comes first for the others; check_cell checks that a 404 is the portal's page).
    "activities:event_update#missing": Expect(MISSING, lambda w: ["no-such-event"]),
    "activities:event_history#missing": Expect(MISSING, lambda w: ["no-such-event"]),
    "activities:participant_detail#missing": Expect(MISSING, lambda w: [999999]),
    "activities:participant_merge#missing": Expect(MISSING, lambda w: [999999, 999998]),
    "activities:seizure_update#missing": Expect(MISSING, lambda w: [999999]),
    "activities:import_preview#missing": Expect(MISSING, lambda w: [999999]),
    "activities:import_template#pdf": Expect(MISSING, lambda w: ["pdf"]),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), access.cells(EXPECTATIONS))
def test_each_role_gets_its_status_and_only_what_it_may_see(name, role, world, client):
    access.check_cell(EXPECTATIONS, name, role, world, client)


# --------------------------------------------------------------------------------------------
# Writes refused: a POST by a role the page refuses changes nothing.
# --------------------------------------------------------------------------------------------
def _event_form(w):
    return {
        "title": "Written by someone not allowed", "slug": "not-allowed", "kind": "workshop",
        "country": "KG", "city": "Osh", "start_date": "2011-05-01",
    }


# URL name -> the data of a POST (the first three write when an officer sends them, as the
# test after shows; the forms' data is plausible, the refusal comes before any of it is read)
WRITES = {
    "activities:participant_duplicates_dismiss": lambda w: {
        "organisation": w.organisation.pk, "match_key": w.participants[0].match_key,
        "records": 2,
    },
    "activities:import_preview": lambda w: {},
    "activities:participant_merge": lambda w: {"keep": w.participants[0].pk},
    "activities:participant_update": lambda w: {
        "name": "Renamed by someone not allowed", "sex": "female",
        "organisation": w.organisation.pk, "country": "KG",
    },
    "activities:event_create": _event_form,
    "activities:event_update": _event_form,
    "activities:seizure_update": lambda w: {"quantity": "1", "unit": "kg"},
    "activities:organisation_create": lambda w: {"name": "Not allowed", "kind": "ngo"},
    "activities:person_create": lambda w: {"name": "Not allowed"},
}
REFUSED = [
    pytest.param(name, role, id=f"{name}-{role}")
    for name in WRITES
    for role, status in EXPECTATIONS[name].status.items()
    if status not in (200, 405)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), REFUSED)
def test_a_refused_role_writes_nothing(name, role, world, client):
    expect = EXPECTATIONS[name]
    before = access.every_row_count()
    batch_status = ImportBatch.objects.get(pk=world.batch.pk).status
    response = access.client_for(role, client, world).post(
        expect.url(name, world), WRITES[name](world)
    )
    wanted = expect.status[role]
    if isinstance(wanted, access.Redirect):
        assert response.status_code == 302
        assert response["Location"].startswith(wanted.location(expect.url(name, world)))
    else:
        assert response.status_code == wanted
    assert access.every_row_count() == before
    assert ImportBatch.objects.get(pk=world.batch.pk).status == batch_status
    assert not Participant.objects.filter(name__contains="not allowed").exists()
    assert not Event.objects.filter(slug="not-allowed").exists()
    assert not DuplicateDismissal.objects.exists()


WRITTEN = {
    "activities:participant_duplicates_dismiss": lambda w: DuplicateDismissal.objects.exists(),
    "activities:import_preview": lambda w: (
        ImportBatch.objects.get(pk=w.batch.pk).status == ImportBatch.Status.COMMITTED
    ),
    "activities:participant_merge": lambda w: not Participant.objects.filter(
        pk=w.participants[1].pk).exists(),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(WRITTEN))
def test_the_refused_posts_write_when_an_officer_sends_them(name, world, client):
    """Else refusing them would prove nothing."""
    assert not WRITTEN[name](world)
    access.client_for("officer", client, world).post(
        EXPECTATIONS[name].url(name, world), WRITES[name](world)
    )
    assert WRITTEN[name](world)


@pytest.mark.django_db
@pytest.mark.parametrize("role", access.ROLES)
def test_officer_actions_on_public_pages_show_only_to_those_who_may_edit(role, world, client):
    client = access.client_for(role, client, world)
    event_page = client.get(world.event.get_absolute_url()).content.decode()
    seizure_page = client.get(world.seizure.get_absolute_url()).content.decode()
    may_edit = role in PERSONAL_DATA_ROLES
    assert (reverse("activities:event_update", args=[world.event.slug]) in event_page) is may_edit
    assert (reverse("activities:event_history", args=[world.event.slug]) in event_page) is may_edit
    assert (reverse("activities:seizure_update", args=[world.seizure.pk]) in seizure_page) \
        is may_edit


@pytest.mark.django_db
@pytest.mark.parametrize("role", access.ROLES)
def test_participant_export_lists_the_register_only_for_officers(role, world, client):
    response = access.client_for(role, client, world).get(
        reverse("activities:participant_export", args=["csv"])
    )
    if role not in PERSONAL_DATA_ROLES:
        assert response.status_code in (302, 403)
        return
    rows = access.csv_rows(access.body_text(response))
    names = {row[rows[0].index("Name")] for row in rows[1:]}
    assert {p.name for p in world.participants} <= names



@pytest.mark.django_db
def test_an_officers_post_without_the_csrf_token_is_refused_and_writes_nothing(world):
    client = access.client_for("officer", Client(enforce_csrf_checks=True), world)
    before = access.every_row_count()
    response = client.post(reverse("activities:seizure_create"), {"quantity": "1"})
    assert response.status_code == 403
    assert access.every_row_count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", access.ROLES)
def test_the_navigation_offers_the_workspace_only_to_those_who_record_events(
    role, world, client
):
    home = access.client_for(role, client, world).get(reverse("home")).content.decode()
    assert (reverse("activities:workspace") in home) is (role in PERSONAL_DATA_ROLES)


@pytest.mark.django_db
@pytest.mark.parametrize("role", access.ROLES)
def test_searching_the_public_lists_for_a_participant_finds_nothing(role, world, client):
    """The lists search their own records, never the people who attended: a participant's
    name finds nothing (the page echoes the query, so the matrix's markers cannot tell)."""
    client = access.client_for(role, client, world)
    for name in ("activities:event_list", "activities:article_list", "donors:contribution_list"):
        found = client.get(reverse(name), {"q": access.PRIVATE_NAME}).context["paginator"].count
        assert found == 0, name
        # The search itself works: the project's name finds its records.
        assert client.get(reverse(name), {"q": "Matrix"}).context["paginator"].count > 0, name
