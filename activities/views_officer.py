"""Programme officers' pages: workspace, event entry, participant register, duplicates and
merging, spreadsheet import, seizure entry, history. Every view checks permissions itself:
anonymous visitors are sent to sign in, signed-in users without the permission get 403."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import CreateView, DetailView, TemplateView, UpdateView
from django.views.generic.edit import FormView
from django_filters.views import FilterView

from activities import imports, services
from activities.exports import PARTICIPANT_COLUMNS
from activities.filters import ParticipantFilter
from activities.forms import (
    DismissForm,
    EventForm,
    ImportUploadForm,
    MergeForm,
    NewParticipantFormSet,
    OrganisationForm,
    ParticipantForm,
    ParticipationFormSet,
    PersonForm,
    SeizureForm,
    TrainerLinkFormSet,
    record_number,
)
from activities.history import history_entries, merged_records, merged_values
from activities.matching import match_key, name_key
from activities.models import (
    Country,
    DuplicateDismissal,
    Event,
    ImportBatch,
    Organisation,
    Participant,
    Participation,
    Seizure,
    Substance,
)
from unodc_portal.exports import DownloadLinksMixin, ExportMixin


class OfficerMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Anonymous → sign-in (LoginRequiredMixin); signed in without the permission → 403."""

    permission_required = "activities.view_participant"


def safe_next(request, default: str) -> str:
    """``next`` when it is a path on this site; ``default`` otherwise (another site, or a bare
    word, which ``redirect()`` would take for a URL name)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return default


def public_url(name: str, *args) -> str:
    """A public page's address, or "" while that page does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# --------------------------------------------------------------------------------------------
# Workspace
# --------------------------------------------------------------------------------------------
class WorkspaceView(OfficerMixin, TemplateView):
    template_name = "activities/workspace.html"
    permission_required = "activities.add_event"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recent_events"] = (
            Event.objects.select_related("country")
            .annotate(participant_records=Count("participations"))
            .order_by("-pk")[:8]
        )
        context["duplicate_groups"] = len(duplicate_groups())
        context["recent_imports"] = (
            ImportBatch.objects.select_related("event").defer("rows")
            .filter(created_by=self.request.user)[:5]
        )
        context["participant_count"] = Participant.objects.count()
        return context


def duplicate_groups() -> list[dict]:
    """(organisation, match_key) pairs held by more than one participant, less the groups an
    officer has said are different people (until a new record joins them). Two queries; the
    grouping reads only the (match_key, organisation) index."""
    dismissed = set(DuplicateDismissal.objects.values_list(
        "organisation_id", "match_key", "records"))
    groups = (
        Participant.objects.exclude(match_key="")
        .values("organisation_id", "match_key")
        .annotate(records=Count("id"))
        .filter(records__gt=1)
        .order_by("match_key", "organisation_id")
    )
    return [g for g in groups
            if (g["organisation_id"], g["match_key"], g["records"]) not in dismissed]


# --------------------------------------------------------------------------------------------
# Event entry
# --------------------------------------------------------------------------------------------
class EventRecordView(OfficerMixin, View):
    """One page for an event with its participants and trainer organisations, saved in one
    transaction by services.event_record."""

    template_name = "activities/event_form.html"

    def get_permission_required(self):
        if "slug" in self.kwargs:
            return ["activities.change_event", "activities.add_participant",
                    "activities.add_participation", "activities.change_participation",
                    "activities.delete_participation"]
        return ["activities.add_event", "activities.add_participant",
                "activities.add_participation"]

    def get_event(self):
        if "slug" not in self.kwargs:
            return None
        return get_object_or_404(Event, slug=self.kwargs["slug"])

    def build_forms(self, event, data=None):
        organisations = [("", "---------")] + [
            (pk, f"{name} ({acronym})" if acronym else name)
            for pk, name, acronym in Organisation.objects.order_by("name").values_list(
                "pk", "name", "acronym")
        ]
        country_choices = [("", "---------")] + [(c.pk, c.name) for c in Country.objects.all()]
        initial_participations = []
        initial_links = []
        if event is not None:
            initial_participations = [
                {"participant": p.participant_id, "status": p.status}
                for p in event.participations.order_by("participant__name")
            ]
            initial_links = [
                {"organisation": link.organisation_id, "trainer_count": link.trainer_count}
                for link in event.trainer_links.all()
            ]
        event_form = EventForm(data, instance=event or Event(), prefix="event")
        participations = ParticipationFormSet(
            data, initial=initial_participations or None, prefix="part"
        )
        new_participants = NewParticipantFormSet(
            data, queryset=Participant.objects.none(), prefix="new",
            form_kwargs={"organisation_choices": organisations,
                         "country_choices": country_choices},
        )
        trainer_links = TrainerLinkFormSet(
            data, initial=initial_links or None, prefix="trainers",
            form_kwargs={"organisation_choices": organisations},
        )
        return event_form, participations, new_participants, trainer_links

    def render_page(self, event, forms, status=200):
        event_form, participations, new_participants, trainer_links = forms
        numbers = [record_number(form["participant"].value()) for form in participations.forms]
        names = Participant.objects.with_related().in_bulk(set(numbers) - {None})
        rows = [(form, names.get(number)) for form, number in zip(participations.forms, numbers,
                                                                  strict=True)]
        context = {
            "event": event,
            "event_form": event_form,
            "participations": participations,
            "participation_rows": rows,
            "new_participants": new_participants,
            "trainer_links": trainer_links,
            "organisation_form": OrganisationForm(prefix="org"),
            "person_form": PersonForm(prefix="person"),
            "event_url": public_url("activities:event_detail", event.slug) if event else "",
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        event = self.get_event()
        return self.render_page(event, self.build_forms(event))

    def post(self, request, *args, **kwargs):
        # The forms get their own copy: a refused edit must not change the page's heading
        # and links.
        event = self.get_event()
        forms = self.build_forms(self.get_event(), request.POST)
        event_form, participations, new_participants, trainer_links = forms
        valid = event_form.is_valid() & participations.is_valid() & trainer_links.is_valid()
        new_participants.picked = getattr(participations, "participants", {})
        valid = new_participants.is_valid() & valid
        if not valid:
            messages.error(request, "Nothing was saved: correct the fields marked below.")
            return self.render_page(event, forms, status=400)
        try:
            saved = services.event_record(
                event=event_form.instance,
                projects=event_form.cleaned_data["projects"],
                trainers=event_form.cleaned_data["trainers"],
                participations=participations.chosen(),
                new_participants=[
                    services.NewParticipant(form.instance, form.cleaned_data["status"])
                    for form in new_participants.new_rows()
                ],
                trainer_counts=trainer_links.counts(),
            )
        except ValidationError as exc:
            for message in exc.messages:
                event_form.add_error(None, message)
            messages.error(request, "Nothing was saved: correct the fields marked below.")
            return self.render_page(event, forms, status=400)
        messages.success(request, f"Saved “{saved.title}” with "
                                  f"{saved.participations.count()} participant record(s).")
        return redirect("activities:event_update", slug=saved.slug)


class QuickAddView(OfficerMixin, CreateView):
    """Add a missing organisation or person. From the event page's dialog (JavaScript) it
    answers JSON and the page keeps what was typed; without JavaScript it is an ordinary form
    that returns to ``next``."""

    template_name = "activities/quick_add_form.html"
    kind = ""

    def wants_json(self):
        return "application/json" in self.request.headers.get("Accept", "")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kind"] = self.kind
        context["next"] = safe_next(self.request, reverse("activities:workspace"))
        return context

    def form_valid(self, form):
        obj = form.save()
        if self.wants_json():
            return JsonResponse({"id": obj.pk, "label": str(obj), "kind": self.kind}, status=201)
        messages.success(self.request, f"Added {self.kind} “{obj}”.")
        return redirect(safe_next(self.request, reverse("activities:workspace")))

    def form_invalid(self, form):
        if self.wants_json():
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        return super().form_invalid(form)


class OrganisationCreateView(QuickAddView):
    form_class = OrganisationForm
    permission_required = "activities.add_organisation"
    kind = "organisation"
    prefix = "org"


class PersonCreateView(QuickAddView):
    form_class = PersonForm
    permission_required = "activities.add_person"
    kind = "person"
    prefix = "person"


class ParticipantSearchView(OfficerMixin, View):
    """Search-as-you-type for the event page: up to 20 participants as JSON. Matches the name
    as typed and its phonetic key, so Усмонов finds Usmonov."""

    limit = 20

    def get(self, request):
        q = request.GET.get("q", "").strip()[:100]
        number = record_number(q)
        if len(q) < 2 and number is None:
            return JsonResponse({"results": []})
        condition = Q(name_key__contains=name_key(q))
        key = match_key(q)
        if key:
            condition |= Q(match_key__contains=key)
        if number is not None:
            condition |= Q(pk=number)
        found = Participant.objects.with_related().filter(condition).order_by("name", "pk")
        return JsonResponse({"results": [
            {
                "id": p.pk, "name": p.name,
                "organisation": str(p.organisation) if p.organisation else "",
                "country": p.country.name if p.country else "",
                "position": p.position,
            }
            for p in found[: self.limit]
        ]})


# --------------------------------------------------------------------------------------------
# Participant register
# --------------------------------------------------------------------------------------------
class ParticipantListView(OfficerMixin, DownloadLinksMixin, FilterView):
    filterset_class = ParticipantFilter
    template_name = "activities/participant_list.html"
    paginate_by = 50
    export_url_name = "activities:participant_export"

    def get_queryset(self):
        # Ordered by the (name, id) index; event counts are read for the shown page only, so
        # the register does not group 200,000 rows to show fifty.
        return Participant.objects.with_related().order_by("name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        people = context["object_list"] = list(context["object_list"])
        counts = dict(
            Participation.objects.filter(participant__in=people).order_by()
            .values("participant").annotate(events=Count("event", distinct=True))
            .values_list("participant", "events")
        )
        for person in people:
            person.event_count = counts.get(person.pk, 0)
        return context


class ParticipantExportView(ExportMixin, ParticipantListView):
    """The register's rows as CSV/XLSX, with personal data: officers and admins only (the
    register's OfficerMixin runs first)."""

    export_columns = PARTICIPANT_COLUMNS
    list_url_name = "activities:participant_list"


class ParticipantDetailView(OfficerMixin, DetailView):
    model = Participant
    template_name = "activities/participant_detail.html"
    queryset = Participant.objects.with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        participant = self.object
        context["participations"] = participant.participations.select_related(
            "event", "event__country"
        ).order_by("-event__start_date", "-event__year", "event__title")
        context["likely_duplicates"] = Participant.objects.with_related().likely_duplicates_of(
            participant
        )[:10]
        context["history"] = history_entries(participant, limit=10)
        # Records merged into this one: their differing values, read from their history.
        context["merged_records"] = merged_records(participant)
        context["merged_values"] = merged_values(participant)
        return context


class ParticipantUpdateView(OfficerMixin, UpdateView):
    model = Participant
    form_class = ParticipantForm
    permission_required = "activities.change_participant"
    template_name = "activities/participant_form.html"

    def form_valid(self, form):
        form.instance._change_reason = "Edited on the participant page"
        messages.success(self.request, "Saved.")
        return super().form_valid(form)


class DuplicateListView(OfficerMixin, TemplateView):
    """Groups of participants who are likely one person: the same phonetic key in one
    organisation. Paginated by group; the members of a page's groups in one query."""

    template_name = "activities/participant_duplicates.html"
    permission_required = "activities.change_participant"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(duplicate_groups(), self.paginate_by).get_page(
            self.request.GET.get("page"))
        condition = Q(pk__in=[])
        for group in page.object_list:
            condition |= Q(organisation_id=group["organisation_id"],
                           match_key=group["match_key"])
        members = {}
        for participant in Participant.objects.with_related().filter(condition).annotate(
            event_count=Count("participations")
        ).order_by("pk"):
            members.setdefault((participant.organisation_id, participant.match_key), []).append(
                participant)
        context["page_obj"] = page
        context["groups"] = [
            members.get((g["organisation_id"], g["match_key"]), []) for g in page.object_list
        ]
        return context


class DuplicateDismissView(OfficerMixin, View):
    """"Different people": the group leaves the review list until another record joins it."""

    permission_required = "activities.change_participant"

    def post(self, request):
        form = DismissForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            DuplicateDismissal.objects.update_or_create(
                organisation=data["organisation"], match_key=data["match_key"],
                defaults={"records": data["records"], "dismissed_by": request.user},
            )
            messages.success(request, "Marked as different people; the group is no longer "
                                      "listed unless another similar record is added.")
        else:
            messages.error(request, "That group could not be marked; reload the page.")
        return redirect(safe_next(request, reverse("activities:participant_duplicates")))


class ParticipantMergeView(OfficerMixin, FormView):
    template_name = "activities/participant_merge.html"
    form_class = MergeForm
    permission_required = ["activities.change_participant", "activities.delete_participant",
                           "activities.change_participation"]

    def dispatch(self, request, *args, **kwargs):
        if kwargs["pk"] == kwargs["other_pk"]:
            raise Http404("A record cannot be merged with itself.")
        return super().dispatch(request, *args, **kwargs)

    def get_records(self):
        if record_number(self.kwargs["pk"]) is None or record_number(
                self.kwargs["other_pk"]) is None:
            raise Http404("No such participant.")
        records = Participant.objects.with_related().annotate(
            event_count=Count("participations")
        ).in_bulk([self.kwargs["pk"], self.kwargs["other_pk"]])
        if len(records) != 2:
            raise Http404("No such participant.")
        return [records[self.kwargs["pk"]], records[self.kwargs["other_pk"]]]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        self.records = self.get_records()
        kwargs["records"] = self.records
        kwargs.setdefault("initial", {})["keep"] = self.records[0].pk
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["records"] = self.records
        context["fields"] = [
            (Participant._meta.get_field(name).verbose_name,
             [getattr(r, f"get_{name}_display", lambda r=r, n=name: getattr(r, n))()
              for r in self.records])
            for name in ["name", "sex", "organisation", "country", "position", "email", "phone"]
        ]
        return context

    def form_valid(self, form):
        keep_pk = form.cleaned_data["keep"]
        keep = next(r for r in self.records if r.pk == keep_pk)
        other = next(r for r in self.records if r.pk != keep_pk)
        try:
            kept = services.participant_merge(keep=keep, other=other)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Merged record No. {other.pk} into No. {kept.pk}.")
        return redirect(kept)


# --------------------------------------------------------------------------------------------
# Spreadsheet import
# --------------------------------------------------------------------------------------------
IMPORT_PERMISSIONS = ["activities.add_participant", "activities.add_participation"]


class ImportTemplateView(OfficerMixin, View):
    """The template file: the columns of imports.COLUMNS, in XLSX or CSV."""

    permission_required = IMPORT_PERMISSIONS

    def get(self, request, fmt):
        if fmt not in {"csv", "xlsx"}:
            raise Http404("The template is offered as .xlsx or .csv.")
        header = [column.label for column in imports.COLUMNS]
        if fmt == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(header)
            response = HttpResponse("\ufeff" + buffer.getvalue(),
                                    content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="participants-template.csv"'
            return response
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Participants"
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            sheet.column_dimensions[cell.column_letter].width = 28
        notes = workbook.create_sheet("How to fill it in")
        notes.append(["Column", "What to write"])
        for column in imports.COLUMNS:
            notes.append([column.label, column.help + (" Required." if column.required else "")])
        notes.append([])
        notes.append(["Only the first sheet is read. Cells starting with =, +, - or @ are "
                      "refused as formulas (except a phone number starting with +)."])
        organisations = workbook.create_sheet("Organisations")
        organisations.append(["Acronym", "Name"])
        for name, acronym in Organisation.objects.order_by("name").values_list("name",
                                                                              "acronym"):
            organisations.append([acronym, name])
        output = io.BytesIO()
        workbook.save(output)
        response = HttpResponse(
            output.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="participants-template.xlsx"'
        return response


class ParticipantImportView(OfficerMixin, FormView):
    template_name = "activities/participant_import.html"
    form_class = ImportUploadForm
    permission_required = IMPORT_PERMISSIONS

    def dispatch(self, request, *args, **kwargs):
        self.event = get_object_or_404(Event, slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.event
        context["columns"] = imports.COLUMNS
        return context

    def form_valid(self, form):
        try:
            batch = services.import_batch_create(
                event=self.event, upload=form.cleaned_data["file"], user=self.request.user
            )
        except imports.ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        return redirect(batch)


class ImportPreviewView(OfficerMixin, DetailView):
    """Every row of an uploaded file as new / matches existing / likely duplicate / error,
    paginated and filterable by status; confirming writes the whole batch."""

    model = ImportBatch
    template_name = "activities/importbatch_detail.html"
    permission_required = IMPORT_PERMISSIONS
    paginate_by = 50

    def get_queryset(self):
        return ImportBatch.objects.select_related("event", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        rows = self.object.rows
        if status in imports.STATUS_LABELS:
            rows = [r for r in rows if r["status"] == status]
        context["page_obj"] = Paginator(rows, self.paginate_by).get_page(
            self.request.GET.get("page"))
        context["status"] = status
        context["status_labels"] = imports.STATUS_LABELS
        context["counts"] = [
            (key, label, self.object.counts.get(key, 0))
            for key, label in imports.STATUS_LABELS.items()
        ]
        context["columns"] = imports.COLUMNS
        context["expired"] = self.object.expires_at < timezone.now()
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            result = services.participants_import(batch=self.object, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.object)
        messages.success(
            request,
            f"Imported: {result['created']} new participant record(s), {result['linked']} "
            f"existing record(s) added to the event, {result['already']} already there.",
        )
        return redirect(self.object)


# --------------------------------------------------------------------------------------------
# Seizure entry
# --------------------------------------------------------------------------------------------
class SeizureFormMixin(OfficerMixin):
    model = Seizure
    form_class = SeizureForm
    template_name = "activities/seizure_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["densities"] = {
            str(pk): str(density) if density else ""
            for pk, density in Substance.objects.values_list("pk", "density_kg_per_l")
        }
        if self.object:
            context["seizure_url"] = public_url("activities:seizure_detail", self.object.pk)
        return context

    def form_valid(self, form):
        creating = form.instance.pk is None
        form.instance._change_reason = (
            "Recorded on the seizure page" if creating else "Edited on the seizure page"
        )
        response = super().form_valid(form)
        seizure = self.object
        kg = (f"{seizure.quantity_kg.normalize():f} kg" if seizure.quantity_kg is not None
              else f"no kilograms ({seizure.kg_missing_reason})")
        messages.success(self.request, f"Saved seizure {seizure.key}: {seizure} = {kg}.")
        return response

    def get_success_url(self):
        return reverse("activities:seizure_update", args=[self.object.pk])


class SeizureCreateView(SeizureFormMixin, CreateView):
    permission_required = "activities.add_seizure"


class SeizureUpdateView(SeizureFormMixin, UpdateView):
    permission_required = "activities.change_seizure"

    def get_queryset(self):
        return Seizure.objects.with_related()


# --------------------------------------------------------------------------------------------
# History
# --------------------------------------------------------------------------------------------
class HistoryView(OfficerMixin, DetailView):
    """What changed in a record, when and by whom; admins get a link to restore a version."""

    template_name = "activities/record_history.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        meta = obj._meta
        context["entries"] = history_entries(obj)
        context["model_name"] = meta.verbose_name
        context["can_restore"] = self.request.user.is_staff and self.request.user.has_perm(
            f"{meta.app_label}.change_{meta.model_name}")
        context["restore_url_name"] = f"admin:{meta.app_label}_{meta.model_name}_simple_history"
        context["back_url"] = self.back_url(obj)
        return context


class EventHistoryView(HistoryView):
    model = Event
    permission_required = "activities.change_event"

    def back_url(self, obj):
        return reverse("activities:event_update", args=[obj.slug])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        changes = (
            Participation.history.filter(event_id=self.object.pk)
            .select_related("history_user", "participant")
            .order_by("-history_date", "-history_id")
        )
        context["participation_page"] = Paginator(changes, self.paginate_by).get_page(
            self.request.GET.get("page"))
        return context


class ParticipantHistoryView(HistoryView):
    model = Participant
    permission_required = "activities.view_participant"

    def back_url(self, obj):
        return reverse("activities:participant_detail", args=[obj.pk])


class SeizureHistoryView(HistoryView):
    model = Seizure
    permission_required = "activities.change_seizure"

    def back_url(self, obj):
        return reverse("activities:seizure_update", args=[obj.pk])
