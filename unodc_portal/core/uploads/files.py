"""PLACEHOLDER until the inspection module lands (helper "inspect"): images and PDFs only."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.base import ContentFile, File
from PIL import Image

from unodc_portal.core.uploads.limits import UploadRefused


@dataclass(frozen=True)
class InspectedFile:
    mime: str
    extension: str
    is_image: bool
    width: int | None
    height: int | None
    size: int
    content: File
    thumbnail: ContentFile | None
    thumbnail_mime: str | None
    display_name: str


def inspect_attachment(upload, *, kind: str) -> InspectedFile:
    data = upload.read()
    name = (upload.name or "file").replace("\\", "/").rsplit("/", 1)[-1]
    if data.startswith(b"%PDF"):
        return InspectedFile("application/pdf", "pdf", False, None, None, len(data),
                             ContentFile(data), None, None, name.rsplit(".", 1)[0] + ".pdf")
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Exception:
        raise UploadRefused("The file is not a type the portal accepts.") from None
    fmt = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}.get(image.format)
    if fmt is None:
        raise UploadRefused("The file is not a type the portal accepts.")
    out = io.BytesIO()
    image.save(out, format=image.format)
    thumb = image.copy()
    thumb.thumbnail((480, 480))
    tout = io.BytesIO()
    thumb.convert("RGB").save(tout, format="JPEG")
    return InspectedFile(fmt[0], fmt[1], True, image.width, image.height, out.tell(),
                         ContentFile(out.getvalue()), ContentFile(tout.getvalue()), "image/jpeg",
                         name.rsplit(".", 1)[0] + "." + fmt[1])
