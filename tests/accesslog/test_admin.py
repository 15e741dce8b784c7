"""The access log and the Django admin (issue 18, point 2): every admin page that shows a
participant's name, e-mail, phone or position writes an entry with exactly the numbers it
shows, and no other page writes one; the log's own admin is read-only for everyone,
superusers included, finds every access to one participant through the (participant, entry)
index, and keeps its query count flat."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accesslog.admin_mixins import LogsParticipantsAdmin
from accesslog.log import write
from accesslog.models import AccessedRecord, AccessEntry
from activities import models as am
from tests import access, factories
from tests.portal.test_access import ADMIN
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

world = access.world_fixture()


def _pages_that_may_log():
    """The admin pages an admin opens (status 200) whose admin notes participants, and the
    site's own pages; the other admins never write the log (and the permission matrix,
    tests/access.py, fails on any page showing a participant without an entry)."""
    def pages(model_admins):
        return {f"admin:{pattern.name}" for model_admin in model_admins
                for pattern in model_admin.get_urls() if pattern.name}

    model_admins = admin.site._registry.values()
    not_logging = pages(model_admins) - pages(
        m for m in model_admins if isinstance(m, LogsParticipantsAdmin))
    return [name for name, expect in ADMIN.items()
            if expect.status["admin"] == 200 and name not in not_logging]


ADMIN_PAGES = _pages_that_may_log()


def entries_after(last_id):
    return list(AccessEntry.objects.filter(id__gt=last_id).order_by("id"))


def last_entry_id():
    return AccessEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def numbers(entry) -> set[int]:
    return set(entry.accessed.values_list("participant", flat=True))


def logged(client, url, method="get", **data):
    """GET (or POST) ``url``; the answer and the numbers of the one entry it wrote (None when
    it wrote none)."""
    before = last_entry_id()
    response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    written = entries_after(before)
    assert len(written) <= 1, f"{url}: {len(written)} entries for one answer"
    return response, (numbers(written[0]) if written else None)


@pytest.fixture
def admin_in_world(client, world):
    return access.client_for("admin", client, world)


# --------------------------------------------------------------------------------------------
# The walk: every admin page an admin opens
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_an_admin_page_logs_exactly_the_participants_it_shows(name, world, admin_in_world):
    """Of the world's participants, two share a name and an e-mail (the twins) and one does
    not (solo): the solo's number is logged exactly when the page shows the solo, a twin's
    exactly when it shows the twins, and a page showing none of them writes no entry."""
    url = ADMIN[name].url(name, world)
    response, shown = logged(admin_in_world, url)
    text = access.marker_text(access.body_text(response))
    twins, solo = {p.pk for p in world.participants[:2]}, world.participants[2].pk
    personal = any(t in text for t in access.MARKERS["personal"])
    if not personal:
        assert shown is None, f"{url} shows no participant but logged {shown}"
        return
    assert shown, f"{url} shows a participant's personal data but wrote no entry"
    assert shown <= twins | {solo}, f"{url} logged {shown}"
    assert (f"{access.PRIVATE_NAME} Solo" in text) == (solo in shown), url
    assert (f"{access.PRIVATE_NAME} Twin" in text) == bool(twins & shown), url


def test_the_walk_reaches_the_pages_that_show_participants(world, admin_in_world):
    """The walk above is not vacuous: these pages show participants and log them."""
    for name in ["admin:activities_participant_changelist",
                 "admin:activities_participant_change",
                 "admin:activities_participant_delete",
                 "admin:activities_participant_history",
                 "admin:activities_participant_simple_history",
                 "admin:activities_participation_changelist",
                 "admin:activities_participation_change",
                 "admin:activities_event_change",
                 "admin:activities_organisation_delete",
                 "admin:activities_historicalparticipant_changelist",
                 "admin:activities_historicalparticipation_change"]:
        _response, shown = logged(admin_in_world, ADMIN[name].url(name, world))
        assert shown, name


# --------------------------------------------------------------------------------------------
# Exactly the numbers shown
# --------------------------------------------------------------------------------------------
def test_the_participant_list_logs_the_rows_of_its_page_only(world, admin_in_world,
                                                             monkeypatch):
    for n in range(5):
        factories.ParticipantFactory(name=f"Aardvark {n}")
    monkeypatch.setattr(admin.site._registry[am.Participant], "list_per_page", 2)
    url = reverse("admin:activities_participant_changelist")
    in_order = list(am.Participant.objects.order_by("name", "id").values_list("id", flat=True))
    for page, rows in [(1, in_order[:2]), (2, in_order[2:4])]:
        response, shown = logged(admin_in_world, url, p=page)
        assert [obj.pk for obj in response.context["cl"].result_list] == rows
        assert shown == set(rows)


def test_a_search_of_the_participant_list_logs_what_it_found(world, admin_in_world):
    _response, shown = logged(admin_in_world, reverse("admin:activities_participant_changelist"),
                              q="Solo")
    assert shown == {world.participants[2].pk}
    entry = AccessEntry.objects.latest("id")
    assert entry.path == reverse("admin:activities_participant_changelist")  # no search text
    _response, shown = logged(admin_in_world, reverse("admin:activities_participant_changelist"),
                              q="nobody-is-called-this")
    assert shown is None


def test_an_events_page_logs_the_participants_of_its_inline_rows(world, admin_in_world):
    event = factories.EventFactory()
    chosen = [factories.ParticipationFactory(event=event).participant_id for _ in range(3)]
    _response, shown = logged(
        admin_in_world, reverse("admin:activities_event_change", args=[event.pk]))
    assert shown == set(chosen)
    # An event without participations shows nobody.
    empty = factories.EventFactory()
    _response, shown = logged(
        admin_in_world, reverse("admin:activities_event_change", args=[empty.pk]))
    assert shown is None


def test_a_refused_event_form_logs_the_participants_it_shows_again(world, admin_in_world):
    """An invalid POST renders the form again, with the chosen participants' names."""
    participant = factories.ParticipantFactory()
    response, shown = logged(admin_in_world, reverse("admin:activities_event_add"), "post", **{
        "slug": "", "title_en": "", "kind": "workshop",
        "trainer_links-TOTAL_FORMS": "0", "trainer_links-INITIAL_FORMS": "0",
        "participations-TOTAL_FORMS": "1", "participations-INITIAL_FORMS": "0",
        "participations-0-participant": str(participant.pk),
        "participations-0-status": "attended",
    })
    assert response.status_code == 200
    assert participant.name in response.content.decode()
    assert shown == {participant.pk}


def test_a_participation_list_logs_its_rows_participants(world, admin_in_world):
    response, shown = logged(admin_in_world,
                             reverse("admin:activities_participation_changelist"))
    assert shown == {row.participant_id for row in response.context["cl"].result_list}
    assert shown == {p.pk for p in world.participants}


def test_the_history_log_of_participations_logs_its_pages_not_its_list(world,
                                                                      admin_in_world):
    """Its list names participations by number; a row's page shows the participant."""
    _response, shown = logged(admin_in_world,
                              reverse("admin:activities_historicalparticipation_changelist"))
    assert shown is None
    row = am.Participation.history.filter(participant=world.participants[2]).first()
    _response, shown = logged(admin_in_world, reverse(
        "admin:activities_historicalparticipation_change", args=[row.pk]))
    assert shown == {world.participants[2].pk}


def test_a_past_version_of_a_participation_logs_its_participant(world, admin_in_world):
    participation = am.Participation.objects.get(participant=world.participants[2])
    version = participation.history.first()
    _response, shown = logged(admin_in_world, reverse(
        "admin:activities_participation_simple_history", args=[participation.pk, version.pk]))
    assert shown == {world.participants[2].pk}


def test_deleting_an_organisation_logs_the_participants_that_stop_it(world, admin_in_world):
    organisation = factories.OrganisationFactory()
    members = {factories.ParticipantFactory(organisation=organisation).pk for _ in range(2)}
    response, shown = logged(admin_in_world, reverse(
        "admin:activities_organisation_delete", args=[organisation.pk]))
    assert response.context["protected"]  # the page lists them
    assert shown == members
    lonely = factories.OrganisationFactory()
    _response, shown = logged(admin_in_world, reverse(
        "admin:activities_organisation_delete", args=[lonely.pk]))
    assert shown is None


def test_the_bulk_delete_confirmation_logs_the_chosen_participants(world, admin_in_world):
    chosen = [factories.ParticipantFactory().pk for _ in range(2)]
    response, shown = logged(
        admin_in_world, reverse("admin:activities_participant_changelist"), "post",
        action="delete_selected", _selected_action=[str(pk) for pk in chosen])
    assert response.status_code == 200 and "deletable_objects" in response.context
    assert shown == set(chosen)
    assert am.Participant.objects.filter(pk__in=chosen).count() == 2


def test_an_autocomplete_answer_logs_the_participants_it_lists(world, admin_in_world):
    url = reverse("admin:autocomplete")
    query = {"app_label": "activities", "model_name": "participation",
             "field_name": "participant"}
    response, shown = logged(admin_in_world, url, **query, term="Zebulon")
    listed = {int(result["id"]) for result in response.json()["results"]}
    assert listed == shown == {p.pk for p in world.participants}
    response, shown = logged(admin_in_world, url, **query, term="nobody-is-called-this")
    assert response.json()["results"] == [] and shown is None
    # Organisations are not personal data.
    response, shown = logged(admin_in_world, url, app_label="activities",
                             model_name="participant", field_name="organisation", term="")
    assert response.json()["results"] and shown is None


def test_the_index_logs_the_participants_its_recent_actions_name(world, admin_in_world):
    admin_user = world.users["admin"]
    participant_type = ContentType.objects.get_for_model(am.Participant)
    event_type = ContentType.objects.get_for_model(am.Event)

    def action(content_type, obj):
        LogEntry.objects.create(user_id=admin_user.pk, content_type=content_type,
                                object_id=str(obj.pk), object_repr=str(obj)[:200],
                                action_flag=CHANGE)

    oldest = factories.ParticipantFactory()
    action(participant_type, oldest)  # the eleventh most recent: not shown
    recent = [factories.ParticipantFactory() for _ in range(3)]
    for participant in recent:
        action(participant_type, participant)
    for _ in range(7):
        action(event_type, world.event)
    response, shown = logged(admin_in_world, reverse("admin:index"))
    html = response.content.decode()
    assert all(p.name in html for p in recent) and oldest.name not in html
    assert shown == {p.pk for p in recent}


# --------------------------------------------------------------------------------------------
# The log's own admin: read-only for everyone
# --------------------------------------------------------------------------------------------
def entry_url(action, *args):
    return reverse(f"admin:accesslog_accessentry_{action}", args=args)


def test_a_superuser_cannot_add_an_entry(world, admin_in_world):
    assert world.users["admin"].is_superuser
    before = AccessEntry.objects.count()
    assert admin_in_world.get(entry_url("add")).status_code == 403
    assert admin_in_world.post(entry_url("add"), {"what": "forged"}).status_code == 403
    assert AccessEntry.objects.count() == before


def test_a_superuser_cannot_change_an_entry(world, admin_in_world):
    entry = world.access
    page = admin_in_world.get(entry_url("change", entry.pk))
    assert page.status_code == 200
    html = page.content.decode()
    form = html.split('id="accessentry_form"')[1].split("</form>")[0]
    assert "192.0.2.7" in form and page.context["has_change_permission"] is False
    # A view of the entry: no field to type in, no button to save.
    assert re.findall(r"<(?:input|textarea|select)\b[^>]*>", form) == [
        tag for tag in re.findall(r"<input\b[^>]*>", form) if 'type="hidden"' in tag]
    assert 'name="_save"' not in html
    response = admin_in_world.post(entry_url("change", entry.pk), {
        "what": "forged", "username": "someone-else", "records": "1", "record_count": "1",
        "at_0": "2020-01-01", "at_1": "00:00:00"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert (entry.what, entry.username) == ("activities:event_participants", "officer")


def test_a_superuser_cannot_delete_an_entry(world, admin_in_world):
    entry = world.access
    assert admin_in_world.get(entry_url("delete", entry.pk)).status_code == 403
    assert admin_in_world.post(entry_url("delete", entry.pk), {"post": "yes"}).status_code == 403
    assert AccessEntry.objects.filter(pk=entry.pk).exists()
    assert AccessedRecord.objects.filter(entry=entry).count() == 3


def test_the_entry_list_has_no_bulk_action(world, admin_in_world):
    response = admin_in_world.get(entry_url("changelist"))
    assert response.status_code == 200
    assert response.context["action_form"] is None
    assert 'name="_selected_action"' not in response.content.decode()
    assert not admin.site._registry[AccessEntry].get_actions(response.wsgi_request)
    # The bulk delete posted anyway deletes nothing.
    before = AccessEntry.objects.count()
    admin_in_world.post(entry_url("changelist"), {
        "action": "delete_selected", "_selected_action": [str(world.access.pk)], "post": "yes"})
    assert AccessEntry.objects.count() == before


@pytest.mark.parametrize("role", ["anonymous", "officer", "donor", "no_group"])
def test_only_admins_reach_the_log(role, world, client):
    response = access.client_for(role, client, world).get(entry_url("changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_logs_pages_write_no_entry(world, admin_in_world):
    """They show register numbers, never the data."""
    for url in [entry_url("changelist"), entry_url("change", world.access.pk),
                entry_url("history", world.access.pk)]:
        _response, shown = logged(admin_in_world, url)
        assert shown is None, url


def test_the_list_shows_who_what_where_and_the_numbers_as_ranges(world, admin_in_world):
    html = admin_in_world.get(entry_url("changelist")).content.decode()
    first = world.participants[0].pk
    assert world.access.records == f"{first}-{first + 2}"
    for text in ["officer", "activities:event_participants",
                 "/events/matrix-workshop/participants/", "192.0.2.7", world.access.records]:
        assert text in html, text


def test_the_admin_index_lists_the_log_with_accounts_and_access(world, admin_in_world):
    sections = admin_in_world.get(reverse("admin:index")).context["app_list"]
    accounts = next(s for s in sections if s["app_label"] == "accounts")
    assert AccessEntry in [m["model"] for m in accounts["models"]]


# --------------------------------------------------------------------------------------------
# Finding the accesses to one participant, and the other filters
# --------------------------------------------------------------------------------------------
@pytest.fixture
def three_entries(world):
    user = world.users["officer"]
    return [
        write(ids=[7, 8, 9], what="activities:participant_list", user=user),
        write(ids=[70], what="activities:participant_detail", user=user),
        write(ids=[8], what="api", user=world.users["admin"]),
    ]


def listed(client, **query):
    response = client.get(entry_url("changelist"), query)
    assert response.status_code == 200
    return [entry.pk for entry in response.context["cl"].result_list], response


@pytest.mark.parametrize(("term", "found"), [
    ("8", [2, 0]), ("7", [0]), ("No. 7", [0]), ("#70", [1]), (" 9 ", [0]), ("12345", []),
])
def test_the_search_finds_every_access_to_one_participant_number(
        term, found, world, admin_in_world, three_entries):
    with CaptureQueriesContext(connection) as queries:
        rows, _response = listed(admin_in_world, q=term)
    assert rows == [three_entries[i].pk for i in found]  # newest first
    # Through the (participant, entry) index, never a LIKE over the ranges.
    assert not [q["sql"] for q in queries.captured_queries if "LIKE" in q["sql"].upper()]


@pytest.mark.parametrize("term", ["Zebulon", "7-9", "1" * 30, "7 8"])
def test_a_search_for_anything_but_a_number_says_what_it_takes(term, world, admin_in_world):
    rows, response = listed(admin_in_world, q=term)
    assert rows == []
    assert "Search the access log by a participant&#x27;s register number" in (
        response.content.decode())


def test_the_list_filters_by_user_what_and_date(world, admin_in_world, three_entries):
    officer, admin_user = world.users["officer"], world.users["admin"]
    rows, _ = listed(admin_in_world, user__id__exact=admin_user.pk)
    assert rows == [three_entries[2].pk]
    rows, _ = listed(admin_in_world, user__id__exact=officer.pk)
    assert rows == [three_entries[1].pk, three_entries[0].pk, world.access.pk]
    rows, response = listed(admin_in_world, what="activities:participant_detail")
    assert rows == [three_entries[1].pk]
    choices = [choice["display"] for spec in response.context["cl"].filter_specs
               if spec.title == "what" for choice in spec.choices(response.context["cl"])]
    assert {"activities:participant_list", "api", "activities:event_participants"} <= set(
        choices)
    year = three_entries[0].at.year
    rows, _ = listed(admin_in_world, at__year=year, q="8")
    assert rows == [three_entries[2].pk, three_entries[0].pk]
    rows, _ = listed(admin_in_world, at__year=year - 5)
    assert rows == []


def test_a_rows_what_leads_to_every_entry_of_it(world, admin_in_world, three_entries):
    html = admin_in_world.get(entry_url("changelist")).content.decode()
    assert 'href="?what=activities%3Aparticipant_detail"' in html


def test_the_entry_list_runs_as_many_queries_at_30_rows_as_at_1(world, admin_in_world):
    users = [world.users["officer"], world.users["admin"], None]

    def add_rows(n):
        for i in range(n):
            write(ids=range(i, i + 40, 3), what=f"page-{i % 4}", user=users[i % 3],
                  method="GET", path="/somewhere/", ip="192.0.2.1")

    for query in ["", "?q=3", "?what=page-1", f"?user__id__exact={users[0].pk}"]:
        AccessEntry.objects.exclude(pk=world.access.pk).delete()
        assert_constant_queries(admin_in_world, entry_url("changelist") + query, add_rows,
                                budget=15)


def test_the_dates_are_offered_from_the_first_and_last_entry_not_every_date(world,
                                                                            admin_in_world):
    """Django's date drill-down reads the distinct dates of every entry listed (a second at a
    million entries); the log's reads the list's first and last entry."""
    admin_user = world.users["admin"]
    for when in ["2001-03-05 10:00", "2003-07-01 12:00", "2003-07-04 08:00"]:
        entry = write(ids=[1], what="dated", user=admin_user)
        AccessEntry.objects.filter(pk=entry.pk).update(at=when + "+05:00")
    mine = {"user__id__exact": admin_user.pk}

    def offered(**query):
        with CaptureQueriesContext(connection) as queries:
            response = admin_in_world.get(entry_url("changelist"), {**mine, **query})
        assert response.status_code == 200
        assert not [q["sql"] for q in queries.captured_queries if "TRUNC" in q["sql"].upper()]
        nav = response.content.decode().split('class="toplinks"')[1].split("</nav>")[0]
        return re.findall(r'href="\?([^"]*)"', nav.replace("&amp;", "&"))

    years = offered()
    assert [link for link in years if "at__year" in link] == [
        f"at__year={year}&user__id__exact={admin_user.pk}" for year in (2001, 2002, 2003)]
    months = offered(at__year=2003)
    assert any("at__month=7" in link for link in months)
    assert not any("at__month=6" in link or "at__month=8" in link for link in months)
    days = offered(at__year=2003, at__month=7)
    assert [int(re.search(r"at__day=(\d+)", link).group(1))
            for link in days if "at__day" in link] == [1, 2, 3, 4]
    rows, _response = listed(admin_in_world, **mine, at__year=2003, at__month=7, at__day=4)
    assert len(rows) == 1


def test_deleting_an_account_logs_the_participants_its_admin_log_names(world, admin_in_world):
    """The confirmation lists the account's admin log entries, each naming its record."""
    account = factories.UserFactory()
    participant = factories.ParticipantFactory()
    for content_type, obj in [(ContentType.objects.get_for_model(am.Participant), participant),
                              (ContentType.objects.get_for_model(am.Event), world.event)]:
        LogEntry.objects.create(user_id=account.pk, content_type=content_type,
                                object_id=str(obj.pk), object_repr=str(obj)[:200],
                                action_flag=CHANGE)
    response, shown = logged(admin_in_world, reverse("admin:auth_user_delete", args=[account.pk]))
    assert participant.name in response.content.decode()
    assert shown == {participant.pk}
    quiet = factories.UserFactory()
    _response, shown = logged(admin_in_world, reverse("admin:auth_user_delete", args=[quiet.pk]))
    assert shown is None
