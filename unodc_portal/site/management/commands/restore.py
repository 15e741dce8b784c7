from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from activities import summaries
from search import index as search_index
from unodc_portal.core.pagecache import invalidate
from unodc_portal.site.backup import RestoreError, backup_restore


class Command(BaseCommand):
    help = (
        "Load a backup written by `manage.py backup` — rows and files — into an empty, migrated "
        "database of either kind and an attachments' storage (local disk or a bucket) holding no "
        "public copy and none of its files; "
        "this also moves a portal from SQLite to PostgreSQL or from disk to object storage. The "
        "archive is checked before anything is written; all or nothing. Public files are "
        "published afresh, at new addresses."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            # A restore saves raw rows (no signals): the summaries are rebuilt with it.
            summary = backup_restore(file, inside=summaries.rebuild)
        except RestoreError as exc:
            raise CommandError(str(exc)) from exc
        search_index.rebuild()  # the index is not backed up
        invalidate()  # cached pages show the records restored
        if summary.missing:
            self.stderr.write(self.style.WARNING(
                f"{len(summary.missing)} file(s) that rows refer to were not in the backup (lost "
                "before it was made); their attachments stay unpublished: "
                + ", ".join(summary.missing[:10])))
        if summary.other_files:
            self.stderr.write(self.style.WARNING(
                f"The attachments' storage held {summary.other_files} other file(s), named by no "
                "restored row: `manage.py attachment_files --delete` removes them."))
        self.stdout.write(self.style.SUCCESS(
            f"Restored {summary.rows} rows and {summary.files} files from {file}; "
            f"{summary.published} public file(s) published at new addresses"))
