"""manage.py adduser and seed_demo."""

import os
import stat
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q

from activities.matching import match_key
from activities.models import Event, Organisation, Participant, Participation, Project, Seizure
from donors.models import Contribution, Donor, donor_for
from tests import factories
from unodc_portal.core.roles import can_see_personal_data, is_demo_user, is_officer
from unodc_portal.site.demo import read_passwords

pytestmark = pytest.mark.django_db
User = get_user_model()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def password(monkeypatch):
    monkeypatch.setenv("PORTAL_USER_PASSWORD", "a-long-enough-passphrase")


def test_adduser_creates_each_role(password, roles):
    donor = factories.DonorFactory(slug="canada")
    call_command("adduser", "olga", role="officer")
    call_command("adduser", "ottawa", role="donor", donor="canada")
    call_command("adduser", "root", role="admin")
    olga, ottawa, root = (User.objects.get(username=n) for n in ["olga", "ottawa", "root"])
    assert is_officer(olga) and olga.check_password("a-long-enough-passphrase")
    assert donor_for(ottawa) == donor and not can_see_personal_data(ottawa)
    assert root.is_staff and root.is_superuser


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"role": "donor"}, "needs --donor"),
        ({"role": "donor", "donor": "atlantis"}, "No donor with slug 'atlantis'"),
        ({"role": "officer", "donor": "canada"}, "only for --role donor"),
    ],
)
def test_adduser_refuses_bad_arguments(password, kwargs, message):
    with pytest.raises(CommandError, match=message):
        call_command("adduser", "someone", **kwargs)
    assert not User.objects.filter(username="someone").exists()


def test_adduser_refuses_a_weak_password_and_an_existing_user(monkeypatch):
    monkeypatch.setenv("PORTAL_USER_PASSWORD", "123")
    with pytest.raises(CommandError, match="Password refused"):
        call_command("adduser", "weak", role="officer")
    factories.UserFactory(username="taken")
    with pytest.raises(CommandError, match="already exists"):
        call_command("adduser", "taken", role="officer")


def test_adduser_prompts_twice_without_the_variable(monkeypatch):
    monkeypatch.delenv("PORTAL_USER_PASSWORD", raising=False)
    answers = iter(["a-long-enough-passphrase", "different-passphrase"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="differ"):
        call_command("adduser", "typo", role="officer")


def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DJANGO_DEBUG=1"):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.fixture
def bulletin(roles):
    donor = factories.DonorFactory(slug="united-kingdom", name="United Kingdom")
    factories.ContributionFactory(donor=donor)
    factories.EventFactory.create_batch(3)
    factories.OrganisationFactory.create_batch(3, kind="government")
    factories.SubstanceFactory()


def test_seed_demo_makes_its_own_records_and_attaches_nothing_to_the_real_record(
    settings, bulletin, capsys
):
    real_events = set(Event.objects.values_list("pk", flat=True))
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    demo = Participant.objects.filter(is_demo=True)
    assert 300 <= demo.count() < 400
    assert not Participant.objects.filter(is_demo=False).exists()
    assert all(p.email.endswith("@example.invalid") for p in demo if p.email)
    # Participations only at demo events, none at the bulletin's.
    assert Participation.objects.exists()
    assert not Participation.objects.filter(event__in=real_events).exists()
    assert not Participation.objects.filter(Q(is_demo=False) | Q(event__is_demo=False)).exists()
    for model in (Project, Event, Organisation, Seizure, Donor, Contribution):
        records = model.objects.filter(is_demo=True)
        assert records.exists(), model
        assert all(str(r).startswith("Demo —") or "demo" in str(r).lower() for r in records)
    # The demo donor account acts for the demo donor, with one unpublished contribution.
    donor_user = User.objects.get(username="demo-donor")
    assert donor_for(donor_user).is_demo
    assert "acts for Demo — Donor" in out
    unpublished = Contribution.objects.get(is_demo=True, is_published=False)
    assert unpublished.donor == donor_for(donor_user)
    assert unpublished in Contribution.objects.visible_to(donor_user)
    # The only likely duplicates are the spelling variants seeded on purpose.
    from activities.selectors import duplicate_groups

    officer = User.objects.get(username="demo-officer")
    groups = {(g["match_key"], g["records"]) for g in duplicate_groups(officer)}
    assert groups == {(match_key("Alisher Usmonov"), 3), (match_key("Madina Yusupova"), 2)}
    assert duplicate_groups(AnonymousUser()) == []
    assert is_officer(officer) and is_demo_user(officer)
    assert User.objects.get(username="demo-admin").is_superuser

    counts = {model: model.objects.count() for model in
              (User, Participant, Participation, Contribution, Event, Project, Organisation)}
    call_command("seed_demo")
    assert {model: model.objects.count() for model in counts} == counts


def test_seed_demo_passwords_are_generated_per_installation_into_an_owner_only_file(
    settings, roles, capsys, demo_accounts_file
):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert str(demo_accounts_file) in out
    assert all(name in out for name in ["demo-officer", "demo-donor", "demo-admin"])
    assert stat.S_IMODE(os.stat(demo_accounts_file).st_mode) == 0o600
    passwords = read_passwords()
    assert set(passwords) == {"demo-officer", "demo-donor", "demo-admin"}
    assert len(set(passwords.values())) == 3
    for name, password in passwords.items():
        assert len(password) >= 20 and password not in out
        assert User.objects.get(username=name).check_password(password)
    # No password is a constant of the code or the README.
    source = (ROOT / "unodc_portal/site/management/commands/seed_demo.py").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "demo-officer-password" not in source + readme
    # Run again: the same passwords, the file's path and the names printed again.
    call_command("seed_demo")
    again = capsys.readouterr().out
    assert str(demo_accounts_file) in again and "demo-admin" in again
    assert read_passwords() == passwords
    assert User.objects.get(username="demo-admin").check_password(passwords["demo-admin"])
    # Another installation gets other passwords.
    demo_accounts_file.unlink()
    User.objects.filter(username__startswith="demo-").delete()
    call_command("seed_demo")
    assert set(read_passwords().values()).isdisjoint(passwords.values())


def test_the_demo_accounts_file_is_ignored_by_git():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", ".demo-accounts"], cwd=ROOT, check=False
    )
    assert ignored.returncode == 0


def test_seed_demo_without_the_bulletin_still_makes_its_own_world(settings, roles, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    assert User.objects.filter(username="demo-donor").exists()
    assert Participant.objects.filter(is_demo=True).count() >= 300
    assert Event.objects.filter(is_demo=False).count() == 0
