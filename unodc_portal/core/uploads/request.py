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
    """What a form receives for a file over ``UPLOAD_MAX_BYTES``: no content, its real size."""

    oversized = True

    def __init__(self, name, content_type, real_size, charset=None):
        super().__init__(io.BytesIO(b""), "file", name, content_type, real_size, charset)


class LimitedUploadHandler(FileUploadHandler):
    """Passes each file's bytes on to the next handler (memory or temporary file) up to
    ``UPLOAD_MAX_BYTES``; past that it swallows them and answers an ``OversizedUpload``."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            return None  # the following handlers never see bytes past the limit
        return raw_data

    def file_complete(self, file_size):
        if self.received > settings.UPLOAD_MAX_BYTES:
            return OversizedUpload(self.file_name, self.content_type, self.received,
                                   self.charset)
        return None  # the next handler holds the file


def read_bytes(upload, limits: Limits) -> bytes:
    """The upload's bytes, refused over ``limits.max_bytes`` or when blank."""
    limit = limits.max_bytes
    if getattr(upload, "oversized", False):  # over UPLOAD_MAX_BYTES, which may be the lower
        limit = min(limit, settings.UPLOAD_MAX_BYTES)
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
