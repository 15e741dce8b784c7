"""The participant register (officers only): the list, through the shared list mechanism
(``unodc_portal.core.lists``: numbered pages, a page-size chooser, forgiving page numbers), its
CSV/XLSX export, the event page's search-as-you-type, a participant's page and its edit form."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import F
from django.db.models.functions import Collate
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views import View
from django.views.generic import DetailView, UpdateView
from django_filters.views import FilterView

from accesslog.log import saw
from activities import selectors, services
from activities.databasis import sources_label
from activities.exports import PARTICIPANT_COLUMNS, logged_columns
from activities.filters import ParticipantFilter
from activities.forms import ParticipantForm, record_number
from activities.history import history_entries, merged_records, merged_values, record_numbers
from activities.models import Participant
from activities.officer.base import OfficerMixin, StaleFormMixin
from unodc_portal.core.exports import DownloadLinksMixin, ExportMixin
from unodc_portal.core.filters import ICU_COLLATION, collates
from unodc_portal.core.lists import ListPageMixin
from unodc_portal.core.versioning import StaleVersion


class ParticipantListView(OfficerMixin, DownloadLinksMixin, ListPageMixin, FilterView):
    filterset_class = ParticipantFilter
    template_name = "activities/participant_list.html"
    export_url_name = "activities:participant_export"

    def get_queryset(self):
        # Ordered by the (name, id) index; in Russian on PostgreSQL by the ICU collation (a
        # name with Yo beside Ye), from its own index (migration 0015). Event counts are read
        # for the shown page only, so the register does not group 200,000 rows to show fifty.
        participants = Participant.objects.visible_to(self.request.user).with_related()
        if collates(participants, "name"):
            return participants.order_by(Collate(F("name"), ICU_COLLATION).asc(), "pk")
        return participants.order_by("name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        page.object_list = context["object_list"] = selectors.with_event_counts(
            list(context["object_list"]))
        saw(self.request, (p.pk for p in page.object_list))  # the page's rows, not the register
        return context


class ParticipantExportView(ExportMixin, ParticipantListView):
    """The register's rows as CSV/XLSX, with personal data: officers and admins only (the
    register's OfficerMixin runs first)."""

    list_url_name = "activities:participant_list"

    @property
    def export_columns(self):
        # Each row noted in the access log as it is written (a CSV streams: the entry is
        # written after its last row).
        return logged_columns(PARTICIPANT_COLUMNS, self.request)


class ParticipantSearchView(OfficerMixin, View):
    """Search-as-you-type for the event page: up to 20 participants as JSON, the register
    number and exact names first, then names beginning with the text, then the others; and
    ``more`` when there are more than shown (the page then asks to refine the search). Matches
    the name as typed and its phonetic key, so Усмонов finds Usmonov, or the register number."""

    def get(self, request):
        q = request.GET.get("q", "").strip()[:100]
        number = record_number(q)
        if len(q) < 2 and number is None:
            return JsonResponse({"results": []})
        found, more = selectors.participant_search(request.user, q, number)
        saw(request, (p.pk for p in found))
        return JsonResponse({"more": more, "results": [
            {
                "id": p.pk, "name": p.display_name,
                "organisation": str(p.organisation) if p.organisation else "",
                "country": p.country.name if p.country else "",
                "position": p.position,
            }
            for p in found
        ]})


class ParticipantDetailView(OfficerMixin, DetailView):
    model = Participant
    template_name = "activities/participant_detail.html"

    def get_queryset(self):
        return Participant.objects.visible_to(self.request.user).with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        participant = self.object
        context.update(selectors.participant_page(participant, self.request.user))
        context["history"] = history_entries(participant, limit=10)
        # Records merged into this one: their differing values, read from their history.
        context["merged_records"] = merged_records(participant)
        context["merged_numbers"] = record_numbers(context["merged_records"])
        context["merged_values"] = merged_values(participant)
        context["sources_label"] = sources_label(participant.sources)
        # Read here (one query, as the template would) so that the log names them.
        context["likely_duplicates"] = list(context["likely_duplicates"])
        saw(self.request, [participant.pk, *context["merged_records"],
                           *(other.pk for other in context["likely_duplicates"])])
        return context


class ParticipantUpdateView(OfficerMixin, StaleFormMixin, UpdateView):
    model = Participant
    form_class = ParticipantForm
    permission_required = "activities.change_participant"
    template_name = "activities/participant_form.html"

    def get_queryset(self):
        return Participant.objects.visible_to(self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.erased_at is not None:
            return self.refuse_erased()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.erased_at is not None:
            return self.refuse_erased()
        form = self.get_form()
        return self.form_valid(form) if form.is_valid() else self.form_invalid(form)

    def refuse_erased(self):
        """An erased record's personal data are not filled in again (issue 18): back to its
        page, which says why."""
        messages.error(self.request, gettext(
            "This person's data were erased: the record cannot be edited."))
        return redirect(self.object)

    def get_context_data(self, **kwargs):
        saw(self.request, [self.object.pk])  # the form shows the record (also when refused)
        context = super().get_context_data(**kwargs)
        # Read-only on this page: the record's history of how its data came.
        context["sources_label"] = sources_label(self.object.sources)
        return context

    def form_valid(self, form):
        try:
            services.record_save(
                form.instance, expected_version=form.cleaned_data["record_version"],
                reason="Edited on the participant page",
            )
        except StaleVersion as exc:
            return self.stale(form, exc)
        messages.success(self.request, gettext("Saved."))
        return redirect(self.get_success_url())
