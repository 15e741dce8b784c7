"""XLSX: the zip's directory is checked, then each part inflated once against its declared size
and scanned for a DTD, shared strings and cells, before any parser opens the file."""

from __future__ import annotations

import io
import itertools
import mmap
import re
import struct
import zipfile
import zlib

from django.utils.translation import gettext, gettext_noop

from unodc_portal.core.uploads.limits import Limits, UploadRefused, number, size

STEP = 64 * 1024  # bytes inflated at a time while checking a part
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
        raise UploadRefused(
            gettext("The file is not an Excel .xlsx workbook (it may be .xls or CSV).")
        )
    _sig, _disk, _cd_disk, _here, total, cd_size, _offset, _comment = EOCD.unpack_from(data, pos)
    locator = pos - ZIP64_LOCATOR.size
    if locator >= 0 and data[locator:locator + 4] == b"PK\x06\x07":
        record = ZIP64_LOCATOR.unpack_from(data, locator)[2]
        if record + ZIP64_EOCD.size > len(data) or data[record:record + 4] != b"PK\x06\x06":
            raise UploadRefused(gettext("The workbook's zip directory is damaged."))
        fields = ZIP64_EOCD.unpack_from(data, record)
        total, cd_size = fields[7], fields[8]
    return total, cd_size


def inspect_zip(data: bytes | mmap.mmap, limits: Limits) -> list[zipfile.ZipInfo]:
    """Refuse a zip (an XLSX) that would inflate beyond the limits; returns its parts."""
    declared, cd_size = _directory_extent(data)
    if declared > limits.max_parts or cd_size > limits.max_parts * CD_RECORD_BYTES:
        raise UploadRefused(gettext(
            "The workbook has %(parts)s parts; the limit is %(limit)s. An Excel list of "
            "participants has about ten; save it again from Excel as a new workbook."
        ) % {"parts": number(declared), "limit": number(limits.max_parts)})
    try:
        # A mapped file (an attachment on disk) is read in place, not copied into memory.
        archive = zipfile.ZipFile(data if isinstance(data, mmap.mmap) else io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise UploadRefused(
            gettext("The file is not an Excel .xlsx workbook (it may be .xls or CSV).")
        ) from exc
    with archive:
        parts = archive.infolist()
    if len(parts) > limits.max_parts:
        raise UploadRefused(gettext("The workbook has %(parts)s parts; the limit is %(limit)s.")
                            % {"parts": number(len(parts)), "limit": number(limits.max_parts)})
    total = compressed_total = 0
    names = set()
    for part in parts:
        if part.filename in names:
            raise UploadRefused(gettext("The workbook names the part %(part)s twice.")
                                % {"part": part.filename[:80]})
        names.add(part.filename)
        if part.flag_bits & 0x1:
            raise UploadRefused(
                gettext("The workbook is encrypted; save it without a password."))
        if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UploadRefused(gettext(
                "The workbook's part %(part)s uses a compression Excel does not write; save it "
                "again from Excel."
            ) % {"part": part.filename[:80]})
        if part.file_size > limits.max_part:
            raise UploadRefused(gettext(
                "The workbook's part %(part)s unpacks to %(size)s; the limit for one part is "
                "%(limit)s."
            ) % {"part": part.filename[:80], "size": size(part.file_size),
                 "limit": size(limits.max_part)})
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size >= limits.ratio_floor and ratio > limits.max_ratio:
            raise UploadRefused(gettext(
                "The workbook's part %(part)s is compressed %(ratio)s to 1 (%(packed)s "
                "unpacking to %(size)s); the limit is %(limit)s to 1."
            ) % {"part": part.filename[:80], "ratio": number(round(ratio)),
                 "packed": size(part.compress_size), "size": size(part.file_size),
                 "limit": limits.max_ratio})
        total += part.file_size
        compressed_total += part.compress_size
    if total > limits.max_uncompressed:
        raise UploadRefused(gettext(
            "The workbook unpacks to %(size)s; the limit is %(limit)s. Split the list into "
            "smaller files."
        ) % {"size": size(total), "limit": size(limits.max_uncompressed)})
    ratio = total / max(compressed_total, 1)
    if total >= limits.ratio_floor and ratio > limits.max_ratio:
        raise UploadRefused(gettext(
            "The workbook is compressed %(ratio)s to 1 (%(packed)s unpacking to %(size)s); the "
            "limit is %(limit)s to 1."
        ) % {"ratio": number(round(ratio)), "packed": size(compressed_total),
             "size": size(total), "limit": limits.max_ratio})
    _check_parts_honour_directory(data, parts, limits)
    return parts


def _check_parts_honour_directory(data: bytes, parts: list[zipfile.ZipInfo],
                                  limits: Limits) -> None:
    """Inflate each part once, never past its declared size: the directory must not lie."""
    view = memoryview(data)
    extents = []
    counters = (
        # openpyxl keeps every shared string in memory at once.
        Counter(SHARED_STRINGS, limits.max_strings, gettext_noop(
            "The workbook has more than %(limit)s different texts; the limit is %(limit)s. "
            "Split the list into smaller files.")),
        # openpyxl parses every cell of a row, even those right of the columns it is asked for.
        Counter(CELLS, limits.max_cells, gettext_noop(
            "The workbook has more than %(limit)s cells; the limit is %(limit)s. Split the "
            "list into smaller files.")),
    )
    for part in parts:
        start = part.header_offset
        if start + LOCAL_HEADER.size > len(data) or data[start:start + 4] != b"PK\x03\x04":
            raise UploadRefused(_lie(part, gettext("points to no part")))
        fields = LOCAL_HEADER.unpack_from(data, start)
        begin = start + LOCAL_HEADER.size + fields[9] + fields[10]
        end = begin + part.compress_size
        if end > len(data):
            raise UploadRefused(_lie(part, gettext("claims more bytes than the file holds")))
        extents.append((start, end, part))
        _inflate_within(view[begin:end], part, counters)
    extents.sort(key=lambda extent: extent[0])
    for (_start, end, part), (next_start, _end, _next) in itertools.pairwise(extents):
        if next_start < end:
            raise UploadRefused(_lie(part, gettext("overlaps another part")))


class Counter:
    """Elements of one kind (shared strings, cells: start tags with or without a namespace
    prefix) seen so far in a workbook's XML, against a limit."""

    def __init__(self, tags: tuple[re.Pattern, ...], limit: int, message: str):
        # ``message``: an English text marked with gettext_noop, translated when refusing.
        self.tags, self.limit, self.message, self.seen = tags, limit, message, 0

    def count(self, window: bytes, new_from: int) -> None:
        """Count the tags in ``window`` that end after ``new_from`` (the others were counted in
        the previous window)."""
        self.seen += sum(1 for tag in self.tags for found in tag.finditer(window)
                         if found.end() > new_from)
        if self.seen > self.limit:
            raise UploadRefused(gettext(self.message) % {"limit": number(self.limit)})


def _check_xml_start(part: zipfile.ZipInfo, start: bytes) -> None:
    """Refuse XML declared in an encoding the scans cannot read (such as EBCDIC's)."""
    declared = XML_DECLARED_ENCODING.match(start)
    if declared and declared.group(1).lower() not in READ_UNTOLD:
        raise UploadRefused(gettext(
            "The workbook's part %(part)s is not UTF-8 XML, as Excel writes it; save it again "
            "from Excel."
        ) % {"part": part.filename[:80]})


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
            raise UploadRefused(_lie(part, gettext(
                "unpacks to more than the %(size)s it declares") % {"size": size(budget)}))
        crc = zlib.crc32(out, crc)
        if len(start) < 200:
            start += out[:200]
            if len(start) >= 200:
                _check_xml_start(part, start)
        window = tail + out
        if any(marker in window for marker in DTD_MARKERS):
            raise UploadRefused(gettext(
                "The workbook's part %(part)s declares a DTD, which no Excel file has; save it "
                "again from Excel."
            ) % {"part": part.filename[:80]})
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
                gettext("The workbook's part %(part)s is damaged; save it again from Excel.")
                % {"part": part.filename[:80]}
            ) from exc
        if not inflater.eof:
            raise UploadRefused(_lie(part, gettext("ends before its compressed data does")))
    if len(start) < 200:
        _check_xml_start(part, start)
    if produced != budget:
        raise UploadRefused(
            _lie(part, gettext("unpacks to %(size)s, not the %(declared)s it declares")
                 % {"size": size(produced), "declared": size(budget)})
        )
    if crc != part.CRC:
        raise UploadRefused(gettext(
            "The workbook's part %(part)s is damaged (its checksum does not match); save it "
            "again from Excel."
        ) % {"part": part.filename[:80]})


def _lie(part: zipfile.ZipInfo, what: str) -> str:
    """``what``: the part's fault, already in the reader's language."""
    return gettext(
        "The workbook's zip directory does not match its content (the part %(part)s "
        "%(what)s); the file is damaged or was made to mislead."
    ) % {"part": part.filename[:80], "what": what}
