"""Public copies kept in step with what a visitor may see.

An attachment is *published* — has a copy under ``public/<token>/`` — exactly while it is marked
public and its record is shown to visitors (not a demo record, not a draft article, not itself
demo). ``sync(attachment)`` makes it so after any change: it publishes under a new token, or
deletes the copy, or leaves a copy that is still right alone. The records' own saves (an article
published or made a draft again) reach their files through the signals connected here, so the
record's app never needs to know about files.

A copy is written before the row that names it is committed and deleted only after the commit
that stops naming it: a rollback leaves at worst a copy no row names, which
``manage.py attachment_files --delete`` removes (``attachments/management``); never a row naming
a missing copy.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from attachments import storage
from attachments.models import (
    PARENT_MODELS,
    Attachment,
    record_field_of,
    record_visible_to_visitors,
)


def should_be_published(attachment: Attachment, record=None) -> bool:
    record = record if record is not None else attachment.record
    return (attachment.is_public and not attachment.is_demo
            and record_visible_to_visitors(record))


def sync(attachment: Attachment, *, record=None, republish: bool = False,
         save: bool = True) -> bool:
    """Bring ``attachment``'s public copy in step (``republish``: a new address even when it is
    published already — the file was replaced). Sets the row's keys, and writes them unless
    ``save`` is false (the caller saves the row); the old copy is deleted when the transaction
    commits. Returns whether a copy was made or removed."""
    wanted = should_be_published(attachment, record)
    old = (attachment.public_key, attachment.public_thumbnail_key)
    if (wanted and old[0] and not republish) or (not wanted and not old[0]):
        return False
    new = (storage.publish(attachment.file_key, attachment.thumbnail_key,
                           attachment.display_name, attachment.extension)
           if wanted else ("", ""))
    attachment.public_key, attachment.public_thumbnail_key = new
    if save:
        Attachment.objects.filter(pk=attachment.pk).update(
            public_key=new[0], public_thumbnail_key=new[1])
    if old[0]:
        transaction.on_commit(lambda: storage.delete(*old))
    return True


def sync_record(record) -> int:
    """Bring every file of ``record`` in step (its visibility to visitors changed, or may
    have). One query to find its files; a write only for those that change."""
    field = record_field_of(record)
    changed = 0
    for attachment in Attachment.objects.filter(**{field: record}).filter(
            visibility=Attachment.Visibility.PUBLIC):
        changed += sync(attachment, record=record)
    return changed


def _on_record_saved(sender, instance, raw=False, **kwargs):
    if raw:  # fixtures and restores (a restore publishes its files itself)
        return
    sync_record(instance)


def _on_attachment_deleted(sender, instance, **kwargs):
    """A removed attachment (or one whose record was deleted) is unpublished at once: its
    public address stops working when the deletion commits. The file itself stays while a
    history version refers to it (README, "Files")."""
    keys = (instance.public_key, instance.public_thumbnail_key)
    if keys[0]:
        transaction.on_commit(lambda: storage.delete(*keys))


def connect_signals() -> None:
    for model in PARENT_MODELS.values():
        post_save.connect(_on_record_saved, sender=model,
                          dispatch_uid=f"attachments-sync-{model._meta.label_lower}")
    post_delete.connect(_on_attachment_deleted, sender=Attachment,
                        dispatch_uid="attachments-unpublish-on-delete")
