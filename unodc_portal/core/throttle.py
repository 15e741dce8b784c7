"""Counters of attempts kept in the database (``unodc_portal.core.models.Throttle``), so that every
worker and every server shares them: password reset requests per address and per client, and
failed old-password checks on the password-change form per user and client (as django-axes
counts sign-in failures), and the report packs each account makes.

A counter counts within a fixed window that starts at its first attempt; once the window has
passed, it starts again. Keys are stored as a keyed hash, so the table holds no e-mail address.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from unodc_portal.core.client_ip import client_ip
from unodc_portal.core.models import Throttle

# Counters older than this are removed as new ones are written.
KEEP_FOR = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    scope: str
    limit: int
    window: datetime.timedelta


def reset_per_address() -> Rule:
    return Rule("reset-address", settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
                settings.PASSWORD_RESET_WINDOW)


def reset_per_client() -> Rule:
    return Rule("reset-client", settings.PASSWORD_RESET_LIMIT_PER_CLIENT,
                settings.PASSWORD_RESET_WINDOW)


def password_change_failures() -> Rule:
    """Like sign-in (django-axes): AXES_FAILURE_LIMIT failures per user and client address,
    then AXES_COOLOFF_TIME refused."""
    return Rule("password-change", settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME)


def report_packs() -> Rule:
    """Report packs an account may make in a window (each costs seconds at scale)."""
    return Rule("report-pack", settings.REPORT_PACK_LIMIT_PER_USER, settings.REPORT_PACK_WINDOW)


def digest(rule: Rule, key: str) -> str:
    return salted_hmac(f"unodc_portal.core.throttle.{rule.scope}", key,
                       algorithm="sha256").hexdigest()


def _current(rule: Rule, key: str, now) -> Throttle:
    """The counter of ``key``, locked for this transaction, its window renewed if passed."""
    # get_or_create reads again when another worker created the row first.
    counter, _ = Throttle.objects.select_for_update().get_or_create(
        scope=rule.scope, key=digest(rule, key), defaults={"window_start": now})
    if counter.window_start <= now - rule.window:
        counter.window_start, counter.count = now, 0
    return counter


@transaction.atomic
def attempt(rule: Rule, key: str) -> bool:
    """Count one attempt; False (and not counted) when ``key`` has used up its window."""
    now = timezone.now()
    Throttle.objects.filter(window_start__lt=now - KEEP_FOR).delete()
    counter = _current(rule, key, now)
    if counter.count >= rule.limit:
        counter.save()
        return False
    counter.count += 1
    counter.save()
    return True


def blocked(rule: Rule, key: str) -> bool:
    """Whether ``key`` has used up its window (counting nothing)."""
    now = timezone.now()
    return Throttle.objects.filter(
        scope=rule.scope, key=digest(rule, key), count__gte=rule.limit,
        window_start__gt=now - rule.window,
    ).exists()


@transaction.atomic
def failure(rule: Rule, key: str) -> None:
    counter = _current(rule, key, timezone.now())
    counter.count += 1
    counter.save()


def clear(rule: Rule, key: str) -> None:
    Throttle.objects.filter(scope=rule.scope, key=digest(rule, key)).delete()


def client_key(request) -> str:
    return client_ip(request) or "unknown"


def password_reset_allowed(request, email: str) -> bool:
    """One reset request for ``email`` from this client: counted against the address and the
    client alike, whether or not an account has that address (both counters move, so that
    neither answer tells whether the address exists)."""
    by_address = attempt(reset_per_address(), email.strip().lower())
    by_client = attempt(reset_per_client(), client_key(request))
    return by_address and by_client


def password_change_key(request, user) -> str:
    return f"{user.pk}|{client_key(request)}"
