"""Remove the demo: every demo record (``is_demo``) and demo account, with their history.

- Demo records are deleted with every history row of theirs (simple-history), and so are
  participations that tie a demo participant or a demo event to anything, and the results
  frameworks of demo projects (results, indicators, periods: they have no demo flag of their
  own).
- Demo attachments (and any file on a demo event, seizure or project) are deleted with their
  history, and their stored files — every version's, public copies too — once the removal
  commits; a file a remaining row still names is kept.
- Demo accounts (members of ``Demo accounts``) are deleted with their admin log entries, their
  donor link and tokens, and the group itself; the passwords file goes too.
- Changes that demo accounts made to *real* records stay in history — the record's state is what
  it is — with the user removed and the reason "change by a removed demo account"; the command
  lists them (model, record, date) so that someone can review them.

Runs with debug on or off (it only deletes), in one transaction: an error changes nothing.
"""

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError, Q

from activities import summaries
from activities.models import (
    Event,
    EventTrainerOrganisation,
    Organisation,
    Participant,
    Participation,
    Project,
    Seizure,
)
from attachments import storage as attachment_storage
from attachments.models import Attachment
from donors.models import Contribution, Donor
from results.models import Indicator, Period, Result
from search import index as search_index
from unodc_portal.core.pagecache import invalidate
from unodc_portal.core.roles import DEMO_GROUP
from unodc_portal.site import demo

REMOVED_REASON = "change by a removed demo account"


def _ids(model) -> set:
    """Primary keys of a model's demo records, present or deleted (read from history too)."""
    ids = set(model.objects.filter(is_demo=True).values_list("pk", flat=True))
    history = getattr(model, "history", None)
    if history is not None:
        ids |= set(history.filter(is_demo=True).values_list("id", flat=True))
    return ids


class Command(BaseCommand):
    help = ("Delete every demo record and demo account (seed_demo) with their history; list the "
            "changes demo accounts made to real records, which stay with the user removed.")

    def handle(self, *args, **options):
        try:
            with transaction.atomic(), summaries.writing():  # figures refreshed once
                kept = self.remove()
        except ProtectedError as exc:
            blocking = sorted({f"{obj._meta.verbose_name} {obj}" for obj in exc.protected_objects})
            raise CommandError(
                "Nothing was removed: real records still refer to demo records — "
                + "; ".join(blocking[:20]) + ". Change them, then run remove_demo again."
            ) from exc
        search_index.rebuild()
        invalidate()  # cached pages show the records removed (updated in bulk: no signals)
        removed_file = demo.remove_accounts_file()
        for line in self.summary:
            self.stdout.write(line)
        if removed_file:
            self.stdout.write(f"Deleted {demo.accounts_file()}.")
        if kept:
            self.stdout.write(
                f"\n{len(kept)} change(s) by demo accounts to real records are kept in history "
                f"with the user removed (reason: “{REMOVED_REASON}”):"
            )
            for model, record, date in kept:
                self.stdout.write(f"  {model}  {record}  {date:%Y-%m-%d %H:%M:%S %Z}")
        else:
            self.stdout.write("No demo account changed a real record.")

    def remove(self):
        User = get_user_model()
        users = list(User.objects.filter(groups__name=DEMO_GROUP).order_by("pk"))
        user_ids = [user.pk for user in users]
        ids = {model: _ids(model) for model in
               (Project, Event, Participant, Participation, Seizure, Contribution)}
        participations = (
            Q(is_demo=True) | Q(participant_id__in=ids[Participant]) | Q(event_id__in=ids[Event])
        )
        ids[Participation] |= set(Participation.history.filter(participations)
                                  .values_list("id", flat=True))
        # Frameworks of demo projects, present or deleted (their history names the project).
        ids[Result] = set(Result.history.filter(project_id__in=ids[Project])
                          .values_list("id", flat=True)) | set(
            Result.objects.filter(project_id__in=ids[Project]).values_list("pk", flat=True))
        ids[Indicator] = set(Indicator.history.filter(result_id__in=ids[Result])
                             .values_list("id", flat=True)) | set(
            Indicator.objects.filter(result_id__in=ids[Result]).values_list("pk", flat=True))
        ids[Period] = set(Period.history.filter(indicator_id__in=ids[Indicator])
                          .values_list("id", flat=True)) | set(
            Period.objects.filter(indicator_id__in=ids[Indicator]).values_list("pk", flat=True))
        # Files on demo records, whatever their own flag (present or deleted).
        on_demo = (Q(is_demo=True) | Q(event_id__in=ids[Event]) | Q(seizure_id__in=ids[Seizure])
                   | Q(project_id__in=ids[Project]))
        ids[Attachment] = set(Attachment.objects.filter(on_demo).values_list("pk", flat=True)) \
            | set(Attachment.history.filter(on_demo).values_list("id", flat=True))
        stored = set()
        for rows in (Attachment.objects.filter(pk__in=ids[Attachment]),
                     Attachment.history.filter(id__in=ids[Attachment])):
            for keys in rows.values_list("file_key", "thumbnail_key", "public_key",
                                         "public_thumbnail_key"):
                stored.update(key for key in keys if key)
        self.summary = []

        # The records, children first (protected foreign keys).
        counts = {}
        demo_orgs = Organisation.objects.filter(is_demo=True)
        demo_donors = Donor.objects.filter(is_demo=True)
        for label, queryset in [
            ("attachments", Attachment.objects.filter(pk__in=ids[Attachment])),
            ("contributions", Contribution.objects.filter(
                Q(is_demo=True) | Q(donor__in=demo_donors) | Q(project_id__in=ids[Project]))),
            ("periods", Period.objects.filter(pk__in=ids[Period])),
            ("indicators", Indicator.objects.filter(pk__in=ids[Indicator])),
            ("results", Result.objects.filter(pk__in=ids[Result])),
            ("seizures", Seizure.objects.filter(is_demo=True)),
            ("participations", Participation.objects.filter(participations)),
            ("participants", Participant.objects.filter(is_demo=True)),
            ("trainer links", EventTrainerOrganisation.objects.filter(
                Q(event_id__in=ids[Event]) | Q(organisation__in=demo_orgs))),
            ("events", Event.objects.filter(is_demo=True)),
            ("projects", Project.objects.filter(is_demo=True)),
            ("donors", demo_donors),
            ("organisations", demo_orgs),
        ]:
            for record in queryset:  # one by one: collect ids of what is deleted
                if hasattr(record, "history"):
                    ids.setdefault(type(record), set()).add(record.pk)
            counts[label] = queryset.delete()[1].get(queryset.model._meta.label, 0)

        # Their history, including the deletion rows just written.
        for model, pks in ids.items():
            model.history.filter(id__in=pks).delete()

        # Changes by demo accounts to real records: kept, without the user.
        kept = []
        for model in (Project, Event, Participant, Participation, Seizure, Contribution, Result,
                      Indicator, Period, Attachment):
            rows = model.history.filter(history_user_id__in=user_ids).order_by("history_date")
            for row in rows:
                kept.append((model._meta.verbose_name, str(row.instance), row.history_date))
            rows.update(history_user=None, history_change_reason=REMOVED_REASON)
        # A real period's actual entered or approved by a demo account keeps its value; the
        # account is removed from it (the record's own field is emptied by the deletion).
        for name in ("actual_entered_by", "actual_approved_by"):
            Period.history.filter(**{f"{name}_id__in": user_ids}).update(**{name: None})

        log_entries = LogEntry.objects.filter(user_id__in=user_ids).delete()[0]
        for user in users:
            user.delete()
        Group.objects.filter(name=DEMO_GROUP).delete()

        # The demo files, once the removal commits; never one a remaining row names.
        named = set()
        for rows in (Attachment.objects.all(), Attachment.history.all()):
            for keys in rows.filter(
                    Q(file_key__in=stored) | Q(thumbnail_key__in=stored)
                    | Q(public_key__in=stored) | Q(public_thumbnail_key__in=stored)
            ).values_list("file_key", "thumbnail_key", "public_key", "public_thumbnail_key"):
                named.update(keys)
        doomed = sorted(stored - named)
        transaction.on_commit(lambda: attachment_storage.delete(*doomed))

        records = ", ".join(f"{n} {label}" for label, n in counts.items() if n)
        self.summary.append(f"Deleted demo records: {records or 'none'}.")
        self.summary.append(f"Deleted {len(doomed)} demo file(s) from the attachments' storage.")
        self.summary.append(
            f"Deleted {len(users)} demo account(s)"
            + (f" ({', '.join(user.username for user in users)})" if users else "")
            + f" and {log_entries} admin log entr{'y' if log_entries == 1 else 'ies'}."
        )
        return kept
