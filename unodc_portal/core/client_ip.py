"""The client's address, for the sign-in lockout.

Behind ``DJANGO_TRUSTED_PROXIES`` = N reverse proxies, each appends the address it received the
request from to X-Forwarded-For, so the client is the N-th address from the right: anything to
its left was written by the client and cannot be trusted. With N = 0 (no proxy) the address is
REMOTE_ADDR and the header is ignored."""

from django.conf import settings


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    trusted = getattr(settings, "TRUSTED_PROXIES", 0)
    if trusted <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < trusted:
        # Fewer entries than proxies: the request did not come through all of them, so the
        # header cannot be trusted; the peer's own address is the one known for sure.
        return remote
    return forwarded[-trusted]
