"""How a file goes out: its recognised type, ``Content-Disposition`` with its name (Cyrillic
kept, RFC 6266 / 5987), ``X-Content-Type-Options: nosniff``, and how long it may be kept."""

from __future__ import annotations

from urllib.parse import quote

from anyascii import anyascii
from django.http import FileResponse

# Shown in the page (an <img>); everything else, PDFs included, is downloaded: a document opened
# from the portal's origin would run with its rights (a PDF viewer's scripts), a download not.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})

# The types a stored key's extension stands for (keys are generated with the recognised type's
# extension; the public file server reads the type from the key alone, without the database).
TYPES_BY_EXTENSION = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}

A_YEAR = 365 * 24 * 3600


def content_disposition(filename: str, *, inline: bool) -> str:
    """``inline`` or ``attachment``, with an ASCII fallback name and the real one (UTF-8)."""
    fallback = anyascii(filename).replace('"', "").replace("\\", "") or "file"
    fallback = "".join(c for c in fallback if 32 <= ord(c) < 127)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_response(handle, *, mime_type: str, filename: str, public: bool) -> FileResponse:
    inline = mime_type in INLINE_TYPES
    response = FileResponse(handle, content_type=mime_type)
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    if public:  # the address changes with every version: keep it for a year
        response["Cache-Control"] = f"public, max-age={A_YEAR}, immutable"
    else:  # checked on every request: no shared copy, no stale right
        response["Cache-Control"] = "private, no-store"
    # A file is never a page: nothing runs in it even when opened directly.
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; frame-ancestors 'none'; sandbox")
    return response
