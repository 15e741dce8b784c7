"""What the officers' pages share: access, the answer to a save from an older version, safe
``next`` links and forgiving pagination for lists that are not a FilterView."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.paginator import Page, Paginator
from django.utils.http import url_has_allowed_host_and_scheme

from unodc_portal.core.lists import page_number
from unodc_portal.core.versioning import StaleVersion, kept_note


class OfficerMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Anonymous → sign-in (LoginRequiredMixin); signed in without the permission → 403."""

    permission_required = "activities.view_participant"


class StaleFormMixin:
    def stale(self, form, stale: StaleVersion):
        """The form again after a save from an older version (the stored one changed between
        the form's check and the save): the message, the input as typed, the current
        version."""
        form.carry_version(stale.current)
        kept = form.reconcile(form.cleaned_data["record_version"])
        form.add_error(None, stale.message + kept_note(form, kept))
        return self.form_invalid(form)


def safe_next(request, default: str) -> str:
    """``next`` when it is a path on this site; ``default`` otherwise (another site, or a bare
    word, which ``redirect()`` would take for a URL name)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return default


def paged(request, rows, per_page: int, page_kwarg: str = "page") -> dict:
    """One page of ``rows`` (a list or a queryset) the way every list page pages
    (``unodc_portal.core.lists``): a ``page`` that is not a whole number, or below 1, gives the
    first page, one beyond the last gives the last. The context ``includes/pagination.html``
    reads: ``page_obj``, ``paginator`` and ``page_range``."""
    paginator = Paginator(rows, per_page, allow_empty_first_page=True)
    page: Page = paginator.page(page_number(request.GET.get(page_kwarg), paginator.num_pages))
    return {
        "page_obj": page,
        "paginator": paginator,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
    }
