from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from unodc_portal.site.backup import backup_write, default_path, private_directory


class Command(BaseCommand):
    help = (
        "Write one dated, database-independent backup file (gzip JSON, primary keys kept, "
        "history included) to backups/ or the path given. The file holds personal data, password "
        "hashes and API tokens: it is written readable by its owner only (0600)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="File to write (default: dated file).")

    def handle(self, *args, output, **options):
        if output is None:
            # The portal's own directory: readable by its owner only, even if made earlier.
            directory = private_directory(Path(settings.BASE_DIR) / "backups", ours=True)
            path = default_path(directory)
        else:
            path = output
        counts = backup_write(path)
        self.stdout.write(f"{sum(counts.values())} rows of {len(counts)} models")
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))
