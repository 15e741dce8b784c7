"""unodc_portal.core.uploads.inspect_attachment: the kind's size limit before reading, the type
from the content (never the name), every refusal with its own message, images re-encoded
without their metadata and capped in pixels before decoding, documents' zips inspected without
reading the file into memory, and a safe name to show."""

import io
import os
import re
import struct
import time
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import (
    InMemoryUploadedFile,
    SimpleUploadedFile,
    TemporaryUploadedFile,
)
from django.test import RequestFactory
from openpyxl import Workbook
from PIL import Image, ImageFile

from tests.engine import sqlite_only
from unodc_portal.core import uploads
from unodc_portal.core.uploads import (
    InspectedFile,
    OversizedUpload,
    UploadRefused,
    allow_upload_bytes,
    attachment_max_bytes,
    display_name,
    inspect_attachment,
)

pytestmark = sqlite_only("the inspection reads files, never a database")

MB = 1024 * 1024
OOXML = "application/vnd.openxmlformats-officedocument."
DOCX_MAIN = OOXML + "wordprocessingml.document.main+xml"


# --------------------------------------------------------------------------------------------
# Files to upload
# --------------------------------------------------------------------------------------------
def image_bytes(fmt, size=(64, 48), mode="RGB", color="red", **options):
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt, **options)
    return out.getvalue()


def gps_exif(orientation=None):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (41.0, 18.0, 0.0), "E", (69.0, 16.0, 0.0)
    if orientation:
        exif[0x0112] = orientation
    return exif


def package(parts, compression=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def content_types(main):
    return ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="xml" ContentType="application/'
            f'xml"/><Override PartName="/main.xml" ContentType="{main}"/></Types>')


def ooxml(main, **extra):
    return package({"[Content_Types].xml": content_types(main), "main.xml": "<doc/>", **extra})


def odf(mimetype, **extra):
    return package({"mimetype": mimetype, "content.xml": "<office:document-content/>", **extra})


def xlsx():
    workbook = Workbook()
    workbook.active.append(["Name", "Country"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png_bomb(width=50_000, height=50_000):
    """A PNG of a few hundred bytes declaring width x height grey pixels (2.5 GB decoded)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
            + png_chunk(b"IDAT", zlib.compress(b"\x00" * 4096)) + png_chunk(b"IEND", b""))


def upload(data, name="file.bin"):
    return SimpleUploadedFile(name, data)


def on_disk(data, name="file.bin"):
    temporary = TemporaryUploadedFile(name, "application/octet-stream", len(data), None)
    temporary.write(data)
    temporary.seek(0)
    return temporary


def refusal(data, kind="report", name="file.bin"):
    with pytest.raises(UploadRefused) as caught:
        inspect_attachment(upload(data, name), kind=kind)
    return str(caught.value)


# --------------------------------------------------------------------------------------------
# Size: the kind's limit, checked before a byte is read
# --------------------------------------------------------------------------------------------
class Unreadable(InMemoryUploadedFile):
    def __init__(self, size):
        super().__init__(io.BytesIO(b""), "file", "big.jpg", "image/jpeg", size, None)

    def read(self, *args):
        raise AssertionError("read before the size was checked")


def test_a_file_over_its_kinds_limit_is_refused_before_it_is_read():
    with pytest.raises(UploadRefused, match=re.escape(
            "The file is 62.3 MB; the limit for photos is 20 MB.")):
        inspect_attachment(Unreadable(int(62.3 * MB)), kind="photo")
    with pytest.raises(UploadRefused, match=re.escape(
            "The file is 12.0 MB; the limit for agendas is 10 MB.")):
        inspect_attachment(Unreadable(12 * MB), kind="agenda")


def test_an_oversized_upload_names_the_lower_of_the_request_cap_and_the_kinds_limit(settings):
    # The page did not raise the request's cap: the 5 MB import cap is what the file passed.
    with pytest.raises(UploadRefused, match=re.escape(
            "The file is 6.0 MB; the limit for reports is 5 MB.")):
        inspect_attachment(OversizedUpload("r.pdf", "application/pdf", 6 * MB, limit=5 * MB),
                           kind="report")
    with pytest.raises(UploadRefused, match=re.escape(
            "The file is 62.0 MB; the limit for photos is 20 MB.")):
        inspect_attachment(OversizedUpload("p.jpg", "image/jpeg", 62 * MB, limit=50 * MB),
                           kind="photo")


def test_a_file_larger_than_its_declared_size_is_measured(settings):
    settings.ATTACHMENT_MAX_BYTES = {**settings.ATTACHMENT_MAX_BYTES, "agenda": MB}
    lying = InMemoryUploadedFile(io.BytesIO(PDF + b"\n" * (2 * MB)), "file", "a.pdf",
                                 "application/pdf", 100, None)
    with pytest.raises(UploadRefused, match=re.escape(
            "The file is 2.0 MB; the limit for agendas is 1 MB.")):
        inspect_attachment(lying, kind="agenda")


def test_an_empty_file_is_refused():
    assert refusal(b"", kind="other") == "The file is empty."


def test_an_unknown_kind_is_a_programming_error_not_a_refusal():
    with pytest.raises(ValueError, match="Unknown attachment kind"):
        inspect_attachment(upload(PDF), kind="video")


# --------------------------------------------------------------------------------------------
# The request's byte cap: the import keeps 5 MB, an attachment page raises it
# --------------------------------------------------------------------------------------------
def multipart_request(data):
    return RequestFactory().post("/", {"file": SimpleUploadedFile("scan.pdf", data)})


def test_the_request_cap_stays_at_upload_max_bytes_unless_the_page_raises_it(settings):
    settings.UPLOAD_MAX_BYTES = 100_000
    request = multipart_request(b"a" * 150_000)
    big = request.FILES["file"]
    assert isinstance(big, OversizedUpload) and big.size == 150_000 and big.limit == 100_000
    raised = multipart_request(b"a" * 150_000)
    allow_upload_bytes(raised, 200_000)
    kept = raised.FILES["file"]
    assert not getattr(kept, "oversized", False) and kept.read() == b"a" * 150_000
    over = multipart_request(b"a" * 250_000)
    allow_upload_bytes(over, 200_000)
    assert over.FILES["file"].size == 250_000 and over.FILES["file"].limit == 200_000


def test_raising_the_cap_after_the_body_was_parsed_is_an_error():
    request = multipart_request(b"a")
    request.FILES  # noqa: B018 - the body is parsed here
    with pytest.raises(RuntimeError, match=re.escape("before request.POST/FILES")):
        allow_upload_bytes(request, 10 * MB)


def test_the_largest_attachment_limit_is_what_a_page_allows(settings):
    assert attachment_max_bytes() == 50 * MB
    assert attachment_max_bytes("photo") == 20 * MB


# --------------------------------------------------------------------------------------------
# Accepted types, recognised from the content
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("data", "mime", "extension"), [
    (PDF, "application/pdf", "pdf"),
    (ooxml(DOCX_MAIN), OOXML + "wordprocessingml.document", "docx"),
    (xlsx(), OOXML + "spreadsheetml.sheet", "xlsx"),
    (ooxml(OOXML + "presentationml.presentation.main+xml"), OOXML + "presentationml.presentation",
     "pptx"),
    (ooxml(OOXML + "presentationml.slideshow.main+xml"), OOXML + "presentationml.slideshow",
     "ppsx"),
    (odf("application/vnd.oasis.opendocument.text"), "application/vnd.oasis.opendocument.text",
     "odt"),
    (odf("application/vnd.oasis.opendocument.spreadsheet"),
     "application/vnd.oasis.opendocument.spreadsheet", "ods"),
    (odf("application/vnd.oasis.opendocument.presentation"),
     "application/vnd.oasis.opendocument.presentation", "odp"),
])
def test_each_document_type_is_accepted_and_stored_as_it_came(data, mime, extension):
    given = upload(data, "Отчёт за 2025.bin")
    found = inspect_attachment(given, kind="report")
    assert isinstance(found, InspectedFile)
    assert (found.mime, found.extension, found.is_image) == (mime, extension, False)
    assert found.display_name == f"Отчёт за 2025.{extension}"
    assert found.size == len(data) and found.content.read() == data
    assert (found.width, found.thumbnail, found.thumbnail_mime) == (None, None, None)


@pytest.mark.parametrize(("fmt", "mime", "extension"), [
    ("JPEG", "image/jpeg", "jpg"), ("PNG", "image/png", "png"), ("WEBP", "image/webp", "webp"),
])
@pytest.mark.parametrize("kind", ["photo", "attendance_sheet"])
def test_each_image_type_is_accepted_and_stays_its_type(fmt, mime, extension, kind):
    found = inspect_attachment(upload(image_bytes(fmt, (640, 320)), "IMG_0001.JPG"), kind=kind)
    assert (found.mime, found.extension, found.is_image) == (mime, extension, True)
    assert (found.width, found.height) == (640, 320)
    assert found.display_name == f"IMG_0001.{extension}"
    stored = Image.open(found.content)
    assert stored.format == fmt and stored.size == (640, 320)
    assert found.size == found.content.size
    thumbnail = Image.open(found.thumbnail)
    assert thumbnail.size == (480, 240) and found.thumbnail_mime == "image/jpeg"


def test_a_pdf_named_jpg_is_a_pdf_which_a_report_takes_and_a_photo_refuses():
    found = inspect_attachment(upload(PDF, "scan.jpg"), kind="report")
    assert (found.mime, found.display_name) == ("application/pdf", "scan.pdf")
    assert refusal(PDF, kind="photo", name="holiday.jpg") == (
        "A photo must be a JPEG, PNG or WebP image; this file's content is PDF.")
    assert refusal(ooxml(DOCX_MAIN), kind="photo", name="holiday.jpg") == (
        "A photo must be a JPEG, PNG or WebP image; this file's content is a document or zip "
        "archive.")


def test_a_jpeg_named_pdf_is_an_image():
    found = inspect_attachment(upload(image_bytes("JPEG"), "agenda.pdf"), kind="agenda")
    assert (found.mime, found.display_name, found.is_image) == ("image/jpeg", "agenda.jpg", True)


# --------------------------------------------------------------------------------------------
# Refused types, each with its message
# --------------------------------------------------------------------------------------------
WEB_PAGE = ("The file is a web page (HTML), which can carry scripts; save it as PDF and attach "
            "that.")
SVG = ("The file is an SVG drawing, which can carry scripts; export it as PNG or PDF and attach "
       "that.")
PROGRAM = "The file is a program; programs cannot be attached."
SCRIPT = "The file is a script; scripts cannot be attached."


@pytest.mark.parametrize(("data", "message"), [
    (b"<!DOCTYPE html><html><body><script>alert(1)</script>", WEB_PAGE),
    (b"\xef\xbb\xbf  \n<html><head>", WEB_PAGE),
    ("<html><body>x</body></html>".encode("utf-16"), WEB_PAGE),
    (b"<script>fetch('/admin')</script>", WEB_PAGE),
    (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)'
     b"</script></svg>", SVG),
    (b'<svg onload="alert(1)"/>', SVG),
    (b'<?xml version="1.0"?><note>x</note>',
     "The file is XML or another markup, which can carry scripts; save it as PDF and attach "
     "that."),
    (b"MZ\x90\x00\x03" + b"\x00" * 200 + b"PE\x00\x00", PROGRAM),
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, PROGRAM),
    (b"\xcf\xfa\xed\xfe" + b"\x00" * 100, PROGRAM),
    (b"\xca\xfe\xba\xbe" + b"\x00" * 100, PROGRAM),
    (b"#!/bin/sh\nrm -rf /\n", SCRIPT),
    (b"<?php system($_GET['c']); ?>", SCRIPT),
    (b"%PDF-1.4 <?PhP system($_GET['c']); ?>", SCRIPT),
    (b"alert(document.cookie);\n",
     "The file is plain text (it may be a script); save it as PDF or as a Word document and "
     "attach that."),
    (package({"a.txt": "x", "b.exe": "MZ"}),
     "The file is a zip archive, not a Word, Excel, PowerPoint or OpenDocument file; attach the "
     "documents in it one by one."),
    (b"Rar!\x1a\x07\x01\x00" + b"\x00" * 64,
     "The file is an archive (RAR); attach the documents in it one by one."),
    (b"7z\xbc\xaf\x27\x1c" + b"\x00" * 64,
     "The file is an archive (7Z); attach the documents in it one by one."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
     "The file is an old Office document (.doc, .xls or .ppt), which may hold macros; save it "
     "as .docx, .xlsx or .pptx, or as PDF, and attach that."),
    (image_bytes("GIF"),
     "The file is of a type not accepted here (its content reads as GIF). Attach a PDF, an "
     "Office or OpenDocument file, or a JPEG, PNG or WebP image."),
    (bytes(range(256)) * 4,
     "The file's content is not of a type accepted here, whatever its name says. Attach a PDF, "
     "an Office or OpenDocument file, or a JPEG, PNG or WebP image."),
    (PDF[:-7],
     "The PDF is incomplete (it has no end marker; the upload may have been interrupted); "
     "upload it again."),
])
def test_each_refused_type_says_what_it_is_whatever_its_name(data, message):
    assert refusal(data, kind="other", name="agenda.pdf") == message


MACROS = ("The document holds macros (a program that runs when it is opened); save it without "
          "macros (as .docx, .xlsx or .pptx) or as PDF, and attach that.")


@pytest.mark.parametrize("data", [
    ooxml("application/vnd.ms-word.document.macroEnabled.main+xml"),  # .docm
    ooxml("application/vnd.ms-excel.sheet.macroEnabled.main+xml"),  # .xlsm
    ooxml("application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"),  # .pptm
    ooxml(DOCX_MAIN, **{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),  # a .docm renamed
    odf("application/vnd.oasis.opendocument.text", **{"Basic/Standard/Module1.xml": "<m/>"}),
    ooxml(DOCX_MAIN, **{"word/activeX/activeX1.xml": "<ax:ocx/>"}),
])
def test_macro_enabled_documents_are_refused(data):
    assert refusal(data, name="minutes.docx") == MACROS


def test_an_office_file_that_is_a_zip_bomb_is_refused_from_its_directory():
    bomb = ooxml(DOCX_MAIN, **{"word/media/a.xml": b"\x00" * (4 * MB)})  # 1000 to 1
    message = refusal(bomb, name="report.docx")
    assert message.startswith("The document is damaged or packed in a way no office program "
                              "writes, so it cannot be checked safely (")
    assert "compressed" in message and "the limit is 200 to 1" in message


def test_a_zip_with_neither_content_types_nor_a_known_mimetype_is_refused():
    assert refusal(odf("application/x-shockwave-flash"), name="a.odt").startswith(
        "The file is a zip archive, not a Word")
    assert refusal(ooxml("application/vnd.ms-excel.template"), name="a.xlsx").startswith(
        "The file is a zip archive, not a Word")


# --------------------------------------------------------------------------------------------
# Images: pixels capped before decoding, damaged ones refused, metadata dropped
# --------------------------------------------------------------------------------------------
def test_a_50000_by_50000_png_is_refused_from_its_header_without_decoding(monkeypatch):
    def no_decoding(self, *args):
        raise AssertionError("the image was decoded")
    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    bomb = png_bomb()
    assert len(bomb) < 200
    started = time.perf_counter()
    message = refusal(bomb, kind="photo", name="map.png")
    assert time.perf_counter() - started < 0.5
    assert message == ("The image is 50,000 × 50,000 pixels (2,500.0 million); the limit is 60 "  # noqa: RUF001
                       "million pixels. Reduce it to at most 60 megapixels.")


def test_the_pixel_cap_is_the_setting_and_a_48_megapixel_camera_passes_it(settings):
    assert settings.ATTACHMENT_MAX_PIXELS >= 8000 * 6000
    settings.ATTACHMENT_MAX_PIXELS = 20 * 10**6
    assert refusal(png_bomb(5000, 5000), kind="photo").startswith(
        "The image is 5,000 × 5,000 pixels (25.0 million); the limit is 20 million pixels.")  # noqa: RUF001


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_truncated_image_is_refused(fmt):
    noisy = Image.effect_noise((300, 200), 64).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, fmt)
    whole = out.getvalue()
    assert refusal(whole[:len(whole) // 2], kind="photo") == (
        "The image is incomplete or damaged (the upload may have been interrupted); open it on "
        "your computer, save it again and upload it again.")


def test_a_png_whose_header_is_damaged_is_refused():
    assert refusal(png_bomb()[:20], kind="photo").startswith("The image is incomplete or damaged")


def test_gps_and_other_exif_are_dropped_and_the_orientation_applied():
    data = image_bytes("JPEG", (400, 200), exif=gps_exif(orientation=6),
                       xmp=b"<x:xmpmeta><exif:GPSLatitude>41,18N</exif:GPSLatitude></x:xmpmeta>")
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(0x8825) and "xmp" in source.info
    found = inspect_attachment(upload(data, "IMG_2041.jpg"), kind="photo")
    stored = Image.open(found.content)
    assert len(stored.getexif()) == 0 and not stored.getexif().get_ifd(0x8825)
    assert "xmp" not in stored.info and "exif" not in stored.info
    assert stored.size == (200, 400) == (found.width, found.height)  # turned upright
    assert len(Image.open(found.thumbnail).getexif()) == 0


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_exif_is_dropped_from_png_and_webp_too(fmt):
    data = image_bytes(fmt, exif=gps_exif())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    stored = Image.open(inspect_attachment(upload(data), kind="photo").content)
    assert len(stored.getexif()) == 0


@pytest.mark.parametrize(("fmt", "mime"), [("PNG", "image/png"), ("WEBP", "image/webp")])
def test_an_animated_image_keeps_its_first_frame_only(fmt, mime):
    frames = [Image.new("RGB", (100, 100), color) for color in ("blue", "yellow", "green")]
    out = io.BytesIO()
    frames[0].save(out, fmt, save_all=True, append_images=frames[1:], duration=100, lossless=True)
    source = Image.open(io.BytesIO(out.getvalue()))
    assert source.n_frames == 3
    found = inspect_attachment(upload(out.getvalue()), kind="photo")
    stored = Image.open(found.content)
    assert found.mime == mime and getattr(stored, "n_frames", 1) == 1
    assert stored.convert("RGB").getpixel((50, 50)) == (0, 0, 255)


@pytest.mark.parametrize(("fmt", "mode", "color", "options"), [
    ("JPEG", "CMYK", (0, 255, 255, 0), {}),
    ("JPEG", "L", 128, {}),
    ("PNG", "P", 3, {"transparency": 3}),
    ("PNG", "I;16", 40000, {}),
    ("PNG", "LA", (100, 50), {}),
    ("PNG", "1", 1, {}),
    ("WEBP", "RGBA", (1, 2, 3, 4), {}),
])
def test_images_in_less_common_modes_are_accepted(fmt, mode, color, options):
    data = image_bytes(fmt, (30, 20), mode=mode, color=color, **options)
    found = inspect_attachment(upload(data), kind="photo")
    stored = Image.open(found.content)
    assert stored.format == fmt and stored.size == (30, 20)
    assert Image.open(found.thumbnail).size == (30, 20)
    if options:
        assert "transparency" in stored.info


def test_a_transparent_image_keeps_its_transparency_and_gets_a_webp_thumbnail():
    data = image_bytes("PNG", (1000, 500), mode="RGBA", color=(0, 128, 0, 0))
    found = inspect_attachment(upload(data), kind="photo")
    assert Image.open(found.content).getpixel((1, 1))[3] == 0
    thumbnail = Image.open(found.thumbnail)
    assert found.thumbnail_mime == "image/webp" and thumbnail.format == "WEBP"
    assert thumbnail.size == (480, 240)


def test_the_thumbnail_size_is_the_setting_and_a_small_image_is_not_enlarged(settings):
    settings.ATTACHMENT_THUMBNAIL_PX = 100
    found = inspect_attachment(upload(image_bytes("JPEG", (300, 600))), kind="photo")
    assert Image.open(found.thumbnail).size == (50, 100)
    small = inspect_attachment(upload(image_bytes("JPEG", (40, 20))), kind="photo")
    assert Image.open(small.thumbnail).size == (40, 20)


# --------------------------------------------------------------------------------------------
# Documents on disk are not read into memory
# --------------------------------------------------------------------------------------------
def test_a_20_mb_document_on_disk_is_inspected_without_reading_it_into_memory():
    media = os.urandom(20 * MB)  # photos in a presentation: stored, not compressed
    data = package({"[Content_Types].xml": content_types(
        OOXML + "presentationml.presentation.main+xml"), "main.xml": "<p/>",
        "ppt/media/image1.jpeg": media}, compression=zipfile.ZIP_STORED)
    del media
    given = on_disk(data, "Workshop slides.pptx")
    del data
    tracemalloc.start()
    try:
        found = inspect_attachment(given, kind="presentation")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found.extension == "pptx" and found.content is given and found.size > 20 * MB
    assert peak < 2 * MB, f"{peak / MB:.1f} MB held while inspecting a file on disk"


def test_a_document_on_disk_with_macros_is_refused_too():
    given = on_disk(ooxml("application/vnd.ms-word.document.macroEnabled.main+xml"), "a.docm")
    with pytest.raises(UploadRefused, match="holds macros"):
        inspect_attachment(given, kind="agenda")


# --------------------------------------------------------------------------------------------
# The name shown
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "shown"), [
    ("../../etc/passwd", "passwd.pdf"),
    ("C:\\Users\\x\\agenda.pdf", "agenda.pdf"),
    ("Повестка дня.pdf", "Повестка дня.pdf"),
    ("Повестка дня.docx", "Повестка дня.pdf"),  # the content decides the extension
    ("report\x00.exe.pdf", "report.exe.pdf"),
    ("line\r\nSet-Cookie: a=b.pdf", "line Set-Cookie_ a=b.pdf"),
    ("text/html.pdf", "html.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.pdf"),  # a right-to-left override hides ".exe"
    ("\u200bzero\ufeffwidth.pdf", "zerowidth.pdf"),
    ('a<b>c:"d"|e?*.pdf', "a_b_c__d__e__.pdf"),
    ("..", "attachment.pdf"),
    ("", "attachment.pdf"),
    (None, "attachment.pdf"),
    ("   .pdf", "attachment.pdf"),
    (".hidden.pdf", "hidden.pdf"),
    ("CON.pdf", "_CON.pdf"),
    ("agenda", "agenda.pdf"),
    ("Final v2. Draft (2025)", "Final v2. Draft (2025).pdf"),
])
def test_the_name_shown_is_a_safe_basename_with_the_recognised_extension(raw, shown):
    assert display_name(raw, "pdf") == shown


def test_a_300_character_name_is_cut_to_120_keeping_the_extension():
    shown = display_name("П" * 300 + ".docx", "docx")
    assert len(shown) == 120 and shown == "П" * 115 + ".docx"


def test_the_name_shown_comes_from_the_upload():
    found = inspect_attachment(upload(PDF, "../../etc/Повестка\u202e дня.PDF"), kind="agenda")
    assert found.display_name == "Повестка дня.pdf"


def test_the_module_exports_the_attachment_api():
    assert {"inspect_attachment", "InspectedFile", "allow_upload_bytes",
            "attachment_max_bytes"} <= set(uploads.__all__)


def test_a_zip_bomb_on_disk_is_refused_with_the_same_message():
    bomb = ooxml(DOCX_MAIN, **{"word/media/a.xml": b"\x00" * (4 * MB)})
    with pytest.raises(UploadRefused, match="the limit is 200 to 1"):
        inspect_attachment(on_disk(bomb, "report.docx"), kind="report")


def test_a_document_on_disk_whose_parts_lie_is_refused_and_the_file_let_go():
    data = bytearray(ooxml(DOCX_MAIN, **{"word/document.xml": b"<w:p>text</w:p>" * 5000}))
    start = data.index(b"word/document.xml") + len("word/document.xml") + 40
    data[start:start + 20] = b"\xff" * 20  # damage the compressed bytes, not the directory
    given = on_disk(bytes(data), "report.docx")
    with pytest.raises(UploadRefused, match="The document is damaged or packed"):
        inspect_attachment(given, kind="report")
    given.close()
