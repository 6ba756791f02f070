"""The annual report as a workbook (a sheet a table) and as a tagged PDF."""

from django.template.loader import render_to_string

from pep_portal.spreadsheets import Sheet, xlsx_bytes
from peps.documents.printing import html_to_pdf

from .annual import AnnualReport, Cell


def _value(value):
    """A cell as the workbook keeps it: numbers as numbers, a suppressed count as its words."""
    if isinstance(value, Cell):
        return str(value) if value.suppressed or value.value is None else value.value
    return value


def annual_report_xlsx(report: AnnualReport) -> bytes:
    """A sheet a table; counts as numbers, PP+ money in pounds, each table's note beneath."""
    return xlsx_bytes([
        Sheet(
            title=table.title,
            headings=table.headings,
            rows=[[_value(value) for value in row] for row in table.rows],
            notes=[table.note] if table.note else [],
        )
        for table in report.tables
    ])  # fmt: skip


def annual_report_pdf(report: AnnualReport) -> bytes:
    return html_to_pdf(render_to_string("reporting/print/annual_report.html", {"report": report}))
