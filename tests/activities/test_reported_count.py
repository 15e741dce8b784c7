"""The reported participant count has the same upper bound on SQLite and PostgreSQL (whose
integer column stops at 2,147,483,647 while SQLite's does not), checked by the forms that write
it — the event page and the admin — with a message beside the field, on both databases (run
with DATABASE_URL=postgres://… for the second)."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from activities.forms import REPORTED_PARTICIPANTS_MAX, EventForm
from activities.models import Event
from tests.activities.test_event_entry import counts, event_data

pytestmark = pytest.mark.django_db

MESSAGE = "The reported participant count can be at most 2,147,483,647."
TOO_MANY = str(REPORTED_PARTICIPANTS_MAX + 1)


def test_the_bound_is_postgresqls_integer_column():
    assert REPORTED_PARTICIPANTS_MAX == 2_147_483_647


def test_the_event_page_refuses_a_count_above_the_bound(officer_client):
    before = counts()
    response = officer_client.post(
        reverse("activities:event_create"),
        event_data(**{"event-reported_participants": TOO_MANY}),
    )
    assert response.status_code == 400
    assert response.context["event_form"].errors["reported_participants"] == [MESSAGE]
    assert MESSAGE in response.content.decode()
    assert counts() == before


def test_the_event_page_accepts_the_bound_itself(officer_client):
    response = officer_client.post(
        reverse("activities:event_create"),
        event_data(**{"event-reported_participants": str(REPORTED_PARTICIPANTS_MAX)}),
    )
    assert response.status_code == 302
    assert Event.objects.get().reported_participants == REPORTED_PARTICIPANTS_MAX


def test_the_event_form_states_the_bound_to_the_browser():
    form = EventForm(prefix="event")
    assert form.fields["reported_participants"].widget.attrs["max"] == "2147483647"


@pytest.mark.parametrize("value", [TOO_MANY, "9223372036854775807"])
def test_the_admin_refuses_a_count_above_the_bound(value, admin_user):
    request = RequestFactory().get("/admin/activities/event/add/")
    request.user = admin_user
    form_class = admin.site._registry[Event].get_form(request)
    form = form_class(data={
        "title": "Counted", "slug": "counted", "kind": Event.Kind.WORKSHOP,
        "reported_participants": value,
    })
    assert not form.is_valid()
    assert form.errors["reported_participants"] == [MESSAGE]
