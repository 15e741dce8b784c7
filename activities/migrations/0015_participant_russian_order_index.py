"""The participant register in Russian on PostgreSQL is ordered by the ICU collation (Ё beside Е,
activities/officer/participants.py): an index in that order, so that a page of the register reads
fifty rows rather than sorting every participant. SQLite has no ICU collation and no index here."""

from django.db import migrations

INDEX = "activities_particip_ru_order_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {INDEX} ON activities_participant '
            '((name COLLATE "und-x-icu"), id)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("activities", "0014_history_names_translated")]

    operations = [migrations.RunPython(create, drop)]
