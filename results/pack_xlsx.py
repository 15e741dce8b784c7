"""The report pack as a workbook: every row (``results.pack_data``).

Sheets: a summary (the donor, the period, the date of generation, what the reader's pack holds,
and the contributions' totals), then the contributions, the projects and their activity, the
indicators, the people trained (protected breakdowns only), the events, the seizures and the
articles. The row lists use the portal's download columns (``donors.exports``,
``activities.exports``) and its cell rules (``unodc_portal.core.exports``): text is written as
string cells, which no spreadsheet runs as a formula; numbers and dates as numbers and dates.
Written in constant memory, sheet after sheet.
"""

from __future__ import annotations

import tempfile

import xlsxwriter
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activities.exports import EVENT_COLUMNS, SEIZURE_COLUMNS, choice
from donors.exports import CONTRIBUTION_COLUMNS
from results import pack_data
from results.pack_data import Pack, Table
from unodc_portal.core.exports import Column, Columns, _xlsx_cell

ARTICLE_COLUMNS = Columns(
    name="articles",
    columns=(
        Column(_("Key"), "slug"),
        Column(_("Headline"), "title"),
        Column(_("Section"), choice("section")),
        Column(_("Bulletin"), "bulletin.title"),
        Column(_("Start date"), "start_date"),
        Column(_("Year"), "year"),
        Column(_("Dates as reported"), "date_wording"),
        Column(_("Place"), "place"),
        Column(_("Address"), lambda article: article.get_absolute_url()),
    ),
    select_related=("bulletin",),
)


def write_pack_xlsx(pack: Pack, target) -> None:
    """Write the workbook of ``pack`` to ``target`` (a path or a binary file)."""
    workbook = xlsxwriter.Workbook(target, {
        "constant_memory": True,
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        "tmpdir": tempfile.gettempdir(),
    })
    formats = {
        "bold": workbook.add_format({"bold": True}),
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "day": workbook.add_format({"num_format": "yyyy-mm-dd"}),
    }
    _summary(workbook, formats, pack)
    _rows(workbook, formats, gettext("Contributions"), CONTRIBUTION_COLUMNS,
          pack.contributions.with_related(pack.reader))
    _tables(workbook, formats, gettext("Projects"), pack_data.project_tables(pack))
    _tables(workbook, formats, gettext("Indicators"), [
        pack_data.indicator_table(pack), pack_data.indicator_breakdowns(pack)])
    _rows(workbook, formats, gettext("Events"), EVENT_COLUMNS, pack.events)
    _rows(workbook, formats, gettext("Seizures"), SEIZURE_COLUMNS, pack.seizures)
    _rows(workbook, formats, gettext("Articles"), ARTICLE_COLUMNS, pack.articles)
    workbook.close()


def _summary(workbook, formats, pack: Pack) -> None:
    sheet = workbook.add_worksheet(gettext("Summary")[:31])
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 5, 16)
    sheet.write_string(0, 0, gettext("Report pack"), formats["title"])
    row = 1
    for line in pack_data.heading_lines(pack):
        sheet.write_string(row, 0, line)
        row += 1
    row += 1
    _write_tables(sheet, formats, row, pack_data.summary_tables(pack))


def _tables(workbook, formats, name: str, tables: list[Table]) -> None:
    sheet = workbook.add_worksheet(name[:31])
    sheet.set_column(0, 9, 18)
    _write_tables(sheet, formats, 0, tables)


def _write_tables(sheet, formats, row: int, tables: list[Table]) -> int:
    for table in tables:
        sheet.write_string(row, 0, table.title, formats["bold"])
        row += 1
        if table.note:
            sheet.write_string(row, 0, table.note)
            row += 1
        for col, header in enumerate(table.headers):
            sheet.write_string(row, col, header, formats["bold"])
        row += 1
        for values in table.rows:
            for col, value in enumerate(values):
                _xlsx_cell(sheet, row, col, value, formats["day"])
            row += 1
        row += 1
    return row


def _rows(workbook, formats, name: str, columns: Columns, queryset) -> int:
    """A sheet of every row of ``queryset`` with ``columns``."""
    sheet = workbook.add_worksheet(name[:31])
    for col, header in enumerate(columns.headers):
        sheet.write_string(0, col, header, formats["bold"])
    sheet.freeze_panes(1, 0)
    count = 0
    for count, values in enumerate(columns.rows(queryset), start=1):
        for col, value in enumerate(values):
            _xlsx_cell(sheet, count, col, value, formats["day"])
    return count
