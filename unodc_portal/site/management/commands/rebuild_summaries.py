"""Recompute every stored aggregate from the rows, report what had drifted, and repair it.

Stored aggregates are kept in step by the services that write (README, "Performance"); this
repairs drift left by a write that bypassed them (raw SQL, an edited backup). ``--check`` only
reports, and exits non-zero when anything drifted (for monitoring).
"""

import sys

from django.core.management.base import BaseCommand
from django.db import transaction

from activities import summaries
from donors import currency
from unodc_portal.core.pagecache import invalidate


class Command(BaseCommand):
    help = (
        "Recompute stored aggregates (contributions' US-dollar equivalents, participant "
        "figures) from the rows; report and repair drift. --check only reports."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="Report drift and exit 1 if any, without repairing.")

    def handle(self, *args, check, **options):
        drift = {"contributions' US-dollar equivalents": currency.drifted()}
        for name, count in drift.items():
            self.stdout.write(f"{name}: {count:,} out of step")
        # Participant figures (activities.summaries): compared, and unless --check repaired, in
        # one pass.
        participants = summaries.rebuild(check=check)
        self.stdout.write(f"participant figures: {participants.summary()}")
        if check:
            if any(drift.values()) or participants:
                sys.exit(1)
            return
        with transaction.atomic():
            currency.reconvert_all()
        invalidate()  # the rows were updated in bulk: no signals
        self.stdout.write(self.style.SUCCESS("Stored aggregates rebuilt from the rows."))
