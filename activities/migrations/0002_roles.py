"""The groups Programme officers and Donors with exactly the model permissions they need.

On a fresh database the permissions do not exist yet when migrations run (Django creates them
after the last migration), so they are created here first."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from unodc_portal.roles import (
    DONOR_PERMISSIONS,
    DONORS_GROUP,
    OFFICER_PERMISSIONS,
    OFFICERS_GROUP,
)


def ensure_permissions(apps):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant(apps, group_name, spec):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    wanted = []
    for app_label, models in spec.items():
        for model, actions in models.items():
            for action in actions:
                wanted.append(
                    Permission.objects.get(
                        content_type__app_label=app_label,
                        content_type__model=model,
                        codename=f"{action}_{model}",
                    )
                )
    group.permissions.set(wanted)


def create_groups(apps, schema_editor):
    ensure_permissions(apps)
    grant(apps, OFFICERS_GROUP, OFFICER_PERMISSIONS)
    grant(apps, DONORS_GROUP, DONOR_PERMISSIONS)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=[OFFICERS_GROUP, DONORS_GROUP]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_initial"),
        ("donors", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
