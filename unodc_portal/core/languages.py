"""A page's language is its address: English unprefixed (``/events/``), Russian under ``/ru/``.

- ``LocaleMiddleware`` (Django's) activates the language of the address. Under
  ``i18n_patterns(prefix_default_language=False)`` an unprefixed page is always English, so it
  does not vary on ``Accept-Language``: ``PortalLocaleMiddleware`` drops the ``Vary`` Django adds,
  and the page cache keeps one copy per address instead of one per browser.
- ``FirstVisitLanguageMiddleware``: on ``/`` only, a visitor with no remembered choice whose
  browser prefers Russian is sent to ``/ru/``; one who chose a language with the switcher is
  sent to that language's home. No other address ever redirects on a header.
- ``switch_language``: the switcher's plain links (``/language/ru/?next=/ru/events/``) remember
  the choice in a cookie and go to the page in that language: no form, no CSRF token, so
  anonymous pages stay cacheable. The cookie outlives the session, so a signed-in user keeps
  the language they chose on that browser.
- API and IATI addresses are not prefixed: ``Accept-Language`` picks the labels there.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.cache import cc_delim_re, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

# Addresses outside the language prefix: they vary on Accept-Language where they translate.
UNPREFIXED = ("/api/", "/iati/", "/healthz", "/favicon.ico", "/language/", "/static/")


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def remembered_language(request) -> str | None:
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return code if code in language_codes() else None


def preferred_language(request) -> str:
    """The remembered choice, else the browser's preference among ours, else English."""
    return remembered_language(request) or translation.get_language_from_request(
        request, check_path=False
    )


def home_address(code: str) -> str:
    with translation.override(code):
        return reverse("home")


class FirstVisitLanguageMiddleware:
    """Outermost, before the page cache: only ``/`` redirects, and only to Russian."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/" and request.method in ("GET", "HEAD"):
            code = preferred_language(request)
            if code != settings.LANGUAGE_CODE and code in language_codes():
                query = request.META.get("QUERY_STRING", "")
                response = HttpResponseRedirect(
                    home_address(code) + (f"?{query}" if query else "")
                )
            else:
                response = self.get_response(request)
            # The redirect depends on both; shared caches in front must keep them apart.
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
            return response
        return self.get_response(request)


class PortalLocaleMiddleware(LocaleMiddleware):
    """Django's ``LocaleMiddleware``, with two differences: an unprefixed page under the language
    prefix is always English, so ``Vary: Accept-Language`` is removed there (the page cache then
    keeps one copy per address, not one per browser); and every answer carries
    ``Content-Language``."""

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if not request.path.startswith(UNPREFIXED) and response.has_header("Vary"):
            names = [h.strip() for h in cc_delim_re.split(response["Vary"]) if h.strip()]
            kept = [name for name in names if name.lower() != "accept-language"]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


@require_safe
def switch_language(request, code):
    """The switcher's link: remember the choice, then go to the same page in that language."""
    if code not in language_codes():
        return HttpResponseBadRequest("Unknown language.", content_type="text/plain")
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not target.startswith("/"):
        target = "/"
    # translate_url resolves the address in the active language: make it the address's own.
    with translation.override(translation.get_language_from_path(target.split("?")[0])
                              or settings.LANGUAGE_CODE):
        response = HttpResponseRedirect(translate_url(target, code))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, code,
        max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=True,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    response["Cache-Control"] = "no-store"
    return response
