"""History pages: what changed in an event, a participant or a seizure, when and by whom
(from django-simple-history); an event's page also lists the changes to its participant list,
paged as every list pages. Admins get a link to restore a version in the admin."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from accesslog.log import saw
from activities import selectors
from activities.history import history_entries, read_merge_reason
from activities.models import Event, Participant, Seizure
from activities.officer.base import OfficerMixin
from unodc_portal.core.lists import paged


def merged_away(reasons) -> set[int]:
    """The register numbers of the records merged away that change ``reasons`` name: a page
    showing the reason shows their names (for the access log)."""
    return {read[0] for read in map(read_merge_reason, reasons) if read is not None}


class HistoryView(OfficerMixin, DetailView):
    """What changed in a record, when and by whom; admins get a link to restore a version."""

    template_name = "activities/record_history.html"
    paginate_by = 50
    # The page's words for this kind of record (in Russian the noun's case changes with them).
    heading = _("History of %(record)s")
    back_label = _("Back to the record")
    changes_heading = _("Changes to the record")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        meta = obj._meta
        context["entries"] = history_entries(obj)
        saw(self.request, merged_away(e.version.history_change_reason
                                      for e in context["entries"]))
        context["model_name"] = meta.verbose_name
        context["heading"] = self.heading % {"record": obj}
        context["back_label"] = self.back_label
        context["changes_heading"] = self.changes_heading
        context["can_restore"] = self.request.user.is_staff and self.request.user.has_perm(
            f"{meta.app_label}.change_{meta.model_name}")
        context["restore_url_name"] = f"admin:{meta.app_label}_{meta.model_name}_simple_history"
        context["back_url"] = self.back_url(obj)
        return context


class EventHistoryView(HistoryView):
    model = Event
    permission_required = "activities.change_event"
    heading = _("History of event “%(record)s”")
    back_label = _("Back to the event")
    changes_heading = _("Changes to the event")

    def get_queryset(self):
        return Event.objects.visible_to(self.request.user)

    def back_url(self, obj):
        return reverse("activities:event_update", args=[obj.slug])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        changes = paged(self.request, selectors.participation_changes(self.object),
                        self.paginate_by)
        page = context["participation_page"] = changes["page_obj"]
        # Read here (the one query the template would run) so that the log names the
        # participants whose names the page shows.
        page.object_list = list(page.object_list)
        saw(self.request, (change.participant_id for change in page.object_list
                           if change.participant is not None))
        saw(self.request, merged_away(change.history_change_reason
                                      for change in page.object_list))
        context["participation_page_range"] = changes["page_range"]
        return context


class ParticipantHistoryView(HistoryView):
    model = Participant
    permission_required = "activities.view_participant"
    heading = _("History of participant “%(record)s”")
    back_label = _("Back to the participant")
    changes_heading = _("Changes to the participant")

    def get_queryset(self):
        return Participant.objects.visible_to(self.request.user)

    def back_url(self, obj):
        return reverse("activities:participant_detail", args=[obj.pk])

    def get_context_data(self, **kwargs):
        saw(self.request, [self.object.pk])  # its values, as they were and are
        return super().get_context_data(**kwargs)


class SeizureHistoryView(HistoryView):
    model = Seizure
    permission_required = "activities.change_seizure"
    heading = _("History of seizure “%(record)s”")
    back_label = _("Back to the seizure")
    changes_heading = _("Changes to the seizure")

    def get_queryset(self):
        return Seizure.objects.visible_to(self.request.user)

    def back_url(self, obj):
        return reverse("activities:seizure_update", args=[obj.pk])
