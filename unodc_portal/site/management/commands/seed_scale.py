"""Synthetic data at programme scale, for measuring pages (``unodc_portal.site.synthetic``).

Runs only on a database of its own: one that holds nothing but the bulletin's records and
seed_scale's (``unodc_portal.site.synthetic_safety.refusal``), with debug on or off. Its records
are ordinary public records there (not demo records); a ``SyntheticData`` row marks the
database so that ``make serve`` refuses it unless told explicitly.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from activities import summaries
from search import index as search_index
from unodc_portal.core.pagecache import invalidate
from unodc_portal.site.synthetic import Seeder, Sizes
from unodc_portal.site.synthetic_safety import refusal

DEFAULTS = Sizes()


class Command(BaseCommand):
    help = (
        "Fill a database of its own with synthetic data at programme scale (events, "
        "participants in Latin and Cyrillic with spelling variants, participations, seizures, "
        "donors, contributions in several currencies, exchange rates) and mark it synthetic. "
        "Refuses a database holding real or demo records."
    )

    def add_arguments(self, parser):
        for name in ("events", "participants", "participations", "seizures", "contributions"):
            parser.add_argument(f"--{name}", type=int, default=getattr(DEFAULTS, name),
                                help=f"How many {name} (default {getattr(DEFAULTS, name):,}).")
        parser.add_argument("--seed", type=int, default=2008,
                            help="Random seed: the same seed makes the same data.")

    def handle(self, *args, seed, verbosity, **options):
        sizes = Sizes(**{name: options[name] for name in Sizes.__dataclass_fields__})
        if min(vars(sizes).values()) < 0:
            raise CommandError("Sizes cannot be negative.")
        reason = refusal(settings.DEBUG)
        if reason:
            raise CommandError(reason)
        started = time.monotonic()
        try:
            # Rows are written with COPY: the stored summaries are rebuilt from them.
            with transaction.atomic():
                run = Seeder(sizes, seed, progress=self.stderr if verbosity else None).run()
                summaries.rebuild()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        search_index.rebuild()
        invalidate()  # the rows were copied in bulk: no signals
        if connection.vendor == "postgresql":
            # Planner statistics for the tables just filled, before the first page is measured
            # (autovacuum would come by later; until then plans are guessed from empty tables).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        made = ", ".join(f"{count:,} {name}" for name, count in run.sizes.items())
        self.stdout.write(self.style.SUCCESS(
            f"Synthetic data run {run.pk} (seed {seed}) in {time.monotonic() - started:.0f} s: "
            f"{made}. This database is now marked synthetic: `make serve` refuses it unless "
            "SERVE_SYNTHETIC=1."))
