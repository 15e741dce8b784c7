from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from activities import summaries
from search import index as search_index
from unodc_portal.core.pagecache import invalidate
from unodc_portal.site.backup import RestoreError, backup_restore


class Command(BaseCommand):
    help = (
        "Load a backup written by `manage.py backup` into an empty, migrated database of either "
        "kind (this also moves a portal from SQLite to PostgreSQL). All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            # A restore saves raw rows (no signals): the summaries are rebuilt with it.
            with transaction.atomic():
                loaded = backup_restore(file)
                summaries.rebuild()
        except RestoreError as exc:
            raise CommandError(str(exc)) from exc
        search_index.rebuild()  # the index is not backed up
        invalidate()  # cached pages show the records restored
        self.stdout.write(self.style.SUCCESS(f"Restored {loaded} rows from {file}"))
