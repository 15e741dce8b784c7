"""Erasure pages (admins only): a participant's erasure — what it will do, then typing the
register number to confirm — and an erasure's page, which lists the attendance sheets to
redact or remove with their state. The work is ``personaldata.services.participant_erase``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView

from accesslog.log import saw
from activities.models import Participant
from personaldata import services
from personaldata.models import Erasure


class AdminOnlyMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Anonymous → sign in; signed in but not an admin → 403."""

    def test_func(self):
        return services.may_erase(self.request.user)


class EraseForm(forms.Form):
    number = forms.CharField(
        label=_("Type the register number to confirm"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.participant = participant

    def clean_number(self):
        typed = self.cleaned_data["number"].strip().lstrip("#№").removeprefix("No.").strip()
        if typed != str(self.participant.pk):
            raise ValidationError(gettext(
                "Type %(number)s, the register number of this record, to confirm.")
                % {"number": self.participant.pk})
        return typed


class ParticipantEraseView(AdminOnlyMixin, FormView):
    """GET: what the erasure will change, and the form; POST: erase, then the erasure's
    page. A refusal (already erased, in a pending import…) is shown on the form, nothing
    written."""

    template_name = "personaldata/erase_form.html"
    form_class = EraseForm

    def get_participant(self) -> Participant:
        if not hasattr(self, "participant"):
            self.participant = get_object_or_404(
                Participant.objects.visible_to(self.request.user).with_related(),
                pk=self.kwargs["pk"])
        return self.participant

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "participant": self.get_participant()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        participant = self.get_participant()
        context["participant"] = participant
        if participant.erased_at is None:
            person = services.person_of(participant)
            context["plan"] = services.erasure_plan(participant, person)
            context["pending"] = services.pending_batches(person)
            saw(self.request, [participant.pk], what="erasure")
        else:
            context["erasure"] = Erasure.objects.filter(participant=participant.pk).first()
        return context

    def form_valid(self, form):
        try:
            erasure = services.participant_erase(self.get_participant().pk,
                                                 user=self.request.user)
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(self.request, gettext(
            "The personal data of participant No. %(number)s were erased.")
            % {"number": erasure.participant})
        return redirect(erasure)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ErasureDetailView(AdminOnlyMixin, DetailView):
    """One erasure: who, when, which record, and each attendance sheet of the person's events
    with its state (still to handle, replaced after the erasure, removed) and the links to
    replace or remove it."""

    model = Erasure
    template_name = "personaldata/erasure_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sheets"] = self.object.sheet_states()
        context["participant_exists"] = Participant.objects.filter(
            pk=self.object.participant).exists()
        return context
