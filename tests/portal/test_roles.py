import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission

from unodc_portal.roles import (
    DONOR_PERMISSIONS,
    DONORS_GROUP,
    OFFICER_PERMISSIONS,
    OFFICERS_GROUP,
    can_see_personal_data,
)

pytestmark = pytest.mark.django_db


def codenames(spec):
    return {
        f"{app}.{action}_{model}"
        for app, models in spec.items()
        for model, actions in models.items()
        for action in actions
    }


@pytest.mark.parametrize(
    ("group_name", "spec"),
    [(OFFICERS_GROUP, OFFICER_PERMISSIONS), (DONORS_GROUP, DONOR_PERMISSIONS)],
)
def test_migration_creates_groups_with_exactly_their_permissions(group_name, spec):
    # As on a fresh database: no groups and no permissions yet when the migration runs.
    Group.objects.all().delete()
    Permission.objects.all().delete()
    migration = importlib.import_module("activities.migrations.0002_roles")
    migration.create_groups(apps, schema_editor=None)
    group = Group.objects.get(name=group_name)
    held = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }
    assert held == codenames(spec)


def test_officers_may_not_edit_donors_or_contributions():
    held = codenames(OFFICER_PERMISSIONS)
    donor_side = {p for p in held if p.startswith("donors.")}
    assert donor_side == {"donors.view_donor", "donors.view_contribution"}


def test_only_officers_and_admins_see_personal_data(officer_user, donor_user, admin_user):
    from django.contrib.auth.models import AnonymousUser

    assert can_see_personal_data(officer_user)
    assert can_see_personal_data(admin_user)
    assert not can_see_personal_data(donor_user)
    assert not can_see_personal_data(AnonymousUser())
