"""The pages that write a results framework:

- a project's framework as its editors see it (``FrameworkView``: officers and admins), with the
  links to each edit;
- admins add, edit and delete its results, indicators and periods (targets and baselines), one
  record per form;
- officers and admins enter the actual of an entered indicator's period (``ActualView``): an
  officer's is pending until an admin approves it, an admin's is approved at once;
- admins approve or reject pending actuals from one queue (``PendingView``).

Who may do what is decided in ``results.approval``; anonymous visitors are sent to sign in,
everyone else without the right gets 403, before any record is looked up. Records are looked up
through the project the reader may see (``visible_to``). Saves go through ``results.approval``
(version checked, history with its reason)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_noop
from django.views.generic import CreateView, DeleteView, ListView, TemplateView, UpdateView, View

from activities.models import Project
from activities.officer.base import StaleFormMixin
from results import approval
from results.forms import ActualForm, IndicatorForm, PeriodForm, ResultForm
from results.models import Indicator, Period, Result
from unodc_portal.core.versioning import StaleVersion, parse_version


def describe(record) -> str:
    """A record as a message names it, in the reader's language: a period by its indicator and
    dates (its ``__str__`` is English), the others by their ``__str__``."""
    if isinstance(record, Period):
        return gettext("%(indicator)s, %(start)s to %(end)s") % {
            "indicator": record.indicator.title,
            "start": date_format(record.start, "j E Y"), "end": date_format(record.end, "j E Y")}
    return str(record)


# --------------------------------------------------------------------------------------------
# Access
# --------------------------------------------------------------------------------------------
class RoleMixin(UserPassesTestMixin):
    """Anonymous → sign-in; signed in without the right → 403 (``UserPassesTestMixin``)."""

    allowed = staticmethod(approval.may_edit_frameworks)

    def test_func(self):
        return self.allowed(self.request.user)


class EditorMixin(RoleMixin):
    allowed = staticmethod(approval.may_edit_frameworks)


class ActualEntryMixin(RoleMixin):
    allowed = staticmethod(approval.may_enter_actuals)


class ApproverMixin(RoleMixin):
    allowed = staticmethod(approval.may_approve)


class ProjectMixin:
    """The project of the address, as the reader may see it (404 otherwise)."""

    @cached_property
    def project(self) -> Project:
        return get_object_or_404(Project.objects.visible_to(self.request.user),
                                 code=self.kwargs["code"])

    def framework_url(self) -> str:
        return reverse("results:framework_edit", args=[self.project.code])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(project=self.project, framework_url=self.framework_url())
        return context


# --------------------------------------------------------------------------------------------
# The framework
# --------------------------------------------------------------------------------------------
class FrameworkView(ActualEntryMixin, ProjectMixin, TemplateView):
    """Every result, indicator and period of the project, with the edits the reader may make:
    admins every one, officers the actuals of entered indicators."""

    template_name = "results/framework_edit.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        periods = Period.objects.select_related("actual_entered_by", "actual_approved_by")
        indicators = Indicator.objects.select_related("substance").prefetch_related(
            Prefetch("periods", queryset=periods))
        results = list(Result.objects.filter(project=self.project).select_related(
            "parent").prefetch_related(Prefetch("indicators", queryset=indicators)))
        context.update(
            results=results,
            may_edit=approval.may_edit_frameworks(self.request.user),
            may_approve=approval.may_approve(self.request.user),
        )
        return context


class SaveMixin(StaleFormMixin, ProjectMixin):
    """A framework record saved through ``approval.record_save`` with its history reason; a
    save from an older version is refused with the input kept."""

    created_reason = gettext_noop("Added on the results framework page")
    edited_reason = gettext_noop("Edited on the results framework page")
    saved_message = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project}

    def form_valid(self, form):
        creating = form.instance.pk is None
        try:
            self.object = approval.record_save(
                form.instance, expected_version=form.cleaned_data.get("record_version"),
                reason=self.created_reason if creating else self.edited_reason,
                user=self.request.user)
        except StaleVersion as exc:
            return self.stale(form, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request,
                         gettext(self.saved_message) % {"record": describe(self.object)})
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return self.framework_url()


class ResultMixin(EditorMixin, SaveMixin):
    model = Result
    form_class = ResultForm
    template_name = "results/result_form.html"
    slug_field = slug_url_kwarg = "key"
    saved_message = gettext_noop("Saved the result “%(record)s”.")

    def get_queryset(self):
        return Result.objects.filter(project=self.project)


class ResultCreateView(ResultMixin, CreateView):
    pass


class ResultUpdateView(ResultMixin, UpdateView):
    pass


class IndicatorMixin(EditorMixin, SaveMixin):
    model = Indicator
    form_class = IndicatorForm
    template_name = "results/indicator_form.html"
    slug_field = slug_url_kwarg = "key"
    saved_message = gettext_noop("Saved the indicator “%(record)s”.")

    def get_queryset(self):
        return Indicator.objects.filter(result__project=self.project).select_related("result")


class IndicatorCreateView(IndicatorMixin, CreateView):
    """A new indicator under the result of the address."""

    @cached_property
    def result(self) -> Result:
        return get_object_or_404(Result, project=self.project, key=self.kwargs["result_key"])

    def get_initial(self):
        return {**super().get_initial(), "result": self.result}


class IndicatorUpdateView(IndicatorMixin, UpdateView):
    pass


class PeriodMixin(EditorMixin, SaveMixin):
    model = Period
    form_class = PeriodForm
    template_name = "results/period_form.html"
    saved_message = gettext_noop("Saved the period “%(record)s”.")

    def get_queryset(self):
        return Period.objects.filter(indicator__result__project=self.project).select_related(
            "indicator")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("project")
        return {**kwargs, "indicator": self.indicator}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "indicator": self.indicator}


class PeriodCreateView(PeriodMixin, CreateView):
    @cached_property
    def indicator(self) -> Indicator:
        return get_object_or_404(Indicator, result__project=self.project,
                                 key=self.kwargs["indicator_key"])


class PeriodUpdateView(PeriodMixin, UpdateView):
    @property
    def indicator(self) -> Indicator:
        return self.object.indicator


class DeleteMixin(EditorMixin, ProjectMixin):
    """A confirmation page, then the deletion (POST) with its history reason; what the record
    holds (indicators, periods) goes with it, and stays in history."""

    template_name = "results/confirm_delete.html"
    deleted_message = ""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "record_label": describe(self.object)}

    def form_valid(self, form):
        label = describe(self.object)
        self.object._change_reason = gettext_noop("Deleted on the results framework page")
        self.object.delete()
        messages.success(self.request, gettext(self.deleted_message) % {"record": label})
        return HttpResponseRedirect(self.framework_url())


class ResultDeleteView(DeleteMixin, DeleteView):
    slug_field = slug_url_kwarg = "key"
    deleted_message = gettext_noop("Deleted the result “%(record)s”.")

    def get_queryset(self):
        return Result.objects.filter(project=self.project)


class IndicatorDeleteView(DeleteMixin, DeleteView):
    slug_field = slug_url_kwarg = "key"
    deleted_message = gettext_noop("Deleted the indicator “%(record)s”.")

    def get_queryset(self):
        return Indicator.objects.filter(result__project=self.project)


class PeriodDeleteView(DeleteMixin, DeleteView):
    deleted_message = gettext_noop("Deleted the period “%(record)s”.")

    def get_queryset(self):
        return Period.objects.filter(indicator__result__project=self.project).select_related(
            "indicator")


# --------------------------------------------------------------------------------------------
# Actuals
# --------------------------------------------------------------------------------------------
class ActualView(ActualEntryMixin, StaleFormMixin, ProjectMixin, UpdateView):
    """The actual of one period of an entered indicator. An officer's value is pending until an
    admin approves it; an admin's is approved at once. A computed indicator refuses it."""

    model = Period
    form_class = ActualForm
    template_name = "results/actual_form.html"

    def get_queryset(self):
        return Period.objects.filter(indicator__result__project=self.project).select_related(
            "indicator__result", "actual_entered_by", "actual_approved_by")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "indicator": self.object.indicator,
                "approved_at_once": approval.may_approve(self.request.user)}

    def form_valid(self, form):
        if (form.cleaned_data.get("actual") is None
                and form.instance.actual_status == Period.Status.APPROVED
                and not approval.may_approve(self.request.user)):
            form.add_error("actual", gettext(
                "An approved actual is taken back by an admin: enter the corrected value "
                "instead, for approval."))
            return self.form_invalid(form)
        try:
            self.object = approval.actual_enter(
                form.instance, user=self.request.user,
                expected_version=form.cleaned_data.get("record_version"))
        except StaleVersion as exc:
            return self.stale(form, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        period = self.object
        if period.actual is None:
            text = gettext("The actual of %(period)s was taken back.")
        elif period.actual_status == Period.Status.APPROVED:
            text = gettext("Saved and approved the actual of %(period)s.")
        else:
            text = gettext("Saved the actual of %(period)s: it is pending an admin's approval.")
        messages.success(self.request, text % {"period": describe(period)})
        return HttpResponseRedirect(self.framework_url())


class PendingView(ApproverMixin, ListView):
    """Every actual awaiting approval, oldest period first, with approve and reject buttons."""

    template_name = "results/pending.html"
    context_object_name = "periods"
    paginate_by = 50

    def get_queryset(self):
        return (Period.objects.visible_to(self.request.user)
                .filter(actual_status=Period.Status.PENDING)
                .select_related("indicator__result__project", "actual_entered_by")
                .order_by("indicator__result__project__code", "start", "pk"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context.update(
            page_range=page.paginator.get_elided_page_range(page.number),
            pager_label=gettext("Pages of actuals awaiting approval"),
        )
        return context


class DecisionView(ApproverMixin, View):
    """Approve or reject one pending actual (POST only), as the admin saw it: the form carries
    the period's version, and a value changed since is refused with who changed it."""

    http_method_names = ["post"]
    decide = None
    done_message = ""

    def post(self, request, pk):
        period = get_object_or_404(
            Period.objects.visible_to(request.user).select_related("indicator"), pk=pk)
        if period.actual_status != Period.Status.PENDING:
            messages.warning(request, gettext(
                "The actual of %(period)s is no longer pending: nothing was changed.")
                % {"period": describe(period)})
            return HttpResponseRedirect(reverse("results:pending"))
        expected = parse_version(request.POST.get("record_version"))
        if expected is None:
            messages.error(request, gettext(
                "Not saved: the button did not say which version of the actual it was for. "
                "Nothing was written."))
            return HttpResponseRedirect(reverse("results:pending"))
        try:
            self.decide(period, user=request.user, expected_version=expected)
        except StaleVersion as exc:
            messages.error(request, exc.message_not_kept)
            return HttpResponseRedirect(reverse("results:pending"))
        messages.success(request, gettext(self.done_message) % {"period": describe(period)})
        return HttpResponseRedirect(reverse("results:pending"))


class ApproveView(DecisionView):
    decide = staticmethod(approval.actual_approve)
    done_message = gettext_noop("Approved the actual of %(period)s.")


class RejectView(DecisionView):
    decide = staticmethod(approval.actual_reject)
    done_message = gettext_noop("Rejected the actual of %(period)s: it has no actual now; "
                                "the value is kept in its history.")
