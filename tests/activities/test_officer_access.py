"""Each role against each officer page: anonymous visitors are sent to sign in, donors and
signed-in members of the public get 403, officers and admins get the page — and only they see
participants' personal data."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from activities.models import ImportBatch
from tests import factories

pytestmark = pytest.mark.django_db

SECRET_NAME = "Zulfiya Secretnameova"
SECRET_EMAIL = "zulfiya.private@example.org"


@pytest.fixture
def records(db):
    participant = factories.ParticipantFactory(name=SECRET_NAME, email=SECRET_EMAIL)
    other = factories.ParticipantFactory(name="Other Person", organisation=participant.organisation)
    participation = factories.ParticipationFactory(participant=participant)
    event = participation.event
    seizure = factories.SeizureFactory()
    batch = ImportBatch.objects.create(
        event=event, file_name="list.csv", file_hash="0" * 64,
        expires_at=timezone.now() + datetime.timedelta(hours=1),
        rows=[{"n": 2, "values": {"name": SECRET_NAME}, "status": "new", "errors": [],
               "match": None, "duplicates": []}],
        counts={"new": 1},
    )
    return {"participant": participant, "other": other, "event": event, "seizure": seizure,
            "batch": batch}


def officer_pages(r):
    """(url, shows personal data) for every officer page."""
    p, e, s = r["participant"], r["event"], r["seizure"]
    return [
        (reverse("activities:workspace"), False),
        (reverse("activities:event_create"), False),
        (reverse("activities:event_update", args=[e.slug]), True),
        (reverse("activities:event_history", args=[e.slug]), True),
        (reverse("activities:participant_import", args=[e.slug]), False),
        (reverse("activities:import_preview", args=[r["batch"].pk]), True),
        (reverse("activities:import_template", args=["xlsx"]), False),
        (reverse("activities:import_template", args=["csv"]), False),
        (reverse("activities:participant_list"), True),
        # Downloads (streamed: their personal data is checked in tests/portal/test_exports.py).
        (reverse("activities:participant_export", args=["csv"]), False),
        (reverse("activities:participant_export", args=["xlsx"]), False),
        (reverse("activities:participant_search") + "?q=Secretnameova", True),
        (reverse("activities:participant_duplicates"), False),
        (reverse("activities:participant_detail", args=[p.pk]), True),
        (reverse("activities:participant_update", args=[p.pk]), True),
        (reverse("activities:participant_history", args=[p.pk]), True),
        (reverse("activities:participant_merge", args=[p.pk, r["other"].pk]), True),
        (reverse("activities:seizure_create"), False),
        (reverse("activities:seizure_update", args=[s.pk]), False),
        (reverse("activities:seizure_history", args=[s.pk]), False),
        (reverse("activities:organisation_create"), False),
        (reverse("activities:person_create"), False),
    ]


def test_anonymous_visitor_is_sent_to_sign_in_from_every_officer_page(client, records):
    for url, _ in officer_pages(records):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_donor_gets_403_and_no_personal_data_on_every_officer_page(client, donor_user,
                                                                    records):
    client.force_login(donor_user)
    for url, _ in officer_pages(records):
        response = client.get(url)
        assert response.status_code == 403, url
        assert SECRET_NAME not in response.content.decode(), url


def test_signed_in_user_without_a_role_gets_403(client, records):
    client.force_login(factories.UserFactory(username="member-of-public"))
    for url, _ in officer_pages(records):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_officers_and_admins_get_every_page_with_personal_data(client, records, role,
                                                               officer_user, admin_user):
    client.force_login(officer_user if role == "officer" else admin_user)
    for url, personal in officer_pages(records):
        response = client.get(url)
        assert response.status_code == 200, url
        if personal:
            assert SECRET_NAME in response.content.decode(), url


def test_officer_post_without_csrf_token_is_refused(records, officer_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_user)
    response = client.post(reverse("activities:seizure_create"), {"quantity": "1"})
    assert response.status_code == 403


def test_officer_group_cannot_change_donors_or_contributions(officer_user):
    assert not officer_user.has_perm("donors.change_contribution")
    assert not officer_user.has_perm("donors.add_contribution")
    assert not officer_user.has_perm("donors.change_donor")
    assert Group.objects.get(name="Programme officers") in officer_user.groups.all()


def test_unknown_records_give_the_styled_404(client, officer_user):
    client.force_login(officer_user)
    for url in ["/events/no-such-event/edit/", "/participants/999999/",
                "/participants/999999/merge/999998/", "/seizures/999999/edit/",
                "/imports/999999/", "/imports/template.pdf", "/events/no-such/history/"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Main navigation" in response.content.decode()


def test_navigation_shows_the_workspace_only_to_those_who_record_events(client, officer_user,
                                                                       donor_user):
    client.force_login(officer_user)
    assert reverse("activities:workspace") in client.get("/").content.decode()
    client.force_login(donor_user)
    assert reverse("activities:workspace") not in client.get("/").content.decode()


def test_every_officer_url_has_an_access_expectation(records):
    from django.urls import resolve

    from activities.urls import officer_urlpatterns

    covered = {resolve(url.split("?")[0]).url_name for url, _ in officer_pages(records)}
    covered |= {resolve(url).url_name for url in POST_ONLY}
    assert {pattern.name for pattern in officer_urlpatterns} == covered


POST_ONLY = [reverse_lazy("activities:participant_duplicates_dismiss")]


def test_post_only_officer_actions_refuse_anonymous_and_donors(client, donor_user, records):
    for url in POST_ONLY:
        response = client.post(url, {"match_key": "x", "records": "2"})
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("login"))
        client.force_login(donor_user)
        assert client.post(url, {"match_key": "x", "records": "2"}).status_code == 403
        client.logout()
