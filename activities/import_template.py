"""The participant-list template officers download: the columns of ``imports.COLUMNS`` (the ones
the parser reads), as CSV or as an XLSX workbook with a sheet of instructions and a sheet of the
organisations an import can name.

The workbook is written by XlsxWriter, like every other spreadsheet the portal writes
(``unodc_portal.core.exports``); openpyxl only reads uploads. Every cell is written as a string,
so an organisation named "=HYPERLINK(…)" is text in the officers' file, never a formula.
"""

from __future__ import annotations

import csv
import io

import xlsxwriter

from activities.imports import COLUMNS

NOTE = ("Only the first sheet is read. Cells starting with =, +, - or @, or with one of them after "
        "a semicolon, are refused as formulas (except a phone number starting with +).")


def template_csv() -> str:
    """The header row, with a byte-order mark so that Excel reads it as UTF-8."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([column.label for column in COLUMNS])
    return "\ufeff" + buffer.getvalue()


def template_xlsx(organisations: list[tuple[str, str]]) -> bytes:
    """The workbook: "Participants" (the header row, bold), "How to fill it in" (each column's
    help) and "Organisations" (``organisations`` as (acronym, name))."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {
        "in_memory": True,
        # Text is only ever text: no formulas, URLs or numbers guessed from strings.
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
    })
    bold = workbook.add_format({"bold": True})

    participants = workbook.add_worksheet("Participants")
    for col, column in enumerate(COLUMNS):
        participants.write_string(0, col, column.label, bold)
    participants.set_column(0, len(COLUMNS) - 1, 28)

    notes = workbook.add_worksheet("How to fill it in")
    _rows(notes, [("Column", "What to write")] + [
        (column.label, column.help + (" Required." if column.required else ""))
        for column in COLUMNS
    ])
    notes.write_string(len(COLUMNS) + 2, 0, NOTE)

    sheet = workbook.add_worksheet("Organisations")
    _rows(sheet, [("Acronym", "Name"), *organisations])
    workbook.close()
    return output.getvalue()


def _rows(sheet, rows) -> None:
    for row, values in enumerate(rows):
        for col, value in enumerate(values):
            if value:
                sheet.write_string(row, col, value)
