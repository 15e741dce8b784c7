import pytest
from django.contrib.auth.models import Group

from tests import factories


@pytest.fixture
def admin_user(db):
    return factories.UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def donor_user(db):
    """A user linked to one donor (the Donors group is added when it exists)."""
    account = factories.DonorAccountFactory(user__username="donor")
    group = Group.objects.filter(name="Donors").first()
    if group:
        account.user.groups.add(group)
    return account.user


@pytest.fixture
def officer_user(db):
    user = factories.UserFactory(username="officer")
    group = Group.objects.filter(name="Programme officers").first()
    if group:
        user.groups.add(group)
    return user


@pytest.fixture
def officer_client(client, officer_user):
    client.force_login(officer_user)
    return client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Sign-in tests hash many passwords; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
