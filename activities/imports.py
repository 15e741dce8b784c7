"""Participant lists from spreadsheets: the template's columns (defined once, here), reading XLSX
and CSV files, and classifying each row against the register in a few bulk queries.

The template download, the parser and the error messages all use ``COLUMNS``.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django_countries import countries

from activities.matching import duplicate_key, name_key
from activities.models import Country, Organisation, Participant, Participation
from unodc_portal.core import uploads
from unodc_portal.core.exports import FORMULA_PREFIXES


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
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
HEADER_ALIASES = {
    **{column.key: column.key for column in COLUMNS},
    **{column.label.casefold(): column.key for column in COLUMNS},
    "e-mail": "email", "email address": "email", "organization": "organisation",
    "gender": "sex", "full name": "name", "telephone": "phone",
}
PHONE_NUMBER = re.compile(r"^\+[\d\s().-]+$")
SEX_WORDS = {
    Participant.Sex.FEMALE: {"female", "f", "woman", "w", "ж", "жен", "женский", "ayol"},
    Participant.Sex.MALE: {"male", "m", "man", "м", "муж", "мужской", "erkak"},
    Participant.Sex.NOT_RECORDED: {"", "not recorded", "-", "n/a"},
}
SEX_BY_WORD = {word: sex for sex, words in SEX_WORDS.items() for word in words}


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


# --------------------------------------------------------------------------------------------
# Validating and classifying rows
# --------------------------------------------------------------------------------------------
class Lookup:
    """Reference data for a whole file, read in a few queries."""

    def __init__(self):
        self.organisations: dict[str, list[tuple[int, str]]] = {}
        # Real organisations only: demo ones (seed_demo) never enter the real record.
        for pk, name, acronym in Organisation.objects.real().values_list(
                "pk", "name", "acronym"):
            label = f"{name} ({acronym})" if acronym else name
            for word in {name.casefold().strip(), acronym.casefold().strip()} - {""}:
                self.organisations.setdefault(word, []).append((pk, label))
        self.countries = dict(Country.objects.values_list("code", "pk"))

    def organisation(self, text: str) -> tuple[int | None, str]:
        found = self.organisations.get(text.casefold().strip(), [])
        unique = dict(found)
        if len(unique) == 1:
            return next(iter(unique)), ""
        if len(unique) > 1:
            return None, (
                f"“{text}” names more than one organisation ("
                + "; ".join(sorted(unique.values())) + "); write its full name."
            )
        return None, (
            f"No organisation “{text}” in the portal. Check the spelling or the acronym, or add "
            "the organisation first (Workspace → add an organisation)."
        )

    def country(self, text: str) -> tuple[int | None, str]:
        text = text.strip()
        # alpha2() reads digits as a numeric code through int(), which takes any Unicode digit
        # ("²") and then fails: only ASCII text can be a code.
        code = (countries.alpha2(text) if text.isascii() else "") or countries.by_name(text)
        if not code:
            return None, f"“{text}” is not a country code or name (e.g. KG or Kyrgyzstan)."
        pk = self.countries.get(code)
        if pk is None:
            return None, (
                f"{countries.name(code)} ({code}) is not among the portal's countries; ask an "
                "administrator to add it."
            )
        return pk, ""


def _text(column: Column, value, errors: list) -> str:
    if isinstance(value, dict):
        kind, shown = next(iter(value.items()))
        if column.key == "phone" and kind == "number":
            return shown
        what = "a date" if kind == "date" else "a number"
        errors.append((column.label, f"{what} ({shown}) where text is expected."))
        return ""
    text = str(value).strip()
    message = _formula_error(column, text)
    if message:
        errors.append((column.label, message))
        return ""
    if len(text) > column.max_length:
        errors.append((column.label, f"longer than {column.max_length} characters."))
        return ""
    return text


def _formula_error(column: Column, text: str) -> str:
    """Why a spreadsheet could run the cell as a formula: a formula sign at the start, or right
    after a ";" (where spreadsheets set for Russian, Kazakh or Uzbek split cells); "" if not.
    Phone numbers (+996 555 123456, and several separated by ";") are not formulas."""
    for index, piece in enumerate(text.split(";")):
        if not piece.startswith(FORMULA_PREFIXES):
            continue
        if column.key == "phone" and PHONE_NUMBER.match(piece.strip()):
            continue
        if index == 0:
            return (f"starts with “{piece[0]}”, which spreadsheets run as a formula; remove "
                    "the sign.")
        return (f"has “{piece[0]}” right after “;”, which spreadsheets set to separate cells "
                "with “;” run as a formula; remove the sign or the “;”.")
    return ""


def validate_row(raw: dict, lookup: Lookup) -> dict:
    """One row's cleaned values and errors, without touching the database."""
    errors: list[tuple[str, str]] = []
    values = {column.key: _text(column, raw["values"].get(column.key, ""), errors)
              for column in COLUMNS}
    if not values["name"] and not any(c == "Name" for c, _ in errors):
        errors.append(("Name", "the name is missing."))
    sex = SEX_BY_WORD.get(values["sex"].casefold())
    if sex is None:
        errors.append(("Sex", f"“{values['sex']}” is not female, male or empty."))
    organisation_id = country_id = None
    if values["organisation"]:
        organisation_id, message = lookup.organisation(values["organisation"])
        if message:
            errors.append(("Organisation", message))
    if values["country"]:
        country_id, message = lookup.country(values["country"])
        if message:
            errors.append(("Country", message))
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            errors.append(("E-mail", f"“{values['email']}” is not an e-mail address."))
    return {
        "n": raw["n"], "values": raw["values"], "clean": values, "sex": sex,
        "organisation_id": organisation_id, "country_id": country_id,
        "errors": [list(e) for e in errors],
    }


def classify(raw: list[dict], event) -> tuple[list[dict], dict]:
    """Each row as new / match / duplicate / already / error, in a few queries whatever the
    number of rows. Returns the rows and the count of each status."""
    lookup = Lookup()
    rows = [validate_row(r, lookup) for r in raw]
    for row in rows:
        row["name_key"] = name_key(row["clean"]["name"])
        row["duplicate_key"] = duplicate_key(row["organisation_id"], row["clean"]["name"])
        row["match_key"] = row["duplicate_key"][1]

    # Rows that name the same person twice in one file.
    seen_exact: dict[tuple, int] = {}
    seen_like: dict[tuple, int] = {}
    for row in rows:
        if row["errors"]:
            continue
        exact = (row["organisation_id"], row["name_key"])
        like = row["duplicate_key"]
        if exact in seen_exact:
            row["errors"].append(
                ["Name", f"the same person as row {seen_exact[exact]} (listed twice)."]
            )
            continue
        seen_exact[exact] = row["n"]
        if like in seen_like:
            row["file_duplicate_of"] = seen_like[like]
        else:
            seen_like[like] = row["n"]

    # The register's likely duplicates of the rows (activities.matching.duplicate_key).
    existing = {
        key: [{"id": p.pk, "name": p.name, "name_key": p.name_key} for p in records]
        for key, records in Participant.objects.real().only(
            "pk", "name", "organisation_id", "name_key", "match_key",
        ).likely_duplicates(r["duplicate_key"] for r in rows if not r["errors"]).items()
    }
    in_event = set(Participation.objects.filter(event=event).values_list("participant_id",
                                                                         flat=True))
    for row in rows:
        row.setdefault("match", None)
        row.setdefault("duplicates", [])
        if row["errors"]:
            row["status"] = "error"
            continue
        candidates = existing.get(row["duplicate_key"], [])
        same = [c for c in candidates if c["name_key"] == row["name_key"]]
        if same:
            row["match"] = same[0]
            row["status"] = "already" if same[0]["id"] in in_event else "match"
        elif candidates or row.get("file_duplicate_of"):
            row["duplicates"] = candidates[:5]
            row["status"] = "duplicate"
        else:
            row["status"] = "new"
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for row in rows:
        del row["duplicate_key"]  # match_key and organisation_id are kept with the row
        counts[row["status"]] += 1
    return rows, counts


STATUS_LABELS = {
    "new": "New",
    "match": "Matches existing",
    "already": "Already at this event",
    "duplicate": "Likely duplicate",
    "error": "Error",
}
