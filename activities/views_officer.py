"""Programme officers' pages: workspace, event entry, participant register, duplicates and
merging, spreadsheet import, seizure entry, history. Every view checks permissions itself:
anonymous visitors are sent to sign in, signed-in users without the permission get 403. Records
come from their model's ``visible_to(user)``: demo records for demo accounts only (a 404 for
everyone else); counts are of real records."""

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
from unodc_portal.core.exports import DownloadLinksMixin, ExportMixin
from unodc_portal.core.roles import mark_if_demo
from unodc_portal.core.versioning import MISSING_MESSAGE, StaleVersion, kept_note, stale_message


class StaleFormMixin:
    def stale(self, form, stale: StaleVersion):
        """The form again after a save from an older version (the stored one changed between
        the form's check and the save): the message, the input as typed, the current
        version."""
        form.carry_version(stale.current)
        kept = form.reconcile(form.cleaned_data["record_version"])
        form.add_error(None, stale.message + kept_note(form, kept))
        return self.form_invalid(form)


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
        user = self.request.user
        context["recent_events"] = (
            Event.objects.visible_to(user).select_related("country")
            .annotate(participant_records=Count(
                "participations", filter=Q(participations__is_demo=False)))
            .order_by("-pk")[:8]
        )
        context["duplicate_groups"] = len(duplicate_groups(user))
        context["recent_imports"] = (
            ImportBatch.objects.select_related("event").defer("rows")
            .filter(created_by=self.request.user)[:5]
        )
        context["participant_count"] = Participant.objects.real().count()
        return context


def duplicate_groups(user) -> list[dict]:
    """(organisation, match_key) pairs held by more than one participant that ``user`` may see,
    less the groups an officer has said are different people (until a new record joins them).
    Two queries; the grouping reads only the (match_key, organisation) index."""
    dismissed = set(DuplicateDismissal.objects.values_list(
        "organisation_id", "match_key", "records"))
    groups = (
        Participant.objects.visible_to(user).exclude(match_key="")
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
        events = Event.objects.visible_to(self.request.user)
        event = events.filter(slug=self.kwargs["slug"]).first()
        if event is None:
            # A page opened before someone changed the event's address still saves (and is
            # then refused as stale, with the input kept) instead of losing the input to a 404.
            former = Event.history.filter(slug=self.kwargs["slug"]).order_by(
                "-history_date", "-history_id").values_list("id", flat=True).first()
            event = events.filter(pk=former).first() if former else None
        if event is None:
            raise Http404("No such event.")
        return event

    def get(self, request, *args, **kwargs):
        event = self.get_event()
        if event is not None and event.slug != self.kwargs["slug"]:
            return redirect("activities:event_update", slug=event.slug)
        return self.render_page(event, self.build_forms(event))

    def build_forms(self, event, data=None):
        # Choices follow the user's visibility, but a real event links to real records only
        # (a demo account trying the portal on a real event cannot tie it to demo data).
        user = self.request.user if event is None or event.is_demo else None
        organisations = [("", "---------")] + [
            (pk, f"{name} ({acronym})" if acronym else name)
            for pk, name, acronym in Organisation.objects.visible_to(user).order_by(
                "name").values_list("pk", "name", "acronym")
        ]
        country_choices = [("", "---------")] + [(c.pk, c.name) for c in Country.objects.all()]
        initial_participations = []
        initial_links = []
        # Only a page being shown starts from the stored rows: a submitted page says itself
        # which rows it showed (a row index given the stored list of now would pair a
        # submitted row, the empty extra one included, with a row it never showed).
        if event is not None and data is None:
            initial_participations = [
                {"participant": p.participant_id, "status": p.status,
                 "loaded_status": p.status}
                for p in event.participations.order_by("participant__name")
            ]
            initial_links = [
                {"organisation": link.organisation_id, "trainer_count": link.trainer_count,
                 "loaded_organisation": link.organisation_id,
                 "loaded_count": "" if link.trainer_count is None else link.trainer_count}
                for link in event.trainer_links.all()
            ]
        event_form = EventForm(data, instance=event or Event(), prefix="event", user=user)
        participations = ParticipationFormSet(
            data, initial=initial_participations or None, prefix="part"
        )
        participations.register = Participant.objects.visible_to(user)
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
        names = Participant.objects.visible_to(self.request.user).with_related().in_bulk(
            set(numbers) - {None})
        rows = [(form, names.get(number)) for form, number in zip(participations.forms, numbers,
                                                                  strict=True)]
        context = {
            "event": event,
            "event_form": event_form,
            "participations": participations,
            "participation_rows": rows,
            "new_participants": new_participants,
            "trainer_links": trainer_links,
            "organisation_form": OrganisationForm(prefix="org", user=self.request.user),
            "person_form": PersonForm(prefix="person", user=self.request.user),
            "event_url": public_url("activities:event_detail", event.slug) if event else "",
        }
        return render(self.request, self.template_name, context, status=status)

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
        mark_if_demo(event_form.instance, request.user)
        for form in new_participants.new_rows():
            mark_if_demo(form.instance, request.user)
        wanted, removed = participations.changes()
        trainer_counts, trainers_removed = trainer_links.changes()
        expected = event_form.cleaned_data.get("record_version")
        try:
            if event is not None and expected is None:
                raise StaleVersion(event)
            saved = services.event_record(
                event=event_form.instance,
                expected_version=expected,
                projects=event_form.cleaned_data["projects"],
                trainers=event_form.cleaned_data["trainers"],
                participations=wanted,
                removed=removed,
                new_participants=[
                    services.NewParticipant(form.instance, form.cleaned_data["status"])
                    for form in new_participants.new_rows()
                ],
                trainer_counts=trainer_counts,
                trainers_removed=trainers_removed,
            )
        except StaleVersion as exc:
            return self.render_stale(event, participations, trainer_links, expected=expected,
                                     stale=exc)
        except ValidationError as exc:
            for message in exc.messages:
                event_form.add_error(None, message)
            messages.error(request, "Nothing was saved: correct the fields marked below.")
            return self.render_page(event, forms, status=400)
        messages.success(request, f"Saved “{saved.title}” with "
                                  f"{saved.participations.count()} participant record(s).")
        return redirect("activities:event_update", slug=saved.slug)

    def render_stale(self, event, participations, trainer_links, *, expected, stale):
        """The page again after a save from an older version (nothing was written): the
        officer's input as typed, on the current version, with the current participant list
        carrying the officer's own changes (removal ticks, statuses, added rows), so that
        saving again applies them on purpose and keeps what others added meanwhile."""
        missing = expected is None
        event.refresh_from_db()
        wanted, removed = participations.changes()
        loaded = participations.loaded()
        current = dict(
            event.participations.order_by("participant__name", "participant_id")
            .values_list("participant_id", "status")
        )
        data = self.request.POST.copy()
        for key in [k for k in data if k.startswith(("part-", "trainers-"))]:
            del data[key]
        reconciled = {
            **participations.reconciled_data(current),
            **trainer_links.reconciled_data(
                dict(event.trainer_links.values_list("organisation_id", "trainer_count"))),
            "event-record_version": str(event.version),
        }
        for key, value in reconciled.items():
            data[key] = value
        # The event's fields: the officer's changes over the current record.
        probe = EventForm(data, instance=event, prefix="event")
        kept = probe.reconcile(expected) if not missing else []
        data = probe.data

        forms = self.build_forms(event, data)  # refreshed above
        event_form, participations, new_participants, trainer_links = forms
        event_form.is_valid() & participations.is_valid() & trainer_links.is_valid()
        new_participants.picked = getattr(participations, "participants", {})
        new_participants.is_valid()
        message = (MISSING_MESSAGE if missing
                   else stale_message(event, stale.changed_by, stale.changed_at)
                   + kept_note(probe, kept))
        arrived = [pk for pk in current if pk not in loaded and pk not in wanted]
        gone = [pk for pk in loaded if pk not in current and pk not in removed]
        found = Participant.objects.in_bulk(arrived + gone)

        def named(pks):
            return ", ".join(found[pk].name if pk in found else f"No. {pk} (merged or deleted)"
                             for pk in pks)

        if arrived and not missing:
            message += (f" {len(arrived)} participant(s) were added meanwhile and are now in "
                        f"the list below; saving again keeps them: {named(arrived)}.")
        if gone and not missing:
            message += (f" {len(gone)} participant(s) were removed meanwhile: {named(gone)}. "
                        "Add them again if they attended.")
        event_form.add_error(None, message)
        messages.error(self.request, message)
        return self.render_page(event, forms, status=409)


class QuickAddView(OfficerMixin, CreateView):
    """Add a missing organisation or person. From the event page's dialog (JavaScript) it
    answers JSON and the page keeps what was typed; without JavaScript it is an ordinary form
    that returns to ``next``."""

    template_name = "activities/quick_add_form.html"
    kind = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def wants_json(self):
        return "application/json" in self.request.headers.get("Accept", "")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kind"] = self.kind
        context["next"] = safe_next(self.request, reverse("activities:workspace"))
        return context

    def form_valid(self, form):
        mark_if_demo(form.instance, self.request.user)
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
        found = Participant.objects.visible_to(request.user).with_related().filter(
            condition).order_by("name", "pk")
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
        return Participant.objects.visible_to(self.request.user).with_related().order_by(
            "name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        people = context["object_list"] = list(context["object_list"])
        counts = dict(
            Participation.objects.real().filter(participant__in=people).order_by()
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

    def get_queryset(self):
        return Participant.objects.visible_to(self.request.user).with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        participant = self.object
        user = self.request.user
        context["participations"] = participant.participations.visible_to(user).select_related(
            "event", "event__country"
        ).order_by("-event__start_date", "-event__year", "event__title")
        context["likely_duplicates"] = Participant.objects.visible_to(user).with_related()\
            .likely_duplicates_of(participant)[:10]
        context["history"] = history_entries(participant, limit=10)
        # Records merged into this one: their differing values, read from their history.
        context["merged_records"] = merged_records(participant)
        context["merged_values"] = merged_values(participant)
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

    def form_valid(self, form):
        try:
            services.record_save(
                form.instance, expected_version=form.cleaned_data["record_version"],
                reason="Edited on the participant page",
            )
        except StaleVersion as exc:
            return self.stale(form, exc)
        messages.success(self.request, "Saved.")
        return redirect(self.get_success_url())


class DuplicateListView(OfficerMixin, TemplateView):
    """Groups of participants who are likely one person: the same phonetic key in one
    organisation. Paginated by group; the members of a page's groups in one query."""

    template_name = "activities/participant_duplicates.html"
    permission_required = "activities.change_participant"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(duplicate_groups(self.request.user), self.paginate_by).get_page(
            self.request.GET.get("page"))
        condition = Q(pk__in=[])
        for group in page.object_list:
            condition |= Q(organisation_id=group["organisation_id"],
                           match_key=group["match_key"])
        members = {}
        for participant in Participant.objects.visible_to(self.request.user).with_related()\
                .filter(condition).annotate(
            event_count=Count("participations", filter=Q(participations__is_demo=False))
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
        records = Participant.objects.visible_to(self.request.user).with_related().annotate(
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
        notes.append(["Only the first sheet is read. Cells starting with =, +, - or @, or with "
                      "one of them after a semicolon, are refused as formulas (except a phone "
                      "number starting with +)."])
        organisations = workbook.create_sheet("Organisations")
        organisations.append(["Acronym", "Name"])
        # Real organisations: the import matches no demo organisation.
        for name, acronym in Organisation.objects.real().order_by("name").values_list(
                "name", "acronym"):
            organisations.append([acronym, name])
        # Every cell written is text: openpyxl stores text starting with "=" as a formula, so
        # an organisation named "=HYPERLINK(…)" would be a live formula in the officers' file.
        for worksheet in workbook.worksheets:
            for row in worksheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"
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
        return ImportBatch.objects.filter(
            event__in=Event.objects.visible_to(self.request.user)
        ).select_related("event", "created_by")

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
class SeizureFormMixin(OfficerMixin, StaleFormMixin):
    model = Seizure
    form_class = SeizureForm
    template_name = "activities/seizure_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

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
        mark_if_demo(form.instance, self.request.user)
        try:
            self.object = services.record_save(
                form.instance, expected_version=form.cleaned_data.get("record_version"),
                reason="Recorded on the seizure page" if creating else "Edited on the seizure page",
            )
        except StaleVersion as exc:
            return self.stale(form, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        response = redirect(self.get_success_url())
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
        return Seizure.objects.visible_to(self.request.user).with_related()


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

    def get_queryset(self):
        return Event.objects.visible_to(self.request.user)

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

    def get_queryset(self):
        return Participant.objects.visible_to(self.request.user)

    def back_url(self, obj):
        return reverse("activities:participant_detail", args=[obj.pk])


class SeizureHistoryView(HistoryView):
    model = Seizure
    permission_required = "activities.change_seizure"

    def get_queryset(self):
        return Seizure.objects.visible_to(self.request.user)

    def back_url(self, obj):
        return reverse("activities:seizure_update", args=[obj.pk])
