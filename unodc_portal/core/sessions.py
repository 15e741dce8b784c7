"""Sessions of users who may see personal data (officers and admins: ``can_see_personal_data``):
the session cookie lasts for the browser session only (it is not kept when the browser closes),
and the server ends a session left idle for more than ``PERSONAL_DATA_SESSION_IDLE`` (8 hours).

Signing in marks the session (so that the middleware need not look up permissions on every
request) and sets its expiry to the browser session; the middleware keeps the time of the last
request in the session, to the minute, and signs out a session idle for longer than allowed.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from unodc_portal.core.roles import can_see_personal_data

PERSONAL_DATA_KEY = "_personal_data_session"
LAST_ACTIVITY_KEY = "_last_activity"
# The last activity is written at most this often (a session write per request is needless).
ACTIVITY_RESOLUTION_SECONDS = 60
IDLE_MESSAGE = gettext_lazy(
    "You were signed out after {hours} hours without activity, as accounts that see "
    "personal data are. Sign in again to continue."
)


def idle_limit_seconds() -> int:
    return int(settings.PERSONAL_DATA_SESSION_IDLE.total_seconds())


def on_sign_in(sender, request, user, **kwargs):
    """``user_logged_in``: a session that may show personal data ends with the browser."""
    session = getattr(request, "session", None)
    if session is None or not can_see_personal_data(user):
        return
    session[PERSONAL_DATA_KEY] = True
    session[LAST_ACTIVITY_KEY] = int(time.time())
    session.set_expiry(0)


class PersonalDataSessionMiddleware:
    """Ends a personal-data session idle for longer than allowed (the request then goes on as
    an anonymous visitor's, with a message); otherwise records the activity. After
    AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(PERSONAL_DATA_KEY):
            now = int(time.time())
            last = session.get(LAST_ACTIVITY_KEY, 0)
            if now - last > idle_limit_seconds():
                logout(request)
                hours = idle_limit_seconds() // 3600
                messages.info(request, format_lazy(IDLE_MESSAGE, hours=hours))
            else:
                if now - last >= ACTIVITY_RESOLUTION_SECONDS:
                    session[LAST_ACTIVITY_KEY] = now
                if not session.get_expire_at_browser_close():
                    session.set_expiry(0)
        return self.get_response(request)
