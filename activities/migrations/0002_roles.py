"""The groups Programme officers and Donors with exactly the model permissions they need.

On a fresh database the permissions do not exist yet when migrations run (Django creates them
after the last migration), so they are created here first."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from unodc_portal.roles import DONORS_GROUP, OFFICERS_GROUP, ensure_groups


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
    ensure_groups(apps)


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
