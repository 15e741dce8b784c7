"""After a merge, the kept record's page shows the other record's differing values — the other
spelling of the name, its e-mail, phone and position — as read from the removed record's
history rows: nothing new stores personal data."""

import pytest
from django.urls import reverse

from activities.history import merged_records, merged_values
from activities.models import Participant
from activities.services import participant_merge
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    agency = factories.OrganisationFactory()
    keep = factories.ParticipantFactory(
        name="Gulnara Usmonova", organisation=agency, email="g.usmonova@agency.example",
        phone="+996 555 000111", position="Inspector",
    )
    other = factories.ParticipantFactory(
        name="Гульнара Усмонова", organisation=agency, email="gulnara@mail.example",
        phone="+996 700 222333", position="Senior inspector",
    )
    return keep, other


def test_the_kept_records_page_shows_the_other_records_differing_values(
    pair, officer_client
):
    keep, other = pair
    response = officer_client.post(
        reverse("activities:participant_merge", args=[keep.pk, other.pk]), {"keep": keep.pk}
    )
    assert response.status_code == 302
    page = officer_client.get(keep.get_absolute_url()).content.decode()
    assert "From merged records" in page
    assert f"No. {other.pk} was merged into this one" in page
    for value in ["Гульнара Усмонова", "gulnara@mail.example", "+996 700 222333",
                  "Senior inspector"]:
        assert value in page
    # The kept record keeps its own values; the other's live only in the history table.
    keep.refresh_from_db()
    assert (keep.name, keep.email, keep.phone, keep.position) == (
        "Gulnara Usmonova", "g.usmonova@agency.example", "+996 555 000111", "Inspector")
    assert not Participant.objects.filter(email="gulnara@mail.example").exists()
    assert Participant.history.filter(id=other.pk, email="gulnara@mail.example").exists()


def test_values_the_kept_record_shares_or_took_over_are_not_repeated(officer_client):
    agency = factories.OrganisationFactory()
    keep = factories.ParticipantFactory(name="Aibek Sadykov", organisation=agency, email="",
                                        phone="+996 1", position="Officer")
    other = factories.ParticipantFactory(name="Aibek Sadykov", organisation=agency,
                                         email="aibek@example.org", phone="+996 1",
                                         position="Officer")
    kept = participant_merge(keep=keep, other=other)
    assert kept.email == "aibek@example.org"  # filled from the other
    assert merged_records(kept) == [other.pk]
    assert merged_values(kept) == []
    page = officer_client.get(kept.get_absolute_url()).content.decode()
    assert "None of their values differs from this record" in page


def test_values_merged_through_an_earlier_merge_are_shown_too(officer_client):
    agency = factories.OrganisationFactory()
    first, second, third = (
        factories.ParticipantFactory(name=name, organisation=agency, email=email)
        for name, email in [("Timur Ali", "t1@example.org"), ("Timur Aliev", "t2@example.org"),
                            ("Temur Aliyev", "t3@example.org")]
    )
    participant_merge(keep=second, other=third)
    kept = participant_merge(keep=first, other=second)
    assert merged_records(kept) == sorted([second.pk, third.pk])
    shown = {(v.label, v.value): v.records for v in merged_values(kept)}
    assert shown[("name", "Temur Aliyev")] == [third.pk]
    assert shown[("email", "t3@example.org")] == [third.pk]
    page = officer_client.get(kept.get_absolute_url()).content.decode()
    assert "Timur Aliev" in page and "Temur Aliyev" in page and "t2@example.org" in page


def test_a_record_without_merges_has_no_such_section(pair, officer_client):
    keep, _other = pair
    page = officer_client.get(keep.get_absolute_url()).content.decode()
    assert "From merged records" not in page
