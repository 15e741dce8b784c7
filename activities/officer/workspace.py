"""The officers' workspace, and quick-add of a missing organisation or person (from the event
page's dialog, or as a plain form without JavaScript)."""

from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, TemplateView

from activities import selectors
from activities.forms import OrganisationForm, PersonForm
from activities.officer.base import OfficerMixin, safe_next
from unodc_portal.core.roles import mark_if_demo


class WorkspaceView(OfficerMixin, TemplateView):
    template_name = "activities/workspace.html"
    permission_required = "activities.add_event"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                **selectors.workspace_summary(self.request.user)}


class QuickAddView(OfficerMixin, CreateView):
    """Add a missing organisation or person. From the event page's dialog (JavaScript) it
    answers JSON and the page keeps what was typed; without JavaScript it is an ordinary form
    that returns to ``next``. A single-record ``ModelForm.save()``: no service needed."""

    template_name = "activities/quick_add_form.html"
    kind = ""  # a code: "organisation" or "person"
    added = _("Added “%(record)s”.")

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
        messages.success(self.request, self.added % {"record": obj})
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
    added = _("Added organisation “%(record)s”.")


class PersonCreateView(QuickAddView):
    form_class = PersonForm
    permission_required = "activities.add_person"
    kind = "person"
    prefix = "person"
    added = _("Added person “%(record)s”.")
