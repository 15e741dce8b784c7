"""A record's files on its page (issue 17, point 2): ``{% record_files event %}`` on the event,
seizure, project and article pages.

What the reader sees: the files of the record that they may read
(``Attachment.objects.visible_to(user)``; the record itself is already shown by the page) —
public photos as a gallery, other public files as a list with their type and size, and the
files marked for officers and admins only, under a heading that says so, for those who see
them. Each image and file links to its public copy while it is published (an address that
needs no database query to serve, ``attachments.storage.public_url``), else to the portal's
address that checks the reader (``files:file``, ``files:thumbnail``). Those who may
change the record's files (``services.may_edit``) get a "Manage files" link, even while there
are none; for everyone else, a record without files shows nothing.

One query for the files whatever their number, none per file; nothing here touches the
session or sets a cookie, so an anonymous page stays in the page cache.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import reverse

from attachments import services, storage
from attachments.models import Attachment, files_url, record_field_of
from unodc_portal.core.uploads import size

register = template.Library()


@dataclass(frozen=True)
class Shown:
    """One file as the page shows it: the attachment and its addresses."""

    attachment: Attachment
    url: str
    thumbnail_url: str
    type_label: str
    size_label: str

    @property
    def alt_field(self) -> str:
        """Which field gives the image's text alternative: its alternative text, else its title
        (never empty: a record's photo is content, not decoration)."""
        return "alt_text" if self.attachment.alt_text else "title"

    @property
    def alt(self) -> str:
        return getattr(self.attachment, self.alt_field)


def _shown(attachment: Attachment) -> Shown:
    """The file with its addresses, its type and its size (in the reader's language)."""
    url, thumbnail_url = _addresses(attachment)
    return Shown(attachment=attachment, url=url, thumbnail_url=thumbnail_url,
                 type_label=attachment.extension.upper(), size_label=size(attachment.size))


def _addresses(attachment: Attachment) -> tuple[str, str]:
    """The file's and its thumbnail's addresses: the public copies while published, else the
    portal's. Outside the language prefix (``files:`` in ``attachments/urls.py``): the same on
    every language's page, one copy in browsers' caches."""
    if attachment.public_key:
        url = storage.public_url(attachment.public_key)
    else:
        url = reverse("files:file", args=[attachment.pk])
    if attachment.public_thumbnail_key:
        thumbnail_url = storage.public_url(attachment.public_thumbnail_key)
    elif attachment.thumbnail_key:
        thumbnail_url = reverse("files:thumbnail", args=[attachment.pk])
    else:
        thumbnail_url = url if attachment.is_image else ""
    return url, thumbnail_url


def record_files_for(record, user) -> dict:
    """What ``attachments/includes/record_files.html`` shows of ``record``'s files to
    ``user``: one query."""
    field = record_field_of(record)
    empty = {"record_field": field or "", "manage_url": "", "photos": [], "documents": [],
             "private_photos": [], "private_documents": [], "has_files": False}
    if field is None or record.pk is None:
        return empty
    groups = {"photos": [], "documents": [], "private_photos": [], "private_documents": []}
    rows = Attachment.objects.visible_to(user).filter(**{field: record}).defer("consent")
    for attachment in rows:
        prefix = "" if attachment.is_public else "private_"
        gallery = attachment.kind == Attachment.Kind.PHOTO and attachment.is_image
        groups[prefix + ("photos" if gallery else "documents")].append(_shown(attachment))
    return {
        **empty,
        **groups,
        "has_files": any(groups.values()),
        "manage_url": files_url(record) if services.may_edit(user, record) else "",
    }


@register.inclusion_tag("attachments/includes/record_files.html", takes_context=True)
def record_files(context, record):
    """The files of ``record`` (an event, seizure, project or article the page shows) that the
    reader may read, and a "Manage files" link for those who may change them."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return record_files_for(record, user)
