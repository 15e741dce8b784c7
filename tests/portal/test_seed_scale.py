"""``manage.py seed_scale``: synthetic data at programme scale, sized, varied, derived fields as a
save fills them, never mixed with real or demo records, and ``make serve``'s guard."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from activities.models import Country, Event, Participant, Participation, Seizure, quantity_in_kg
from donors.models import Contribution, Donor, ExchangeRate
from tests import access, factories
from unodc_portal.core.models import SyntheticData
from unodc_portal.site.synthetic_safety import SYNTHETIC_DOMAIN

SMALL = {"events": 14, "participants": 40, "participations": 50, "seizures": 12,
         "contributions": 30}
CYRILLIC = re.compile("[а-яА-ЯёЁ]")


def seed(**options):
    """Run seed_scale at the small sizes; its progress line is returned."""
    stderr = io.StringIO()
    call_command("seed_scale", **{**SMALL, **options}, stdout=io.StringIO(), stderr=stderr)
    return stderr.getvalue()


def synthetic(model, field):
    return model.objects.filter(**{f"{field}__startswith": "synthetic-"})


@pytest.fixture
def seeded(db):
    return seed()


def test_the_sizes_asked_for_are_made(seeded):
    assert synthetic(Event, "slug").count() == SMALL["events"]
    assert Participant.objects.filter(email__endswith=SYNTHETIC_DOMAIN).count() == 40
    assert Participation.objects.count() == SMALL["participations"]
    assert synthetic(Seizure, "key").count() == SMALL["seizures"]
    assert synthetic(Contribution, "key").count() == SMALL["contributions"]
    assert "participations" in seeded and "\r" in seeded and "100%" in seeded


def test_the_data_is_varied_as_a_programme_record_is(seeded):
    assert set(Event.objects.values_list("kind", flat=True)) == set(Event.Kind.values)
    years = set(Event.objects.values_list("year", flat=True))
    assert min(years) >= 2008 and max(years) <= 2026
    countries = {c.code.code for c in Country.objects.filter(events__isnull=False)}
    assert {"KZ", "KG", "TJ", "TM", "UZ"} <= {
        c.code.code for c in Country.objects.filter(organisations__isnull=False)}
    assert countries & {"KZ", "KG", "TJ", "TM", "UZ"}
    assert len(set(Participation.objects.values_list("status", flat=True))) >= 2
    assert set(Contribution.objects.values_list("kind", flat=True)) >= {"cash", "in_kind"}
    assert set(Contribution.objects.values_list("is_published", flat=True)) == {True, False}
    assert len(set(Contribution.objects.exclude(currency="").values_list(
        "currency", flat=True))) >= 3
    assert not any(m.objects.filter(is_demo=True).exists()
                   for m in (Event, Participant, Participation, Seizure, Contribution, Donor))


def test_names_come_in_both_scripts_with_variants_the_duplicate_rule_groups(db):
    seed(participants=300, participations=300)
    names = list(Participant.objects.values_list("name", flat=True))
    assert any(CYRILLIC.search(name) for name in names)
    assert any(not CYRILLIC.search(name) for name in names)
    groups = list(Participant.objects.duplicate_groups())
    assert groups, "spelling variants make likely duplicates"
    written = {
        tuple(sorted(Participant.objects.filter(
            organisation_id=g["organisation_id"], match_key=g["match_key"]
        ).values_list("name", flat=True)))
        for g in groups
    }
    assert any(len(set(names)) > 1 for names in written), "the same person written differently"


def test_derived_fields_equal_what_a_save_computes(seeded):
    for person in Participant.objects.all():
        stored = (person.name_key, person.match_key)
        person.fill_derived_fields()
        assert (person.name_key, person.match_key) == stored
    for event in Event.objects.all():
        if event.start_date:
            assert (event.year, event.month) == (event.start_date.year, event.start_date.month)
        else:
            assert event.year and event.month and event.date_wording
    for seizure in Seizure.objects.select_related("substance"):
        assert seizure.quantity_kg == quantity_in_kg(
            seizure.quantity, seizure.unit, seizure.substance.density_kg_per_l)[0]
        if seizure.date:
            assert seizure.year == seizure.date.year
    for contribution in Contribution.objects.all():
        if contribution.date:
            assert contribution.year == contribution.date.year
        if contribution.amount is not None:
            assert contribution.currency
        if contribution.currency not in ("", "USD"):
            month = (contribution.date.replace(day=1) if contribution.date
                     else datetime.date(contribution.year, 7, 1))  # donors.currency's rule
            assert ExchangeRate.objects.filter(
                currency=contribution.currency, month=month).exists()


def test_the_same_seed_makes_the_same_data(db):
    seed(seed=7)
    seed(seed=7)
    first, second = SyntheticData.objects.order_by("pk")
    names = [
        list(Participant.objects.filter(email__endswith=f"-{run.pk}{SYNTHETIC_DOMAIN}")
             .order_by("pk").values_list("name", "sex", "position"))
        for run in (first, second)
    ]
    assert names[0] == names[1] and len(names[0]) == SMALL["participants"]
    assert first.sizes == second.sizes


def test_the_database_is_marked_synthetic(db):
    assert not SyntheticData.objects.exists()
    seed(seed=3)
    (run,) = SyntheticData.objects.all()
    assert run.seed == 3 and run.sizes["participations"] == SMALL["participations"]


def test_it_runs_over_the_bulletin_with_debug_off(db, settings):
    settings.DEBUG = False
    call_command("load_fixtures", verbosity=0)
    seed()
    assert SyntheticData.objects.count() == 1


@pytest.mark.parametrize("debug", [True, False])
def test_it_refuses_a_database_with_real_records(db, settings, debug):
    settings.DEBUG = debug
    factories.EventFactory(title="An officer's own workshop")
    with pytest.raises(CommandError, match="neither the bulletin's") as refused:
        seed()
    assert ("debug on" if debug else "debug off") in str(refused.value)
    assert "1 events" in str(refused.value) and "load_fixtures" in str(refused.value)
    assert not SyntheticData.objects.exists() and not Participant.objects.exists()


def test_with_debug_off_any_record_beyond_the_bulletin_is_refused(db, settings):
    settings.DEBUG = False
    call_command("load_fixtures", verbosity=0)
    factories.DonorFactory()
    with pytest.raises(CommandError, match=r"debug off.*1 donors"):
        seed()
    assert not SyntheticData.objects.exists()


def test_it_refuses_a_database_with_demo_records(db, settings):
    settings.DEBUG = True
    factories.ParticipantFactory(is_demo=True)
    with pytest.raises(CommandError, match=r"demo records.*remove_demo"):
        seed()
    assert not SyntheticData.objects.exists()
    assert not Event.objects.exists()


def serve_guard(monkeypatch, host="127.0.0.1", allowed=None):
    if allowed is None:
        monkeypatch.delenv("SERVE_SYNTHETIC", raising=False)
    else:
        monkeypatch.setenv("SERVE_SYNTHETIC", allowed)
    call_command("serve_guard", host=host, stderr=io.StringIO())


def test_serve_guard_lets_a_real_database_be_served_anywhere(db, monkeypatch):
    serve_guard(monkeypatch, host="0.0.0.0")


def test_serve_guard_refuses_a_synthetic_database_unless_told(seeded, monkeypatch):
    with pytest.raises(CommandError, match=r"synthetic data.*SERVE_SYNTHETIC=1"):
        serve_guard(monkeypatch)
    with pytest.raises(CommandError, match="synthetic data"):
        serve_guard(monkeypatch, allowed="yes please")
    with pytest.raises(CommandError, match=r"127\.0\.0\.1 only"):
        serve_guard(monkeypatch, host="0.0.0.0", allowed="1")
    serve_guard(monkeypatch, allowed="1")


def test_make_serve_runs_the_guard_before_gunicorn():
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    recipe = makefile.split("\nserve:", 1)[1].split("\n\n", 1)[0]
    guard = recipe.index('SERVE_SYNTHETIC="$(SERVE_SYNTHETIC)" $(PY) manage.py serve_guard '
                         '--host "$(HOST)"')
    assert recipe.index("migrate") < guard < recipe.index("gunicorn")
    assert "--bind $(HOST):$(PORT)" in recipe


PUBLIC_PAGES = ["home", "activities:event_list", "activities:seizure_list",
                "activities:project_list", "donors:contribution_list", "donors:donor_list"]


@pytest.mark.parametrize("role", access.FIXTURE_ROLES)
def test_pages_render_over_synthetic_data_for_every_role(seeded, client, request, role):
    client = access.client_for_fixture(role, client, request)
    for name in PUBLIC_PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    event = synthetic(Event, "slug").filter(participations__isnull=False).first()
    page = client.get(event.get_absolute_url())
    assert page.status_code == 200
    assert event.title in page.content.decode()
    person = event.participations.first().participant
    seen = person.name in access.body_text(client.get(person.get_absolute_url()))
    assert seen == (role in access.PERSONAL_DATA_ROLES)
    for record in (synthetic(Seizure, "key").first(), Donor.objects.first(),
                   Contribution.objects.first().project):
        assert client.get(record.get_absolute_url()).status_code == 200


def test_records_carry_one_created_history_row_and_participations_none(seeded):
    for model in (Event, Participant, Seizure, Contribution):
        rows = model.history.filter(history_type="+")
        assert rows.count() == model.objects.count() == model.history.count()
        assert set(rows.values_list("history_change_reason", flat=True)) == {
            "Synthetic data (seed_scale)"}
    person = Participant.objects.first()
    assert person.history.get().name == person.name
    assert not Participation.history.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics are PostgreSQL's")
def test_the_tables_it_fills_have_planner_statistics(seeded):
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s",
                       [Participation._meta.db_table])
        (estimated,) = cursor.fetchone()
    assert estimated == Participation.objects.count()
