"""Site-wide request and response policies that no single view owns."""

from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control


class RefuseNulMiddleware:
    """A NUL character in the address or its query string is a 400 (JSON under the API, as its
    other refusals).

    No page, filter or record key holds one, and PostgreSQL cannot compare text containing it:
    a view or Django's admin (which passes unknown query parameters to the database as field
    lookups, ``?kind=%00``) would fail with a server error. Forms refuse NUL themselves, beside
    the field.
    """

    message = "The address or its query string contains a NUL character."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            if request.path.startswith(reverse("opendata:api-root")):
                return JsonResponse({"detail": self.message}, status=400)
            raise SuspiciousOperation(self.message)
        return self.get_response(request)


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
