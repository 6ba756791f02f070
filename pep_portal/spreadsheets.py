"""Every CSV and Excel download, written the same way, as finance opens them.

CSV: UTF-8 with a byte order mark (Excel on Windows otherwise reads "£" as "Â£"), sent as
`text/csv; charset=utf-8`; dates as ISO text, which Excel reads as dates in any locale.
Excel: a bold, frozen heading row with a filter over the data, columns wide enough to read,
money as numbers in `£#,##0.00`, dates as date cells shown day/month/year, totals as values
(a formula has no result until Excel recalculates, and some viewers never do), and an empty
value as no cell at all rather than an empty string. In both, text that a spreadsheet would run
as a formula is written as text (a school named "=HYPERLINK(...)" stays a name).
"""

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO, StringIO

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
MONEY_FORMAT = '"£"#,##0.00'
DATE_FORMAT = "DD/MM/YYYY"
DATE_TIME_FORMAT = "DD/MM/YYYY HH:MM"
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Sheet:
    """One table: a heading row, the data rows (under the filter), then totals and notes."""

    title: str
    headings: Sequence[str]
    rows: Sequence[Sequence]
    totals: Sequence[Sequence] = field(default_factory=list)
    notes: Sequence[str] = field(default_factory=list)


def safe_text(value):
    """Text a spreadsheet would run as a formula, written as text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _plain(value):
    """The value a cell holds: None for nothing, dates without a time zone, text made safe."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        return safe_text(value)
    return value


def _number_format(value) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return MONEY_FORMAT
    if isinstance(value, datetime):
        return DATE_TIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    return None


def _shown_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, Decimal):
        return len(f"£{value:,.2f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


def _csv_text(value) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_bytes(sheet: Sheet) -> bytes:
    buffer = StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow([_csv_text(h) for h in sheet.headings])
    for row in [*sheet.rows, *sheet.totals]:
        writer.writerow([_csv_text(value) for value in row])
    for note in sheet.notes:
        writer.writerow([])
        writer.writerow([_csv_text(note)])
    return buffer.getvalue().encode("utf-8")


def _append(sheet, values: Iterable, *, bold: bool = False) -> None:
    cells = []
    for value in values:
        plain = _plain(value)
        cell = WriteOnlyCell(sheet, value=plain)
        number_format = _number_format(plain)
        if number_format:
            cell.number_format = number_format
        if bold:
            cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of the sheets, written row by row (openpyxl's write-only mode)."""
    workbook = Workbook(write_only=True)
    for table in sheets:
        sheet = workbook.create_sheet(title=table.title[:31])
        columns = max([len(table.headings), *(len(r) for r in [*table.rows, *table.totals])])
        widths = [max(10, len(str(h or ""))) for h in table.headings] + [10] * (
            columns - len(table.headings)
        )
        for row in [*table.rows, *table.totals]:
            for i, value in enumerate(row):
                widths[i] = max(widths[i], _shown_width(_plain(value)))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = min(60, width + 2)
        sheet.freeze_panes = "A2"
        last = get_column_letter(max(1, len(table.headings)))
        sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
        _append(sheet, table.headings, bold=True)
        for row in table.rows:
            _append(sheet, row)
        for row in table.totals:
            _append(sheet, row, bold=True)
        for note in table.notes:
            sheet.append([])
            _append(sheet, [note])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _download(content: bytes, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def csv_response(sheet: Sheet, *, file_name: str) -> HttpResponse:
    return _download(csv_bytes(sheet), CSV, file_name)


def xlsx_response(sheets: Sequence[Sheet], *, file_name: str) -> HttpResponse:
    return _download(xlsx_bytes(sheets), XLSX, file_name)
