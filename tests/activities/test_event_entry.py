"""The event page: an event with its participants (existing and new) and trainer organisations,
saved in one transaction; on any error every problem is shown beside its field or row and
nothing at all is stored."""

import pytest
from django.urls import reverse

from activities.models import (
    Event,
    EventTrainerOrganisation,
    Organisation,
    Participant,
    Participation,
    Person,
    Project,
)
from tests import factories
from tests.querycount import count_queries

pytestmark = pytest.mark.django_db


def management(prefix, total, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def event_data(**overrides):
    country = factories.CountryFactory(code="KG")
    data = {
        "event-title": "Precursor control workshop",
        "event-slug": "",
        "event-kind": Event.Kind.WORKSHOP,
        "event-city": "Bishkek",
        "event-country": str(country.pk),
        "event-start_date": "2011-03-14",
        "event-end_date": "2011-03-18",
        "event-reported_participants": "41",
        "event-reported_participants_wording": "over forty one",
        **management("part", 0), **management("new", 0), **management("trainers", 0),
    }
    data.update(overrides)
    return data


def add_existing(data, participants, status="attended", loaded=None):
    """Rows for participants from the register: added ones, or (``loaded`` = the status they
    were loaded with) rows the page showed."""
    data.update(management("part", len(participants), initial=len(participants) if loaded
                           else 0))
    for i, participant in enumerate(participants):
        data[f"part-{i}-participant"] = str(participant.pk)
        data[f"part-{i}-status"] = status
        if loaded:
            data[f"part-{i}-loaded_status"] = loaded


# The two questions asked once for the new participants of a save (issue 18).
BASIS = {"basis-source": "attendance_sheet", "basis-contact_consent": "yes"}


def add_new(data, rows, basis=BASIS):
    data.update(management("new", len(rows)))
    data.update(basis)
    for i, row in enumerate(rows):
        for key, value in {"sex": "not_recorded", "status": "attended", **row}.items():
            data[f"new-{i}-{key}"] = value


def counts():
    return (Event.objects.count(), Participant.objects.count(), Participation.objects.count(),
            EventTrainerOrganisation.objects.count())


def test_officer_records_an_event_with_existing_and_new_participants_and_trainers(
    officer_client, officer_user
):
    existing = factories.ParticipantFactory.create_batch(2)
    police = factories.OrganisationFactory(name="London Metropolitan Police", acronym="MPS")
    trainer = factories.PersonFactory(name="Jane Trainer")
    project = factories.ProjectFactory(code="KGZK50")
    data = event_data(**{"event-projects": [str(project.pk)], "event-trainers": [str(trainer.pk)],
                         "event-organiser": str(police.pk)})
    add_existing(data, existing)
    add_new(data, [{"name": "Aigerim Bekova", "sex": "female",
                    "organisation": str(existing[0].organisation_id), "email": "ab@example.org"}])
    data.update(management("trainers", 1))
    data.update({"trainers-0-organisation": str(police.pk), "trainers-0-trainer_count": "3"})

    response = officer_client.post(reverse("activities:event_create"), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get()
    assert event.slug == "precursor-control-workshop"
    assert response["Location"] == event.get_absolute_url()
    assert event.reported_participants == 41
    assert event.reported_participants_wording == "over forty one"
    assert list(event.projects.all()) == [project]
    assert list(event.trainers.all()) == [trainer]
    assert event.trainer_links.get().trainer_count == 3
    names = set(event.participations.values_list("participant__name", flat=True))
    assert names == {existing[0].name, existing[1].name, "Aigerim Bekova"}
    new = Participant.objects.get(name="Aigerim Bekova")
    assert new.history.get().history_user == officer_user
    assert event.history.get().history_change_reason == "Recorded on the event page"


def test_editing_removes_unticked_rows_changes_status_and_keeps_history(officer_client):
    event = factories.EventFactory()
    stay, leave = factories.ParticipationFactory.create_batch(2, event=event, status="attended")
    data = event_data(**{"event-title": "Renamed", "event-slug": event.slug,
                         "event-record_version": str(event.version)})
    add_existing(data, [stay.participant, leave.participant], loaded="attended")
    data["part-0-status"] = "absent"
    data["part-1-remove"] = "on"

    response = officer_client.post(reverse("activities:event_update", args=[event.slug]), data)

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Renamed"
    assert list(event.participations.values_list("participant", "status")) == [
        (stay.participant_id, "absent")]
    assert Participation.history.filter(history_type="-",
                                        participant_id=leave.participant_id).exists()


def assert_nothing_stored(response, before, *fragments):
    assert response.status_code == 400
    assert counts() == before
    html = response.content.decode()
    assert "Nothing was saved" in html
    for fragment in fragments:
        assert fragment in html, fragment


def test_end_before_start_is_refused_beside_the_field_and_nothing_is_stored(officer_client):
    participant = factories.ParticipantFactory()
    data = event_data(**{"event-end_date": "2011-03-01"})
    add_existing(data, [participant])
    add_new(data, [{"name": "Would Be New"}])
    before = counts()
    response = officer_client.post(reverse("activities:event_create"), data)
    assert_nothing_stored(response, before, "The end date cannot be before the start date.")
    assert response.context["event_form"].errors["end_date"]


def test_the_same_participant_twice_is_an_error_on_the_second_row(officer_client):
    participant = factories.ParticipantFactory()
    data = event_data()
    add_existing(data, [participant, participant])
    before = counts()
    response = officer_client.post(reverse("activities:event_create"), data)
    assert_nothing_stored(response, before, "is listed twice (also row 1)")
    assert response.context["participations"].forms[1].errors["participant"]


def test_unknown_register_number_is_an_error_on_its_row(officer_client):
    data = event_data()
    data.update(management("part", 1))
    data.update({"part-0-participant": "987654", "part-0-status": "attended"})
    before = counts()
    response = officer_client.post(reverse("activities:event_create"), data)
    assert_nothing_stored(response, before, "No participant has register number 987654.")


def test_bad_email_in_a_new_row_stores_neither_the_event_nor_the_valid_rows(officer_client):
    data = event_data()
    add_new(data, [{"name": "Valid Person"}, {"name": "Bad Mail", "email": "not-an-address"}])
    before = counts()
    response = officer_client.post(reverse("activities:event_create"), data)
    assert_nothing_stored(response, before, "Enter a valid email address.")
    assert response.context["new_participants"].forms[1].errors["email"]


def test_new_participant_like_one_in_the_register_is_stopped_until_confirmed(officer_client):
    organisation = factories.OrganisationFactory()
    factories.ParticipantFactory(name="Alisher Usmonov", organisation=organisation)
    data = event_data()
    add_new(data, [{"name": "Усмонов Алишер", "organisation": str(organisation.pk)}])
    before = counts()
    response = officer_client.post(reverse("activities:event_create"), data)
    assert_nothing_stored(response, before, "Likely already in the register: Alisher Usmonov")

    data["new-0-not_duplicate"] = "on"
    response = officer_client.post(reverse("activities:event_create"), data)
    assert response.status_code == 302
    assert Participant.objects.filter(name="Усмонов Алишер").exists()


def test_a_demo_participant_is_never_named_to_a_real_officer_as_a_likely_duplicate(
    officer_client,
):
    organisation = factories.OrganisationFactory()
    factories.ParticipantFactory(name="Alisher Usmonov", organisation=organisation,
                                 is_demo=True)
    data = event_data()
    add_new(data, [{"name": "Усмонов Алишер", "organisation": str(organisation.pk)}])
    response = officer_client.post(reverse("activities:event_create"), data)
    assert response.status_code == 302, "the demo record is not in this officer's register"
    assert Participant.objects.filter(name="Усмонов Алишер", is_demo=False).exists()


def test_new_participant_listed_twice_and_one_already_picked_are_errors(officer_client):
    organisation = factories.OrganisationFactory()
    picked = factories.ParticipantFactory(name="Madina Yusupova", organisation=organisation)
    data = event_data()
    add_existing(data, [picked])
    add_new(data, [
        {"name": "Madina  YUSUPOVA", "organisation": str(organisation.pk), "not_duplicate": "on"},
        {"name": "Timur Nazarov"}, {"name": "timur nazarov"},
    ])
    before = counts()
    response = officer_client.post(reverse("activities:event_create"), data)
    assert_nothing_stored(response, before, "Already listed above as Madina Yusupova",
                          "Listed twice (also new row 2)")


def test_negative_reported_count_and_same_trainer_organisation_twice_are_refused(
    officer_client
):
    police = factories.OrganisationFactory()
    data = event_data(**{"event-reported_participants": "-5"})
    data.update(management("trainers", 2))
    data.update({"trainers-0-organisation": str(police.pk),
                 "trainers-1-organisation": str(police.pk)})
    before = counts()
    response = officer_client.post(reverse("activities:event_create"), data)
    assert_nothing_stored(response, before, "This organisation is listed twice.")
    assert response.context["event_form"].errors["reported_participants"]


def test_reserved_and_taken_slugs_are_refused(officer_client):
    factories.EventFactory(slug="taken")
    for slug, message in [("new", "is reserved"), ("taken", "already exists")]:
        before = counts()
        response = officer_client.post(reverse("activities:event_create"),
                                       event_data(**{"event-slug": slug}))
        assert_nothing_stored(response, before, message)


def test_missing_title_and_kind_are_shown_beside_the_fields(officer_client):
    before = counts()
    response = officer_client.post(reverse("activities:event_create"),
                                   event_data(**{"event-title": "", "event-kind": ""}))
    assert_nothing_stored(response, before)
    errors = response.context["event_form"].errors
    assert "title" in errors and "kind" in errors


def test_a_database_error_in_the_service_rolls_everything_back(officer_client, monkeypatch):
    from django.core.exceptions import ValidationError

    from activities import services

    def failing_save(obj, reason):
        if isinstance(obj, Participation):
            raise ValidationError("Simulated failure while saving a participation.")
        return original(obj, reason)

    original = services._save
    monkeypatch.setattr(services, "_save", failing_save)
    data = event_data()
    add_new(data, [{"name": "Rolled Back"}])
    before = counts()
    response = officer_client.post(reverse("activities:event_create"), data)
    assert_nothing_stored(response, before, "Simulated failure")


def test_text_is_stored_as_typed_and_shown_escaped(officer_client):
    data = event_data(**{"event-title": "<script>alert(1)</script> Workshop"})
    response = officer_client.post(reverse("activities:event_create"), data)
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.title == "<script>alert(1)</script> Workshop"
    page = officer_client.get(reverse("activities:event_update", args=[event.slug]))
    html = page.content.decode()
    assert "<script>alert(1)</script> Workshop" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Workshop" in html


def test_events_new_is_the_entry_page_not_an_event(officer_client):
    response = officer_client.get("/events/new/")
    assert response.status_code == 200
    assert response.context["event"] is None


def test_a_refused_edit_leaves_the_page_heading_and_links_as_stored(officer_client):
    factories.EventFactory(slug="taken")
    event = factories.EventFactory(title="Stored title", slug="stored")
    response = officer_client.post(
        reverse("activities:event_update", args=[event.slug]),
        event_data(**{"event-title": "Typed title", "event-slug": "taken"}))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Edit “Stored title”" in html
    assert reverse("activities:event_history", args=["stored"]) in html
    event.refresh_from_db()
    assert event.title == "Stored title"


def test_quick_add_answers_json_for_the_page_and_keeps_errors_at_the_field(officer_client):
    url = reverse("activities:organisation_create")
    added = officer_client.post(
        url, {"org-name": "Academy of the Interior Ministry", "org-acronym": "AIM",
              "org-kind": "training"}, HTTP_ACCEPT="application/json")
    assert added.status_code == 201
    body = added.json()
    assert body["label"] == "Academy of the Interior Ministry (AIM)" and body["id"]
    again = officer_client.post(
        url, {"org-name": "academy of the interior ministry", "org-kind": "training"},
        HTTP_ACCEPT="application/json")
    assert again.status_code == 400
    assert "Already in the portal" in again.json()["errors"]["__all__"][0]["message"]
    missing = officer_client.post(reverse("activities:person_create"), {"person-name": ""},
                                  HTTP_ACCEPT="application/json")
    assert missing.status_code == 400 and "name" in missing.json()["errors"]


def test_quick_add_without_javascript_returns_to_the_event_page_only(officer_client):
    from activities.models import Person

    url = reverse("activities:person_create")
    response = officer_client.post(url, {"person-name": "Jane Trainer",
                                         "next": "/events/new/"})
    assert response["Location"] == "/events/new/"
    assert Person.objects.get().slug == "jane-trainer"
    response = officer_client.post(url, {"person-name": "John Trainer",
                                         "next": "https://evil.example/"})
    assert response["Location"] == reverse("activities:workspace")


# --------------------------------------------------------------------------------------------
# The form's order, the worded dates, the chosen records only, where saving lands
# --------------------------------------------------------------------------------------------
def field_positions(html, names):
    return [html.index(f'name="event-{name}"') for name in names]


def test_the_form_reads_in_the_order_an_officer_thinks_with_the_address_last(officer_client):
    html = officer_client.get(reverse("activities:event_create")).content.decode()
    order = ["title", "kind", "start_date", "end_date", "dates_unknown", "date_wording", "year",
             "month", "city", "country", "venue", "projects", "organiser", "description",
             "topics", "trainers", "reported_participants", "slug"]
    positions = field_positions(html, order)
    assert positions == sorted(positions)
    advanced = html.index('<details class="mt-3" id="event-advanced">')
    assert advanced < html.index('name="event-slug"') < html.index("</details>", advanced)
    # The worded dates are grouped so that the page's script can hide them.
    group = html.index('id="reported-dates" data-shown-by="id_event-dates_unknown"')
    assert group < html.index('name="event-date_wording"') < html.index('name="event-city"')


@pytest.mark.parametrize(("fields", "ticked"), [
    ({"start_date": None, "end_date": None, "date_wording": "late April", "year": 2009}, True),
    ({"start_date": None, "end_date": None, "year": 2009, "month": 4}, True),
    ({}, False),
])
def test_exact_dates_unknown_is_ticked_for_an_event_known_by_its_worded_dates(
        officer_client, fields, ticked):
    event = factories.EventFactory(**fields)
    response = officer_client.get(reverse("activities:event_update", args=[event.slug]))
    assert response.context["event_form"]["dates_unknown"].value() is ticked


def test_a_new_start_date_moves_the_hidden_year_and_month_with_it(officer_client):
    """While the exact dates are known the year and month are hidden, holding the stored
    start date's: a new start date must not be refused as not matching them."""
    event = factories.EventFactory()  # 21 February 2011
    data = event_data(**{"event-title": event.title, "event-slug": event.slug,
                         "event-record_version": str(event.version),
                         "event-start_date": "2013-07-02", "event-end_date": "",
                         "event-year": "2011", "event-month": "2"})
    response = officer_client.post(reverse("activities:event_update", args=[event.slug]), data)
    assert response.status_code == 302, response.context["event_form"].errors
    event.refresh_from_db()
    assert (event.year, event.month) == (2013, 7)


def test_a_year_beside_a_date_is_still_checked_when_dates_are_marked_unknown(officer_client):
    data = event_data(**{"event-dates_unknown": "on", "event-year": "2009"})
    before = counts()
    response = officer_client.post(reverse("activities:event_create"), data)
    assert_nothing_stored(response, before, "The year does not match")


def test_worded_dates_without_days_are_stored(officer_client):
    data = event_data(**{"event-dates_unknown": "on", "event-start_date": "",
                         "event-end_date": "", "event-date_wording": "late April",
                         "event-year": "2009", "event-month": "4"})
    assert officer_client.post(reverse("activities:event_create"), data).status_code == 302
    event = Event.objects.get()
    assert (event.date_wording, event.year, event.month, event.start_date) == (
        "late April", 2009, 4, None)


def bulk_records(n):
    Project.objects.bulk_create(
        Project(code=f"BULK{i:04d}", title=f"Bulk project {i}") for i in range(n))
    Person.objects.bulk_create(
        Person(slug=f"bulk-person-{i}", name=f"Bulk Person {i}") for i in range(n))
    Organisation.objects.bulk_create(
        Organisation(slug=f"bulk-org-{i}", name=f"Bulk Organisation {i}", kind="ngo")
        for i in range(n))


def test_the_form_holds_the_chosen_records_only_whatever_the_size_of_the_tables(
        officer_client):
    police = factories.OrganisationFactory(name="London Metropolitan Police", acronym="MPS")
    trainer = factories.PersonFactory(name="Jane Trainer")
    project = factories.ProjectFactory(code="KGZK50", title="Chosen project")
    event = factories.EventFactory(organiser=police)
    event.projects.add(project)
    event.trainers.add(trainer)
    EventTrainerOrganisation.objects.create(event=event, organisation=police, trainer_count=3)
    url = reverse("activities:event_update", args=[event.slug])
    officer_client.get(url)  # warm-up
    bulk_records(5)
    few_queries, _ = count_queries(officer_client, url)
    few_bytes = len(officer_client.get(url).content)
    Project.objects.filter(code__startswith="BULK").delete()
    Person.objects.filter(slug__startswith="bulk-").delete()
    Organisation.objects.filter(slug__startswith="bulk-").delete()
    bulk_records(500)
    many_queries, _ = count_queries(officer_client, url)
    html = officer_client.get(url).content.decode()
    assert (few_queries, few_bytes) == (many_queries, len(html.encode()))
    assert "Bulk " not in html
    for label in ("KGZK50 — Chosen project", "Jane Trainer", "London Metropolitan Police (MPS)"):
        assert f"selected>{label}" in html, label
    for url_name in ("project_lookup", "person_lookup", "organisation_lookup"):
        assert f'data-lookup-url="{reverse(f"activities:{url_name}")}"' in html
    assert 'data-lookup-value="id"' in html
    assert "vendor/tom-select/tom-select.complete.min.js" in html


def test_an_unknown_project_trainer_or_organisation_is_refused_and_nothing_saved(
        officer_client):
    data = event_data(**{"event-projects": ["987654"], "event-trainers": ["99999999999999999999"],
                         "event-organiser": "987654"})
    data.update(management("trainers", 1))
    data["trainers-0-organisation"] = "987654"
    before = counts()
    response = officer_client.post(reverse("activities:event_create"), data)
    assert_nothing_stored(response, before, "987654 is not one of the available choices")
    errors = response.context["event_form"].errors
    assert {"projects", "trainers", "organiser"} <= set(errors)
    assert response.context["trainer_links"].forms[0].errors["organisation"]


def test_a_demo_organisation_cannot_be_tied_to_an_event_by_a_real_officer(officer_client):
    demo = factories.OrganisationFactory(name="Demo — Agency", is_demo=True)
    data = event_data()
    data.update(management("trainers", 1))
    data["trainers-0-organisation"] = str(demo.pk)
    before = counts()
    response = officer_client.post(reverse("activities:event_create"), data)
    assert_nothing_stored(response, before)
    assert response.context["trainer_links"].forms[0].errors["organisation"]


def test_saving_lands_on_the_event_page_with_a_confirmation(officer_client):
    participant = factories.ParticipantFactory()
    data = event_data()
    add_existing(data, [participant])
    response = officer_client.post(reverse("activities:event_create"), data, follow=True)
    event = Event.objects.get()
    assert response.redirect_chain == [(event.get_absolute_url(), 302)]
    assert "Saved “Precursor control workshop” with 1 participant record." in (
        response.content.decode())

    data = event_data(**{"event-title": "Renamed workshop", "event-slug": event.slug,
                         "event-record_version": str(event.version)})
    response = officer_client.post(reverse("activities:event_update", args=[event.slug]), data,
                                   follow=True)
    assert response.redirect_chain == [(event.get_absolute_url(), 302)]
    assert "Saved “Renamed workshop” with 1 participant record." in response.content.decode()


# --------------------------------------------------------------------------------------------
# The participant search on the event page
# --------------------------------------------------------------------------------------------
SEARCH = reverse("activities:participant_search")


def test_the_search_ranks_exact_then_prefix_matches_first(officer_client):
    contains = factories.ParticipantFactory(name="Aida Karimova")
    prefix = factories.ParticipantFactory(name="Karim Usmonov")
    exact = factories.ParticipantFactory(name="Karim")
    answer = officer_client.get(SEARCH, {"q": "karim"}).json()
    assert [r["id"] for r in answer["results"]] == [exact.pk, prefix.pk, contains.pk]
    assert answer["more"] is False
    by_number = officer_client.get(SEARCH, {"q": str(contains.pk)}).json()["results"]
    assert by_number[0]["id"] == contains.pk


def test_the_search_says_when_there_are_more_than_it_shows_in_one_bounded_query(
        officer_client):
    from activities.selectors import SEARCH_LIMIT

    factories.ParticipantFactory.create_batch(SEARCH_LIMIT, name=factory_name("Nazarov"))
    url = f"{SEARCH}?q=nazarov"
    officer_client.get(url)  # warm-up
    queries, sql = count_queries(officer_client, url)
    answer = officer_client.get(url).json()
    assert (len(answer["results"]), answer["more"]) == (SEARCH_LIMIT, False)
    factories.ParticipantFactory.create_batch(30, name=factory_name("Nazarov"))
    assert count_queries(officer_client, url)[0] == queries
    answer = officer_client.get(url).json()
    assert (len(answer["results"]), answer["more"]) == (SEARCH_LIMIT, True)
    # The search is the last query but the access log's two INSERTs (the entry, its records).
    searches = [q for q in sql if "accesslog" not in q]
    assert len(sql) - len(searches) == 2
    assert f"LIMIT {SEARCH_LIMIT + 1}" in searches[-1]


def factory_name(surname):
    import factory

    return factory.Sequence(lambda n: f"{surname} {n}")


def test_the_page_offers_the_refine_message_for_its_script(officer_client):
    html = officer_client.get(reverse("activities:event_create")).content.decode()
    assert 'data-more="More than %(count)s — refine the search."' in html
