"""``manage.py apply_retention``: remove the personal data kept longer than its period
(``personaldata.retention``; README, "Retention"). Safe to run daily from cron: each part runs
apart, a second run does nothing, and a failed part makes the command end with an error after
the others have run. ``--dry-run`` lists what would be done and changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from personaldata import retention


class Command(BaseCommand):
    help = ("Remove personal data kept longer than its period: participants' e-mails and phones "
            "after their last event, import batches' rows, old access-log entries. One line per "
            "part. --dry-run only lists.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="List what would be removed (counts and numbers, no data); "
                                 "change nothing.")

    def handle(self, *args, dry_run, **options):
        try:
            outcomes = retention.apply(dry_run=dry_run)
        except retention.RetentionSettingsError as exc:
            raise CommandError(str(exc)) from exc
        report(self, outcomes)


def report(command: BaseCommand, outcomes: list[retention.Outcome]) -> None:
    """Write one line per part (failed parts on stderr) and end with an error if one failed:
    shared with ``manage.py restore``, which runs retention last."""
    for outcome in outcomes:
        if outcome.failed:
            command.stderr.write(command.style.ERROR(str(outcome)))
        else:
            command.stdout.write(str(outcome))
    failed = [outcome.part for outcome in outcomes if outcome.failed]
    if failed:
        raise CommandError(f"Retention failed in: {', '.join(failed)} (the other parts were "
                           "done; run manage.py apply_retention again once it is fixed).")
