"""History on the officers' pages: what changed, when and by whom; admins get a link to restore
an earlier version, which the admin's revert form then saves."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_event_history_shows_field_changes_who_and_participant_changes(client, officer_user):
    event = factories.EventFactory(title="Planning for success")
    event.title = "Planning for Success"
    event._change_reason = "Capitals"
    event.save()
    participation = factories.ParticipationFactory(event=event)
    client.force_login(officer_user)
    html = client.get(reverse("activities:event_history", args=[event.slug])).content.decode()
    assert "<del>Planning for success</del> → <ins>Planning for Success</ins>" in html
    assert "Capitals" in html
    assert "Added" in html and participation.participant.name in html
    assert "Restore this version" not in html  # officers are not admins


def test_foreign_keys_show_names_not_numbers(client, officer_user):
    first, second = factories.OrganisationFactory(name="First Agency"), \
        factories.OrganisationFactory(name="Second Agency")
    participant = factories.ParticipantFactory(organisation=first)
    participant.organisation = second
    participant.save()
    client.force_login(officer_user)
    html = client.get(reverse("activities:participant_history", args=[participant.pk]))
    assert "<del>First Agency (" in html.content.decode()
    assert "<ins>Second Agency (" in html.content.decode()


def test_admin_sees_restore_links_that_restore_the_version(admin_client):
    from tests.portal.test_history import change_form_data

    seizure = factories.SeizureFactory(quantity=40, unit="t")
    original = seizure.history.first()
    seizure.quantity = 4
    seizure.save()
    html = admin_client.get(reverse("activities:seizure_history", args=[seizure.pk]))
    restore = reverse("admin:activities_seizure_simple_history",
                      args=[seizure.pk, original.history_id])
    assert restore in html.content.decode()
    response = admin_client.post(restore, change_form_data(admin_client.get(restore)))
    assert response.status_code == 302
    seizure.refresh_from_db()
    assert seizure.quantity == 40


def test_participant_page_shows_recent_history_and_training_history(client, officer_user):
    participation = factories.ParticipationFactory(event__title="Dog-handler course")
    client.force_login(officer_user)
    html = client.get(participation.participant.get_absolute_url()).content.decode()
    assert "Dog-handler course" in html and "Recent changes" in html and "Created" in html


def test_a_record_written_without_history_has_pages_with_no_entries(client, officer_user):
    participant = factories.ParticipantFactory(name="Written In Bulk")
    participant.history.all().delete()  # as a bulk write or a restore without history leaves it
    client.force_login(officer_user)
    for name in ("activities:participant_detail", "activities:participant_history"):
        response = client.get(reverse(name, args=[participant.pk]))
        assert response.status_code == 200, name
        assert "Written In Bulk" in response.content.decode()
