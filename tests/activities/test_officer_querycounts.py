"""Officers' list pages run the same number of queries at 1 and at 30 rows. Every page here
shows personal data, so two of its queries write the access log (the entry and its
participants, ``accesslog.log.write``)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import ImportBatch
from tests import factories
from tests.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db


def test_participant_register(officer_client):
    event = factories.EventFactory()

    def add(n):
        for _ in range(n):
            factories.ParticipationFactory(event=event)

    assert_constant_queries(officer_client, reverse("activities:participant_list"), add, 14)
    assert_constant_queries(
        officer_client, reverse("activities:participant_list") + f"?event={event.slug}&year=2011"
        "&sex=female&q=Participant", lambda n: None, 14)


def test_duplicate_review(officer_client):
    organisation = factories.OrganisationFactory()
    counter = iter(range(1000))

    def add(n):
        for _ in range(n):
            i = next(counter)
            name = "Alisher " + "".join("bdfgklmnprstvz"[int(d)] for d in f"{i:03d}") + "ov"
            factories.ParticipantFactory(name=name, organisation=organisation)
            factories.ParticipantFactory(name=name.upper(), organisation=organisation)

    assert_constant_queries(officer_client, reverse("activities:participant_duplicates"), add,
                            12)


def test_participant_training_history(officer_client):
    participant = factories.ParticipantFactory()

    def add(n):
        for _ in range(n):
            factories.ParticipationFactory(participant=participant)

    assert_constant_queries(officer_client, participant.get_absolute_url(), add, 14)


def test_event_history_with_participant_changes(officer_client):
    event = factories.EventFactory()

    def add(n):
        for _ in range(n):
            factories.ParticipationFactory(event=event)
            event.save()

    assert_constant_queries(officer_client, reverse("activities:event_history",
                                                    args=[event.slug]), add, 12)


def test_event_edit_page(officer_client):
    event = factories.EventFactory()

    def add(n):
        for _ in range(n):
            factories.ParticipationFactory(event=event)
            factories.EventTrainerOrganisationFactory(event=event)
            event.projects.add(factories.ProjectFactory())
            event.trainers.add(factories.PersonFactory())

    # The chosen projects, trainers and organisations only, each read once (issue 14).
    assert_constant_queries(officer_client, reverse("activities:event_update",
                                                    args=[event.slug]), add, 17)


def test_import_preview(officer_client):
    event = factories.EventFactory()
    batch = ImportBatch.objects.create(event=event, file_name="x.csv", file_hash="0" * 64,
                                       expires_at=timezone.now() + datetime.timedelta(hours=1))

    def add(n):
        batch.rows = batch.rows + [
            {"n": len(batch.rows) + 2 + i, "values": {"name": "X"}, "status": "new",
             "errors": [], "match": None, "duplicates": []} for i in range(n)]
        batch.save()

    assert_constant_queries(officer_client, batch.get_absolute_url(), add, 8)
