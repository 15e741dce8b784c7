from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from unodc_portal.site.backup import backup_write, default_path, private_directory


class Command(BaseCommand):
    help = (
        "Write one dated, database-independent backup archive (a tar of the rows as gzip JSON, "
        "primary keys kept, history included, the attachments' files and a copy of the erasure "
        "journal) to backups/ or the path given. It holds personal data, password hashes, API "
        "tokens and attendance sheets: it is written readable by its owner only (0600), and the "
        "access log notes the participants it holds."
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
        summary = backup_write(path)
        self.stdout.write(f"{sum(summary.rows.values())} rows of {len(summary.rows)} models, "
                          f"{summary.files} files ({summary.file_bytes} bytes)")
        if summary.missing:
            self.stderr.write(self.style.WARNING(
                f"{len(summary.missing)} file(s) that rows refer to are not in the storage and "
                "not in the backup: " + ", ".join(summary.missing[:10])))
        self.stdout.write(f"Access log: the backup holds the personal data of "
                          f"{summary.participants} participant(s)")
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))
