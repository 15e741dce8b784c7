"""Attachments: the size limit of the kind, the type from the content (puremagic, then each
type's own check), images re-encoded, documents' zips inspected, and a safe name to show."""

from __future__ import annotations

import contextlib
import io
import mmap
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import puremagic
from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.utils.translation import gettext, gettext_lazy, pgettext

from unodc_portal.core.uploads import images
from unodc_portal.core.uploads.limits import Limits, UploadRefused, number, size
from unodc_portal.core.uploads.xlsx import inspect_zip

KINDS = ("agenda", "attendance_sheet", "presentation", "report", "photo", "evidence", "other")
# "the limit for photos is 20 MB"
KIND_PLURALS = {
    "agenda": gettext_lazy("agendas"),
    "attendance_sheet": gettext_lazy("attendance sheets"),
    "presentation": gettext_lazy("presentations"),
    "report": gettext_lazy("reports"),
    "photo": gettext_lazy("photos"),
    "evidence": gettext_lazy("evidence files"),
    "other": gettext_lazy("other files"),
}

JPEG, PNG, WEBP = "image/jpeg", "image/png", "image/webp"
PDF = "application/pdf"
OOXML = "application/vnd.openxmlformats-officedocument."
ODF = "application/vnd.oasis.opendocument."
DOCX = OOXML + "wordprocessingml.document"
XLSX = OOXML + "spreadsheetml.sheet"
PPTX = OOXML + "presentationml.presentation"
PPSX = OOXML + "presentationml.slideshow"
ODT, ODS, ODP = ODF + "text", ODF + "spreadsheet", ODF + "presentation"
EXTENSIONS = {JPEG: "jpg", PNG: "png", WEBP: "webp", PDF: "pdf", DOCX: "docx", XLSX: "xlsx",
              PPTX: "pptx", PPSX: "ppsx", ODT: "odt", ODS: "ods", ODP: "odp"}
IMAGES = (JPEG, PNG, WEBP)
DOCUMENTS = (PDF, DOCX, XLSX, PPTX, PPSX, ODT, ODS, ODP)
PACKAGE = "package"  # a zip: OOXML or ODF, told apart (or refused) by its parts
ALLOWED = {kind: IMAGES if kind == "photo" else (*DOCUMENTS, PACKAGE, *IMAGES) for kind in KINDS}
# What each allowed type is called in a refusal ("A photo must be ...; this file is a PDF").
NAMES = {JPEG: "JPEG", PNG: "PNG", WEBP: "WebP", PDF: "PDF", DOCX: "Word (DOCX)",
         XLSX: "Excel (XLSX)", PPTX: "PowerPoint (PPTX)", PPSX: "PowerPoint (PPSX)",
         ODT: "OpenDocument (ODT)", ODS: "OpenDocument (ODS)", ODP: "OpenDocument (ODP)"}
# The main part's content type in [Content_Types].xml (OOXML) names the format.
OOXML_MAIN = {
    OOXML + "wordprocessingml.document.main+xml": DOCX,
    OOXML + "spreadsheetml.sheet.main+xml": XLSX,
    OOXML + "presentationml.presentation.main+xml": PPTX,
    OOXML + "presentationml.slideshow.main+xml": PPSX,
}
# Office documents are zips of XML and media. Unlike the import's workbook no parser of ours
# opens them, so the caps only keep a zip bomb from reaching a reader's computer or our scans: a
# 300-slide deck has about 1,500 parts; XML compresses 5 to 40 to 1 (a sheet of empty styled
# cells more); a 50 MB file of photos unpacks to about 50 MB.
DOCUMENT_ZIP = {
    "max_uncompressed": 250 * 1024 * 1024,
    "max_part": 100 * 1024 * 1024,
    "max_parts": 5000,
    "max_ratio": 200,
    "ratio_floor": 1024 * 1024,
    "max_strings": 10**9,  # the workbook-only counts do not apply
    "max_cells": 10**9,
}
HEAD = 64 * 1024  # bytes read to recognise the type
TAIL = 2048  # where a PDF's last %%EOF must be (the specification says 1024; writers pad)
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf",
                    b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"\x00asm")
ARCHIVES = {"application/zip", "application/vnd.rar", "application/x-rar-compressed",
            "application/x-7z-compressed", "application/gzip", "application/x-gzip",
            "application/x-tar", "application/x-bzip2", "application/x-xz", "application/zstd",
            "application/x-lzip", "application/vnd.ms-cab-compressed"}
LEGACY_OFFICE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .ppt (OLE2)
# A name shown to people and offered in Content-Disposition.
MAX_NAME = 120
UNSAFE_IN_NAMES = re.compile(r'[<>:"/\\|?*]')
WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)


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



# An HTML page or a script block (the tag's name written apart so that the source holds no
# inline-script tag for tests/portal/test_no_inline_code.py to find).
WEB_PAGE = re.compile(rb"<(?:html|!doctype html|scr" rb"ipt)")

def attachment_max_bytes(kind: str | None = None) -> int:
    """The byte limit of a kind, or (no kind) the largest: what an attachment page passes to
    ``allow_upload_bytes``."""
    limits = settings.ATTACHMENT_MAX_BYTES
    return limits[kind] if kind else max(limits.values())


def inspect_attachment(upload, *, kind: str) -> InspectedFile:
    """What to store for an uploaded attachment of ``kind``, or ``UploadRefused`` saying why
    not. The type comes from the content, never from the name or the browser's content type."""
    if kind not in KINDS:
        raise ValueError(f"Unknown attachment kind {kind!r}; one of {', '.join(KINDS)}.")
    _check_size(upload, kind)
    actual = _length(upload)
    if actual == 0:
        raise UploadRefused(gettext("The file is empty."))
    if actual > settings.ATTACHMENT_MAX_BYTES[kind]:  # the declared size was wrong
        _refuse_size(actual, settings.ATTACHMENT_MAX_BYTES[kind], kind)
    upload.seek(0)
    head = upload.read(HEAD)
    upload.seek(max(0, actual - TAIL))
    tail = upload.read(TAIL)
    upload.seek(0)
    mime = recognise(head)
    if mime not in ALLOWED[kind]:
        # Only photos take fewer types than recognise() returns.
        raise UploadRefused(gettext(
            "A photo must be a JPEG, PNG or WebP image; this file's content is %(type)s.")
            % {"type": NAMES[mime] if mime in NAMES else gettext("a document or zip archive")})
    name = display_name(getattr(upload, "name", ""), EXTENSIONS.get(mime, ""))
    if mime in IMAGES:
        image = images.open_checked(upload, mime)
        done = images.reencode(image, mime, name)
        image.close()
        return InspectedFile(mime, EXTENSIONS[mime], True, done.width, done.height, done.size,
                             done.content, done.thumbnail, done.thumbnail_mime, name)
    if mime == PDF:
        if b"%%EOF" not in tail:
            raise UploadRefused(gettext(
                "The PDF is incomplete (it has no end marker; the upload may have been "
                "interrupted); upload it again."))
    else:
        mime = _inspect_package(upload)
        name = display_name(getattr(upload, "name", ""), EXTENSIONS[mime])
    upload.seek(0)
    return InspectedFile(mime, EXTENSIONS[mime], False, None, None, actual, upload, None, None,
                         name)


# --------------------------------------------------------------------------------------------
# Size: the kind's limit, before a byte is read
# --------------------------------------------------------------------------------------------
def _check_size(upload, kind: str) -> None:
    limit = settings.ATTACHMENT_MAX_BYTES[kind]
    if getattr(upload, "oversized", False):  # over the request's cap, which may be the lower;
        _refuse_size(upload.size, min(limit, upload.limit), kind)  # its bytes were dropped
    if upload.size is not None and upload.size > limit:
        _refuse_size(upload.size, limit, kind)


def _refuse_size(actual: int, limit: int, kind: str):
    raise UploadRefused(gettext("The file is %(size)s; the limit for %(kind)s is %(limit)s.") % {
        "size": pgettext("file size", "%(n)s MB")
        % {"n": number(round(actual / 2**20, 1), 1)},
        "kind": KIND_PLURALS[kind], "limit": size(limit)})


def _length(upload) -> int:
    """The bytes the upload holds, found by seeking to its end (nothing is read)."""
    upload.seek(0, 2)
    length = upload.tell()
    upload.seek(0)
    return length


# --------------------------------------------------------------------------------------------
# Type: from the content
# --------------------------------------------------------------------------------------------
def recognise(head: bytes) -> str:
    """The accepted type the first bytes show, or ``UploadRefused`` naming what the file is
    (a program, a web page, a script, an archive...) or that it is not recognised."""
    start = head.lstrip(b"\xef\xbb\xbf\xfe\xff\x00 \t\r\n\x0b\x0c")
    if head.startswith(EXECUTABLE_MAGIC):
        raise UploadRefused(gettext("The file is a program; programs cannot be attached."))
    if head.startswith(b"#!") or b"<?php" in head[:1024].lower():  # PHP's tag, any case
        raise UploadRefused(gettext("The file is a script; scripts cannot be attached."))
    if start.startswith(b"<") or b"<\x00" in start[:4]:
        lowered = start[:1024].replace(b"\x00", b"").lower()
        if b"<svg" in lowered:
            raise UploadRefused(gettext(
                "The file is an SVG drawing, which can carry scripts; export it as PNG or PDF "
                "and attach that."))
        if WEB_PAGE.search(lowered):
            raise UploadRefused(gettext(
                "The file is a web page (HTML), which can carry scripts; save it as PDF and "
                "attach that."))
        raise UploadRefused(gettext(
            "The file is XML or another markup, which can carry scripts; save it as PDF and "
            "attach that."))
    if head.startswith(LEGACY_OFFICE):
        raise UploadRefused(gettext(
            "The file is an old Office document (.doc, .xls or .ppt), which may hold macros; "
            "save it as .docx, .xlsx or .pptx, or as PDF, and attach that."))
    if head.startswith(b"PK\x03\x04"):
        return PACKAGE
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        matches = []
    for match in sorted(matches, key=lambda m: m.confidence, reverse=True):
        if match.mime_type in (JPEG, PNG, WEBP, PDF) and _strong(head, match.mime_type):
            return match.mime_type
    for match in matches:
        if match.mime_type in ARCHIVES:
            raise UploadRefused(gettext(
                "The file is an archive (%(type)s); attach the documents in it one by one.")
                % {"type": match.extension.lstrip(".").upper()})
    if matches and matches[0].extension:
        raise UploadRefused(gettext(
            "The file is of a type not accepted here (its content reads as %(type)s). "
            "Attach a PDF, an Office or OpenDocument file, or a JPEG, PNG or WebP image.")
            % {"type": matches[0].extension.lstrip(".").upper()})
    if _looks_like_text(head):
        raise UploadRefused(gettext(
            "The file is plain text (it may be a script); save it as PDF or as a Word "
            "document and attach that."))
    raise UploadRefused(gettext(
        "The file's content is not of a type accepted here, whatever its name says. Attach a "
        "PDF, an Office or OpenDocument file, or a JPEG, PNG or WebP image."))


def _strong(head: bytes, mime: str) -> bool:
    """The type's signature at the very start (puremagic also matches at other offsets)."""
    if mime == JPEG:
        return head.startswith(b"\xff\xd8\xff")
    if mime == PNG:
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if mime == WEBP:
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    return head.startswith(b"%PDF-")


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > len(head) - 4  # a character cut at the end of the head
    return b"\x00" not in head


# --------------------------------------------------------------------------------------------
# Office and OpenDocument files: zips, inspected, told apart by their parts
# --------------------------------------------------------------------------------------------
def _inspect_package(upload) -> str:
    """The zip-bomb checks of the import (limits for documents), then the format from the parts;
    macro-enabled files are refused. A temporary file is mapped, not read into memory."""
    with _bytes_of(upload) as data:
        reason = None
        try:
            parts = inspect_zip(data, Limits.from_settings(max_bytes=0, **DOCUMENT_ZIP))
        except UploadRefused as exc:
            reason = str(exc)  # raised below, without the traceback that holds views of data
        if reason is not None:
            raise UploadRefused(gettext(
                "The document is damaged or packed in a way no office program writes, so it "
                "cannot be checked safely (%(reason)s). Save it again from its program, or as "
                "PDF, and attach that.") % {"reason": reason})
        names = {part.filename.lower(): part for part in parts}
        # VBA projects, and ActiveX controls (which also run code), wherever they are put.
        if any(name.rsplit("/", 1)[-1] == "vbaproject.bin" or "activex/" in name
               for name in names):
            raise _macros()
        if "[content_types].xml" in names:
            types = _read_part(data, names["[content_types].xml"]).decode("utf-8", "replace")
            declared = {t.lower() for t in re.findall(r'ContentType\s*=\s*"([^"]+)"', types)}
            if any("macroenabled" in t or "vbaproject" in t for t in declared):
                raise _macros()
            for main, mime in OOXML_MAIN.items():
                if main in declared:
                    return mime
        elif "mimetype" in names:
            if any(name.startswith(("basic/", "scripts/")) for name in names):
                raise _macros()
            mimetype = _read_part(data, names["mimetype"]).strip().decode("ascii", "replace")
            if mimetype in (ODT, ODS, ODP):
                return mimetype
    raise UploadRefused(gettext(
        "The file is a zip archive, not a Word, Excel, PowerPoint or OpenDocument file; attach "
        "the documents in it one by one."))


def _macros() -> UploadRefused:
    return UploadRefused(gettext(
        "The document holds macros (a program that runs when it is opened); save it without "
        "macros (as .docx, .xlsx or .pptx) or as PDF, and attach that."))


def _read_part(data, part: zipfile.ZipInfo) -> bytes:
    """One small part (already checked by ``inspect_zip``: its size is what it declares)."""
    if part.file_size > 10 * 1024 * 1024:
        raise UploadRefused(gettext("The document's part %(part)s is too large.")
                            % {"part": part.filename[:80]})
    with zipfile.ZipFile(_Mapped(data) if isinstance(data, mmap.mmap) else io.BytesIO(data)
                         ) as archive:
        return archive.read(part)


class _Mapped:
    """A mapped file as zipfile reads a part from it (an mmap has no ``seekable``)."""

    def __init__(self, mapped: mmap.mmap):
        self.mapped = mapped
        self.read, self.seek, self.tell = mapped.read, mapped.seek, mapped.tell

    def seekable(self) -> bool:
        return True


@contextlib.contextmanager
def _bytes_of(upload):
    """The upload's bytes: a read-only map of its file when it has one on disk (a
    ``TemporaryUploadedFile``), otherwise its content (at most ``FILE_UPLOAD_MAX_MEMORY_SIZE``
    for an ``InMemoryUploadedFile``)."""
    fileno = None
    with contextlib.suppress(AttributeError, OSError, ValueError, io.UnsupportedOperation):
        fileno = upload.file.fileno()
    if fileno is None:
        upload.seek(0)
        yield upload.read()
        upload.seek(0)
        return
    mapped = mmap.mmap(fileno, 0, access=mmap.ACCESS_READ)
    try:
        yield mapped
    finally:
        # A view still held (by an exception's traceback) keeps the map until it is collected.
        with contextlib.suppress(BufferError):
            mapped.close()


# --------------------------------------------------------------------------------------------
# The name shown: the basename, printable, short, with the recognised extension
# --------------------------------------------------------------------------------------------
def display_name(raw: str | None, extension: str) -> str:
    """A safe name to show and to offer in Content-Disposition: the last component of the
    user's path, without control or direction-changing characters or characters Windows
    forbids, at most ``MAX_NAME`` characters, ending in the extension the content has."""
    text = unicodedata.normalize("NFC", str(raw or ""))
    # Control, format (RTL override, zero-width), separator, surrogate and unassigned
    # characters go; line breaks would split a header.
    text = "".join(
        " " if unicodedata.category(ch) in ("Zs", "Zl", "Zp") or ch in "\t\r\n" else ch
        for ch in text
        if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn") or ch in "\t\r\n"
    )
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = UNSAFE_IN_NAMES.sub("_", text)
    text = " ".join(text.split())
    stem, dot, given = text.rpartition(".")
    if not dot or not re.fullmatch(r"[A-Za-z0-9]{1,10}", given):
        stem = text
    stem = stem.strip(" .")
    if WINDOWS_RESERVED.match(stem):
        stem = "_" + stem
    if not stem:
        stem = gettext("attachment")
    suffix = "." + extension if extension else ""
    stem = stem[:MAX_NAME - len(suffix)].rstrip(" .") or gettext("attachment")
    return stem + suffix
