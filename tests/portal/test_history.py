"""History: every change to the tracked models is recorded with who and when, viewable in the
admin, and an earlier version — of a deleted record too — can be restored."""

import pytest
from django.urls import reverse

from activities.models import Event, Participant, Participation, Project, Seizure
from donors.models import Contribution
from tests import factories

pytestmark = pytest.mark.django_db


def change_form_data(response):
    """The values a rendered admin form holds, ready to post back."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    return data


@pytest.mark.parametrize(
    ("model", "factory"),
    [(Project, factories.ProjectFactory), (Event, factories.EventFactory),
     (Participant, factories.ParticipantFactory), (Participation, factories.ParticipationFactory),
     (Seizure, factories.SeizureFactory), (Contribution, factories.ContributionFactory)],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_tracked_models_record_creation_edit_and_deletion(model, factory):
    obj = factory()
    obj.save()
    pk = obj.pk
    obj.delete()
    kinds = list(model.history.filter(id=pk).order_by("history_id").values_list(
        "history_type", flat=True))
    assert kinds == ["+", "~", "-"]


def test_admin_edit_is_recorded_with_who_and_when(admin_client, admin_user):
    event = factories.EventFactory(title="Planning for success")
    url = reverse("admin:activities_event_change", args=[event.pk])
    data = change_form_data(admin_client.get(url))
    data.update({"title_en": "Planning for Success (revised)",
                 "trainer_links-TOTAL_FORMS": "0", "trainer_links-INITIAL_FORMS": "0",
                 "participations-TOTAL_FORMS": "0", "participations-INITIAL_FORMS": "0"})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = event.history.first()
    assert latest.title_en == "Planning for Success (revised)"
    assert latest.history_user == admin_user
    assert latest.history_type == "~"
    history_page = admin_client.get(reverse("admin:activities_event_history", args=[event.pk]))
    assert "Planning for Success (revised)" in history_page.content.decode()
    assert admin_user.username in history_page.content.decode()


def test_admin_restores_an_earlier_version(admin_client):
    seizure = factories.SeizureFactory(quantity=40, unit="t")
    original = seizure.history.first()
    seizure.quantity = 4
    seizure.save()
    url = reverse("admin:activities_seizure_simple_history", args=[seizure.pk, original.history_id])
    data = change_form_data(admin_client.get(url))
    response = admin_client.post(url, data)
    assert response.status_code == 302
    seizure.refresh_from_db()
    assert seizure.quantity == 40
    assert seizure.quantity_kg == 40000
    assert seizure.history.count() == 3


def test_admin_finds_and_restores_a_deleted_record(admin_client):
    contribution = factories.ContributionFactory(key="tika-dogs", in_kind_description="Two dogs")
    pk = contribution.pk
    admin_client.post(
        reverse("admin:donors_contribution_delete", args=[pk]), {"post": "yes"}
    )
    assert not Contribution.objects.filter(pk=pk).exists()

    log = admin_client.get(
        reverse("admin:donors_historicalcontribution_changelist") + "?history_type__exact=-"
    )
    assert "tika-dogs" in log.content.decode()
    history = admin_client.get(reverse("admin:donors_contribution_history", args=[pk]))
    assert history.status_code == 200

    before_delete = Contribution.history.filter(id=pk).exclude(history_type="-").first()
    url = reverse("admin:donors_contribution_simple_history", args=[pk, before_delete.history_id])
    response = admin_client.post(url, change_form_data(admin_client.get(url)))
    assert response.status_code == 302
    restored = Contribution.objects.get(pk=pk)
    assert restored.in_kind_description == "Two dogs"
