"""Checks that a download is as finance opens it (see pep_portal/spreadsheets.py)."""

import csv
import io
from datetime import datetime

from openpyxl import load_workbook

from pep_portal.spreadsheets import DATE_FORMAT, DATE_TIME_FORMAT, MONEY_FORMAT


def read_csv(response) -> list[list[str]]:
    """The rows of a CSV download, after checking its byte order mark and character set."""
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte order mark"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_xlsx(response, *, money_columns=(), date_columns=()):
    """The workbook of an Excel download, after checking every sheet: a bold frozen heading
    row under a filter, widths set, no formulas, no empty strings, and in the named columns
    money as numbers in pounds and dates as date cells shown day/month/year."""
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(response.content))
    for sheet in workbook.worksheets:
        headings = [cell.value for cell in sheet[1]]
        assert all(cell.font.bold for cell in sheet[1] if cell.value is not None), sheet.title
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), sheet.title
        assert sheet.column_dimensions["A"].width and sheet.column_dimensions["A"].width >= 10
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                assert cell.value != "", f"{sheet.title}!{cell.coordinate} is an empty string"
                assert not (isinstance(cell.value, str) and cell.value.startswith("=")), (
                    f"{sheet.title}!{cell.coordinate} is a formula"
                )
                heading = headings[cell.column - 1] if cell.column <= len(headings) else None
                if cell.value is None or heading is None:
                    continue
                if heading in money_columns:
                    assert isinstance(cell.value, int | float), cell.coordinate
                    assert cell.number_format == MONEY_FORMAT, cell.coordinate
                if heading in date_columns:
                    assert isinstance(cell.value, datetime), cell.coordinate
                    assert cell.number_format in (DATE_FORMAT, DATE_TIME_FORMAT), cell.coordinate
    return workbook
