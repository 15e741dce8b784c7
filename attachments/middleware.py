"""Public copies on local disk served before sessions, users or the page cache are looked at:
no database query per image, whoever asks, and nothing per reader added to an answer that
browsers and proxies keep for a year (``Cache-Control: private`` for signed-in readers,
``Vary: Cookie``). Placed right after WhiteNoise, which does the same for static files; a
production proxy may serve ``MEDIA_ROOT/public/`` itself instead."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse

from attachments.views import public_file


class PublicFilesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = reverse("files:public_file", args=["x"])[:-1]

    def __call__(self, request):
        if request.path_info.startswith(self.prefix):
            try:
                return public_file(request, request.path_info[len(self.prefix):])
            except Http404:
                pass  # the portal's own 404 page, through the whole stack
        return self.get_response(request)
