"""Every form the portal takes, posted with hostile values on top of a valid submission: never a
server error; a refused submission writes nothing at all (row counts of every model, history
included, are compared); an accepted one shows what was stored escaped."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_encode
from hypothesis import example, given
from hypothesis import strategies as st

from activities.models import (
    DuplicateDismissal,
    Event,
    Organisation,
    Participant,
    Person,
    Seizure,
)
from tests import factories
from tests.hostile import strategies as hs
from tests.hostile.conftest import examples, rolled_back, row_counts
from tests.hostile.pages import assert_answered, assert_escaped, clients, records

pytestmark = pytest.mark.django_db

SUCCESS = {201, 302}


@pytest.fixture
def setup(roles):
    data = records(roles)
    data["clients"] = clients(data["users"])
    return data


def overrides(fields, values=hs.hostile):
    """One to three of ``fields`` with hostile values."""
    return st.dictionaries(st.sampled_from(fields), values, min_size=1, max_size=3)


def post_and_check(client, url, data, **extra):
    """Post ``data``; a refused submission must leave every row count as it was."""
    before = row_counts()
    response = client.post(url, data, **extra)
    assert_answered(response, *data.values())
    if response.status_code not in SUCCESS:
        assert row_counts() == before, "a refused submission wrote rows"
    return response


def assert_accepted(client, url, data, **extra):
    """The valid submission the hostile values are laid over is accepted (else a test would
    only ever see refusals)."""
    with rolled_back():
        response = client.post(url, data, **extra)
        assert response.status_code in SUCCESS, response.content.decode()[:2000]


def shown_escaped(client, url, *values):
    response = client.get(url)
    assert response.status_code == 200
    assert_escaped(response, *values)


# --------------------------------------------------------------------------------------------
# Signing in, passwords
# --------------------------------------------------------------------------------------------
def test_sign_in_with_hostile_credentials_is_refused_without_a_server_error(setup):
    client = setup["clients"]["anonymous"]

    # A user name longer than the field reached django-axes, whose table refuses it (PostgreSQL).
    @examples(8)
    @example(username="a" * 300, password="x", next_url="")
    @given(username=hs.hostile, password=hs.hostile, next_url=hs.hostile)
    def check(username, password, next_url):
        with rolled_back():
            response = client.post(
                f"{reverse('login')}?next={next_url}",
                {"username": username, "password": password},
            )
            assert response.status_code in {200, 400, 403, 429}, response.status_code
            assert_escaped(response, username, next_url)

    check()


def test_password_reset_with_hostile_addresses_sends_nothing_and_writes_nothing(setup):
    client = setup["clients"]["anonymous"]
    url = reverse("password_reset")

    @examples(5)
    @given(email=hs.hostile)
    def check(email):
        with rolled_back():
            mail.outbox.clear()
            post_and_check(client, url, {"email": email})
            assert mail.outbox == []  # no user has any of these addresses

    check()


def test_password_change_with_hostile_values_writes_nothing(setup):
    client = setup["clients"]["officer"]
    url = reverse("password_change")
    fields = ["old_password", "new_password1", "new_password2"]

    @examples(5)
    @given(data=overrides(fields))
    def check(data):
        with rolled_back():
            response = post_and_check(client, url, data)
            assert response.status_code not in SUCCESS  # the old password is never right

    check()


def test_setting_a_new_password_from_a_reset_link_with_hostile_values_writes_nothing(setup):
    client = setup["clients"]["anonymous"]
    user = setup["users"]["officer"]
    token = default_token_generator.make_token(user)
    url = reverse("password_reset_confirm",
                  args=[urlsafe_base64_encode(force_bytes(user.pk)), token])
    form_url = client.get(url)["Location"]  # the token moves to the session

    @examples(5)
    @given(first=hs.hostile, second=hs.hostile)
    def check(first, second):
        with rolled_back():
            response = post_and_check(client, form_url,
                                      {"new_password1": first, "new_password2": second})
            if first != second:
                assert response.status_code not in SUCCESS

    check()


def test_signing_out_with_a_hostile_next_stays_on_the_site(setup):
    @examples(5)
    @given(next_url=hs.hostile)
    def check(next_url):
        with rolled_back():
            client = Client()
            client.force_login(setup["users"]["donor"])
            response = client.post(reverse("logout"), {"next": next_url})
            assert response.status_code == 302
            location = response["Location"]
            assert url_has_allowed_host_and_scheme(location, {"testserver"}), location

    check()


# --------------------------------------------------------------------------------------------
# The event page
# --------------------------------------------------------------------------------------------
def management(prefix, total, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def event_data(setup):
    """A valid submission: an event with a registered participant, a new one and a trainer
    organisation."""
    organisation = setup["organisation"]
    return {
        "event-title": "Precursor control workshop",
        "event-slug": "",
        "event-kind": Event.Kind.WORKSHOP,
        "event-city": "Bishkek",
        "event-country": str(setup["event"].country_id),
        "event-start_date": "2011-03-14",
        "event-end_date": "2011-03-18",
        "event-reported_participants": "41",
        "event-reported_participants_wording": "over forty one",
        "event-projects": str(setup["project"].pk),
        "event-record_version": str(setup["event"].version),
        **management("part", 1), **management("new", 1), **management("trainers", 1),
        "part-0-participant": str(setup["participants"][0].pk),
        "part-0-status": "attended",
        "new-0-name": "Gulnara Sadykova",
        "new-0-sex": "female",
        "new-0-organisation": str(organisation.pk),
        "new-0-status": "attended",
        "new-0-email": "gs@example.org",
        "basis-source": "registration_form",
        "basis-contact_consent": "no",
        "trainers-0-organisation": str(organisation.pk),
        "trainers-0-trainer_count": "2",
    }


EVENT_FIELDS = [
    *(f"event-{name}" for name in [
        "title", "slug", "kind", "projects", "organiser", "city", "country", "venue",
        "start_date", "end_date", "date_wording", "year", "month", "topics", "description",
        "trainers", "reported_participants", "reported_participants_wording",
    ]),
    *(f"{prefix}-{name}" for prefix in ["part", "new", "trainers"]
      for name in ["TOTAL_FORMS", "INITIAL_FORMS", "MAX_NUM_FORMS"]),
    "event-record_version", "part-0-participant", "part-0-status", "part-0-loaded_status",
    "part-0-remove", "part-1-participant",
    *(f"new-0-{name}" for name in ["name", "sex", "organisation", "country", "position", "email",
                                    "phone", "status", "not_duplicate"]),
    "basis-source", "basis-contact_consent",
    "trainers-0-organisation", "trainers-0-trainer_count", "trainers-0-DELETE",
]


def test_the_event_page_refuses_hostile_values_whole_or_shows_them_escaped(setup):
    client = setup["clients"]["officer"]
    valid = event_data(setup)
    assert_accepted(client, reverse("activities:event_create"), valid)

    # Register numbers beyond 64 bits, or in digits int() refuses, broke the page.
    @examples(10)
    @example(changes={"part-0-participant": "9" * 25}, edit=False)
    @example(changes={"part-0-participant": "²"}, edit=True)
    # A project number beyond 64 bits overflowed SQLite in the choice field's __in lookup.
    @example(changes={"event-projects": str(2**63)}, edit=False)
    @example(changes={"event-record_version": str(2**63)}, edit=True)
    @given(changes=overrides(EVENT_FIELDS), edit=st.booleans())
    def check(changes, edit):
        url = (reverse("activities:event_update", args=[setup["event"].slug]) if edit
               else reverse("activities:event_create"))
        with rolled_back():
            response = post_and_check(client, url, {**valid, **changes})
            if response.status_code in SUCCESS:
                event = Event.objects.get(slug=response["Location"].split("/")[2])
                shown_escaped(client, event.get_absolute_url(), *changes.values())
                shown_escaped(client, response["Location"], *changes.values())

    check()


def test_an_event_titled_with_markup_is_stored_and_shown_escaped(setup):
    client = setup["clients"]["officer"]
    valid = event_data(setup)

    @examples(3)
    @given(title=hs.storable_markup, city=hs.storable_markup)
    def check(title, city):
        with rolled_back():
            data = {**valid, "event-title": title, "event-city": city[:120],
                    "new-0-position": title[:200]}
            response = post_and_check(client, reverse("activities:event_create"), data)
            assert response.status_code == 302
            event = Event.objects.get(title=title)
            for url in [event.get_absolute_url(), response["Location"],
                        reverse("activities:event_list"), reverse("activities:workspace")]:
                shown_escaped(client, url, title, city)

    check()


# --------------------------------------------------------------------------------------------
# Participants: edit, merge, duplicates
# --------------------------------------------------------------------------------------------
PARTICIPANT_FIELDS = ["name", "sex", "organisation", "country", "position", "email", "phone",
                      "contact_consent"]


def test_participant_edit_refuses_hostile_values_or_shows_them_escaped(setup):
    client = setup["clients"]["officer"]
    participant = setup["participants"][0]
    url = reverse("activities:participant_update", args=[participant.pk])
    valid = {"name": participant.name, "sex": participant.sex,
             "organisation": str(participant.organisation_id),
             "country": str(participant.country_id), "position": "Inspector",
             "email": participant.email, "phone": participant.phone,
             "contact_consent": participant.contact_consent,
             "record_version": str(participant.version)}
    assert_accepted(client, url, valid)

    @examples(6)
    @given(changes=overrides([*PARTICIPANT_FIELDS, "record_version"],
                             st.one_of(hs.hostile, hs.storable_markup)))
    def check(changes):
        with rolled_back():
            response = post_and_check(client, url, {**valid, **changes})
            if response.status_code in SUCCESS:
                shown_escaped(client, participant.get_absolute_url(), *changes.values())
                shown_escaped(client, reverse("activities:participant_list"), *changes.values())

    check()


def test_merge_with_hostile_choices_writes_nothing(setup):
    client = setup["clients"]["officer"]
    first, second = setup["participants"]
    url = reverse("activities:participant_merge", args=[first.pk, second.pk])

    @examples(5)
    @example(keep=str(2**64), extra="word")
    @given(keep=st.one_of(hs.hostile, hs.numbers), extra=hs.hostile)
    def check(keep, extra):
        with rolled_back():
            post_and_check(client, url, {"keep": keep, "next": extra})

    check()


def test_dismissing_a_duplicate_group_with_hostile_values_never_fails(setup):
    client = setup["clients"]["officer"]
    url = reverse("activities:participant_duplicates_dismiss")
    organisation = setup["organisation"]
    valid = {"organisation": str(organisation.pk), "match_key": "aziz usmonov",
             "records": "2", "next": reverse("activities:participant_duplicates")}
    with rolled_back():
        client.post(url, valid)
        assert DuplicateDismissal.objects.count() == 1

    # A count beyond the column's range, and a bare word as next=, gave server errors.
    @examples(6)
    @example(changes={"records": str(2**64)})
    @example(changes={"next": "word"})
    @given(changes=overrides(["organisation", "match_key", "records", "next"]))
    def check(changes):
        with rolled_back():
            before = row_counts()
            response = client.post(url, {**valid, **changes})
            assert_answered(response)
            assert response.status_code == 302
            assert response["Location"].startswith("/"), response["Location"]
            if response.status_code == 302 and "different people" not in str(
                    client.get(response["Location"]).content):
                assert row_counts() == before

    check()


# --------------------------------------------------------------------------------------------
# Seizures, quick-add
# --------------------------------------------------------------------------------------------
SEIZURE_FIELDS = [
    "key", "kind", "substance", "qualifier", "quantity", "unit", "date", "year", "end_year",
    "period_wording", "country", "region", "place", "seizing_agency", "project", "notes",
]


@pytest.mark.parametrize("edit", [False, True], ids=["new", "edit"])
def test_seizure_entry_refuses_hostile_values_or_shows_them_escaped(setup, edit):
    client = setup["clients"]["officer"]
    substance = factories.SubstanceFactory(slug="acetic-anhydride", name="Acetic anhydride",
                                           kind="precursor")
    valid = {"kind": "individual", "substance": str(substance.pk), "qualifier": "exact",
             "quantity": "500", "unit": "kg", "date": "2011-03-02",
             "country": str(setup["event"].country_id)}
    seizure = Seizure.objects.first()
    valid["record_version"] = str(seizure.version)
    url = (reverse("activities:seizure_update", args=[seizure.pk]) if edit
           else reverse("activities:seizure_create"))
    assert_accepted(client, url, valid)

    @examples(6)
    @given(changes=overrides([*SEIZURE_FIELDS, "record_version"],
                             st.one_of(hs.hostile, hs.storable_markup)))
    def check(changes):
        with rolled_back():
            response = post_and_check(client, url, {**valid, **changes})
            if response.status_code in SUCCESS:
                saved = Seizure.objects.get(pk=response["Location"].split("/")[2])
                shown_escaped(client, saved.get_absolute_url(), *changes.values())
                shown_escaped(client, reverse("activities:seizure_list"), *changes.values())

    check()


@pytest.mark.parametrize(("name", "prefix", "fields", "model"), [
    ("activities:organisation_create", "org", ["name", "acronym", "kind", "country"],
     Organisation),
    ("activities:person_create", "person", ["name", "honorific", "position", "organisation"],
     Person),
], ids=["organisation", "person"])
def test_quick_add_refuses_hostile_values_or_shows_them_escaped(setup, name, prefix, fields,
                                                                model):
    client = setup["clients"]["officer"]
    valid = {f"{prefix}-name": "Customs Service of Tajikistan", f"{prefix}-kind": "government",
             f"{prefix}-country": str(setup["event"].country_id)}
    assert_accepted(client, reverse(name), valid)

    @examples(6)
    @example(changes={"next": "word"}, as_json=False)
    @given(
        changes=overrides([f"{prefix}-{field}" for field in fields] + ["next"],
                          st.one_of(hs.hostile, hs.storable_markup)),
        as_json=st.booleans(),
    )
    def check(changes, as_json):
        extra = {"HTTP_ACCEPT": "application/json"} if as_json else {}
        with rolled_back():
            response = post_and_check(client, reverse(name), {**valid, **changes}, **extra)
            if response.status_code in SUCCESS:
                record = model.objects.order_by("-pk").first()
                shown_escaped(client, record.get_absolute_url(), *changes.values())
                if not as_json:
                    assert response["Location"].startswith("/"), response["Location"]

    check()


def test_participant_search_records_nothing(setup):
    """Not a form, but officers type into it: hostile text is answered with JSON."""
    client = setup["clients"]["officer"]

    # NUL (PostgreSQL), numbers beyond 64 bits and "²" gave server errors.
    @examples(8)
    @example(q="\x00")
    @example(q="9" * 25)
    @example(q="²")
    @given(q=st.one_of(hs.hostile, hs.numbers))
    def check(q):
        response = client.get(reverse("activities:participant_search"), {"q": q})
        assert response.status_code == (400 if "\x00" in q.strip()[:100] else 200)
        if response.status_code == 400:
            return
        assert isinstance(response.json()["results"], list)

    check()


def test_participants_shown_on_the_register_are_escaped(setup):
    """A name stored with markup (as an import or the admin could) is escaped everywhere an
    officer sees it."""
    client = setup["clients"]["officer"]

    @examples(2)
    @given(name=hs.storable_markup.filter(lambda n: len(n) <= 200))
    def check(name):
        with rolled_back():
            participant = factories.ParticipantFactory(name=name,
                                                       organisation=setup["organisation"])
            factories.ParticipationFactory(participant=participant, event=setup["event"])
            for url in [reverse("activities:participant_list"), participant.get_absolute_url(),
                        reverse("activities:participant_duplicates"),
                        reverse("activities:event_update", args=[setup["event"].slug])]:
                shown_escaped(client, url, name)

    check()


def test_row_counts_see_a_participant_and_its_history_written(setup):
    """The check above is only as good as ``row_counts``: it sees a participant written."""
    before = row_counts()
    Participant.objects.create(name="Counted", organisation=setup["organisation"])
    after = row_counts()
    assert after["activities.Participant"] == before["activities.Participant"] + 1
    assert after["activities.HistoricalParticipant"] == (
        before["activities.HistoricalParticipant"] + 1)


def test_seizure_years_and_quantities_at_the_edges_never_break_a_page(setup):
    """Years 0 or 65535, periods ending in year 0, quantities of 1e-999 or 10**30: refused, or
    stored and shown on every page that reads seizures."""
    client = setup["clients"]["officer"]
    substance = factories.SubstanceFactory(slug="opium", name="Opium")
    valid = {"kind": "aggregate", "substance": str(substance.pk), "qualifier": "exact",
             "quantity": "500", "unit": "kg", "year": "2011",
             "country": str(setup["event"].country_id)}
    assert_accepted(client, reverse("activities:seizure_create"), valid)
    edges = st.one_of(st.sampled_from(["0", "1", "-1", "32767", "32768", "65535", "65536",
                                       "1990", "2100", "9999"]), hs.numbers)

    # End year 0 passed the form (0 is false) and broke the table's check on saving.
    @examples(10)
    @example(changes={"end_year": "0", "date": "2011-03-02", "year": ""})
    @example(changes={"end_year": "0"})
    @given(changes=overrides(["year", "end_year", "quantity", "date"], edges))
    def check(changes):
        with rolled_back():
            response = post_and_check(client, reverse("activities:seizure_create"),
                                      {**valid, **changes})
            if response.status_code in SUCCESS:
                saved = Seizure.objects.get(pk=response["Location"].split("/")[2])
                for url in [saved.get_absolute_url(), reverse("activities:seizure_list"),
                            reverse("home"), reverse("opendata:seizure-list"),
                            reverse("activities:seizure_export", args=["csv"]),
                            reverse("activities:seizure_list") + "?year_min=1990&sort=-date"]:
                    assert client.get(url).status_code == 200, url

    check()
