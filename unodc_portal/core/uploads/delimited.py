"""CSV: rows, columns and line length capped while reading."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext

from unodc_portal.core.uploads.limits import Limits, UploadRefused, number

MAX_LINES_PER_ROW = 100  # physical lines of one CSV row (quoted cells may hold line breaks)


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
                raise UploadRefused(gettext(
                    "Row %(row)s of the file has %(columns)s columns; the limit is %(limit)s. "
                    "Keep only the template's columns."
                ) % {"row": len(rows) + 1, "columns": number(width),
                     "limit": limits.max_columns})
            rows.append(row[:limits.max_columns])
            counter["rows"] = len(rows)
            if len(rows) > limits.max_rows + 1:
                raise UploadRefused(
                    gettext("The file has more than %(rows)s rows; split it.")
                    % {"rows": number(limits.max_rows)}
                )
    except csv.Error as exc:
        raise UploadRefused(
            gettext("The CSV file cannot be read near line %(line)s (%(error)s).")
            % {"line": counter["line"], "error": exc}
        ) from exc
    return rows


def _lines(text: str, max_line: int, counter: dict) -> Iterator[str]:
    for line in io.StringIO(text, newline=""):
        counter["line"] += 1
        if len(line) > max_line:
            raise UploadRefused(gettext(
                "The CSV file cannot be read near line %(line)s: the line is %(length)s "
                "characters long; the limit is %(limit)s."
            ) % {"line": counter["line"], "length": number(len(line)),
                 "limit": number(max_line)})
        # Quoted cells may hold line breaks, but a row of thousands of short lines is millions
        # of cells in the making (or a quotation mark left open).
        if counter["line"] - counter["row_start"] > MAX_LINES_PER_ROW:
            raise UploadRefused(gettext(
                "Row %(row)s of the file, from line %(line)s, runs over more than %(limit)s "
                "lines; a quotation mark is probably not closed."
            ) % {"row": counter["rows"] + 1, "line": counter["row_start"] + 1,
                 "limit": MAX_LINES_PER_ROW})
        yield line
