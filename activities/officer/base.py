"""What the officers' pages share: access, the answer to a save from an older version and safe
``next`` links. (Lists that are not a FilterView page with ``unodc_portal.core.lists.paged``.)"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.utils.http import url_has_allowed_host_and_scheme

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
