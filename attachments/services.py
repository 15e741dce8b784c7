"""Every write of an attachment: add, change (title, caption, visibility…), replace the file,
remove. The portal's pages and the admin both call these.

Each write: who may (``may_edit``), the version the page was loaded with
(``unodc_portal.core.versioning``: no edit silently lost), ``full_clean()``, a history row with
its reason, and the public copy in step (``attachments.publishing``). An upload is inspected
(``unodc_portal.core.uploads.inspect_attachment``: size per kind, type from the content, images
re-encoded without their metadata, thumbnails made once) before anything is stored, and the
metadata validated before the file is written: a refused upload leaves no row and no file. Files
written for a row that then fails are deleted before the error goes on.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from activities.models import Article, Event, Project, Seizure
from attachments import publishing, storage
from attachments.models import Attachment, record_field_of, record_visible_to
from unodc_portal.core.roles import is_demo_user, mark_if_demo
from unodc_portal.core.uploads import UploadRefused, inspect_attachment
from unodc_portal.core.versioning import bump_version

# What a person may set on an attachment (the rest is the file's, or the portal's).
EDITABLE_FIELDS = ("title", "kind", "visibility", "alt_text", "caption", "credit", "consent")


def may_edit(user, record) -> bool:
    """Officers add, change and remove files on events and seizures; admins also on projects
    and articles. Demo accounts only on demo records (demo data never mixes with the real
    record), and only on records they can see."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if isinstance(record, (Event, Seizure)):
        allowed = user.has_perm("attachments.add_attachment")
    elif isinstance(record, (Project, Article)):
        allowed = user.is_staff and user.has_perm("attachments.add_attachment")
    else:
        return False
    if not allowed:
        return False
    if is_demo_user(user) and not getattr(record, "is_demo", False):
        return False
    return record_visible_to(record, user)


def _field_for(record) -> str:
    field = record_field_of(record)
    if field is None:
        raise TypeError(f"files cannot belong to {type(record).__name__}")
    return field


def _save(attachment: Attachment, reason: str, user) -> Attachment:
    attachment._change_reason = reason
    if user is not None and user.is_authenticated:
        attachment._history_user = user
    attachment.save()
    return attachment


def _apply(attachment: Attachment, values: dict) -> None:
    for name in EDITABLE_FIELDS:
        if name in values:
            setattr(attachment, name, values[name] if values[name] is not None else "")
    for name, value in values.items():  # the Russian columns (title_ru, caption_ru, …)
        if name.endswith(("_en", "_ru")) and name.rsplit("_", 1)[0] in EDITABLE_FIELDS:
            setattr(attachment, name, value or "")


# Kept by the portal (``publishing.sync``), not by what a person typed.
SYSTEM_FIELDS = ["public_key", "public_thumbnail_key"]
FILE_FIELDS = ["file_key", "display_name", "mime_type", "extension", "size"]


def _validate(attachment: Attachment) -> None:
    """What a person typed, as the model states it: before a new file is inspected, the file's
    own fields are left out (they are not known yet)."""
    attachment.full_clean(
        exclude=SYSTEM_FIELDS + ([] if attachment.file_key else FILE_FIELDS))


def _store(inspected) -> tuple[str, str]:
    """Write the inspected file and its thumbnail under new keys; both or neither."""
    file_key, thumb_key = storage.new_file_keys(
        inspected.extension,
        (inspected.thumbnail_mime or "image/jpeg").split("/")[-1].replace("jpeg", "jpg")
        if inspected.thumbnail is not None else None,
    )
    written = []
    try:
        written.append(storage.save(file_key, inspected.content))
        if thumb_key:
            written.append(storage.save(thumb_key, inspected.thumbnail))
    except BaseException:
        storage.delete(*written)
        raise
    return file_key, thumb_key


def _describe(attachment: Attachment, inspected) -> None:
    attachment.display_name = inspected.display_name[:200]
    attachment.mime_type = inspected.mime
    attachment.extension = inspected.extension
    attachment.size = inspected.size
    attachment.width = inspected.width
    attachment.height = inspected.height


def add(record, upload, *, user, **values) -> Attachment:
    """A new attachment on ``record`` from ``upload`` with ``values`` (``EDITABLE_FIELDS``).
    Raises ``PermissionDenied``-free errors only: ``UploadRefused`` (the file) or
    ``ValidationError`` (the metadata); nothing is stored then."""
    attachment = Attachment(**{_field_for(record): record})
    _apply(attachment, values)
    attachment.uploaded_by = user if user is not None and user.is_authenticated else None
    mark_if_demo(attachment, user)
    if getattr(record, "is_demo", False):
        attachment.is_demo = True  # a demo record's files are demo files
    _validate(attachment)
    inspected = inspect_attachment(upload, kind=attachment.kind)
    _describe(attachment, inspected)
    attachment.clean()  # the kind against the recognised type (a "photo" that is a PDF)
    keys = _store(inspected)
    attachment.file_key, attachment.thumbnail_key = keys
    try:
        publishing.sync(attachment, record=record, save=False)
        with transaction.atomic():
            _save(attachment, gettext_noop("File added"), user)
    except BaseException:
        storage.delete(*keys, attachment.public_key, attachment.public_thumbnail_key)
        raise
    return attachment


def change(attachment: Attachment, *, expected_version: int | None, user, **values) -> Attachment:
    """Change what a person set (title, kind, visibility, captions, consent); unpublishes or
    publishes as the new visibility asks."""
    _apply(attachment, values)
    _validate(attachment)
    with transaction.atomic():
        bump_version(attachment, expected=expected_version)
        publishing.sync(attachment, save=False)
        _save(attachment, gettext_noop("File details changed"), user)
    return attachment


def replace(attachment: Attachment, upload, *, expected_version: int | None, user,
            **values) -> Attachment:
    """A new file for the same attachment (a corrected agenda, a better photo): stored under
    new keys, published under a new address; the old file stays for its history version."""
    _apply(attachment, values)
    _validate(attachment)
    inspected = inspect_attachment(upload, kind=attachment.kind)
    _describe(attachment, inspected)
    attachment.clean()
    keys = _store(inspected)
    old = (attachment.file_key, attachment.thumbnail_key)
    attachment.file_key, attachment.thumbnail_key = keys
    try:
        with transaction.atomic():
            bump_version(attachment, expected=expected_version)
            attachment.uploaded_by = user if user is not None and user.is_authenticated else None
            attachment.uploaded_at = timezone.now()
            publishing.sync(attachment, republish=True, save=False)
            _save(attachment, gettext_noop("File replaced"), user)
    except BaseException:
        storage.delete(*keys)
        attachment.file_key, attachment.thumbnail_key = old
        raise
    return attachment


@transaction.atomic
def remove(attachment: Attachment, *, expected_version: int | None, user) -> None:
    """Remove the attachment: its public copy goes when the removal commits; its file stays
    while a history version refers to it (README, "Files")."""
    bump_version(attachment, expected=expected_version)
    attachment._change_reason = gettext_noop("File removed")
    if user is not None and user.is_authenticated:
        attachment._history_user = user
    attachment.delete()


def refusal_message(error) -> str:
    """One sentence for the form from an ``UploadRefused`` or a ``ValidationError``."""
    if isinstance(error, UploadRefused):
        return str(error)
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return gettext("The file could not be stored.")
