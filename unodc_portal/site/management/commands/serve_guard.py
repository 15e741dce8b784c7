"""``make serve``'s guard: a synthetic database (seed_scale) is served only when asked for with
``SERVE_SYNTHETIC=1``, and then on 127.0.0.1 only (``synthetic_safety.serve_refusal``)."""

import os

from django.core.management.base import BaseCommand, CommandError

from unodc_portal.site.synthetic_safety import is_synthetic_database, serve_refusal


class Command(BaseCommand):
    help = ("Exit with an error when this database holds synthetic data (seed_scale), unless "
            "SERVE_SYNTHETIC=1 and --host is 127.0.0.1. Called by make serve.")

    def add_arguments(self, parser):
        parser.add_argument("--host", required=True, help="The address gunicorn will bind.")

    def handle(self, *args, host, **options):
        reason = serve_refusal(host, os.environ.get("SERVE_SYNTHETIC") == "1")
        if reason:
            raise CommandError(reason)
        if is_synthetic_database():
            self.stderr.write(f"Serving a SYNTHETIC database on {host} (SERVE_SYNTHETIC=1).")
