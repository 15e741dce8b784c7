"""Likely duplicates (the same phonetic key in one organisation, the rule of
``ParticipantQuerySet.likely_duplicates``): the review list, "different people", and merging
two records into one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView
from django.views.generic.edit import FormView

from accesslog.log import saw
from activities import selectors, services
from activities.forms import DismissForm, MergeForm, record_number
from activities.models import Participant
from activities.officer.base import OfficerMixin, safe_next
from unodc_portal.core.lists import paged

MERGE_COMPARED_FIELDS = ["name", "sex", "organisation", "country", "position", "email", "phone"]


class DuplicateListView(OfficerMixin, TemplateView):
    """Groups of participants who are likely one person. Paginated by group, as every list
    pages (forgiving page numbers); the members of a page's groups in one query."""

    template_name = "activities/participant_duplicates.html"
    permission_required = "activities.change_participant"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(paged(self.request, selectors.duplicate_groups(user), self.paginate_by))
        context["groups"] = selectors.duplicate_group_members(
            user, context["page_obj"].object_list)
        saw(self.request, (member.pk for group in context["groups"] for member in group))
        return context


class DuplicateDismissView(OfficerMixin, View):
    """"Different people": the group leaves the review list until another record joins it."""

    permission_required = "activities.change_participant"

    def post(self, request):
        form = DismissForm(request.POST)
        if form.is_valid():
            services.duplicate_dismiss(**form.cleaned_data, user=request.user)
            messages.success(request, gettext(
                "Marked as different people; the group is no longer listed unless another "
                "similar record is added."))
        else:
            messages.error(request, gettext("That group could not be marked; reload the page."))
        return redirect(safe_next(request, reverse("activities:participant_duplicates")))


class ParticipantMergeView(OfficerMixin, FormView):
    template_name = "activities/participant_merge.html"
    form_class = MergeForm
    permission_required = ["activities.change_participant", "activities.delete_participant",
                           "activities.change_participation"]

    def dispatch(self, request, *args, **kwargs):
        if kwargs["pk"] == kwargs["other_pk"]:
            raise Http404(gettext("A record cannot be merged with itself."))
        return super().dispatch(request, *args, **kwargs)

    def get_records(self):
        pk, other_pk = self.kwargs["pk"], self.kwargs["other_pk"]
        if record_number(pk) is None or record_number(other_pk) is None:
            raise Http404(gettext("No such participant."))
        records = selectors.merge_pair(self.request.user, pk, other_pk)
        if records is None:
            raise Http404(gettext("No such participant."))
        return records

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        self.records = self.get_records()
        kwargs["records"] = self.records
        kwargs.setdefault("initial", {})["keep"] = self.records[0].pk
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["records"] = self.records
        saw(self.request, (record.pk for record in self.records))
        context["fields"] = [
            (Participant._meta.get_field(name).verbose_name,
             [getattr(r, f"get_{name}_display", lambda r=r, n=name: getattr(r, n))()
              for r in self.records])
            for name in MERGE_COMPARED_FIELDS
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
        messages.success(self.request, gettext("Merged record No. %(other)s into No. %(kept)s.")
                         % {"other": other.pk, "kept": kept.pk})
        return redirect(kept)
