"""Who may open each page of the activities app. Every URL of the app needs an entry here
(tests/portal/test_access_coverage.py walks the resolver)."""

import pytest

from tests import factories
from tests.pages import ROLES, assert_access, client_for

PUBLIC = dict.fromkeys(ROLES, 200)
# Officer pages: anonymous visitors are sent to sign in, donors get 403.
OFFICERS = {"anonymous": 302, "donor": 403, "officer": 200, "admin": 200}
POST_ONLY = {"anonymous": 302, "donor": 403, "officer": 405, "admin": 405}


def _batch():
    import datetime

    from django.utils import timezone

    from activities.models import ImportBatch

    batch = ImportBatch.objects.create(
        event=factories.EventFactory(), file_name="list.csv", file_hash="0" * 64,
        expires_at=timezone.now() + datetime.timedelta(hours=1), rows=[], counts={},
    )
    return [batch.pk]


def _two_participants():
    first = factories.ParticipantFactory()
    return [first.pk, factories.ParticipantFactory(organisation=first.organisation).pk]

# URL name -> (function making the URL's arguments, expected status per role)
EXPECTATIONS = {
    "activities:article_list": (list, PUBLIC),
    "activities:article_detail": (lambda: [factories.ArticleFactory().slug], PUBLIC),
    "activities:project_list": (list, PUBLIC),
    "activities:project_export": (lambda: ["csv"], PUBLIC),
    "activities:project_detail": (lambda: [factories.ProjectFactory().code], PUBLIC),
    "activities:event_list": (list, PUBLIC),
    "activities:event_export": (lambda: ["xlsx"], PUBLIC),
    "activities:event_detail": (lambda: [factories.EventFactory().slug], PUBLIC),
    "activities:seizure_list": (list, PUBLIC),
    "activities:seizure_export": (lambda: ["csv"], PUBLIC),
    "activities:seizure_detail": (lambda: [factories.SeizureFactory().pk], PUBLIC),
    "activities:person_detail": (lambda: [factories.PersonFactory().slug], PUBLIC),
    "activities:organisation_detail": (lambda: [factories.OrganisationFactory().slug], PUBLIC),
    "activities:workspace": (list, OFFICERS),
    "activities:event_create": (list, OFFICERS),
    "activities:event_update": (lambda: [factories.EventFactory().slug], OFFICERS),
    "activities:event_history": (lambda: [factories.EventFactory().slug], OFFICERS),
    "activities:participant_import": (lambda: [factories.EventFactory().slug], OFFICERS),
    "activities:import_preview": (_batch, OFFICERS),
    "activities:import_template": (lambda: ["csv"], OFFICERS),
    "activities:participant_list": (list, OFFICERS),
    "activities:participant_export": (lambda: ["csv"], OFFICERS),
    "activities:participant_search": (list, OFFICERS),
    "activities:participant_duplicates": (list, OFFICERS),
    "activities:participant_duplicates_dismiss": (list, POST_ONLY),
    "activities:participant_detail": (lambda: [factories.ParticipantFactory().pk], OFFICERS),
    "activities:participant_update": (lambda: [factories.ParticipantFactory().pk], OFFICERS),
    "activities:participant_history": (lambda: [factories.ParticipantFactory().pk], OFFICERS),
    "activities:participant_merge": (_two_participants, OFFICERS),
    "activities:seizure_create": (list, OFFICERS),
    "activities:seizure_update": (lambda: [factories.SeizureFactory().pk], OFFICERS),
    "activities:seizure_history": (lambda: [factories.SeizureFactory().pk], OFFICERS),
    "activities:organisation_create": (list, OFFICERS),
    "activities:person_create": (list, OFFICERS),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(EXPECTATIONS))
def test_page_answers_each_role_as_expected(name, role, client, request):
    assert_access(EXPECTATIONS, name, role, client, request)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_officer_actions_on_public_pages_show_only_to_those_who_may_edit(role, client, request):
    from django.urls import reverse

    event, seizure = factories.EventFactory(), factories.SeizureFactory()
    client = client_for(role, client, request)
    event_page = client.get(event.get_absolute_url()).content.decode()
    seizure_page = client.get(seizure.get_absolute_url()).content.decode()
    may_edit = role in {"officer", "admin"}
    assert (reverse("activities:event_update", args=[event.slug]) in event_page) is may_edit
    assert (reverse("activities:event_history", args=[event.slug]) in event_page) is may_edit
    assert (reverse("activities:seizure_update", args=[seizure.pk]) in seizure_page) is may_edit
