"""Hostile workbooks for the upload tests and ``benchmarks/hostile_upload.py``: zips written by
hand, so that a part's declared sizes, checksum and place can be anything an attacker chooses,
and a part of hundreds of megabytes can be made in a moment without ever being held whole.

``workbook(strings_part)`` is a valid-looking XLSX (the participant template's header in a
sheet that reads shared strings) whose ``xl/sharedStrings.xml`` is the given ``Part``.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, replace

import xlsxwriter

LOCAL = struct.Struct("<4s5H3L2H")
CENTRAL = struct.Struct("<4s6H3L5H2L")
END = struct.Struct("<4s4H2LH")
DOS_DATE = (1 << 5) | 1  # 1 January 1980


@dataclass(frozen=True)
class Part:
    """One zip entry: its stored bytes and what the directory declares about them."""

    name: str
    data: bytes  # as stored (raw deflate for ZIP_DEFLATED)
    file_size: int
    crc: int
    method: int = zipfile.ZIP_DEFLATED
    compress_size: int | None = None  # None: len(data)
    header_offset: int | None = None  # None: where the part is written
    flags: int = 0

    @classmethod
    def of(cls, name: str, content: bytes, level: int = 9) -> Part:
        packer = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
        return cls(name, packer.compress(content) + packer.flush(), len(content),
                   zlib.crc32(content))

    def lying(self, **declared) -> Part:
        return replace(self, **declared)


def repeated(name: str, head: bytes, chunk: bytes, times: int, tail: bytes) -> Part:
    """A deflated part ``head + chunk * times + tail`` made without building it: after a full
    flush, deflate's output for the same chunk is the same bytes, so they are repeated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    assert block == again, "deflate's output for a chunk after a full flush should repeat"
    end = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    return Part(name, start + block * times + end, len(head) + len(chunk) * times + len(tail),
                crc)


def zip_bytes(parts: list[Part]) -> bytes:
    out, central = bytearray(), bytearray()
    for part in parts:
        name = part.name.encode()
        offset = len(out)
        size = len(part.data) if part.compress_size is None else part.compress_size
        out += LOCAL.pack(b"PK\x03\x04", 20, part.flags, part.method, 0, DOS_DATE, part.crc,
                          size, part.file_size, len(name), 0) + name + part.data
        where = offset if part.header_offset is None else part.header_offset
        central += CENTRAL.pack(b"PK\x01\x02", 20, 20, part.flags, part.method, 0, DOS_DATE,
                                part.crc, size, part.file_size, len(name), 0, 0, 0, 0, 0,
                                where) + name
    start = len(out)
    out += central
    out += END.pack(b"PK\x05\x06", 0, 0, len(parts), len(parts), len(central), start, 0)
    return bytes(out)


def template_parts(header: list[str], rows: list[list[str]] = ()) -> list[Part]:
    """The parts of a real workbook (written by XlsxWriter, strings shared) holding ``header``
    and ``rows``."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False})
    sheet = book.add_worksheet("Participants")
    for r, row in enumerate([header, *rows]):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        return [Part.of(info.filename, archive.read(info)) for info in archive.infolist()]


SST_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://'
            b'schemas.openxmlformats.org/spreadsheetml/2006/main" count="7" uniqueCount="7">')


def shared_strings_bomb(megabytes: float, noise: int = 0) -> Part:
    """A sharedStrings part of about ``megabytes`` MiB: the template's seven names, then the
    same participant name over and over. ``noise`` characters of pseudo-random letters per
    MiB lower the compression ratio (deflate reaches about 1000 to 1 without)."""
    names = b"".join(f"<si><t>{h}</t></si>".encode() for h in
                     ("Name", "Sex", "Organisation", "Country", "Position", "E-mail", "Phone"))
    unit = b"<si><t>Alisher Usmonov</t></si>"
    filler = b""
    if noise:
        letters = bytearray()
        seed = 12345
        while len(letters) < noise:
            seed = (seed * 1103515245 + 12345) % 2**31
            letters.append(97 + (seed >> 16) % 26)
        filler = b"<si><t>" + bytes(letters) + b"</t></si>"
    chunk = unit * ((2**20 - len(filler)) // len(unit)) + filler
    return repeated("xl/sharedStrings.xml", SST_HEAD + names, bytes(chunk),
                    max(1, round(megabytes)), b"</sst>")


def workbook(header: list[str], strings: Part | None = None, extra: list[Part] = ()) -> bytes:
    """A template-shaped workbook whose shared strings are ``strings`` (or the real ones)."""
    parts = template_parts(header)
    if strings is not None:
        parts = [strings if p.name == "xl/sharedStrings.xml" else p for p in parts]
    return zip_bytes([*parts, *extra])
