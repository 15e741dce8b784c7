"""Site-wide request and response policies that no single view owns."""

from django.contrib import messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_cache_control
from django.utils.text import format_lazy, smart_split
from django.utils.translation import gettext_lazy


class RefuseNulMiddleware:
    """A NUL character in the address or its query string is a 400 (JSON under the API, as its
    other refusals, and from the views that answer scripts in JSON).

    No page, filter or record key holds one, and PostgreSQL cannot compare text containing it:
    a view or Django's admin (which passes unknown query parameters to the database as field
    lookups, ``?kind=%00``) would fail with a server error. Forms refuse NUL themselves, beside
    the field.
    """

    message = gettext_lazy("The address or its query string contains a NUL character.")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            if request.path.startswith(reverse("opendata:api-root")):
                return JsonResponse({"detail": str(self.message)}, status=400)
            if answers_json(request):
                return JsonResponse({"error": str(self.message)}, status=400)
            raise SuspiciousOperation(str(self.message))
        return self.get_response(request)


def answers_json(request) -> bool:
    """Whether the address is a view that answers JSON to scripts (``answers_json = True``: the
    filters' lookups), whose refusals are JSON too."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return False
    return getattr(getattr(view, "view_class", None), "answers_json", False)


class PrivateResponsesMiddleware:
    """A page served to a signed-in user may hold personal data or a donor's unpublished
    figures: no shared cache (a proxy, a CDN) may keep it, and the browser keeps no copy on disk.
    Public pages keep whatever caching their views set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class AdminSearchLimitMiddleware:
    """The admin's search box runs at most ``MAX_TERMS`` words of at most ``MAX_LENGTH``
    characters in all, and says so when it cuts a longer search.

    Django's admin adds one condition per word of the search, over every search field: a
    search of a few thousand words (a pasted document) builds a query too deep for SQLite
    ("Expression tree is too large") and far too slow for PostgreSQL — a server error, or a
    worker held for minutes, from a text box.
    """

    MAX_TERMS = 10
    MAX_LENGTH = 200

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = None

    def __call__(self, request):
        if self.prefix is None:
            self.prefix = reverse("admin:index")
        search = request.GET.get(SEARCH_VAR, "")
        if request.path.startswith(self.prefix) and search:
            terms = list(smart_split(search))
            cut = " ".join(terms[: self.MAX_TERMS])[: self.MAX_LENGTH]
            if len(terms) > self.MAX_TERMS or len(search) > self.MAX_LENGTH:
                query = request.GET.copy()
                query[SEARCH_VAR] = cut
                request.GET = query
                messages.warning(
                    request,
                    # Lazy: worded in the language the request is answered in.
                    format_lazy(gettext_lazy(
                        "The search was cut to its first {terms} words and {length} "
                        "characters; search for fewer words."
                    ), terms=self.MAX_TERMS, length=self.MAX_LENGTH),
                )
        return self.get_response(request)
