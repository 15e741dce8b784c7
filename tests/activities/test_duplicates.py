"""Likely duplicates: the same person written with different case, spacing, diacritics, or in
Cyrillic and Latin, in the same organisation — and names that must stay apart."""

import pytest
from django.urls import reverse

from activities.matching import match_key, name_key
from activities.models import Participant, Participation
from activities.services import participant_merge
from tests import factories


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Усмонов", "Usmonov"), ("Usmonov", "Usmanov"), ("Усмонов", "Usmanov"),
        ("Юсупова", "Yusupova"), ("Ахмедов", "Akhmedov"), ("Akhmedov", "Ahmedov"),
        ("Ахмедов", "Ahmedov"), ("Alisher Usmonov", "USMONOV   alisher"),
        ("Хасанов", "Xasanov"), ("Джамшид", "Jamshid"), ("Ёркин", "Yorkin"),
        ("Iusupova", "Yusupova"), ("Müller", "Muller"), ("Gulnora", "Gulnara"),
        ("Akhmeddov", "Akhmedov"), ("O‘ktam", "Oktam"),
    ],
)
def test_spellings_of_one_name_share_the_matching_key(a, b):
    assert match_key(a) == match_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Usmonov", "Usmonova"),          # a man and a woman of one family
        ("Yusupov", "Yusupova"),
        ("Karimov", "Rahimov"),
        ("Alisher Usmonov", "Aziz Usmonov"),
        ("Sharipov", "Saripov"),
        ("Ali", "Ala"),
        ("Alisher Usmonov", "Alisher"),
        ("Ivanov", "Ivanova"),
    ],
)
def test_different_people_with_similar_names_do_not_match(a, b):
    assert match_key(a) != match_key(b)


def test_name_key_ignores_only_case_spacing_and_accents():
    assert name_key("  Zoë   MÜLLER ") == name_key("zoe muller")
    assert name_key("Usmonov") != name_key("Usmanov")


pytestmark = pytest.mark.django_db


def test_participants_are_likely_duplicates_only_in_the_same_organisation():
    agency, other_agency = factories.OrganisationFactory.create_batch(2)
    latin = factories.ParticipantFactory(name="Alisher Usmonov", organisation=agency)
    cyrillic = factories.ParticipantFactory(name="Усмонов Алишер", organisation=agency)
    elsewhere = factories.ParticipantFactory(name="Alisher Usmanov", organisation=other_agency)
    assert list(Participant.objects.likely_duplicates_of(latin)) == [cyrillic]
    assert not Participant.objects.likely_duplicates_of(elsewhere).exists()


def test_keys_follow_a_renamed_participant():
    participant = factories.ParticipantFactory(name="Akhmedov")
    participant.name = "Юсупова"
    participant.save()
    participant.refresh_from_db()
    assert participant.match_key == match_key("Yusupova")


def test_duplicate_check_is_answered_by_the_matching_index(db):
    """The lookup that entry, import and review make uses the (match_key, organisation) index
    rather than reading the table (the benchmark measures it on 200,000 records)."""
    from django.db import connection

    organisation = factories.OrganisationFactory()
    people = [Participant(name=f"Alisher {factories.synthetic_surname(i)}",
                          organisation=organisation)
              for i in range(20_000)]
    for person in people:
        person.fill_derived_fields()
    Participant.objects.bulk_create(people, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    probe = Participant(name=f"Alisher {factories.synthetic_surname(777)}",
                        organisation=organisation)
    probe.fill_derived_fields()
    plan = Participant.objects.likely_duplicates_of(probe).explain()
    assert "activities_particip_match_idx" in plan, plan


# --------------------------------------------------------------------------------------------
# Merging
# --------------------------------------------------------------------------------------------
@pytest.fixture
def pair(db):
    agency = factories.OrganisationFactory()
    keep = factories.ParticipantFactory(name="Alisher Usmonov", organisation=agency, email="",
                                        phone="", position="", sex="not_recorded")
    other = factories.ParticipantFactory(name="Усмонов Алишер", organisation=agency,
                                         email="a.usmonov@example.org", phone="+998 90 1234567",
                                         position="Inspector", sex="male")
    return keep, other


def test_merge_moves_participations_fills_empty_fields_and_records_history(pair):
    keep, other = pair
    only_other = factories.ParticipationFactory(participant=other, status="attended")
    both_event = factories.EventFactory()
    factories.ParticipationFactory(participant=keep, event=both_event, status="registered")
    factories.ParticipationFactory(participant=other, event=both_event, status="attended")
    other_pk = other.pk

    kept = participant_merge(keep=keep, other=other)

    assert not Participant.objects.filter(pk=other_pk).exists()
    assert kept.email == "a.usmonov@example.org" and kept.phone == "+998 90 1234567"
    assert kept.position == "Inspector" and kept.sex == "male"
    assert kept.name == "Alisher Usmonov"
    statuses = dict(kept.participations.values_list("event", "status"))
    assert statuses == {only_other.event_id: "attended", both_event.pk: "attended"}
    reason = f"Merged participant #{other_pk} (Усмонов Алишер) into #{kept.pk}"
    assert kept.history.first().history_change_reason == reason
    deleted = Participant.history.get(id=other_pk, history_type="-")
    assert deleted.history_change_reason == reason
    assert deleted.email == "a.usmonov@example.org"  # nothing lost: kept in history
    assert Participation.history.filter(history_change_reason=reason).count() == 3


def test_merge_keeps_the_kept_records_own_values(pair):
    keep, other = pair
    keep.email = "own@example.org"
    keep.save()
    kept = participant_merge(keep=keep, other=other)
    assert kept.email == "own@example.org"


def test_merge_is_one_transaction(pair, monkeypatch):
    keep, other = pair
    factories.ParticipationFactory(participant=other)
    from activities import services

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Participant, "delete", boom)
    with pytest.raises(RuntimeError):
        services.participant_merge(keep=keep, other=other)
    assert other.participations.count() == 1
    keep.refresh_from_db()
    assert keep.email == ""


def test_officer_merges_from_the_comparison_page(client, officer_user, pair):
    keep, other = pair
    client.force_login(officer_user)
    url = reverse("activities:participant_merge", args=[keep.pk, other.pk])
    page = client.get(url)
    assert "Усмонов Алишер" in page.content.decode()
    response = client.post(url, {"keep": str(other.pk)})
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:participant_detail", args=[other.pk])
    assert not Participant.objects.filter(pk=keep.pk).exists()


def test_merge_page_refuses_a_record_not_in_the_pair(client, officer_user, pair):
    keep, other = pair
    client.force_login(officer_user)
    url = reverse("activities:participant_merge", args=[keep.pk, other.pk])
    response = client.post(url, {"keep": "999999"})
    assert response.status_code == 200
    assert response.context["form"].errors["keep"]
    assert Participant.objects.filter(pk__in=[keep.pk, other.pk]).count() == 2


def test_duplicate_review_lists_the_pair(client, officer_user, pair):
    client.force_login(officer_user)
    html = client.get(reverse("activities:participant_duplicates")).content.decode()
    keep, other = pair
    assert reverse("activities:participant_merge", args=[keep.pk, other.pk]) in html


def test_search_as_you_type_finds_cyrillic_and_latin_spellings(client, officer_user, pair):
    client.force_login(officer_user)
    response = client.get(reverse("activities:participant_search"), {"q": "Усмонов"})
    names = {r["name"] for r in response.json()["results"]}
    assert names == {"Alisher Usmonov", "Усмонов Алишер"}
    assert client.get(reverse("activities:participant_search"), {"q": "U"}).json() == {
        "results": []}


def test_officer_marks_a_group_as_different_people_until_it_grows(client, officer_user, pair):
    keep, other = pair
    client.force_login(officer_user)
    url = reverse("activities:participant_duplicates")
    response = client.post(reverse("activities:participant_duplicates_dismiss"), {
        "organisation": keep.organisation_id, "match_key": keep.match_key, "records": "2"})
    assert response["Location"] == url
    assert reverse("activities:participant_merge", args=[keep.pk, other.pk]) not in \
        client.get(url).content.decode()
    third = factories.ParticipantFactory(name="Usmanov Alisher", organisation=keep.organisation)
    html = client.get(url).content.decode()
    assert reverse("activities:participant_merge", args=[keep.pk, third.pk]) in html


# --------------------------------------------------------------------------------------------
# One rule, three places: the event page, the import and the review list agree
# --------------------------------------------------------------------------------------------
def test_event_page_import_and_review_list_find_the_same_likely_duplicates(
    client, officer_user
):
    from activities.models import ImportBatch
    from tests.activities.test_event_entry import add_new, event_data
    from tests.activities.test_import import csv_file, upload

    agency = factories.OrganisationFactory(name="Drug Control Agency", acronym="DCA")
    other_agency = factories.OrganisationFactory(name="Border Service", acronym="BS")
    latin = factories.ParticipantFactory(name="Alisher Usmonov", organisation=agency)
    cyrillic = factories.ParticipantFactory(name="Усмонов Алишер", organisation=agency)
    alone = factories.ParticipantFactory(name="Alisher Usmanov", organisation=other_agency)
    factories.ParticipantFactory(name="Alisher Usmonova", organisation=agency)  # another person
    client.force_login(officer_user)

    # The review list: one group, the two records in one organisation.
    review = client.get(reverse("activities:participant_duplicates"))
    assert [[p.pk for p in members] for members in review.context["groups"]] == [
        [latin.pk, cyrillic.pk]]

    # The event page: a new "Usmanov Alisher" at the agency is refused, naming the same two;
    # at the other agency, naming the one record there.
    data = event_data()
    add_new(data, [{"name": "Usmanov Alisher", "organisation": str(agency.pk)},
                   {"name": "USMONOV Alisher", "organisation": str(other_agency.pk)}])
    page = client.post(reverse("activities:event_create"), data)
    assert page.status_code == 400
    rows = page.context["new_participants"].forms
    assert f"Alisher Usmonov (No. {latin.pk}); Усмонов Алишер (No. {cyrillic.pk})." in \
        rows[0].errors["name"][0]
    assert f"Alisher Usmanov (No. {alone.pk})." in rows[1].errors["name"][0]

    # The import: the same rows are likely duplicates of the same records.
    event = factories.EventFactory()
    upload(client, event, csv_file([["Usmanov Alisher", "", "DCA", "", "", "", ""],
                                    ["USMONOV Alisher", "", "BS", "", "", "", ""]]))
    first, second = ImportBatch.objects.get(event=event).rows
    assert first["status"] == second["status"] == "duplicate"
    assert [d["id"] for d in first["duplicates"]] == [latin.pk, cyrillic.pk]
    assert [d["id"] for d in second["duplicates"]] == [alone.pk]

    # And the rule itself, asked directly.
    from activities.matching import duplicate_key

    found = Participant.objects.likely_duplicates([
        duplicate_key(agency.pk, "Usmanov Alisher"),
        duplicate_key(other_agency.pk, "USMONOV Alisher"),
        duplicate_key(None, "Usmanov Alisher"),
    ])
    assert {key: [p.pk for p in records] for key, records in found.items()} == {
        duplicate_key(agency.pk, "Alisher Usmonov"): [latin.pk, cyrillic.pk],
        duplicate_key(other_agency.pk, "Alisher Usmanov"): [alone.pk],
    }


def test_likely_duplicates_without_an_organisation_are_those_without_one(db):
    from activities.matching import duplicate_key

    nowhere = factories.ParticipantFactory(name="Alisher Usmonov", organisation=None)
    factories.ParticipantFactory(name="Alisher Usmonov")  # in an organisation
    found = Participant.objects.likely_duplicates([duplicate_key(None, "Usmanov Alisher")])
    assert found == {(None, match_key("Alisher Usmonov")): [nowhere]}
    assert Participant.objects.likely_duplicates([]) == {}


def test_the_different_people_mark_is_written_by_its_service(client, officer_user, pair,
                                                            monkeypatch):
    from activities import services

    keep, _other = pair
    calls = []
    real = services.duplicate_dismiss
    monkeypatch.setattr(services, "duplicate_dismiss",
                        lambda **kwargs: calls.append(kwargs) or real(**kwargs))
    client.force_login(officer_user)
    client.post(reverse("activities:participant_duplicates_dismiss"), {
        "organisation": keep.organisation_id, "match_key": keep.match_key, "records": "2"})
    assert len(calls) == 1
    assert (calls[0]["organisation"], calls[0]["match_key"], calls[0]["records"],
            calls[0]["user"]) == (keep.organisation, keep.match_key, 2, officer_user)


def test_duplicate_dismiss_replaces_an_earlier_decision_on_the_same_group(pair, officer_user):
    from activities.models import DuplicateDismissal
    from activities.services import duplicate_dismiss

    keep, _other = pair
    duplicate_dismiss(organisation=keep.organisation, match_key=keep.match_key, records=2,
                      user=officer_user)
    duplicate_dismiss(organisation=keep.organisation, match_key=keep.match_key, records=3,
                      user=officer_user)
    dismissal = DuplicateDismissal.objects.get()
    assert (dismissal.records, dismissal.dismissed_by) == (3, officer_user)


@pytest.mark.django_db
def test_the_workspace_counts_groups_to_review_up_to_a_limit(officer_client, monkeypatch):
    from activities import selectors

    organisation = factories.OrganisationFactory()
    for name in ("Aibek Asanov", "Bakyt Beishenov", "Chingiz Chotbaev"):
        factories.ParticipantFactory.create_batch(2, name=name, organisation=organisation)
    workspace = reverse("activities:workspace")
    assert "Likely duplicates (3)" in officer_client.get(workspace).content.decode()
    monkeypatch.setattr(selectors, "DUPLICATE_GROUPS_COUNTED", 2)
    assert "Likely duplicates (more than 2)" in officer_client.get(workspace).content.decode()
    monkeypatch.setattr(selectors, "DUPLICATE_GROUPS_COUNTED", 3)
    assert "Likely duplicates (3)" in officer_client.get(workspace).content.decode()
