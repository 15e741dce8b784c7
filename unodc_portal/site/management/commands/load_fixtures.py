from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from activities import summaries
from search import index as search_index
from unodc_portal.core.pagecache import invalidate
from unodc_portal.site.fixtures import FIXTURE_DIR, FixtureError, fixture_files, load_fixtures


class Command(BaseCommand):
    help = (
        "Load the fixtures in fixtures/ (or the files given) in one transaction. Every record is "
        "validated; any error names the file and the record and leaves the database unchanged. "
        "Records are matched by natural key, so loading twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="Fixture files (default: all).")

    def handle(self, *args, paths, verbosity, **options):
        files = paths or fixture_files(FIXTURE_DIR)
        if not files:
            self.stdout.write(f"No fixture files in {FIXTURE_DIR}.")
            return
        missing = [str(p) for p in files if not p.is_file()]
        if missing:
            raise CommandError(f"No such fixture file: {', '.join(missing)}")
        try:
            # The events' figures are refreshed once, in the loading transaction.
            with transaction.atomic(), summaries.writing():
                report = load_fixtures(files)
        except FixtureError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        search_index.rebuild()  # one pass over every record loaded
        invalidate()  # cached pages show the records loaded
        if verbosity >= 1:
            self.stdout.write(report.summary() or "Nothing to load.")
            self.stdout.write(self.style.SUCCESS(f"Loaded {len(files)} fixture file(s)."))
