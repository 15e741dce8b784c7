"""Spreadsheet import of participant lists: the template to fill in, the upload (read and
classified into a batch, nothing written to the register) and the preview, whose confirmation
writes the whole batch (``services.participants_import``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext, ngettext
from django.views import View
from django.views.generic import DetailView
from django.views.generic.edit import FormView

from accesslog.log import saw
from activities import import_rows, imports, selectors, services
from activities.forms import ImportUploadForm
from activities.import_template import template_csv, template_xlsx
from activities.models import Event
from activities.officer.base import OfficerMixin
from unodc_portal.core.exports import XLSX_CONTENT_TYPE
from unodc_portal.core.lists import paged

IMPORT_PERMISSIONS = ["activities.add_participant", "activities.add_participation"]


class ImportTemplateView(OfficerMixin, View):
    """The template file: the columns of imports.COLUMNS, in XLSX or CSV."""

    permission_required = IMPORT_PERMISSIONS

    def get(self, request, fmt):
        if fmt == "csv":
            response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
        elif fmt == "xlsx":
            response = HttpResponse(template_xlsx(selectors.template_organisations()),
                                    content_type=XLSX_CONTENT_TYPE)
        else:
            raise Http404(gettext("The template is offered as .xlsx or .csv."))
        response["Content-Disposition"] = f'attachment; filename="participants-template.{fmt}"'
        return response


class ParticipantImportView(OfficerMixin, FormView):
    template_name = "activities/participant_import.html"
    form_class = ImportUploadForm
    permission_required = IMPORT_PERMISSIONS

    def dispatch(self, request, *args, **kwargs):
        self.event = get_object_or_404(Event.objects.visible_to(request.user), slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.event
        context["columns"] = imports.COLUMNS
        return context

    def form_valid(self, form):
        try:
            batch = services.import_batch_create(
                event=self.event, upload=form.cleaned_data["file"], user=self.request.user,
                source=form.cleaned_data["source"],
                contact_consent=form.cleaned_data["contact_consent"],
            )
        except imports.ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        return redirect(batch)


def log_preview(request, batch, rows) -> None:
    """The access-log entry of a preview page: the register numbers its rows name (a row's
    match and its likely duplicates), and the batch and its row count in ``what`` — the rows not
    yet in the register have no number, but their names are shown all the same."""
    if not rows:
        return
    numbers = {row["match"]["id"] for row in rows if row.get("match")}
    numbers.update(dup["id"] for row in rows for dup in row.get("duplicates") or ())
    saw(request, numbers, even_if_none=True,
        what=f"activities:import_preview, batch {batch.pk}: {len(rows)} rows")


class ImportPreviewView(OfficerMixin, DetailView):
    """Every row of an uploaded file as new / matches existing / likely duplicate / error,
    paginated as every list pages and filterable by status; confirming writes the whole
    batch."""

    template_name = "activities/importbatch_detail.html"
    permission_required = IMPORT_PERMISSIONS
    paginate_by = 50

    def get_queryset(self):
        return selectors.import_batches(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        rows = selectors.import_preview_rows(self.object, status)
        context.update(paged(self.request, rows, self.paginate_by))
        context["status"] = status
        context["status_labels"] = imports.STATUS_LABELS
        # Each row's errors in the reader's language (stored as codes with the row).
        context["page_obj"].object_list = [
            {**row, "shown_errors": import_rows.shown_errors(row)}
            for row in context["page_obj"].object_list
        ]
        context["counts"] = selectors.import_counts(self.object)
        context["columns"] = imports.COLUMNS
        context["expired"] = self.object.expired
        log_preview(self.request, self.object, context["page_obj"].object_list)
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            result = services.participants_import(batch=self.object, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.object)
        messages.success(request, " ".join((
            # English keeps "record(s)"; the plural forms are for languages that need them.
            ngettext("Imported: %(count)s new participant record(s),",
                     "Imported: %(count)s new participant record(s),",
                     result["created"]) % {"count": result["created"]},
            ngettext("%(count)s existing record(s) added to the event,",
                     "%(count)s existing record(s) added to the event,",
                     result["linked"]) % {"count": result["linked"]},
            ngettext("%(count)s already there.", "%(count)s already there.",
                     result["already"]) % {"count": result["already"]},
        )))
        return redirect(self.object)
