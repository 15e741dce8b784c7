"""Keep the role groups in step with ``unodc_portal.core.roles.GROUP_PERMISSIONS``."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from unodc_portal.core.roles import sync_roles


class Command(BaseCommand):
    help = (
        "Give the groups Programme officers and Donors the permissions their role needs "
        "(unodc_portal.core.roles). Permissions an admin added by hand are kept and listed, unless "
        "--reset. Run after migrate; make run and make serve do."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true",
            help="Also remove permissions the role does not name (added by hand).",
        )

    def handle(self, *args, reset=False, **options):
        with transaction.atomic():
            report = sync_roles(apps, reset=reset)
        for group, changes in report.items():
            added = ", ".join(changes["added"]) or "nothing"
            self.stdout.write(f"{group}: added {added}.")
            if changes["extra"]:
                verb = "removed" if reset else "kept (added by hand; --reset removes them)"
                self.stdout.write(f"  {verb}: {', '.join(changes['extra'])}")
