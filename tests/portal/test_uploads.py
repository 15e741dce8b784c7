"""unodc_portal.core.uploads: every limit refuses a file with a message naming the limit and
what the file has, before any parser inflates a byte; a lying zip directory is caught; a real
workbook and a real CSV pass."""

import csv
import io
import random
import re
import time
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.http.multipartparser import MultiPartParser

from tests.zipbombs import Part, repeated, shared_strings_bomb, template_parts, workbook, zip_bytes
from unodc_portal.core import uploads
from unodc_portal.core.uploads import Limits, UploadRefused

HEADER = ["Name", "Sex", "Organisation", "Country", "Position", "E-mail", "Phone"]
SMALL = Limits(max_bytes=5 * 2**20, max_uncompressed=40_000, max_part=20_000, max_parts=20,
               max_ratio=100, ratio_floor=10_000, max_strings=50, max_cells=60, max_rows=5,
               max_columns=8, max_line=200)


def letters(n, seed=1):
    """Text that compresses about 1.6 to 1."""
    return bytes(random.Random(seed).choices(b"abcdefghijklmnopqrstuvwxyz ", k=n))


def refused(data, limits=None):
    with pytest.raises(UploadRefused) as caught:
        uploads.inspect_zip(data, limits or Limits.from_settings())
    return str(caught.value)


# --------------------------------------------------------------------------------------------
# XLSX: the directory's figures
# --------------------------------------------------------------------------------------------
def test_a_real_workbook_passes_at_the_default_limits():
    rows = [[f"Person {n}", "F", "SSDC", "KG", "Inspector", "", "+996 555 123456"]
            for n in range(2000)]
    parts = uploads.inspect_zip(zip_bytes(template_parts(HEADER, rows)), Limits.from_settings())
    assert "xl/sharedStrings.xml" in {p.filename for p in parts}


def test_more_parts_than_the_limit_are_refused_from_the_end_record():
    data = workbook(HEADER, extra=[Part.of(f"xl/media/image{n}.bin", b"x") for n in range(200)])
    assert "The workbook has 210 parts; the limit is 200." in refused(data)


def test_a_part_larger_than_the_limit_is_refused():
    data = zip_bytes([Part.of("xl/worksheets/sheet1.xml", letters(20_001))])
    message = refused(data, SMALL)
    assert "part xl/worksheets/sheet1.xml unpacks to 19.5 KB" in message
    assert "the limit for one part is 19.5 KB" in message  # 20,000 bytes


def test_parts_whose_total_is_over_the_limit_are_refused():
    data = zip_bytes([Part.of(f"xl/worksheets/sheet{n}.xml", letters(15_000, n))
                      for n in range(3)])
    assert "The workbook unpacks to 43.9 KB; the limit is 39.1 KB." in refused(data, SMALL)


def test_a_part_compressed_beyond_the_ratio_is_refused():
    data = zip_bytes([Part.of("xl/sharedStrings.xml", b"<si><t>a</t></si>" * 1000)])
    message = refused(data, SMALL)
    assert "part xl/sharedStrings.xml is compressed" in message
    assert "the limit is 100 to 1" in message


def test_a_workbook_compressed_beyond_the_ratio_overall_is_refused():
    # Each part under the floor (so its own ratio does not count), together over it.
    data = zip_bytes([Part.of(f"xl/worksheets/sheet{n}.xml", b"<row/>" * 1500)
                      for n in range(3)])
    message = refused(data, SMALL)
    assert message.startswith("The workbook is compressed")
    assert "the limit is 100 to 1" in message


def test_the_benchmarks_bomb_is_refused_at_once_from_the_directory_alone():
    """The issue's file: about 1 MB, whose shared strings unpack to 425 MB."""
    data = workbook(HEADER, shared_strings_bomb(425))
    assert len(data) < 1.2 * 2**20
    start = time.perf_counter()
    message = refused(data)
    assert time.perf_counter() - start < 0.5
    assert "part xl/sharedStrings.xml unpacks to 425.0 MB" in message


# --------------------------------------------------------------------------------------------
# XLSX: a directory that lies
# --------------------------------------------------------------------------------------------
def test_a_part_that_unpacks_to_more_than_its_directory_declares_is_refused():
    """The directory declares 40 KB (and the checksum of those first 40 KB, so that zipfile
    would hand a parser the truncated part without a word); the part inflates to 64 MB."""
    bomb = repeated("xl/sharedStrings.xml", b"<sst>", b"<si><t>A</t></si>" * 4096, 1024,
                    b"</sst>")
    head = zlib.decompressobj(-zlib.MAX_WBITS).decompress(bomb.data, 40_000)[:40_000]
    liar = bomb.lying(file_size=40_000, crc=zlib.crc32(head))
    data = workbook(HEADER, liar)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # zipfile itself trusts the directory
        assert archive.read("xl/sharedStrings.xml") == head
    start = time.perf_counter()
    message = refused(data)
    assert time.perf_counter() - start < 0.5
    assert "zip directory does not match its content" in message
    assert "xl/sharedStrings.xml unpacks to more than the 39.1 KB it declares" in message


def test_a_part_that_unpacks_to_less_than_declared_or_a_wrong_checksum_is_refused():
    part = Part.of("xl/worksheets/sheet1.xml", letters(5000))
    assert "unpacks to 4.9 KB, not the 5.9 KB it declares" in refused(
        zip_bytes([part.lying(file_size=6000)]))
    assert "checksum does not match" in refused(zip_bytes([part.lying(crc=part.crc ^ 1)]))


def test_parts_pointing_at_the_same_bytes_are_refused():
    """The overlapping-entries bomb: many directory entries, one compressed kernel."""
    kernel = Part.of("xl/worksheets/sheet1.xml", letters(5000))
    data = zip_bytes([kernel, kernel.lying(name="xl/worksheets/sheet2.xml", header_offset=0)])
    assert "overlaps another part" in refused(data)


def test_a_part_claiming_more_compressed_bytes_than_the_file_holds_is_refused():
    part = Part.of("xl/worksheets/sheet1.xml", letters(5000))
    assert "claims more bytes than the file holds" in refused(
        zip_bytes([part.lying(compress_size=10**6)]))


def test_encrypted_parts_other_compressions_and_dtds_are_refused():
    part = Part.of("xl/worksheets/sheet1.xml", b"<worksheet/>")
    assert "encrypted" in refused(zip_bytes([part.lying(flags=1)]))
    assert "compression Excel does not write" in refused(
        zip_bytes([part.lying(method=zipfile.ZIP_LZMA)]))
    for encoding in ("utf-8", "utf-16-le"):
        laughs = '<!DOCTYPE lol [<!ENTITY lol "lol">]><sst>&lol;</sst>'.encode(encoding)
        assert "declares a DTD" in refused(workbook(HEADER, Part.of("xl/sharedStrings.xml",
                                                                     laughs)))


def test_more_shared_strings_than_the_limit_are_refused_however_they_are_written():
    strings = repeated("xl/sharedStrings.xml", b"<sst>", b"<si><t>A</t></si>" * 50, 1, b"</sst>")
    uploads.inspect_zip(workbook(HEADER, strings), SMALL)
    # Prefixed, with attributes or white space, across the inflater's steps: each is counted.
    for form in (b"<si><t>A</t></si>", b"<x:si><x:t>A</x:t></x:si>", b"<si\n><t>A</t></si>",
                 b"<si/>"):
        chunk = b"<t/>" * 20_000 + form  # ~80 KB: the tags fall on every kind of step boundary
        strings = repeated("xl/sharedStrings.xml", b"<sst>", chunk, 51, b"</sst>")
        message = refused(workbook(HEADER, strings), SMALL.__class__(**{
            **SMALL.__dict__, "max_part": 10**7, "max_uncompressed": 10**7, "max_ratio": 10**4}))
        assert "more than 50 different texts; the limit is 50." in message, form


def test_more_cells_than_the_limit_are_refused_even_right_of_the_columns_read():
    row = b"<row>" + b"<c><v>1</v></c>" * 61 + b"</row>"
    sheet = Part.of("xl/worksheets/sheet1.xml", b"<worksheet><sheetData>" + row
                    + b"</sheetData></worksheet>")
    parts = [sheet if p.name == sheet.name else p for p in template_parts(HEADER)]
    assert "more than 60 cells; the limit is 60." in refused(zip_bytes(parts), SMALL)


def test_xml_parts_declared_in_an_encoding_the_scan_cannot_read_are_refused():
    ebcdic = b'<?xml version="1.0" encoding="cp037"?>' + "<sst><si/></sst>".encode("cp037")
    assert "is not UTF-8 XML" in refused(workbook(HEADER, Part.of("xl/sharedStrings.xml",
                                                                  ebcdic)))
    for content in (b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?><sst/>',
                    '<?xml version="1.0" encoding="UTF-16"?><sst/>'.encode("utf-16")):
        assert uploads.inspect_zip(workbook(HEADER, Part.of("xl/sharedStrings.xml", content)),
                                   Limits.from_settings())


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_shared_strings_in_utf16_under_any_part_name_are_counted(encoding):
    content = ("<sst>" + "<si><t>A</t></si>" * 51 + "</sst>").encode(encoding)
    # Content types, not names, tell a parser which part holds the shared strings.
    parts = [p for p in template_parts(HEADER) if p.name != "xl/sharedStrings.xml"]
    data = zip_bytes([*parts, Part.of("xl/media/image1.emf", content)])
    assert "more than 50 different texts" in refused(data, SMALL)


def test_a_file_that_is_not_a_zip_is_refused():
    assert "not an Excel .xlsx workbook" in refused(b"Name,Sex\nAna,F\n")


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------
def csv_text(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def test_csv_rows_over_the_limit_are_refused_while_reading():
    assert len(uploads.csv_rows(csv_text([HEADER] + [["a"]] * 5), csv.excel, SMALL)) == 6
    message = "The file has more than 5 rows; split it."
    with pytest.raises(UploadRefused, match=re.escape(message)):
        uploads.csv_rows(csv_text([HEADER] + [["a"]] * 6), csv.excel, SMALL)


def test_csv_columns_over_the_limit_are_refused_but_trailing_empty_cells_do_not_count():
    rows = uploads.csv_rows(csv_text([HEADER + [""] * 30]), csv.excel, SMALL)
    assert rows == [[*HEADER, ""]]  # at most max_columns cells kept
    message = "Row 2 of the file has 9 columns; the limit is 8."
    with pytest.raises(UploadRefused, match=re.escape(message)):
        uploads.csv_rows(csv_text([HEADER, ["x"] * 9]), csv.excel, SMALL)


def test_a_csv_line_longer_than_the_limit_is_refused_before_it_is_split():
    text = csv_text([HEADER]) + "," * 5000 + "\n"
    message = "near line 2: the line is 5,001 characters long; the limit is 200"
    with pytest.raises(UploadRefused, match=re.escape(message)):
        uploads.csv_rows(text, csv.excel, SMALL)


def test_a_csv_row_running_over_too_many_lines_is_refused_before_it_is_built():
    """Quoted cells of one line break each: 5 MB of them would be a row of a million cells."""
    text = csv_text([HEADER]) + '"a\n",' * 101 + "\n"
    message = ("Row 2 of the file, from line 2, runs over more than 100 lines; a quotation mark "
               "is probably not closed.")
    with pytest.raises(UploadRefused, match=re.escape(message)):
        uploads.csv_rows(text, csv.excel, Limits.from_settings())
    assert len(uploads.csv_rows(csv_text([HEADER, ["a\nb"] * 7]), csv.excel, SMALL)) == 2


# --------------------------------------------------------------------------------------------
# The request
# --------------------------------------------------------------------------------------------
def multipart(name, content):
    boundary = "BoUnDaRy"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n").encode()
    body += content + f"\r\n--{boundary}--\r\n".encode()
    meta = {"CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
            "CONTENT_LENGTH": str(len(body))}
    handlers = [uploads.LimitedUploadHandler(), MemoryFileUploadHandler(),
                TemporaryFileUploadHandler()]
    return MultiPartParser(meta, io.BytesIO(body), handlers).parse()[1]["file"]


def test_bytes_past_the_upload_limit_are_never_kept(settings):
    settings.UPLOAD_MAX_BYTES = 100_000
    small = multipart("list.csv", b"a" * 100_000)
    assert isinstance(small, InMemoryUploadedFile) and small.read() == b"a" * 100_000
    big = multipart("list.csv", b"a" * 300_000)
    assert isinstance(big, uploads.OversizedUpload)
    assert big.size == 300_000 and big.read() == b""
    for limits in (Limits.from_settings(), Limits.from_settings(max_bytes=10**6)):
        with pytest.raises(UploadRefused, match=re.escape("The file is 0.3 MB; the limit is "
                                                          "97.7 KB")):
            uploads.read_bytes(big, limits)


def test_read_bytes_refuses_blank_files():
    with pytest.raises(UploadRefused, match=re.escape("The file is empty.")):
        uploads.read_bytes(SimpleUploadedFile("a.csv", b" \n"), Limits.from_settings())


def test_sizes_read_as_people_read_them():
    assert [uploads.size(n) for n in (812, 40 * 1024, 5 * 2**20, int(4.94 * 2**20))] == [
        "812 bytes", "40 KB", "5 MB", "4.9 MB"]
