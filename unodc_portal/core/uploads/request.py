"""The request: nothing over the size limit is kept in memory or on disk."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext, pgettext

from unodc_portal.core.uploads.limits import Limits, UploadRefused, number, size


# --------------------------------------------------------------------------------------------
# The request: nothing over the limit is kept
# --------------------------------------------------------------------------------------------
class OversizedUpload(InMemoryUploadedFile):
    """What a form receives for a file over the request's byte cap: no content, its real size,
    and the cap it passed (``limit``)."""

    oversized = True

    def __init__(self, name, content_type, real_size, charset=None, limit=None):
        super().__init__(io.BytesIO(b""), "file", name, content_type, real_size, charset)
        self.limit = settings.UPLOAD_MAX_BYTES if limit is None else limit


def request_max_bytes(request) -> int:
    """The byte cap of each file in this request: ``UPLOAD_MAX_BYTES`` unless the view raised it
    with ``allow_upload_bytes``."""
    return getattr(request, "upload_max_bytes", settings.UPLOAD_MAX_BYTES)


def allow_upload_bytes(request, n: int) -> None:
    """Let each file of this request through up to ``n`` bytes (an attachment page calls it
    with the largest attachment limit). Call it before anything reads ``request.POST`` or
    ``request.FILES``: the body is parsed once, under the cap in force then."""
    if hasattr(request, "_files"):
        raise RuntimeError("allow_upload_bytes() must run before request.POST/FILES is read.")
    request.upload_max_bytes = n


class LimitedUploadHandler(FileUploadHandler):
    """Passes each file's bytes on to the next handler (memory or temporary file) up to the
    request's cap (``UPLOAD_MAX_BYTES``, or what ``allow_upload_bytes`` set); past that it
    swallows them and answers an ``OversizedUpload``."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.limit = request_max_bytes(self.request)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            return None  # the following handlers never see bytes past the limit
        return raw_data

    def file_complete(self, file_size):
        if self.received > self.limit:
            return OversizedUpload(self.file_name, self.content_type, self.received,
                                   self.charset, limit=self.limit)
        return None  # the next handler holds the file


def read_bytes(upload, limits: Limits) -> bytes:
    """The upload's bytes, refused over ``limits.max_bytes`` or when blank."""
    limit = limits.max_bytes
    if getattr(upload, "oversized", False):  # over the request's cap, which may be the lower
        limit = min(limit, upload.limit)
    if upload.size > limit:
        raise UploadRefused(gettext(
            "The file is %(size)s; the limit is %(limit)s. Split the list into smaller files."
        ) % {"size": pgettext("file size", "%(n)s MB")
             % {"n": number(round(upload.size / 2**20, 1), 1)},
             "limit": size(limit)})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UploadRefused(gettext("The file is over the %(limit)s limit.")
                            % {"limit": size(limit)})
    if not data.strip():
        raise UploadRefused(gettext("The file is empty."))
    return data
