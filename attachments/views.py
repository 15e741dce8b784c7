"""The files' addresses.

- ``public_file``: a published copy on local disk, by its public key alone — no database query,
  no session; kept by browsers and proxies for a year (the address changes with every version).
  With object storage, public copies are served by the bucket and this address answers 404.
- ``private_file``: any attachment (or its thumbnail) by number, for whoever may read it
  (``Attachment.readable_by``), checked on every request; the file is streamed from local disk
  or the reader is sent to a signed storage address valid for at most
  ``ATTACHMENT_SIGNED_URL_SECONDS``. A file the reader may not read answers 404 — the same as
  a number that does not exist, so that numbers tell nothing. An attendance sheet is its
  people's personal data: each download (or signed address given) is written in the access log
  with the event's participants (``log_sheet``).
"""

from __future__ import annotations

import posixpath
import re

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from accesslog.log import saw
from activities.models import Participation
from attachments import storage
from attachments.models import Attachment
from attachments.responses import TYPES_BY_EXTENSION, file_response

# public/<32 hex>/<slug>.<ext>: what storage.publish writes, and nothing else.
PUBLIC_PATH = re.compile(r"^[0-9a-f]{32}/[a-z0-9][a-z0-9-]{0,59}\.([a-z0-9]{2,5})$")


@require_safe
def public_file(request, path: str):
    match = PUBLIC_PATH.match(path)
    if not match or not storage.is_local():
        raise Http404
    mime_type = TYPES_BY_EXTENSION.get(match.group(1))
    if mime_type is None:
        raise Http404
    key = storage.PUBLIC + path
    try:
        handle = storage.store().open(key, "rb")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise Http404 from None
    return file_response(handle, mime_type=mime_type, filename=posixpath.basename(path),
                         public=True)


def log_sheet(request, attachment: Attachment) -> None:
    """Note an attendance sheet's download in the access log: the participants its event has
    in the register (the sheet names them, and maybe people not in the register, so the entry
    is written even when the event has none)."""
    numbers = (
        Participation.objects.visible_to(request.user).filter(event=attachment.event_id)
        .values_list("participant_id", flat=True) if attachment.event_id else ()
    )
    saw(request, numbers, what=f"files:file, attendance sheet {attachment.pk}",
        even_if_none=True)


@require_safe
def private_file(request, pk: int, part: str = "file"):
    attachment = get_object_or_404(
        Attachment.objects.select_related("event", "seizure", "project", "article"), pk=pk)
    if not attachment.readable_by(request.user):
        raise Http404
    if part == "thumbnail":
        if not attachment.thumbnail_key:
            raise Http404
        key = attachment.thumbnail_key
        mime_type = TYPES_BY_EXTENSION[key.rsplit(".", 1)[-1]]
        filename = posixpath.basename(key)
    else:
        key, mime_type, filename = (attachment.file_key, attachment.mime_type,
                                    attachment.display_name)
    sheet = attachment.kind == Attachment.Kind.ATTENDANCE_SHEET
    if not storage.is_local():
        if sheet:
            log_sheet(request, attachment)
        response = HttpResponseRedirect(storage.signed_url(
            key, filename=filename, mime_type=mime_type,
            inline=mime_type.startswith("image/")))
        response["Cache-Control"] = "private, no-store"  # the right is checked every time
        return response
    try:
        handle = storage.store().open(key, "rb")
    except FileNotFoundError:
        raise Http404 from None
    if sheet:
        log_sheet(request, attachment)
    return file_response(handle, mime_type=mime_type, filename=filename, public=False)
