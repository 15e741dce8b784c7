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
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from activities.imports import COLUMNS
from activities.models import Participant

# The rows of the template's sheet offered the list of sex labels.
MAX_TEMPLATE_ROWS = 1000

NOTE = _("Only the first sheet is read. Cells starting with =, +, - or @, or with one of them "
         "after a semicolon, are refused as formulas (except a phone number starting with +). "
         "Headers and values may be written in English or in Russian.")


def template_csv() -> str:
    """The header row in English (the stable column names scripts read, whatever the page's
    language), with a byte-order mark so that Excel reads it as UTF-8."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([column.label for column in COLUMNS])
    return "\ufeff" + buffer.getvalue()


def template_xlsx(organisations: list[tuple[str, str]]) -> bytes:
    """The workbook in the active language: "Participants" (the header row, bold, and a list
    of the sex choices' labels to pick from), "How to fill it in" (each column's help) and
    "Organisations" (``organisations`` as (acronym, name)). The import reads its headers and
    labels back in either language."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {
        "in_memory": True,
        # Text is only ever text: no formulas, URLs or numbers guessed from strings.
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
    })
    bold = workbook.add_format({"bold": True})

    participants = workbook.add_worksheet(gettext("Participants")[:31])
    for col, column in enumerate(COLUMNS):
        participants.write_string(0, col, str(column.title), bold)
    participants.set_column(0, len(COLUMNS) - 1, 28)
    sex = next(index for index, column in enumerate(COLUMNS) if column.key == "sex")
    participants.data_validation(1, sex, MAX_TEMPLATE_ROWS, sex, {
        "validate": "list",
        "source": [str(label).lower() for value, label in Participant.Sex.choices
                   if value != Participant.Sex.NOT_RECORDED],
        # Other spellings (F, M, ж, м, the other language's words) are accepted on import.
        "error_type": "information", "ignore_blank": True,
    })

    notes = workbook.add_worksheet(gettext("How to fill it in")[:31])
    _rows(notes, [(gettext("Column"), gettext("What to write"))] + [
        (str(column.title),
         str(column.help) + (" " + gettext("Required.") if column.required else ""))
        for column in COLUMNS
    ])
    notes.write_string(len(COLUMNS) + 2, 0, str(NOTE))

    sheet = workbook.add_worksheet(gettext("Organisations")[:31])
    _rows(sheet, [(gettext("Acronym"), pgettext("organisation", "Name")), *organisations])
    workbook.close()
    return output.getvalue()


def _rows(sheet, rows) -> None:
    for row, values in enumerate(rows):
        for col, value in enumerate(values):
            if value:
                sheet.write_string(row, col, value)
