"""Writes of a results framework: a record of the framework saved from its page, an entered
actual (pending until an admin approves it, approved at once when an admin enters it), and an
admin's approval or rejection. Each write checks the version the page was loaded with
(``unodc_portal.core.versioning``: no edit silently lost), validates with ``full_clean()`` and
leaves a history row with its reason (who: simple-history's request middleware, or ``user``).

The portal's pages and the admin both call these, so that an actual is approved the same way
wherever it is."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from results.models import Period
from unodc_portal.core.versioning import bump_version


def may_edit_frameworks(user) -> bool:
    """Admins edit frameworks, baselines and targets (staff with the model permission)."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff
                and user.has_perm("results.change_indicator"))


def may_approve(user) -> bool:
    """Admins approve entered actuals; what an admin enters is approved at once."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff
                and user.has_perm("results.change_period"))


def may_enter_actuals(user) -> bool:
    """Officers and admins enter the actuals of entered (manual) indicators."""
    return bool(user and user.is_authenticated and user.is_active
                and user.has_perm("results.change_period"))


def _save(obj, reason: str, user=None):
    obj.full_clean()
    obj._change_reason = reason
    if user is not None and user.is_authenticated:
        obj._history_user = user
    obj.save()
    return obj


@transaction.atomic
def record_save(obj, *, expected_version: int | None, reason: str, user=None):
    """Save a result, indicator or period edited on its page: an existing one only while its
    stored version is still ``expected_version`` (else StaleVersion, nothing written)."""
    if obj.pk is not None:
        bump_version(obj, expected=expected_version)
    return _save(obj, reason, user)


def _approved_by(period: Period, user) -> None:
    period.actual_status = Period.Status.APPROVED
    period.actual_approved_by = user
    period.actual_approved_at = timezone.now()


def _cleared(period: Period) -> None:
    period.actual = None
    period.actual_note = ""
    for column in ("actual_note_en", "actual_note_ru"):
        if hasattr(period, column):
            setattr(period, column, "")
    period.actual_status = Period.Status.NONE
    period.actual_entered_by = None
    period.actual_approved_by = None
    period.actual_approved_at = None


@transaction.atomic
def actual_enter(period: Period, *, user, expected_version: int | None) -> Period:
    """Store the actual set on ``period`` (its value and note, from the form) as entered by
    ``user``: pending approval, or approved at once when ``user`` is an admin. An empty value
    takes the actual back (no actual)."""
    bump_version(period, expected=expected_version)
    if period.actual is None:
        _cleared(period)
        return _save(period, gettext_noop("Actual removed on the results page"), user)
    period.actual_entered_by = user
    if may_approve(user):
        _approved_by(period, user)
        reason = gettext_noop("Actual entered and approved by an admin")
    else:
        period.actual_status = Period.Status.PENDING
        period.actual_approved_by = None
        period.actual_approved_at = None
        reason = gettext_noop("Actual entered, pending approval")
    return _save(period, reason, user)


@transaction.atomic
def actual_approve(period: Period, *, user, expected_version: int | None) -> Period:
    """Approve ``period``'s pending actual. With ``expected_version``, only the value the admin
    saw (a value changed since is refused: StaleVersion)."""
    bump_version(period, expected=expected_version)
    _approved_by(period, user)
    return _save(period, gettext_noop("Actual approved"), user)


@transaction.atomic
def actual_reject(period: Period, *, user, expected_version: int | None) -> Period:
    """Reject ``period``'s pending actual: back to no actual. The rejected value stays in the
    period's history (the row written when it was entered, and this one's reason)."""
    bump_version(period, expected=expected_version)
    _cleared(period)
    return _save(period, gettext_noop("Actual rejected"), user)


def actuals_approve(periods, *, user) -> int:
    """Approve the pending actuals among ``periods`` (the admin's action); returns how many."""
    approved = 0
    for period in periods:
        if period.actual_status != Period.Status.PENDING or period.actual is None:
            continue
        actual_approve(period, user=user, expected_version=None)
        approved += 1
    return approved
