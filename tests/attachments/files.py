"""Small real files for the attachment tests: images made with Pillow, a minimal PDF."""

from __future__ import annotations

import io
from contextlib import contextmanager

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image


def png_bytes(width: int = 64, height: int = 48, color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes(width: int = 64, height: int = 48, color=(30, 90, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="JPEG", quality=90)
    return out.getvalue()


def pdf_bytes(text: str = "Agenda") -> bytes:
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"% " + text.encode() + b"\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return body


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_upload(name: str = "photo.png", **kwargs):
    return upload(name, png_bytes(**kwargs), "image/png")


def jpeg_upload(name: str = "photo.jpg", **kwargs):
    return upload(name, jpeg_bytes(**kwargs), "image/jpeg")


def pdf_upload(name: str = "agenda.pdf", text: str = "Agenda"):
    return upload(name, pdf_bytes(text), "application/pdf")


def multipart(fields: dict, files: list[tuple[str, str, bytes, str]],
              boundary: str = "BoUnDaRy4f9a") -> tuple[bytes, str]:
    """A multipart body written by hand (the test client would strip a path from a name)."""
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    for field, filename, data, content_type in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@contextmanager
def attachments_stored_in(root):
    """``STORAGES["attachments"]`` (and ``MEDIA_ROOT``) pointed at the directory ``root``."""
    storages = dict(settings.STORAGES)
    storages["attachments"] = {
        **storages["attachments"],
        "OPTIONS": {**storages["attachments"].get("OPTIONS", {}), "location": root},
    }
    with override_settings(STORAGES=storages, MEDIA_ROOT=root):
        yield root
