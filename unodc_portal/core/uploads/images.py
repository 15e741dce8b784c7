"""Images: the pixel count read from the header and capped before decoding, then re-encoded
(EXIF orientation applied, EXIF/XMP/GPS dropped, first frame only) with a thumbnail made once."""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.utils.translation import gettext
from PIL import Image, ImageFile, ImageOps, JpegImagePlugin, PngImagePlugin, WebPImagePlugin

from unodc_portal.core.uploads.limits import UploadRefused, number

# Pillow's format name for each image type accepted.
PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
PLUGINS = {"image/jpeg": JpegImagePlugin.JpegImageFile, "image/png": PngImagePlugin.PngImageFile,
           "image/webp": WebPImagePlugin.WebPImageFile}
JPEG_QUALITY = 85
THUMBNAIL_QUALITY = 80
# Decoding a damaged image raises any of these (Pillow's decoders are not uniform about it).
DAMAGED = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError,
           ZeroDivisionError, MemoryError)


@dataclass(frozen=True)
class Reencoded:
    content: File
    size: int
    width: int
    height: int
    thumbnail: ContentFile
    thumbnail_mime: str


def _damaged() -> UploadRefused:
    return UploadRefused(gettext(
        "The image is incomplete or damaged (the upload may have been interrupted); open it "
        "on your computer, save it again and upload it again."))


def _too_many_pixels(width: int, height: int) -> UploadRefused:
    limit = settings.ATTACHMENT_MAX_PIXELS
    return UploadRefused(gettext(
        "The image is %(width)s × %(height)s pixels (%(pixels)s million); the limit is "  # noqa: RUF001
        "%(limit)s million pixels. Reduce it to at most %(limit)s megapixels.")
        % {"width": number(width), "height": number(height),
           "pixels": number(round(width * height / 10**6, 1), 1),
           "limit": number(limit // 10**6)})


def open_checked(stream, mime: str) -> Image.Image:
    """Open the image lazily (only its header is read) as the type its content was recognised
    as, and refuse it over ``ATTACHMENT_MAX_PIXELS`` before a pixel is decoded. The format's
    own class is used, not ``Image.open``, whose check (a warning over 89 million pixels, a
    refusal over twice that) would come before ours and without the image's dimensions."""
    stream.seek(0)
    try:
        image = PLUGINS[mime](stream)
    except DAMAGED as exc:
        raise _damaged() from exc
    width, height = image.size
    if width < 1 or height < 1:
        raise _damaged()
    if width * height > settings.ATTACHMENT_MAX_PIXELS:
        image.close()
        raise _too_many_pixels(width, height)
    return image


def reencode(image: Image.Image, mime: str, name: str) -> Reencoded:
    """Decode the (first frame of the) image and write it again without its metadata."""
    if ImageFile.LOAD_TRUNCATED_IMAGES:  # pragma: no cover - a global no module should set
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES would let damaged images in.")
    try:
        image.seek(0)
        image.load()
        # In place: a copy would double the memory of a 48 MP photo (144 MB decoded).
        ImageOps.exif_transpose(image, in_place=True)
    except DAMAGED as exc:
        raise _damaged() from exc
    upright = image
    transparency = upright.info.get("transparency")
    icc = upright.info.get("icc_profile")  # colours, not personal data: kept
    upright.info = {}  # no EXIF, XMP, comments or text chunks travel on
    options = {"icc_profile": icc} if icc else {}
    if mime == "image/jpeg":
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        options.update(quality=JPEG_QUALITY)
    elif mime == "image/png":
        if transparency is not None and upright.mode in ("P", "L", "RGB"):
            options["transparency"] = transparency
    else:  # WebP
        if upright.mode not in ("RGB", "RGBA"):
            upright = upright.convert("RGBA" if "A" in upright.getbands()
                                      or transparency is not None else "RGB")
        options.update(quality=JPEG_QUALITY)
    # Returned open: the caller stores it (in memory up to the usual upload size, then on disk).
    out = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)  # noqa: SIM115
    try:
        upright.save(out, format=PILLOW_FORMATS[mime], **options)
        thumbnail, thumbnail_mime = _thumbnail(upright, transparency is not None)
    except DAMAGED as exc:  # a mode or a profile the encoder refuses
        out.close()
        raise _damaged() from exc
    written = out.tell()
    out.seek(0)
    return Reencoded(File(out, name=name), written, upright.width, upright.height,
                     thumbnail, thumbnail_mime)


def _thumbnail(image: Image.Image, transparent: bool) -> tuple[ContentFile, str]:
    """JPEG, or WebP when the image has transparency (JPEG has none)."""
    side = settings.ATTACHMENT_THUMBNAIL_PX
    scale = min(1, side / max(image.size))
    wanted = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    # Resized straight from the image (reduced first, as Image.thumbnail does), not from a copy.
    small = image if wanted == image.size else image.resize(
        wanted, Image.Resampling.LANCZOS, reducing_gap=2.0)
    out = io.BytesIO()
    if transparent or "A" in small.getbands():
        small.convert("RGBA").save(out, format="WEBP", quality=THUMBNAIL_QUALITY)
        return ContentFile(out.getvalue(), name="thumbnail.webp"), "image/webp"
    small.convert("RGB").save(out, format="JPEG", quality=THUMBNAIL_QUALITY)
    return ContentFile(out.getvalue(), name="thumbnail.jpg"), "image/jpeg"
