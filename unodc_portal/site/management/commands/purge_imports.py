"""Remove the participant imports never confirmed whose time has passed (``ImportBatch``,
status "awaiting confirmation", ``expires_at`` gone by): each with the rows it read from its
file, which the batch holds (the uploaded file itself is never stored). Nothing of the register
is touched — an unconfirmed import wrote nothing to it.

Safe to run daily from cron (README, "Running in production"): it removes only what has
expired by the time it runs, in one transaction; a second run removes nothing. ``--dry-run``
lists what would go and removes nothing.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from activities.models import ImportBatch


class Command(BaseCommand):
    help = ("Remove participant imports never confirmed whose time has passed, with the rows "
            "they hold; list them. --dry-run only lists.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="List the expired imports without removing them.")

    def handle(self, *args, dry_run, **options):
        with transaction.atomic():
            expired = ImportBatch.objects.expired(timezone.now())
            listed = list(expired.order_by("expires_at", "pk").values_list(
                "pk", "file_name", "event__slug", "created_by__username", "expires_at"))
            for pk, file_name, event, user, expires_at in listed:
                self.stdout.write(
                    f"{'would remove' if dry_run else 'removed'} import {pk}: {file_name} for "
                    f"event {event}, by {user or '(removed account)'}, expired "
                    f"{timezone.localtime(expires_at):%Y-%m-%d %H:%M}"
                )
            if not dry_run:
                # The same moment as the list: what expired since is left for the next run.
                expired.delete()
        verb = "would be removed" if dry_run else "removed"
        self.stdout.write(f"{len(listed)} expired import(s) {verb}.")
