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
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from unodc_portal.core import uploads


@dataclass(frozen=True)
class Column:
    """One column of the template. ``title`` and ``help`` are translated when shown (the XLSX
    template, the import page, the preview); ``label`` is the stable English name, which the CSV
    template writes and the stored row errors name."""

    key: str
    title: Promise
    help: Promise
    max_length: int
    required: bool = False

    @property
    def label(self) -> str:
        with translation.override("en"):
            return str(self.title)


COLUMNS = (
    Column("name", pgettext_lazy("participant", "Name"),
           _("Full name as the person writes it (Latin or Cyrillic)."), 200, True),
    Column("sex", _("Sex"), _("female, male or empty (F, M, ж, м also work)."), 20),
    Column(
        "organisation", _("Organisation"),
        _("Acronym or full name of an organisation already in the portal."), 200,
    ),
    Column("country", _("Country"),
           _("ISO code (KG) or name in English or Russian (Kyrgyzstan, Киргизия)."), 100),
    Column("position", _("Position"), _("Job title or rank."), 200),
    Column("email", _("E-mail"), _("Optional."), 254),
    Column("phone", _("Phone"), _("Optional; may start with + (+996 555 123456)."), 40),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}

# Headers a file may use, in English or in Russian whatever the page's language (compared
# case-insensitively, with runs of spaces as one, a trailing ":" or "*" ignored). The template's
# own headers in every language of the portal are added by ``header_aliases()``.
HEADER_WORDS = {
    "name": ["name", "full name", "participant", "фио", "ф.и.о.", "ф. и. о.", "ф.и.о",
             "фамилия и имя", "фамилия, имя", "фамилия имя", "имя и фамилия",
             "фамилия, имя, отчество", "фамилия имя отчество", "полное имя", "участник"],
    "sex": ["sex", "gender", "пол"],
    "organisation": ["organisation", "organization", "agency", "организация", "ведомство",
                     "учреждение"],
    "country": ["country", "страна"],
    "position": ["position", "job title", "rank", "должность", "звание",
                 "должность, звание", "должность/звание"],
    "email": ["email", "e-mail", "email address", "e-mail address", "эл. почта",
              "электронная почта", "эл.почта", "e-mail (эл. почта)", "адрес эл. почты"],
    "phone": ["phone", "telephone", "phone number", "mobile", "телефон", "тел.", "тел",
              "номер телефона", "мобильный телефон"],
    # A name split over two or three columns is joined (surname, given name, patronymic).
    "surname": ["surname", "last name", "family name", "фамилия"],
    "given_name": ["first name", "given name", "forename", "имя"],
    "patronymic": ["patronymic", "middle name", "отчество"],
}
NAME_PARTS = ("surname", "given_name", "patronymic")


def header_key(text) -> str:
    """A header cell as compared: case folded, spaces single, a trailing ":" or "*" dropped."""
    return " ".join(str(text or "").replace("\u00a0", " ").split()).casefold().rstrip(":*").strip()


def header_aliases() -> dict[str, str]:
    """Header text → column key: the words above and each column's title in every language."""
    aliases = {header_key(word): key for key, words in HEADER_WORDS.items() for word in words}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for column in COLUMNS:
                aliases.setdefault(header_key(column.title), column.key)
    for column in COLUMNS:
        aliases.setdefault(column.key, column.key)
    return aliases


# What an import row can be, in the preview's order (codes stored with each row; the labels are
# translated when shown).
STATUS_LABELS = {
    "new": _("New"),
    "match": _("Matches existing"),
    "already": _("Already at this event"),
    "duplicate": _("Likely duplicate"),
    "error": pgettext_lazy("import row", "Error"),
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
            raise ImportFileError(gettext(
                "Only .xlsx (Excel) and .csv files can be imported. Save the list in one of "
                "these formats, or download the template."
            ))
    except uploads.UploadRefused as exc:
        raise ImportFileError(str(exc)) from exc
    return data, rows


def _read_xlsx(data: bytes, limits: uploads.Limits) -> list[list]:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError(
            gettext("The file is not an Excel .xlsx workbook (it may be .xls or CSV).")
        )
    uploads.inspect_zip(data, limits)  # before openpyxl inflates anything
    try:
        # Formulas are read as their text ("=1+1"), never computed: they are refused below.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise ImportFileError(gettext("The workbook cannot be read (%(error)s).") % {
            "error": exc.__class__.__name__}) from exc
    rows = []
    try:
        # Cells right of the first max_columns are not read (sheets often carry formatting
        # far to the right).
        for row in workbook.worksheets[0].iter_rows(values_only=True,
                                                    max_col=limits.max_columns):
            rows.append(list(row))
            if len(rows) > limits.max_rows + 1:
                raise ImportFileError(
                    gettext("The file has more than %(rows)s rows; split it.")
                    % {"rows": uploads.number(limits.max_rows)}
                )
    except ImportFileError:
        raise
    except Exception as exc:  # damaged sheet XML surfaces only while reading rows
        raise ImportFileError(
            gettext("The workbook cannot be read near row %(row)s (%(error)s).")
            % {"row": len(rows) + 1, "error": exc.__class__.__name__}
        ) from exc
    finally:
        workbook.close()
    return rows


def _read_csv(data: bytes, limits: uploads.Limits) -> list[list]:
    # A NUL byte anywhere: not text (and PostgreSQL cannot store it in the preview's rows).
    if b"\x00" in data:
        raise ImportFileError(gettext("The file is not a text CSV file."))
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(gettext(
            "The CSV file is neither UTF-8 nor Windows-1251 text; save it as CSV UTF-8."
        ))
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample.splitlines()[0] if sample else "", ",;\t")
    except csv.Error:
        dialect = csv.excel
    return uploads.csv_rows(text, dialect, limits)


def header_positions(header: list) -> dict[str, int]:
    """Column key → position in the file, headers read in English or Russian whatever the
    page's language. A name may be split into surname, given name and patronymic columns.
    Raises ImportFileError naming the missing columns and the headers not recognised."""
    aliases = header_aliases()
    positions: dict[str, int] = {}
    unknown = []
    for index, cell in enumerate(header):
        text = header_key(cell)
        key = aliases.get(text)
        if key and key not in positions:
            positions[key] = index
        elif text and not key:
            unknown.append(" ".join(str(cell).split())[:60])
    if "name" in positions:
        for part in NAME_PARTS:
            positions.pop(part, None)
    elif any(part in positions for part in NAME_PARTS):
        positions["name"] = -1  # joined from the parts (raw_rows)
    missing = [str(column.title) for column in COLUMNS if column.key not in positions]
    if missing:
        message = gettext("The first row must name the columns; missing: %(missing)s.") % {
            "missing": ", ".join(missing)}
        if unknown:
            message += " " + ngettext(
                "This header is not recognised: %(headers)s.",
                "These headers are not recognised: %(headers)s.",
                len(unknown),
            ) % {"headers": ", ".join(quoted(text) for text in unknown[:10])}
        raise ImportFileError(message + " " + gettext("Download the template to see them."))
    return positions


def quoted(text: str) -> str:
    """Text quoted as the reader's language quotes: “…” in English, «…» in Russian."""
    return gettext("“%(text)s”") % {"text": text}


def raw_rows(rows: list[list]) -> list[dict]:
    """Rows as {"n": row number in the file, "values": {column key: cell}}, blank rows skipped.
    A name split into surname, given name and patronymic columns is joined, in that order."""
    if not rows:
        raise ImportFileError(gettext("The file is empty."))
    positions = header_positions(rows[0])
    parts = [(part, positions.pop(part)) for part in NAME_PARTS if part in positions]
    result = []
    for number, row in enumerate(rows[1:], start=2):
        values = {
            key: (row[index] if 0 <= index < len(row) else None)
            for key, index in positions.items()
        }
        if parts:
            values["name"] = " ".join(
                " ".join(str(row[index]).split()) for _part, index in parts
                if index < len(row) and row[index] is not None and str(row[index]).strip()
            ) or None
        if all(v is None or str(v).strip() == "" for v in values.values()):
            continue
        result.append({"n": number, "values": {k: _jsonable(v) for k, v in values.items()}})
    if not result:
        raise ImportFileError(gettext("The file has column names but no participant rows."))
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
