from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from activities import summaries
from personaldata import journal
from personaldata.management.commands.apply_retention import report as report_retention
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
        "published afresh, at new addresses. The erasures of the erasure journal made after the "
        "backup are made again, then retention is applied (apply_retention)."
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
        self.stdout.write(f"Erasures replayed: {len(summary.replayed)}" + (
            " (" + ", ".join(f"No. {number}" for number in summary.replayed) + ")"
            if summary.replayed else ""))
        if summary.journal_damaged:
            self.stderr.write(self.style.WARNING(
                f"{summary.journal_damaged} line(s) of the erasure journal could not be read "
                "and were skipped (the backup's copy and the journal file are both read; check "
                f"{journal.path()})."))
        if summary.journal_added:
            self.stdout.write(f"{summary.journal_added} erasure(s) of the backup's journal added "
                              f"to {journal.path()}")
        if summary.journal_error:
            self.stderr.write(self.style.ERROR(
                "The backup's erasure journal could not be added to the journal file "
                f"({summary.journal_error}): copy it there before the next erasure."))
        report_retention(self, summary.retention)
        if summary.journal_error:
            raise CommandError("The restore is done, but the erasure journal was not written.")
