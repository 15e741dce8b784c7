from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from unodc_portal.backup import backup_write, default_path


class Command(BaseCommand):
    help = (
        "Write one dated, database-independent backup file (gzip JSON, primary keys kept, "
        "history included) to backups/ or the path given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="File to write (default: dated file).")

    def handle(self, *args, output, **options):
        path = output or default_path(Path(settings.BASE_DIR) / "backups")
        counts = backup_write(path)
        self.stdout.write(f"{sum(counts.values())} rows of {len(counts)} models")
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))
