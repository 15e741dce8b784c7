"""manage.py adduser and seed_demo."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from activities.matching import match_key
from activities.models import Participant, Participation
from donors.models import Contribution, donor_for
from tests import factories
from unodc_portal.roles import can_see_personal_data, is_officer

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def password(monkeypatch):
    monkeypatch.setenv("PORTAL_USER_PASSWORD", "a-long-enough-passphrase")


def test_adduser_creates_each_role(password):
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
def bulletin(db):
    donor = factories.DonorFactory(slug="united-kingdom", name="United Kingdom")
    factories.ContributionFactory(donor=donor)
    factories.EventFactory.create_batch(3)
    factories.OrganisationFactory.create_batch(3, kind="government")


def test_seed_demo_creates_accounts_participants_and_an_unpublished_figure_once(
    settings, bulletin, capsys
):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "demo-officer / demo-officer-password" in out
    assert "acts for United Kingdom" in out
    demo = Participant.objects.filter(is_demo=True)
    assert 300 <= demo.count() < 400
    assert not Participant.objects.filter(is_demo=False).exists()
    assert Participation.objects.filter(participant__is_demo=True).exists()
    # The only likely duplicates are the spelling variants seeded on purpose.
    from activities.views_officer import duplicate_groups

    groups = {(g["match_key"], g["records"]) for g in duplicate_groups()}
    assert groups == {(match_key("Alisher Usmonov"), 3), (match_key("Madina Yusupova"), 2)}
    donor_user = User.objects.get(username="demo-donor")
    unpublished = Contribution.objects.get(key="demo-unpublished-contribution")
    assert not unpublished.is_published and unpublished.donor == donor_for(donor_user)
    assert unpublished in Contribution.objects.visible_to(donor_user)
    assert is_officer(User.objects.get(username="demo-officer"))
    assert User.objects.get(username="demo-admin").is_superuser

    counts = (User.objects.count(), Participant.objects.count(),
              Participation.objects.count(), Contribution.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Participant.objects.count(),
            Participation.objects.count(), Contribution.objects.count()) == counts


def test_seed_demo_without_bulletin_donors_says_so_and_creates_nothing_broken(
    settings, capsys
):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "No bulletin donor is loaded" in out
    assert "No events or organisations are loaded" in out
    assert not User.objects.filter(username="demo-donor").exists()
    assert User.objects.filter(username="demo-officer").exists()
