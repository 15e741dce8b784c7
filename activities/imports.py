"""Participant lists from spreadsheets: the template's columns (defined once, here) and reading
XLSX and CSV files into rows. Checking and classifying the rows against the register is
``activities.import_rows``; the template download is ``activities.import_template``.

The template download, the parser and the error messages all use ``COLUMNS``.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings

from unodc_portal.core import uploads


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    help: str
    max_length: int
    required: bool = False


COLUMNS = (
    Column("name", "Name", "Full name as the person writes it (Latin or Cyrillic).", 200, True),
    Column("sex", "Sex", "female, male or empty (F, M, ж, м also work).", 20),
    Column(
        "organisation", "Organisation",
        "Acronym or full name of an organisation already in the portal.", 200,
    ),
    Column("country", "Country", "ISO code (KG) or English name (Kyrgyzstan).", 100),
    Column("position", "Position", "Job title or rank.", 200),
    Column("email", "E-mail", "Optional.", 254),
    Column("phone", "Phone", "Optional; may start with + (+996 555 123456).", 40),
)
HEADER_ALIASES = {
    **{column.key: column.key for column in COLUMNS},
    **{column.label.casefold(): column.key for column in COLUMNS},
    "e-mail": "email", "email address": "email", "organization": "organisation",
    "gender": "sex", "full name": "name", "telephone": "phone",
}

# What an import row can be, in the preview's order.
STATUS_LABELS = {
    "new": "New",
    "match": "Matches existing",
    "already": "Already at this event",
    "duplicate": "Likely duplicate",
    "error": "Error",
}


class ImportFileError(Exception):
    """The whole file is refused (size, type, columns, empty); the message says why."""


# --------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------
def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_upload(upload) -> tuple[bytes, list[list]]:
    """The file's bytes and its rows (the first is the header). Raises ImportFileError.

    ``unodc_portal.core.uploads`` inspects the file before any parser sees it (size; for a workbook
    its zip directory and every part against it; for CSV rows, columns and line length)."""
    limits = uploads.Limits.from_settings(max_bytes=settings.IMPORT_MAX_BYTES)
    try:
        data = uploads.read_bytes(upload, limits)
        name = (upload.name or "").lower()
        if name.endswith(".xlsx"):
            rows = _read_xlsx(data, limits)
        elif name.endswith(".csv"):
            rows = _read_csv(data, limits)
        else:
            raise ImportFileError(
                "Only .xlsx (Excel) and .csv files can be imported. Save the list in one of "
                "these formats, or download the template."
            )
    except uploads.UploadRefused as exc:
        raise ImportFileError(str(exc)) from exc
    return data, rows


def _read_xlsx(data: bytes, limits: uploads.Limits) -> list[list]:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError("The file is not an Excel .xlsx workbook (it may be .xls or CSV).")
    uploads.inspect_zip(data, limits)  # before openpyxl inflates anything
    try:
        # Formulas are read as their text ("=1+1"), never computed: they are refused below.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise ImportFileError(f"The workbook cannot be read ({exc.__class__.__name__}).") from exc
    rows = []
    try:
        # Cells right of the first max_columns are not read (sheets often carry formatting
        # far to the right).
        for row in workbook.worksheets[0].iter_rows(values_only=True,
                                                    max_col=limits.max_columns):
            rows.append(list(row))
            if len(rows) > limits.max_rows + 1:
                raise ImportFileError(
                    f"The file has more than {limits.max_rows:,} rows; split it."
                )
    except ImportFileError:
        raise
    except Exception as exc:  # damaged sheet XML surfaces only while reading rows
        raise ImportFileError(
            f"The workbook cannot be read near row {len(rows) + 1} ({exc.__class__.__name__})."
        ) from exc
    finally:
        workbook.close()
    return rows


def _read_csv(data: bytes, limits: uploads.Limits) -> list[list]:
    # A NUL byte anywhere: not text (and PostgreSQL cannot store it in the preview's rows).
    if b"\x00" in data:
        raise ImportFileError("The file is not a text CSV file.")
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(
            "The CSV file is neither UTF-8 nor Windows-1251 text; save it as CSV UTF-8."
        )
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample.splitlines()[0] if sample else "", ",;\t")
    except csv.Error:
        dialect = csv.excel
    return uploads.csv_rows(text, dialect, limits)


def header_positions(header: list) -> dict[str, int]:
    """Column key → position in the file. Raises ImportFileError naming missing columns."""
    positions = {}
    for index, cell in enumerate(header):
        key = HEADER_ALIASES.get(str(cell or "").strip().casefold())
        if key and key not in positions:
            positions[key] = index
    missing = [column.label for column in COLUMNS if column.key not in positions]
    if missing:
        raise ImportFileError(
            "The first row must name the columns; missing: " + ", ".join(missing)
            + ". Download the template to see them."
        )
    return positions


def raw_rows(rows: list[list]) -> list[dict]:
    """Rows as {"n": row number in the file, "values": {column key: cell}}, blank rows skipped."""
    if not rows:
        raise ImportFileError("The file is empty.")
    positions = header_positions(rows[0])
    result = []
    for number, row in enumerate(rows[1:], start=2):
        values = {
            key: (row[index] if index < len(row) else None) for key, index in positions.items()
        }
        if all(v is None or str(v).strip() == "" for v in values.values()):
            continue
        result.append({"n": number, "values": {k: _jsonable(v) for k, v in values.items()}})
    if not result:
        raise ImportFileError("The file has column names but no participant rows.")
    return result


def _jsonable(value):
    """Cells as JSON can store them; dates and numbers are kept recognisable for messages."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return {"date": value.date().isoformat()}
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return {"date": value.isoformat()}
    if isinstance(value, bool):
        return {"number": str(value)}
    if isinstance(value, int | float):
        return {"number": str(int(value) if float(value).is_integer() else value)}
    return str(value)
