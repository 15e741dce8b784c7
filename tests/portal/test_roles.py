import importlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from unodc_portal.core.roles import (
    DONOR_PERMISSIONS,
    DONORS_GROUP,
    OFFICER_PERMISSIONS,
    OFFICERS_GROUP,
    can_see_personal_data,
    sync_roles,
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
    # The migration grants what it was written with; sync_roles brings the live role's.
    assert held(group) == codenames(migration.PERMISSIONS[group_name])
    sync_roles(apps)
    assert held(group) == codenames(spec)


def held(group):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def test_the_roles_migration_reads_no_live_code():
    """The live roles may name models that a fresh database does not have yet when 0002 runs."""
    text = (Path(__file__).resolve().parents[2] / "activities/migrations/0002_roles.py")\
        .read_text()
    assert "import" in text and "unodc_portal" not in text.split('"""', 2)[2]


def test_sync_roles_adds_what_a_role_lacks_and_keeps_what_an_admin_added(roles):
    officers = Group.objects.get(name=OFFICERS_GROUP)
    by_hand = Permission.objects.get(codename="delete_seizure")
    lacking = Permission.objects.get(codename="view_event")
    officers.permissions.add(by_hand)
    officers.permissions.remove(lacking)
    out = io.StringIO()
    call_command("sync_roles", stdout=out)
    assert lacking in officers.permissions.all() and by_hand in officers.permissions.all()
    assert "activities.view_event" in out.getvalue()
    assert "kept (added by hand" in out.getvalue() and "activities.delete_seizure" in out.getvalue()
    call_command("sync_roles", "--reset", stdout=io.StringIO())
    assert by_hand not in officers.permissions.all()
    assert held(officers) == codenames(OFFICER_PERMISSIONS)


MIGRATE_WITH_A_NEW_PERMISSION = """
import django, sys
django.setup()
from django.contrib.auth.models import Group
from django.core.management import call_command
from unodc_portal.core import roles
# A role now needs a model that appears only after 0002 in the migration history.
roles.OFFICER_PERMISSIONS["activities"]["importbatch"] = ["view"]
call_command("migrate", verbosity=0)
call_command("sync_roles", verbosity=0)
group = Group.objects.get(name=roles.OFFICERS_GROUP)
assert group.permissions.filter(codename="view_importbatch").exists()
print("migrated")
"""


@pytest.mark.django_db(False)
def test_migrate_from_zero_works_after_a_new_models_permission_joins_a_role(tmp_path):
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "unodc_portal.settings"}
    result = subprocess.run([sys.executable, "-c", MIGRATE_WITH_A_NEW_PERMISSION], cwd=root,
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "migrated" in result.stdout


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
