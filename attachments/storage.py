"""Where attachments' bytes live: the storage ``STORAGES["attachments"]`` — a directory on local
disk (``DJANGO_MEDIA_ROOT``, by default ``media/`` beside the code) or an S3-compatible bucket
(django-storages, when ``DJANGO_S3_BUCKET`` is set; ``unodc_portal/settings.py``).

Keys are generated here, never taken from the uploader's file name:

- ``files/<32 hex>.<ext>`` and ``files/<32 hex>-thumb.<ext>``: the file and its thumbnail. Read
  only through the portal's address (``attachments.views.private_file``), which checks the
  reader's right on every request and then streams the file (local disk) or redirects to a
  signed storage address valid for ``ATTACHMENT_SIGNED_URL_SECONDS`` (object storage).
- ``public/<32 hex>/<name>.<ext>``: the copy of a published file (and ``…/thumb.<ext>``), at an
  address no one can guess, drawn afresh on every publication. On local disk it is served by
  ``attachments.views.public_file`` without a database query; in a bucket, straight from the
  bucket (objects under ``public/`` are readable by anyone; nothing else is).

In a bucket, every object is written private (no ACL is ever sent) and ``public/*`` is made
readable by anyone by the bucket's policy (``attachments.s3.public_read_policy``; README, "Object
storage"), not by per-object ACLs: buckets made since 2023 on AWS refuse ACLs (object ownership
"bucket owner enforced"), MinIO and several other S3-compatible servers ignore them, and a
policy on a prefix is one statement an operator can read, where ACLs hide on each of thousands of
objects. What the bucket sends with an object is set when it is written
(``attachments.s3.ObjectStorage``): its type from the key's extension, and for public copies
their name and a year's cache lifetime; a private file's signed address asks for its name and
``no-store``.
"""

from __future__ import annotations

import posixpath
import secrets
from urllib.parse import quote

from anyascii import anyascii
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.urls import reverse
from django.utils.text import slugify

from attachments.responses import content_disposition

FILES = "files/"
PUBLIC = "public/"


def store():
    return storages["attachments"]


def is_local() -> bool:
    return isinstance(store(), FileSystemStorage)


def _token() -> str:
    return secrets.token_hex(16)  # 128 bits: no one guesses it


def save(prefix_key: str, content, *, public: bool = False) -> str:
    """Write ``content`` (a File) under exactly ``prefix_key`` and return the key. ``public`` is
    what the key says already: the key's folder (``public/``), not the write, makes a copy
    readable by anyone (in a bucket, by its policy)."""
    storage = store()
    if hasattr(content, "seek"):
        content.seek(0)
    name = storage.save(prefix_key, content)
    if name != prefix_key:  # a generated key cannot exist already; never write beside one
        storage.delete(name)
        raise RuntimeError(f"storage key {prefix_key} already taken")
    return name


def _copy(source_key: str, key: str) -> str:
    """``source_key`` copied to the new ``key``: on local disk through the portal, in a bucket
    by the bucket itself (nothing goes through the portal), with ``key``'s own headers."""
    storage = store()
    if is_local():
        with storage.open(source_key, "rb") as source:
            return save(key, source, public=key.startswith(PUBLIC))
    if storage.exists(key):
        raise RuntimeError(f"storage key {key} already taken")
    storage.connection.meta.client.copy_object(
        Bucket=storage.bucket_name, Key=key,
        CopySource={"Bucket": storage.bucket_name, "Key": source_key},
        MetadataDirective="REPLACE", **storage.get_object_parameters(key))
    return key


def new_file_keys(extension: str, thumbnail_extension: str | None) -> tuple[str, str]:
    token = _token()
    thumb = f"{FILES}{token}-thumb.{thumbnail_extension}" if thumbnail_extension else ""
    return f"{FILES}{token}.{extension}", thumb


def public_name(display_name: str, extension: str) -> str:
    """The last part of a public address: the file's name, in Latin letters, as a slug."""
    stem = display_name.rsplit(".", 1)[0] if "." in display_name else display_name
    slug = slugify(anyascii(stem))[:60].strip("-") or "file"
    return f"{slug}.{extension}"


def publish(file_key: str, thumbnail_key: str, display_name: str,
            extension: str) -> tuple[str, str]:
    """Copy the file (and thumbnail) under a new public token; return the public keys."""
    folder = f"{PUBLIC}{_token()}/"
    written = []
    try:
        written.append(_copy(file_key, folder + public_name(display_name, extension)))
        if thumbnail_key:
            written.append(_copy(thumbnail_key,
                                 folder + "thumb." + thumbnail_key.rsplit(".", 1)[-1]))
    except BaseException:
        delete(*written)
        raise
    return written[0], (written[1] if len(written) > 1 else "")


def delete(*keys: str) -> None:
    storage = store()
    for key in keys:
        if key:
            storage.delete(key)


def exists(key: str) -> bool:
    return bool(key) and store().exists(key)


def public_url(key: str) -> str:
    """The address of a public copy: the portal's file server on local disk; in object storage
    the public base address (``ATTACHMENT_PUBLIC_BASE_URL``, a CDN say) followed by the key, or
    else the bucket's own address, unsigned."""
    if is_local():
        return reverse("files:public_file", args=[key[len(PUBLIC):]])
    base = getattr(settings, "ATTACHMENT_PUBLIC_BASE_URL", "")
    if base:
        return f"{base.rstrip('/')}/{quote(key)}"
    storage = store()
    return storage.unsigned_connection.meta.client.generate_presigned_url(
        "get_object", Params={"Bucket": storage.bucket_name, "Key": key})


def signed_url(key: str, *, filename: str, mime_type: str, inline: bool) -> str:
    """A storage address for ``key`` valid for ``ATTACHMENT_SIGNED_URL_SECONDS`` (object storage
    only), answering with the file's type and name, kept by no cache."""
    return store().url(key, parameters={
        "ResponseContentType": mime_type,
        "ResponseContentDisposition": content_disposition(filename, inline=inline),
        "ResponseCacheControl": "private, no-store",
    }, expire=settings.ATTACHMENT_SIGNED_URL_SECONDS)


def keys(prefix: str = ""):
    """Every key stored under ``prefix`` (``files/``, ``public/``): a bucket is listed by
    prefix, page after page; a directory is walked."""
    storage = store()
    if not is_local():
        paginator = storage.connection.meta.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=storage.bucket_name, Prefix=prefix):
            for entry in page.get("Contents", ()):
                yield entry["Key"]
        return
    pending = [prefix.rstrip("/")]
    while pending:
        folder = pending.pop()
        try:
            folders, files = storage.listdir(folder)
        except FileNotFoundError:
            continue
        for name in files:
            yield posixpath.join(folder, name) if folder else name
        pending.extend(posixpath.join(folder, d) if folder else d for d in folders)


def read_bytes(key: str) -> bytes:
    with store().open(key, "rb") as f:
        return f.read()


def write_bytes(key: str, data: bytes, *, public: bool = False) -> str:
    return save(key, ContentFile(data), public=public)
