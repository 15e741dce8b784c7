"""The bucket's side of attachments' storage (``attachments.storage``), used when
``DJANGO_S3_BUCKET`` is set: the storage class ``STORAGES["attachments"]`` names, and the bucket
policy that makes public copies readable by anyone (README, "Object storage")."""

from __future__ import annotations

import json
import posixpath

from django.core.files.storage import storages
from storages.backends.s3 import S3Storage

from attachments.responses import A_YEAR, INLINE_TYPES, TYPES_BY_EXTENSION, content_disposition

PUBLIC = "public/"


class ObjectStorage(S3Storage):
    """django-storages' S3Storage with what the bucket sends set per object, from the key alone:
    the type (``TYPES_BY_EXTENSION``, never a guess from the system's tables), and for a public
    copy its name and a year's cache lifetime (its address changes with every version). A
    private file's headers come from its signed address (``signed_url``)."""

    def get_object_parameters(self, name):
        params = super().get_object_parameters(name)
        params.pop("ACL", None)  # never an ACL: the bucket's policy decides (module docstring)
        mime_type = TYPES_BY_EXTENSION.get(name.rsplit(".", 1)[-1].lower(),
                                           "application/octet-stream")
        params["ContentType"] = mime_type
        if name.startswith(PUBLIC):
            params["CacheControl"] = f"public, max-age={A_YEAR}, immutable"
            params["ContentDisposition"] = content_disposition(
                posixpath.basename(name), inline=mime_type in INLINE_TYPES)
        else:
            params["CacheControl"] = "private, no-store"
        return params


def public_read_policy(bucket: str) -> dict:
    """The bucket policy that makes public copies, and nothing else, readable by anyone."""
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "PortalPublicCopies",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{bucket}/{PUBLIC}*",
        }],
    }


def apply_public_read_policy() -> None:
    """Set ``public_read_policy`` on the configured bucket (object storage only): what an
    operator does once, with these rights or with ``aws s3api put-bucket-policy``."""
    storage = storages["attachments"]
    storage.connection.meta.client.put_bucket_policy(
        Bucket=storage.bucket_name, Policy=json.dumps(public_read_policy(storage.bucket_name)))
