"""Requests refused before any view sees them."""

from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse
from django.urls import reverse


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
