"""CSV and XLSX downloads of a list page's rows, with the columns defined once per model.

A list page's export is the list view itself with ``ExportMixin`` in front: the same
``get_queryset`` (so the same visibility rule), the same FilterSet and the same query string. It
exports *every* row the filters select, in the list's sort order: ``page`` and ``page_size`` are
accepted and ignored. Filters that do not validate send the visitor back to the list page, which
shows the errors beside the fields; more rows than ``settings.EXPORT_MAX_ROWS`` send them back with
a message asking to narrow the filters. No file is made in either case.

- **CSV** is streamed (``StreamingHttpResponse``) in UTF-8 with a byte-order mark, so that Excel
  opens Cyrillic and other non-Latin text correctly. Rows are read with ``QuerySet.iterator()``
  in chunks: memory does not grow with the number of rows.
- **XLSX** is written by XlsxWriter in ``constant_memory`` mode (each row is flushed to disk as it
  is written) to a temporary file, which is then sent with ``FileResponse`` and deleted when the
  response is closed.
- **Formula injection.** In CSV, every text cell is quoted, and a text cell that starts with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with an apostrophe, so that no
  spreadsheet takes it for a formula (OWASP's advice for CSV injection); so is such a character
  after a ``;``, where spreadsheets set for Russian, Kazakh or Uzbek split cells. Numbers are
  written bare. In XLSX, text is written as string cells, which no spreadsheet runs, so it is
  written as it is (a phone number reads ``+7 701 …``, not ``'+7 701 …``); numbers and dates are
  written as numbers and dates.

- **Languages.** CSV's column names are the English ones whatever the page's language (scripts
  read them): the headers are read with translation off. XLSX's column names (and its yes/no)
  follow the page's language. Cell values are read in the page's language in both.

Columns are ``Column(header, value)`` where ``value`` is an attribute path ("donor.name") or a
function of the record; ``<app>/exports.py`` holds one ``Columns`` per model, which says which
related rows to ``select_related``/``prefetch_related`` so that an export runs a fixed number of
queries per chunk.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import xlsxwriter
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext

FORMATS = ("csv", "xlsx")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(text: str) -> str:
    """Text that no spreadsheet will run as a formula: an apostrophe before a formula character
    at the start, and after each ``;`` (spreadsheets set for Russian, Kazakh or Uzbek use ``;``
    between cells, so they may split a cell there and run what follows)."""
    if ";" not in text:
        return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text
    return ";".join(f"'{piece}" if piece.startswith(FORMULA_PREFIXES) else piece
                    for piece in text.split(";"))


def _resolve(record, path: str):
    value = record
    for name in path.split("."):
        if value is None:
            return None
        value = getattr(value, name)
    return value


@dataclass(frozen=True)
class Column:
    """One column: its header and how to read its value from a record (an attribute path, or a
    function). A value may be text, a number, a date, a boolean or None (an empty cell)."""

    header: str  # may be lazy (gettext_lazy): read in the language the file is written in
    value: str | Callable

    def read(self, record):
        return self.value(record) if callable(self.value) else _resolve(record, self.value)


@dataclass(frozen=True)
class Columns:
    """The columns of one model's exports, and the related rows they read."""

    name: str  # the file name's stem: "contributions"
    columns: tuple[Column, ...]
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple = field(default=())

    @property
    def headers(self) -> list[str]:
        """The column names in the active language."""
        return [str(column.header) for column in self.columns]

    @property
    def csv_headers(self) -> list[str]:
        """The column names in English, whatever the language (CSV keeps them stable)."""
        with translation.override(None):
            return [str(column.header) for column in self.columns]

    def prepare(self, queryset):
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset

    def rows(self, queryset) -> Iterator[list]:
        """Each record's cells, read in chunks (prefetches run once per chunk)."""
        for record in self.prepare(queryset).iterator(chunk_size=CHUNK_SIZE):
            yield [column.read(record) for column in self.columns]


# --------------------------------------------------------------------------------------------
# Cell values
# --------------------------------------------------------------------------------------------
class Bare(str):
    """A cell written without quotes: a number or an empty cell. (Under ``QUOTE_NONNUMERIC`` the
    csv module quotes every field that is not a number; defining ``__float__`` makes it one.)"""

    def __float__(self):
        return float(str(self)) if self else 0.0


def csv_cell(value) -> str:
    """A cell's CSV text; text (and dates, and yes/no) is quoted, numbers and empty cells are
    ``Bare``."""
    if value is None:
        return Bare("")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return Bare(f"{value.normalize():f}" if value == value.to_integral_value()
                    else f"{value:f}")
    if isinstance(value, int | float):
        return Bare(value)
    return neutralise(str(value))


class _Echo:
    """A file-like object whose write() returns the line, for streaming csv.writer output."""

    def write(self, value):
        return value


def csv_lines(headers: list[str], rows: Iterable[list]) -> Iterator[str]:
    # Every text cell quoted (numbers and empty cells bare): where a text cell starts and ends
    # is marked, whatever it holds.
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_NONNUMERIC)
    yield "\ufeff" + writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def write_xlsx(target, headers: list[str], rows: Iterable[list], title: str) -> int:
    """Write an XLSX workbook of one sheet to ``target`` (a path or a binary file) in constant
    memory; returns the number of data rows."""
    return write_workbook(target, [(title, headers, rows)])[0]


def write_workbook(target, sheets: Iterable[tuple[str, list[str], Iterable[list]]]) -> list[int]:
    """Write an XLSX workbook of several sheets — each ``(title, headers, rows)``, written one
    after the other in constant memory, its headers bold — to ``target``; returns each sheet's
    number of data rows. Cells as ``write_xlsx`` writes them (text only ever as text)."""
    workbook = xlsxwriter.Workbook(target, {
        "constant_memory": True,
        # Text is only ever text: no formulas, URLs or numbers guessed from strings.
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        "tmpdir": tempfile.gettempdir(),
    })
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    counts = []
    for title, headers, rows in sheets:
        sheet = workbook.add_worksheet(title[:31])
        for col, header in enumerate(headers):
            sheet.write_string(0, col, header, bold)
        sheet.freeze_panes(1, 0)
        count = 0
        for count, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                _xlsx_cell(sheet, count, col, value, day)
        counts.append(count)
    workbook.close()
    return counts


def _xlsx_cell(sheet, row, col, value, day):
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_string(row, col, gettext("yes") if value else gettext("no"))
    elif isinstance(value, datetime.datetime):
        sheet.write_string(row, col, value.isoformat(timespec="seconds"))
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, col, datetime.datetime.combine(value, datetime.time()), day)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, col, float(value))
    else:
        # A string cell is text to every spreadsheet: no apostrophe is needed (nor added).
        sheet.write_string(row, col, str(value))


# --------------------------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------------------------
class ExportMixin:
    """Put in front of a list view (a ``FilterView``) to make its CSV/XLSX export:

        class ProjectExportView(ExportMixin, ProjectListView):
            export_columns = PROJECT_COLUMNS
            list_url_name = "activities:project_list"

    The URL passes ``fmt`` ("csv" or "xlsx"). Access rules are the list view's own (its mixins
    run first through ``dispatch``)."""

    export_columns: Columns
    list_url_name: str

    def get(self, request, *args, fmt="csv", **kwargs):
        if fmt not in FORMATS:
            raise Http404(gettext("Unknown export format."))
        filterset = self.get_filterset(self.get_filterset_class())
        if not filterset.is_valid():
            # The list page with the same parameters shows each error beside its field.
            return redirect(self.list_url())
        queryset = filterset.qs
        limit = settings.EXPORT_MAX_ROWS
        count = queryset.count()
        if count > limit:
            messages.warning(request, gettext(
                "These filters select %(count)s %(nouns)s; a download holds at most %(limit)s "
                "rows. Narrow the filters, then download again."
            ) % {
                "count": number_format(count, use_l10n=True, force_grouping=True),
                "nouns": queryset.model._meta.verbose_name_plural,
                "limit": number_format(limit, use_l10n=True, force_grouping=True),
            })
            return redirect(self.list_url())
        columns = self.export_columns
        filename = f"{columns.name}-{timezone.localdate().isoformat()}.{fmt}"
        if fmt == "csv":
            # The rows are read as the response is sent, after this view has returned: in the
            # language of this request, whatever the thread's by then.
            response = StreamingHttpResponse(
                in_language(translation.get_language(),
                            csv_lines(columns.csv_headers, columns.rows(queryset))),
                content_type="text/csv; charset=utf-8",
            )
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        # Deleted by the operating system when FileResponse closes it after sending.
        target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
        write_xlsx(target, columns.headers, columns.rows(queryset), columns.name.capitalize())
        target.seek(0)
        return FileResponse(
            target, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
        )

    def list_url(self) -> str:
        query = self.request.GET.urlencode()
        return reverse(self.list_url_name) + (f"?{query}" if query else "")


def in_language(language: str | None, lines: Iterator[str]) -> Iterator[str]:
    """``lines``, each read with ``language`` active."""
    iterator = iter(lines)
    while True:
        with translation.override(language):
            try:
                line = next(iterator)
            except StopIteration:
                return
        yield line


class DownloadLinksMixin:
    """For a list view: the URL name of its export, for the page's download links."""

    export_url_name = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["export_url_name"] = self.export_url_name
        return context
