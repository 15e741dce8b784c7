"""What an upload may be (``Limits``, from the ``UPLOAD_*`` settings) and the refusal."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import formats
from django.utils.translation import ngettext, pgettext


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


def number(n, decimals: int = 0) -> str:
    """A number as the reader's language writes it: 10,000 and 4.9 in English; 10 000 (a
    no-break space) and 4,9 in Russian."""
    return formats.number_format(n, decimals, use_l10n=True, force_grouping=True)


def size(n: int) -> str:
    """A byte count as people read it: 812 bytes, 40 KB, 4.9 MB, 2.1 GB (in Russian 812 байт,
    40 КБ, 4,9 МБ, 2,1 ГБ)."""
    if n < 1024:
        return ngettext("%(n)s byte", "%(n)s bytes", n) % {"n": number(n)}
    units = (
        (1024**3, lambda shown: pgettext("file size", "%(n)s GB") % {"n": shown}),
        (1024**2, lambda shown: pgettext("file size", "%(n)s MB") % {"n": shown}),
        (1024, lambda shown: pgettext("file size", "%(n)s KB") % {"n": shown}),
    )
    for scale, unit in units:
        if n >= scale:
            value = n / scale
            return unit(number(value) if value == int(value) else number(round(value, 1), 1))
    raise AssertionError  # pragma: no cover
