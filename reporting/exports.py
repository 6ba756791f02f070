"""The annual report as a workbook (a sheet a table) and as a tagged PDF."""

from decimal import Decimal
from io import BytesIO

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from peps.documents.printing import html_to_pdf

from .annual import AnnualReport, Cell

MONEY_FORMAT = '"£"#,##0.00'


def _value(value):
    """A cell as the workbook keeps it: numbers as numbers, a suppressed count as its words."""
    if isinstance(value, Cell):
        return str(value) if value.suppressed or value.value is None else value.value
    return value


def annual_report_xlsx(report: AnnualReport) -> bytes:
    workbook = Workbook(write_only=True)
    for table in report.tables:
        sheet = workbook.create_sheet(title=table.title[:31])
        widths = [max(len(str(h)), 12) for h in table.headings]
        for row in table.rows:
            for i, value in enumerate(row):
                widths[i] = min(60, max(widths[i], len(str(_value(value)))))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width + 2
        sheet.freeze_panes = "A2"
        header = []
        for heading in table.headings:
            cell = WriteOnlyCell(sheet, value=heading or "")
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=_value(value))
                if isinstance(value, Decimal) and not isinstance(value, Cell):
                    cell.number_format = MONEY_FORMAT
                cells.append(cell)
            sheet.append(cells)
        if table.note:
            sheet.append([])
            sheet.append([table.note])
        last = get_column_letter(len(table.headings))
        sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def annual_report_pdf(report: AnnualReport) -> bytes:
    return html_to_pdf(render_to_string("reporting/print/annual_report.html", {"report": report}))
