"""The groups Programme officers and Donors with the model permissions they had when this
migration was written.

Frozen: it reads nothing from the live code (``unodc_portal.core.roles`` may grant permissions for
models that do not exist yet at this point of the migration history). ``manage.py sync_roles``
keeps the groups in step with ``unodc_portal.core.roles`` after ``migrate``.

On a fresh database the permissions do not exist yet when migrations run (Django creates them
after the last migration), so they are created here first."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OFFICERS_GROUP = "Programme officers"
DONORS_GROUP = "Donors"
PERMISSIONS = {
    OFFICERS_GROUP: {
        "activities": {
            "event": ["add", "change", "view"],
            "eventtrainerorganisation": ["add", "change", "delete", "view"],
            "participant": ["add", "change", "delete", "view"],
            "participation": ["add", "change", "delete", "view"],
            "seizure": ["add", "change", "view"],
            "organisation": ["add", "change", "view"],
            "person": ["add", "change", "view"],
            "project": ["view"],
            "substance": ["view"],
        },
        "donors": {"donor": ["view"], "contribution": ["view"]},
    },
    DONORS_GROUP: {
        "donors": {"donor": ["view"], "contribution": ["view"]},
    },
}


def ensure_permissions(apps):
    for app_config in apps.get_app_configs():
        # create_permissions skips app configs without a models module; migration states have
        # none, so set one for the call and put the original back.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = original


def create_groups(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, spec in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.set(
            Permission.objects.get(
                content_type__app_label=app_label,
                content_type__model=model,
                codename=f"{action}_{model}",
            )
            for app_label, models in spec.items()
            for model, actions in models.items()
            for action in actions
        )


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
