"""Seizure entry: a new seizure, or an existing one edited, saved with its history reason and
a new version (``services.record_save``); a save from an older version is refused with the
input kept."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_noop
from django.views.generic import CreateView, UpdateView

from activities import selectors, services
from activities.forms import SeizureForm
from activities.models import Seizure
from activities.officer.base import OfficerMixin, StaleFormMixin
from unodc_portal.core.roles import mark_if_demo
from unodc_portal.core.versioning import StaleVersion


class SeizureFormMixin(OfficerMixin, StaleFormMixin):
    model = Seizure
    form_class = SeizureForm
    template_name = "activities/seizure_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["densities"] = selectors.substance_densities()
        if self.object:
            context["seizure_url"] = self.object.get_absolute_url()
        return context

    def form_valid(self, form):
        creating = form.instance.pk is None
        mark_if_demo(form.instance, self.request.user)
        try:
            self.object = services.record_save(
                form.instance, expected_version=form.cleaned_data.get("record_version"),
                # The history's reason is stored in English (the history page translates it).
                reason=(gettext_noop("Recorded on the seizure page") if creating
                        else gettext_noop("Edited on the seizure page")),
            )
        except StaleVersion as exc:
            return self.stale(form, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        response = redirect(self.get_success_url())
        seizure = self.object
        kg = (gettext("%(quantity)s kg") % {"quantity": number_format(
                  seizure.quantity_kg.normalize(), use_l10n=True, force_grouping=True)}
              if seizure.quantity_kg is not None
              else gettext("no kilograms (%(reason)s)") % {"reason": seizure.kg_missing_reason})
        messages.success(self.request, gettext("Saved seizure %(key)s: %(seizure)s = %(kg)s.")
                         % {"key": seizure.key, "seizure": seizure, "kg": kg})
        return response

    def get_success_url(self):
        return reverse("activities:seizure_update", args=[self.object.pk])


class SeizureCreateView(SeizureFormMixin, CreateView):
    permission_required = "activities.add_seizure"


class SeizureUpdateView(SeizureFormMixin, UpdateView):
    permission_required = "activities.change_seizure"

    def get_queryset(self):
        return Seizure.objects.visible_to(self.request.user).with_related()
