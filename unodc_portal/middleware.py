"""Site-wide response policies that no single view owns."""

from django.utils.cache import patch_cache_control


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
