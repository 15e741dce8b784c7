"""``manage.py rebuild_summaries``: recompute the stored participant summaries from the rows
(``activities.summaries.rebuild``), say what drifted and repair it; ``--check`` only says."""

import time

from django.core.management.base import BaseCommand, CommandError

from activities import summaries


class Command(BaseCommand):
    help = (
        "Recompute every stored participant summary (each event's exact figures, the home "
        "page's register) from the participations, report what differed and repair it. With "
        "--check, repair nothing and exit with an error when anything differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="Only compare; exit non-zero when the summaries drifted.")

    def handle(self, *args, check, verbosity, **options):
        started = time.monotonic()
        drift = summaries.rebuild(check=check)
        took = f" ({time.monotonic() - started:.1f} s)"
        if check and drift:
            raise CommandError(drift.summary() + " Run `manage.py rebuild_summaries` to repair.")
        if drift:
            self.stdout.write(drift.summary() + " Repaired." + took)
        elif verbosity:
            self.stdout.write(self.style.SUCCESS(drift.summary() + took))
