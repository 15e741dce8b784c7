"""Every uploaded file passes through here before anything parses it, so that no upload can
exhaust the server's memory, time or disk. (Today the participant import; attachments later.)

Limits are settings (``UPLOAD_*`` in ``unodc_portal/settings.py``, which gives the reasons for the
defaults). A refusal raises ``UploadRefused`` whose message says which limit the file passes and
what the file has; the caller shows it on the form and stores nothing.

- **Request size.** ``LimitedUploadHandler`` (first in ``FILE_UPLOAD_HANDLERS``) stops keeping a
  file's bytes once it passes ``UPLOAD_MAX_BYTES``: the rest of the request is read and thrown
  away, and the form receives an empty placeholder whose ``size`` is the real size, so the usual
  "the file is 40.0 MB; the limit is 5 MB" message follows. Nothing over the limit is held in
  memory or written to a temporary file.
- **XLSX** (a zip of XML parts): the archive's end record and central directory are read first,
  without decompressing anything, and the number of parts, each part's uncompressed size, their
  total, and the compression ratio (of each part and overall) are capped. A zip bomb cannot get
  past these if its directory tells the truth. An attacker's directory may lie (declare 100 KB for
  a part that inflates to gigabytes, or point several parts at the same bytes), so each part is
  then inflated once, in 64 KiB steps, with the declared size as a hard budget: more output than
  declared, a stream that does not end within its declared compressed bytes, a wrong CRC, parts
  that overlap, an unknown compression method or encryption all refuse the file. Only then may a
  parser (openpyxl, whose zipfile reads the same directory) open it, and what it inflates is at
  most the capped total. The same pass reads every part (a parser finds parts by the content
  types, not by their names) as XML in UTF-8 and in UTF-16, the encodings expat reads untold (a
  part declaring another, such as EBCDIC, is refused): no part may declare a DTD (no Office part
  has one; it is the way to entity-expansion attacks, which expat also limits), and the workbook
  may hold at most ``UPLOAD_MAX_SHARED_STRINGS`` shared strings, which openpyxl keeps in memory
  all at once (a 25 MB part of short strings would otherwise cost it about 120 MB and 16 s),
  and ``UPLOAD_MAX_CELLS`` cells, which it parses all, even right of the columns it is asked
  for (a 5 MB file of 25 MB of cells: 19 s).
- **CSV**: rows, columns (not counting trailing empty cells), the length of each physical line
  and the lines one row may run over are capped while reading, so a file of one enormous line,
  or of millions of separators or of quoted line breaks, is refused before the csv module builds
  a huge row.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler

STEP = 64 * 1024  # bytes inflated at a time while checking a part
MAX_LINES_PER_ROW = 100  # physical lines of one CSV row (quoted cells may hold line breaks)
# A DTD in UTF-8 and in both UTF-16 byte orders (expat reads all three).
DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)


def start_tags(name: str) -> tuple[re.Pattern, ...]:
    """``<name`` or ``<prefix:name`` (a namespace prefix of at most 32 characters) followed by
    white space, ``/`` or ``>``: in UTF-8 and in UTF-16 of both byte orders, the encodings expat
    reads without being told (any other must be declared, and is refused)."""
    patterns = []
    for unit in ("{}", "{}\\x00", "\\x00{}"):
        def wide(cls, unit=unit):
            return unit.format(cls)
        prefix = "(?:" + wide("[A-Za-z_]") + "(?:" + wide(r"[\w.-]") + "){0,31}" + wide(":") + ")?"
        local = "".join(wide(ch) for ch in name)
        patterns.append(re.compile((wide("<") + prefix + local + wide(r"[\s/>]")).encode()))
    return tuple(patterns)


SHARED_STRINGS = start_tags("si")
CELLS = start_tags("c")
SCAN_OVERLAP = 80  # longer than any marker or tag searched, so none is missed between steps
XML_DECLARED_ENCODING = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)")
READ_UNTOLD = (b"utf-8", b"utf8", b"utf-16", b"utf16")


class UploadRefused(Exception):
    """The file is refused whole; the message says why, for the person who uploaded it."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_uncompressed: int
    max_part: int
    max_parts: int
    max_ratio: int
    ratio_floor: int
    max_strings: int
    max_cells: int
    max_rows: int
    max_columns: int
    max_line: int

    @classmethod
    def from_settings(cls, **overrides) -> Limits:
        values = {
            "max_bytes": settings.UPLOAD_MAX_BYTES,
            "max_uncompressed": settings.UPLOAD_MAX_UNCOMPRESSED_BYTES,
            "max_part": settings.UPLOAD_MAX_PART_BYTES,
            "max_parts": settings.UPLOAD_MAX_PARTS,
            "max_ratio": settings.UPLOAD_MAX_RATIO,
            "ratio_floor": settings.UPLOAD_RATIO_FLOOR_BYTES,
            "max_strings": settings.UPLOAD_MAX_SHARED_STRINGS,
            "max_cells": settings.UPLOAD_MAX_CELLS,
            "max_rows": settings.UPLOAD_MAX_ROWS,
            "max_columns": settings.UPLOAD_MAX_COLUMNS,
            "max_line": settings.UPLOAD_MAX_LINE_CHARS,
        }
        values.update(overrides)
        return cls(**values)


def size(n: int) -> str:
    """A byte count as people read it: 812 bytes, 40 KB, 4.9 MB, 2.1 GB."""
    if n < 1024:
        return f"{n:,} bytes"
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= scale:
            value = n / scale
            return f"{value:,.0f} {unit}" if value == int(value) else f"{value:,.1f} {unit}"
    raise AssertionError  # pragma: no cover


# --------------------------------------------------------------------------------------------
# The request: nothing over the limit is kept
# --------------------------------------------------------------------------------------------
class OversizedUpload(InMemoryUploadedFile):
    """What a form receives for a file over ``UPLOAD_MAX_BYTES``: no content, its real size."""

    oversized = True

    def __init__(self, name, content_type, real_size, charset=None):
        super().__init__(io.BytesIO(b""), "file", name, content_type, real_size, charset)


class LimitedUploadHandler(FileUploadHandler):
    """Passes each file's bytes on to the next handler (memory or temporary file) up to
    ``UPLOAD_MAX_BYTES``; past that it swallows them and answers an ``OversizedUpload``."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            return None  # the following handlers never see bytes past the limit
        return raw_data

    def file_complete(self, file_size):
        if self.received > settings.UPLOAD_MAX_BYTES:
            return OversizedUpload(self.file_name, self.content_type, self.received,
                                   self.charset)
        return None  # the next handler holds the file


def read_bytes(upload, limits: Limits) -> bytes:
    """The upload's bytes, refused over ``limits.max_bytes`` or when blank."""
    limit = limits.max_bytes
    if getattr(upload, "oversized", False):  # over UPLOAD_MAX_BYTES, which may be the lower
        limit = min(limit, settings.UPLOAD_MAX_BYTES)
    if upload.size > limit:
        raise UploadRefused(
            f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is {size(limit)}. "
            "Split the list into smaller files."
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UploadRefused(f"The file is over the {size(limit)} limit.")
    if not data.strip():
        raise UploadRefused("The file is empty.")
    return data


# --------------------------------------------------------------------------------------------
# XLSX: the zip's directory, then each part inflated once against its declared size
# --------------------------------------------------------------------------------------------
EOCD = struct.Struct("<4s4H2LH")  # end of central directory record (22 bytes)
ZIP64_LOCATOR = struct.Struct("<4sLQL")  # 20 bytes
ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")  # 56 bytes
LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # 30 bytes
CD_RECORD_BYTES = 1024  # a generous bound on one part's central-directory record


def _directory_extent(data: bytes) -> tuple[int, int]:
    """(number of parts, size of the central directory) as the end record declares them,
    read before zipfile builds anything from the directory."""
    pos = data.rfind(b"PK\x05\x06", max(0, len(data) - EOCD.size - 65535))
    if pos < 0 or len(data) - pos < EOCD.size:
        raise UploadRefused("The file is not an Excel .xlsx workbook (it may be .xls or CSV).")
    _sig, _disk, _cd_disk, _here, total, cd_size, _offset, _comment = EOCD.unpack_from(data, pos)
    locator = pos - ZIP64_LOCATOR.size
    if locator >= 0 and data[locator:locator + 4] == b"PK\x06\x07":
        record = ZIP64_LOCATOR.unpack_from(data, locator)[2]
        if record + ZIP64_EOCD.size > len(data) or data[record:record + 4] != b"PK\x06\x06":
            raise UploadRefused("The workbook's zip directory is damaged.")
        fields = ZIP64_EOCD.unpack_from(data, record)
        total, cd_size = fields[7], fields[8]
    return total, cd_size


def inspect_zip(data: bytes, limits: Limits) -> list[zipfile.ZipInfo]:
    """Refuse a zip (an XLSX) that would inflate beyond the limits; returns its parts."""
    declared, cd_size = _directory_extent(data)
    if declared > limits.max_parts or cd_size > limits.max_parts * CD_RECORD_BYTES:
        raise UploadRefused(
            f"The workbook has {declared:,} parts; the limit is {limits.max_parts:,}. An Excel "
            "list of participants has about ten; save it again from Excel as a new workbook."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise UploadRefused(
            "The file is not an Excel .xlsx workbook (it may be .xls or CSV)."
        ) from exc
    with archive:
        parts = archive.infolist()
    if len(parts) > limits.max_parts:
        raise UploadRefused(
            f"The workbook has {len(parts):,} parts; the limit is {limits.max_parts:,}."
        )
    total = compressed_total = 0
    names = set()
    for part in parts:
        if part.filename in names:
            raise UploadRefused(f"The workbook names the part {part.filename[:80]} twice.")
        names.add(part.filename)
        if part.flag_bits & 0x1:
            raise UploadRefused("The workbook is encrypted; save it without a password.")
        if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UploadRefused(
                f"The workbook's part {part.filename[:80]} uses a compression Excel does not "
                "write; save it again from Excel."
            )
        if part.file_size > limits.max_part:
            raise UploadRefused(
                f"The workbook's part {part.filename[:80]} unpacks to {size(part.file_size)}; "
                f"the limit for one part is {size(limits.max_part)}."
            )
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size >= limits.ratio_floor and ratio > limits.max_ratio:
            raise UploadRefused(
                f"The workbook's part {part.filename[:80]} is compressed {ratio:,.0f} to 1 "
                f"({size(part.compress_size)} unpacking to {size(part.file_size)}); the limit "
                f"is {limits.max_ratio} to 1."
            )
        total += part.file_size
        compressed_total += part.compress_size
    if total > limits.max_uncompressed:
        raise UploadRefused(
            f"The workbook unpacks to {size(total)}; the limit is "
            f"{size(limits.max_uncompressed)}. Split the list into smaller files."
        )
    ratio = total / max(compressed_total, 1)
    if total >= limits.ratio_floor and ratio > limits.max_ratio:
        raise UploadRefused(
            f"The workbook is compressed {ratio:,.0f} to 1 ({size(compressed_total)} unpacking "
            f"to {size(total)}); the limit is {limits.max_ratio} to 1."
        )
    _check_parts_honour_directory(data, parts, limits)
    return parts


def _check_parts_honour_directory(data: bytes, parts: list[zipfile.ZipInfo],
                                  limits: Limits) -> None:
    """Inflate each part once, never past its declared size: the directory must not lie."""
    view = memoryview(data)
    extents = []
    counters = (
        # openpyxl keeps every shared string in memory at once.
        Counter(SHARED_STRINGS, limits.max_strings, "different texts"),
        # openpyxl parses every cell of a row, even those right of the columns it is asked for.
        Counter(CELLS, limits.max_cells, "cells"),
    )
    for part in parts:
        start = part.header_offset
        if start + LOCAL_HEADER.size > len(data) or data[start:start + 4] != b"PK\x03\x04":
            raise UploadRefused(_lie(part, "points to no part"))
        fields = LOCAL_HEADER.unpack_from(data, start)
        begin = start + LOCAL_HEADER.size + fields[9] + fields[10]
        end = begin + part.compress_size
        if end > len(data):
            raise UploadRefused(_lie(part, "claims more bytes than the file holds"))
        extents.append((start, end, part))
        _inflate_within(view[begin:end], part, counters)
    extents.sort(key=lambda extent: extent[0])
    for (_start, end, part), (next_start, _end, _next) in itertools.pairwise(extents):
        if next_start < end:
            raise UploadRefused(_lie(part, "overlaps another part"))


class Counter:
    """Elements of one kind (shared strings, cells: start tags with or without a namespace
    prefix) seen so far in a workbook's XML, against a limit."""

    def __init__(self, tags: tuple[re.Pattern, ...], limit: int, what: str):
        self.tags, self.limit, self.what, self.seen = tags, limit, what, 0

    def count(self, window: bytes, new_from: int) -> None:
        """Count the tags in ``window`` that end after ``new_from`` (the others were counted in
        the previous window)."""
        self.seen += sum(1 for tag in self.tags for found in tag.finditer(window)
                         if found.end() > new_from)
        if self.seen > self.limit:
            raise UploadRefused(
                f"The workbook has more than {self.limit:,} {self.what}; the limit is "
                f"{self.limit:,}. Split the list into smaller files."
            )


def _check_xml_start(part: zipfile.ZipInfo, start: bytes) -> None:
    """Refuse XML declared in an encoding the scans cannot read (such as EBCDIC's)."""
    declared = XML_DECLARED_ENCODING.match(start)
    if declared and declared.group(1).lower() not in READ_UNTOLD:
        raise UploadRefused(
            f"The workbook's part {part.filename[:80]} is not UTF-8 XML, as Excel writes it; "
            "save it again from Excel."
        )


def _inflate_within(raw: memoryview, part: zipfile.ZipInfo,
                    counters: tuple[Counter, ...]) -> None:
    """Inflate one part within its declared size, checking its CRC, and scan it (every part:
    a parser finds its parts by the workbook's content types, not by their names)."""
    budget = part.file_size
    produced = crc = 0
    tail = start = b""

    def take(out: bytes) -> None:
        nonlocal produced, crc, tail, start
        produced += len(out)
        if produced > budget:
            raise UploadRefused(_lie(part, f"unpacks to more than the {size(budget)} it declares"))
        crc = zlib.crc32(out, crc)
        if len(start) < 200:
            start += out[:200]
            if len(start) >= 200:
                _check_xml_start(part, start)
        window = tail + out
        if any(marker in window for marker in DTD_MARKERS):
            raise UploadRefused(
                f"The workbook's part {part.filename[:80]} declares a DTD, which no Excel "
                "file has; save it again from Excel."
            )
        for counter in counters:  # each tag in the first window where it ends past the tail
            counter.count(window, len(tail))
        tail = window[-SCAN_OVERLAP:]

    if part.compress_type == zipfile.ZIP_STORED:
        for offset in range(0, len(raw), STEP):
            take(bytes(raw[offset:offset + STEP]))
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            for offset in range(0, len(raw), STEP):
                pending = bytes(raw[offset:offset + STEP])
                while pending and not inflater.eof:
                    # At most one step more than the budget: enough to see it is passed.
                    take(inflater.decompress(pending, STEP))
                    pending = inflater.unconsumed_tail
                if inflater.eof:
                    break
            while not inflater.eof:  # output zlib still holds after the last input
                out = inflater.decompress(b"", STEP)
                if not out:
                    break
                take(out)
        except zlib.error as exc:
            raise UploadRefused(
                f"The workbook's part {part.filename[:80]} is damaged; save it again from Excel."
            ) from exc
        if not inflater.eof:
            raise UploadRefused(_lie(part, "ends before its compressed data does"))
    if len(start) < 200:
        _check_xml_start(part, start)
    if produced != budget:
        raise UploadRefused(
            _lie(part, f"unpacks to {size(produced)}, not the {size(budget)} it declares")
        )
    if crc != part.CRC:
        raise UploadRefused(
            f"The workbook's part {part.filename[:80]} is damaged (its checksum does not "
            "match); save it again from Excel."
        )


def _lie(part: zipfile.ZipInfo, what: str) -> str:
    return (f"The workbook's zip directory does not match its content (the part "
            f"{part.filename[:80]} {what}); the file is damaged or was made to mislead.")


# --------------------------------------------------------------------------------------------
# CSV: rows, columns and line length capped while reading
# --------------------------------------------------------------------------------------------
def csv_rows(text: str, dialect, limits: Limits) -> list[list[str]]:
    """The rows of CSV text (the header first), refusing the file at the first line, row or
    column over the limits. Rows keep at most ``limits.max_columns`` cells."""
    counter = {"line": 0, "row_start": 0, "rows": 0}
    rows = []
    try:
        for row in csv.reader(_lines(text, limits.max_line, counter), dialect):
            counter["row_start"] = counter["line"]
            width = len(row)
            while width and not row[width - 1].strip():
                width -= 1
            if width > limits.max_columns:
                raise UploadRefused(
                    f"Row {len(rows) + 1} of the file has {width:,} columns; the limit is "
                    f"{limits.max_columns}. Keep only the template's columns."
                )
            rows.append(row[:limits.max_columns])
            counter["rows"] = len(rows)
            if len(rows) > limits.max_rows + 1:
                raise UploadRefused(
                    f"The file has more than {limits.max_rows:,} rows; split it."
                )
    except csv.Error as exc:
        raise UploadRefused(
            f"The CSV file cannot be read near line {counter['line']} ({exc})."
        ) from exc
    return rows


def _lines(text: str, max_line: int, counter: dict) -> Iterator[str]:
    for line in io.StringIO(text, newline=""):
        counter["line"] += 1
        if len(line) > max_line:
            raise UploadRefused(
                f"The CSV file cannot be read near line {counter['line']}: the line is "
                f"{len(line):,} characters long; the limit is {max_line:,}."
            )
        # Quoted cells may hold line breaks, but a row of thousands of short lines is millions
        # of cells in the making (or a quotation mark left open).
        if counter["line"] - counter["row_start"] > MAX_LINES_PER_ROW:
            raise UploadRefused(
                f"Row {counter['rows'] + 1} of the file, from line {counter['row_start'] + 1}, "
                f"runs over more than {MAX_LINES_PER_ROW} lines; a quotation mark is probably "
                "not closed."
            )
        yield line
