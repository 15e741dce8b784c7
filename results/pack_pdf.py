"""The report pack as a printed summary (PDF, fpdf2: pure Python, nothing to install beyond
the package): the totals, the per-year and per-kind tables, the projects and their activity,
indicator progress, and the first ``PDF_LIST_LIMIT`` rows of each list with "full list in the
workbook" where there are more.

Every page carries the donor, the period and the date of generation in its header, and its
number ("Page 2 of 7") in its footer. Text is set in DejaVu Sans, vendored in
``results/fonts/`` with its licence, which has Cyrillic: the pack reads in the reader's language
(every string goes through the catalogue; numbers and dates are formatted for it). Tables
repeat their headings on each page they run onto and keep a row on one page.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from results import pack_data
from results.pack_data import PDF_LIST_LIMIT, Pack, Table

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
HEADING = FontFace(emphasis="BOLD", fill_color=(225, 230, 238))


class PackDocument(FPDF):
    """A4 portrait; the header and footer of every page."""

    def __init__(self, pack: Pack):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.pack = pack
        self.add_font(FONT, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_margins(15, 22, 15)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(gettext("Report pack: %(donor)s, %(period)s") % {
            "donor": pack.donor.name, "period": pack.period.label})
        self.set_creator(gettext("UNODC Central Asia Programme Portal"))
        self.set_lang(pack_language())

    def header(self):
        self.set_font(FONT, "", 8)
        self.set_text_color(70, 70, 70)
        self.set_y(9)
        self.cell(0, 4, f"{self.pack.donor.name} · {self.pack.period.label}", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, gettext("Generated %(date)s") % {
            "date": date_format(self.pack.generated, "DATETIME_FORMAT")}, align="R")
        self.line(self.l_margin, 14.5, self.w - self.r_margin, 14.5)
        self.set_text_color(0, 0, 0)
        self.set_y(self.t_margin)

    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(70, 70, 70)
        self.cell(0, 5, gettext("Page %(page)s of %(pages)s") % {
            "page": self.page_no(), "pages": "{nb}"}, align="C")
        self.set_text_color(0, 0, 0)


def pack_language() -> str:
    from django.utils import translation

    return translation.get_language() or "en"


def write_pack_pdf(pack: Pack) -> bytes:
    """The PDF of ``pack``, in the active language."""
    pdf = PackDocument(pack)
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    _lines(pdf, 8, gettext("Report pack: %(donor)s") % {"donor": pack.donor.name})
    pdf.ln(1)
    pdf.set_font(FONT, "", 10)
    for line in pack_data.heading_lines(pack):
        _lines(pdf, 5, line)
    pdf.ln(2)

    _section(pdf, gettext("Contributions"))
    for table in pack_data.summary_tables(pack):
        _table(pdf, table)
    _list(pdf, gettext("Contributions in the period"), [
        gettext("Date"), gettext("Project"), gettext("Kind"), gettext("Amount"),
        gettext("Status"), gettext("Published"),
    ], pack.contributions.select_related("project"), lambda c: [
        c.date or c.year, c.project.code, c.get_kind_display(),
        f"{_cell(c.amount)} {c.currency}" if c.amount is not None else (
            c.in_kind_description or gettext("not stated")),
        c.get_status_display(), gettext("yes") if c.is_published else gettext("no"),
    ], (16, 14, 12, 26, 14, 10))

    _section(pdf, gettext("Projects and their activity"))
    for table in pack_data.project_tables(pack):
        _table(pdf, table)

    _section(pdf, gettext("Indicator progress"))
    indicators = pack_data.indicator_table(pack)
    if indicators.rows:
        indicators.title = ""
        _table(pdf, indicators, (10, 20, 22, 9, 9, 12, 12, 9, 12, 9))
    else:
        _note(pdf, gettext("These projects have no results framework yet."))
    breakdowns = pack_data.indicator_breakdowns(pack)
    if breakdowns.rows:
        _table(pdf, breakdowns)

    _section(pdf, gettext("Events, seizures and articles in the period"))
    if pack.unplaced_events:
        _note(pdf, gettext(
            "%(n)s events known only by a year this period covers in part are not listed "
            "(year only, not placed).") % {"n": pack.unplaced_events})
    _list(pdf, gettext("Events"), [
        gettext("Date"), gettext("Title"), gettext("Kind"), gettext("Place"),
    ], pack.events.select_related("country"), lambda e: [
        e.start_date or e.date_wording or e.year, e.title, e.get_kind_display(),
        ", ".join(filter(None, [e.city, e.country.name if e.country_id else ""])),
    ], (16, 44, 18, 22))
    _list(pdf, gettext("Seizures"), [
        gettext("Date"), gettext("Substance"), gettext("Kind"), gettext("Kilograms"),
        gettext("Place"),
    ], pack.seizures.select_related("substance", "country"), lambda s: [
        s.date or s.period_wording or s.year, s.substance.name, s.get_kind_display(),
        s.quantity_kg,
        ", ".join(filter(None, [s.place, s.country.name if s.country_id else ""])),
    ], (16, 22, 16, 14, 32))
    _list(pdf, gettext("Articles"), [
        gettext("Date"), gettext("Headline"), gettext("Bulletin"),
    ], pack.articles, lambda a: [
        a.start_date or a.date_wording or a.year, a.title, a.bulletin.title,
    ], (16, 54, 30))
    return bytes(pdf.output())


def _lines(pdf: PackDocument, height: float, text: str) -> None:
    """A paragraph across the page, wrapped; the next starts below it at the margin."""
    pdf.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _section(pdf: PackDocument, title: str) -> None:
    if pdf.get_y() > pdf.h - 60:
        pdf.add_page()
    pdf.ln(3)
    pdf.start_section(title)
    pdf.set_font(FONT, "B", 13)
    _lines(pdf, 7, title)
    pdf.ln(1)


def _note(pdf: PackDocument, text: str) -> None:
    pdf.set_font(FONT, "", 8.5)
    _lines(pdf, 4.5, text)
    pdf.ln(1)


def _cell(value) -> str:
    """A value as the reader's language writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime.datetime):
        return date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        places = 0 if value == value.to_integral_value() else 2
        return number_format(value, places, use_l10n=True, force_grouping=True)
    if isinstance(value, int):
        return number_format(value, 0, use_l10n=True, force_grouping=True)
    return str(value)


def _table(pdf: PackDocument, table: Table, widths=None) -> None:
    if pdf.get_y() > pdf.h - 45:
        pdf.add_page()
    if table.title:
        pdf.set_font(FONT, "B", 10.5)
        _lines(pdf, 5.5, table.title)
    if table.note:
        _note(pdf, table.note)
    if not table.rows:
        _note(pdf, gettext("None in this pack."))
        pdf.ln(1)
        return
    pdf.set_font(FONT, "", 8)
    # Numbers right-aligned, so that their digits line up down a column.
    align = tuple(
        "RIGHT" if any(isinstance(row[i], int | Decimal) and not isinstance(row[i], bool)
                       for row in table.rows) else "LEFT"
        for i in range(len(table.headers))
    )
    with pdf.table(col_widths=widths, headings_style=HEADING, line_height=4.2,
                   text_align=align, repeat_headings=1, first_row_as_headings=True) as grid:
        grid.row(table.headers)
        for values in table.rows:
            grid.row([_cell(value) for value in values])
    pdf.ln(3)


def _list(pdf: PackDocument, title: str, headers: list[str], queryset, row, widths) -> None:
    """The first ``PDF_LIST_LIMIT`` rows of a list, and "full list in the workbook" where
    there are more."""
    rows = list(queryset[:PDF_LIST_LIMIT + 1])
    note = ""
    if len(rows) > PDF_LIST_LIMIT:
        rows = rows[:PDF_LIST_LIMIT]
        note = gettext("The first %(n)s rows; full list in the workbook.") % {
            "n": PDF_LIST_LIMIT}
    _table(pdf, Table(title, headers, [row(record) for record in rows], note), widths)
