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

from results import pack_data
from results.pack_data import PDF_LIST_LIMIT, Pack, Table

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"


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



def when(*known):
    """A record's date as known: the day, else the wording, else the year — a year is printed
    as written (2011), never as a number with grouping (2,011)."""
    value = next((v for v in known if v), "")
    return str(value) if isinstance(value, int) else value

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
        when(c.date, c.year), c.project.code, c.get_kind_display(),
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
        _table(pdf, indicators, (9, 18, 24, 8, 9, 14, 14, 9, 12, 9))
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
        when(e.start_date, e.date_wording, e.year), e.title, e.get_kind_display(),
        ", ".join(filter(None, [e.city, e.country.name if e.country_id else ""])),
    ], (16, 44, 18, 22))
    _list(pdf, gettext("Seizures"), [
        gettext("Date"), gettext("Substance"), gettext("Kind"), gettext("Kilograms"),
        gettext("Place"),
    ], pack.seizures.select_related("substance", "country"), lambda s: [
        when(s.date, s.period_wording, s.year), s.substance.name, s.get_kind_display(),
        s.quantity_kg,
        ", ".join(filter(None, [s.place, s.country.name if s.country_id else ""])),
    ], (16, 22, 16, 14, 32))
    _list(pdf, gettext("Articles"), [
        gettext("Date"), gettext("Headline"), gettext("Bulletin"),
    ], pack.articles, lambda a: [
        when(a.start_date, a.date_wording, a.year), a.title, a.bulletin.title,
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
    """A table with its title and note; at most ``PDF_LIST_LIMIT`` rows, then "full list in
    the workbook"."""
    if pdf.get_y() > pdf.h - 45:
        pdf.add_page()
    if table.title:
        pdf.set_font(FONT, "B", 10.5)
        _lines(pdf, 5.5, table.title)
    rows = table.rows
    notes = [table.note] if table.note else []
    if len(rows) > PDF_LIST_LIMIT:
        rows = rows[:PDF_LIST_LIMIT]
        notes.append(full_list_note())
    if notes:
        _note(pdf, " ".join(notes))
    if not rows:
        _note(pdf, gettext("None in this pack."))
        pdf.ln(1)
        return
    # Numbers right-aligned, so that their digits line up down a column.
    align = [
        "R" if any(isinstance(row[i], int | Decimal) and not isinstance(row[i], bool)
                   for row in rows) else "L"
        for i in range(len(table.headers))
    ]
    _grid(pdf, table.headers, [[_cell(value) for value in row] for row in rows],
          widths or [1] * len(table.headers), align)
    pdf.ln(3)


def full_list_note() -> str:
    return gettext("The first %(n)s rows; full list in the workbook.") % {"n": PDF_LIST_LIMIT}


LINE = 3.8  # mm per line of 8-point text
PAD = 0.9


def _grid(pdf: PackDocument, headers: list[str], rows: list[list[str]], weights, align):
    """Rows of wrapped cells with borders; the headings again at the top of each page a table
    runs onto, and a row never split across pages. Drawn with ``text()`` and ``rect()``, whose
    cost is a small part of fpdf2's own tables' (which break every cell's lines twice)."""
    total = sum(weights)
    widths = [pdf.epw * weight / total for weight in weights]

    def draw(cells: list[str], heading: bool) -> None:
        pdf.set_font(FONT, "B" if heading else "", 8)
        wrapped = [_wrap(pdf, text, width - 2 * PAD) for text, width in zip(cells, widths,
                                                                               strict=True)]
        height = max(len(lines) for lines in wrapped) * LINE + 2 * PAD
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            if not heading:
                draw(headers, True)
                pdf.set_font(FONT, "", 8)
        x, y = pdf.l_margin, pdf.get_y()
        for lines, width, side in zip(wrapped, widths, align, strict=True):
            pdf.rect(x, y, width, height, style="DF" if heading else "D")
            for n, line in enumerate(lines):
                left = x + PAD if side == "L" or heading else (
                    x + width - PAD - _width(pdf, line))
                pdf.text(left, y + PAD + LINE * n + 2.8, line)
            x += width
        pdf.set_xy(pdf.l_margin, y + height)

    pdf.set_draw_color(150, 150, 150)
    pdf.set_fill_color(225, 230, 238)
    draw(headers, True)
    for cells in rows:
        draw(cells, False)


def _width(pdf: PackDocument, text: str) -> float:
    """``text``'s width in the current font, in mm: ``get_string_width``'s sum of the font's
    character widths, without its per-call preparation (a table measures every word)."""
    widths = pdf.current_font.cw
    return sum(widths[ord(char)] for char in text) * pdf.font_size_pt * 0.001 / pdf.k


def _wrap(pdf: PackDocument, text: str, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (at spaces; a word too long for a
    line is cut)."""
    lines: list[str] = []
    for paragraph in (text or "").split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if _width(pdf, candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = word
            while _width(pdf, line) > width and len(line) > 1:
                cut = len(line) - 1
                while cut > 1 and _width(pdf, line[:cut]) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return lines or [""]


def _list(pdf: PackDocument, title: str, headers: list[str], queryset, row, widths) -> None:
    """The first ``PDF_LIST_LIMIT`` rows of a list, and "full list in the workbook" where
    there are more."""
    rows = list(queryset[:PDF_LIST_LIMIT + 1])
    _table(pdf, Table(title, headers, [row(record) for record in rows]), widths)
