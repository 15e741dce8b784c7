"""The page cache: whole anonymous pages kept in the shared cache (``CACHES["default"]``: Redis
with ``REDIS_URL``, else the database table ``portal_cache``), so every worker and every server
serves and invalidates the same pages.

What is cached: the answer to an anonymous GET (HEAD is served from it) — a request carrying no
session cookie, no messages cookie and no ``Authorization`` header — when it is a 200, sets no
cookie, is not streamed and is not marked private or no-store, outside the never-cached paths
(the admin, sign-in and passwords, the health check). One entry per address: scheme, host, path
and query string, and the values of the request headers the answer varies on (except
``Cookie``: a request whose cookies could change the page — session, messages — never reads the
cache, and a page that used the CSRF cookie sets it and is never stored).

Invalidation: every entry belongs to a *generation*, a random token kept in the cache; a page
is served only while its generation is the current one. ``invalidate()`` draws a new token
after the writing transaction commits (so a page rendered from the old data is never stored
under the new generation; a random token, not a counter, so two invalidations at once can never
leave the same value twice). It is called for

- every saved, deleted or re-linked model instance (``post_save``, ``post_delete``,
  ``m2m_changed``), except the bookkeeping that no page shows (``IGNORED_MODELS``);
- every unsafe request (POST, PUT, PATCH, DELETE) answered below 400 outside ``/accounts/``:
  bulk writes that send no signal (the admin's actions, imports, merges, version numbers) are
  made by such requests;
- the management commands that write in bulk (``load_fixtures``, ``restore``, ``seed_demo``,
  ``remove_demo``, ``seed_scale``, ``rebuild_summaries``), and ``migrate`` (a new release's
  templates, a migration's SQL).

Every cache operation is guarded: when the cache does not answer, pages are served uncached and
the failure is logged, never a server error. An invalidation that failed is retried before this
process serves from the cache again.

Answers carry ``X-Page-Cache: hit``, ``miss`` (rendered, and stored if it qualified) or
``bypass`` (not for the cache: signed in, a form, the cache off or unavailable). Browsers keep
no copy (``Cache-Control: max-age=0``): the server's cache is what is fast, and a browser
keeping a page for minutes would show a figure older than the last write.
"""

from __future__ import annotations

import hashlib
import logging
import secrets

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_migrate,
)
from django.utils.cache import cc_delim_re, get_max_age, patch_cache_control

logger = logging.getLogger(__name__)

HEADER = "X-Page-Cache"
GENERATION_KEY = "page:generation"
# Addresses never served from the cache nor stored: the admin, sign-in and passwords (they carry
# forms with a CSRF token), the health check (it must reach the database).
NEVER_CACHED = ("/admin/", "/accounts/", "/healthz", "/ru/admin/", "/ru/accounts/", "/language/")
# Unsafe requests under these addresses change nothing a page shows (sign-in, sign-out,
# passwords); the model signals still catch any record they write.
NO_INVALIDATION = ("/accounts/", "/ru/accounts/")
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Records no page shows: sessions, sign-in attempts and lockouts, throttle counters, API tokens,
# the admin's log, the personal-data access log, the cache's own table (a model only if a
# project defines one).
IGNORED_MODELS = {
    "sessions.session",
    "accesslog.accessentry",
    "accesslog.accessedrecord",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "unodc_portal.throttle",
    "authtoken.token",
    "authtoken.tokenproxy",
    "admin.logentry",
    "contenttypes.contenttype",
    "auth.permission",
    "migrations.migration",
}
# The most variants (answers to one address differing in a Vary header, e.g. Accept) kept.
MAX_VARIANTS = 8

# An invalidation that failed (the cache did not answer) is owed: this process serves nothing
# from the cache until it has been made.
_invalidation_owed = False
# While ``migrate`` runs, the records it writes invalidate once, at its end (the cache table may
# not exist before then).
_migrating = False


def cache():
    return caches["default"]


def _new_generation() -> str:
    return secrets.token_hex(8)


def invalidate() -> bool:
    """Start a new generation now: every page cached so far is out of date. Returns whether the
    cache took it (a failure is logged and retried by the next request of this process)."""
    global _invalidation_owed
    try:
        cache().set(GENERATION_KEY, _new_generation(), None)
    except Exception as exc:
        _invalidation_owed = True
        logger.warning("The page cache could not be invalidated (%r); it is tried again before "
                       "this process reads the cache.", exc)
        return False
    _invalidation_owed = False
    return True


def _invalidate_on_commit_callback():
    invalidate()


def invalidation_waits_for_commit(using: str = DEFAULT_DB_ALIAS) -> bool:
    """The current transaction has written records: their invalidation runs when it commits,
    so what is read now must not be cached under the current generation."""
    connection = transaction.get_connection(using)
    return connection.in_atomic_block and any(
        entry[1] is _invalidate_on_commit_callback for entry in connection.run_on_commit
    )


def invalidate_on_commit(using: str = DEFAULT_DB_ALIAS) -> None:
    """``invalidate()`` once the current transaction commits (at once outside one); one call
    per transaction however many records it writes."""
    if invalidation_waits_for_commit(using):
        return
    transaction.on_commit(_invalidate_on_commit_callback, using=using)


def lookup(key: str, what: str = "page") -> tuple[str | None, object]:
    """(the current generation, the entry cached under ``key``); (None, None) when the cache
    does not answer or an invalidation is owed. Pages and the results figures
    (``results.compute``) read through it: an entry is good only if it was stored under the
    generation returned."""
    if _invalidation_owed and not invalidate():
        return None, None
    try:
        found = cache().get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            cache().add(GENERATION_KEY, _new_generation(), None)
            generation = cache().get(GENERATION_KEY)
        return generation, found.get(key)
    except Exception as exc:
        logger.warning("The %s cache does not answer (%r); serving uncached.", what, exc)
        return None, None


def _ignored(sender) -> bool:
    meta = getattr(sender, "_meta", None)
    return meta is not None and meta.label_lower in IGNORED_MODELS


def on_save(sender, instance=None, update_fields=None, using=DEFAULT_DB_ALIAS, **kwargs):
    if _ignored(sender) or _migrating:
        return
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # signing in
    invalidate_on_commit(using)


def on_delete(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    if not _ignored(sender) and not _migrating:
        invalidate_on_commit(using)


def on_m2m_changed(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if action.startswith("post_") and not _ignored(sender) and not _migrating:
        invalidate_on_commit(using)


def before_migrate(**kwargs):
    global _migrating
    _migrating = True


def after_migrate(**kwargs):
    global _migrating
    _migrating = False
    invalidate()


def connect_signals(app_config) -> None:
    """Called once by the core app's ``ready()``. ``migrate`` invalidates too (once per run: for
    this app only): every start of ``make serve`` runs it, so a new release never serves pages
    rendered by the previous one's templates, nor data changed by a migration's SQL."""
    post_save.connect(on_save, dispatch_uid="pagecache-save")
    post_delete.connect(on_delete, dispatch_uid="pagecache-delete")
    m2m_changed.connect(on_m2m_changed, dispatch_uid="pagecache-m2m")
    pre_migrate.connect(before_migrate, sender=app_config, dispatch_uid="pagecache-pre-migrate")
    post_migrate.connect(after_migrate, sender=app_config, dispatch_uid="pagecache-migrate")


# --------------------------------------------------------------------------------------------
# The middleware
# --------------------------------------------------------------------------------------------
def _eligible(request) -> bool:
    """Whether this request may read and write the shared cache."""
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith(NEVER_CACHED):
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and CookieStorage.cookie_name not in cookies


def _address_key(request) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "page:" + hashlib.sha256(address.encode()).hexdigest()


def _vary_names(response) -> tuple[str, ...] | None:
    """The request headers the answer varies on, Cookie left out; None for ``Vary: *``."""
    if not response.has_header("Vary"):
        return ()
    names = sorted({h.strip().lower() for h in cc_delim_re.split(response["Vary"]) if h.strip()})
    if "*" in names:
        return None
    return tuple(name for name in names if name != "cookie")


def _variant(request, names) -> tuple[str, ...]:
    return tuple(
        request.META.get("HTTP_" + name.upper().replace("-", "_"), "") for name in names
    )


def _storable(request, response) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    control = response.get("Cache-Control", "").lower()
    return not any(word in control for word in ("private", "no-store", "no-cache"))


def _no_browser_copy(response) -> None:
    if get_max_age(response) is None:
        patch_cache_control(response, max_age=0)


class PageCacheMiddleware:
    """Serves and stores anonymous pages (see the module's docstring). Place it after the
    security, CSP and static-file middleware (their headers are added to every answer, cached or
    not) and before the session middleware (a hit costs no session or user lookup).

    No state is kept on the instance between requests: gthread workers share it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE or not _eligible(request):
            response = self.get_response(request)
            self._after_unsafe(request, response)
            response.setdefault(HEADER, "bypass")
            return response
        try:
            key = _address_key(request)
        except Exception:  # a host not allowed: the rest of the stack answers it
            response = self.get_response(request)
            response.setdefault(HEADER, "bypass")
            return response

        generation, entry = lookup(key)
        if generation is not None and entry is not None and entry.get("generation") == generation:
            cached = entry["variants"].get(_variant(request, entry["names"]))
            if cached is not None:
                cached[HEADER] = "hit"
                return cached

        response = self.get_response(request)
        if generation is None or not _storable(request, response):
            response[HEADER] = "bypass"
            return response
        _no_browser_copy(response)
        names = _vary_names(response)
        if names is None:
            response[HEADER] = "bypass"
            return response
        response[HEADER] = "miss"
        self._store(key, generation, entry, names, request, response)
        return response

    def _store(self, key, generation, entry, names, request, response):
        if entry is None or entry.get("generation") != generation or entry.get("names") != names:
            entry = {"generation": generation, "names": names, "variants": {}}
        variants = dict(list(entry["variants"].items())[-(MAX_VARIANTS - 1):])
        variants[_variant(request, names)] = response  # pickled by the cache, as rendered
        try:
            cache().set(
                key, {**entry, "variants": variants}, settings.PAGE_CACHE_SECONDS
            )
        except Exception as exc:
            logger.warning("The page cache could not store a page (%r).", exc)

    @staticmethod
    def _after_unsafe(request, response):
        if (
            request.method in UNSAFE_METHODS
            and response.status_code < 400
            and not request.path.startswith(NO_INVALIDATION)
        ):
            invalidate_on_commit()
