"""The one writer behind every CSV and Excel download, read back as finance would."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from pep_portal.spreadsheets import (
    DATE_FORMAT,
    MONEY_FORMAT,
    Sheet,
    csv_bytes,
    csv_response,
    xlsx_bytes,
    xlsx_response,
)

SHEET = Sheet(
    title="PP+ 2026 to 2027 and a title longer than Excel allows",
    headings=["Entry", "Date", "School", "Amount (£)"],
    rows=[
        ["Paid", date(2026, 9, 22), "St Æthelred's", Decimal("1234.50")],
        ["Committed", date(2026, 10, 1), '=HYPERLINK("x")', Decimal("520.00")],
        ["Committed", None, "", Decimal("0")],
    ],
    totals=[["Total", None, None, Decimal("1754.50")]],
    notes=["Children are named by the council's ID."],
)


def test_csv_is_utf8_with_a_byte_order_mark_so_excel_reads_the_pound_sign():
    content = csv_bytes(SHEET)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["Entry", "Date", "School", "Amount (£)"]
    assert rows[1] == ["Paid", "2026-09-22", "St Æthelred's", "1234.50"]
    assert rows[2][2] == '\'=HYPERLINK("x")'
    assert rows[4] == ["Total", "", "", "1754.50"]
    assert rows[-1] == ["Children are named by the council's ID."]
    response = csv_response(SHEET, file_name="ledger.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ledger.csv"'


def test_xlsx_has_a_bold_frozen_filtered_header_money_dates_and_totals_as_values():
    sheet = load_workbook(io.BytesIO(xlsx_bytes([SHEET]))).active
    assert sheet.title == SHEET.title[:31]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D4"  # the data, not the totals
    assert sheet.column_dimensions["C"].width >= len("St Æthelred's")
    assert sheet["B2"].value == datetime(2026, 9, 22) and sheet["B2"].number_format == DATE_FORMAT
    assert sheet["D2"].value == 1234.5 and sheet["D2"].number_format == MONEY_FORMAT
    assert sheet["C3"].value == '\'=HYPERLINK("x")' and sheet["C3"].data_type == "s"
    assert sheet["B4"].value is None and sheet["C4"].value is None  # no empty strings
    assert sheet["A5"].value == "Total" and sheet["A5"].font.bold
    assert sheet["D5"].value == 1754.5 and sheet["D5"].number_format == MONEY_FORMAT
    assert sheet["A7"].value == "Children are named by the council's ID."


def test_times_are_written_in_uk_local_time():
    when = datetime(2026, 7, 1, 9, 30, tzinfo=ZoneInfo("UTC"))
    sheet = Sheet(title="Times", headings=["When"], rows=[[when]])
    cell = load_workbook(io.BytesIO(xlsx_bytes([sheet]))).active["A2"]
    assert cell.value == datetime(2026, 7, 1, 10, 30)
    assert cell.number_format == "DD/MM/YYYY HH:MM"
    assert "2026-07-01 10:30" in csv_bytes(sheet).decode("utf-8-sig")


def test_one_workbook_holds_many_sheets():
    response = xlsx_response([SHEET, Sheet("Second", ["A"], [[1]])], file_name="two.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [SHEET.title[:31], "Second"]


def test_text_excel_cannot_hold_is_made_safe_rather_than_breaking_the_workbook():
    sheet = Sheet(
        title="Names: [a/b]*? and more besides",
        headings=["Name", "Flag", "Count"],
        rows=[['  Ann\x00 <&> \x1b"Bo"  ', True, 3], ["Line one\nline two", False, 2.5]],
    )
    workbook = load_workbook(io.BytesIO(xlsx_bytes([sheet])))
    read = workbook.active
    assert read.title == "Names   a b    and more besides"[:31].strip()
    assert read["A2"].value == '  Ann <&> "Bo"  '  # control characters dropped, spaces kept
    assert read["B2"].value is True and read["B3"].value is False
    assert read["C2"].value == 3 and read["C3"].value == 2.5
    assert read["A3"].value == "Line one\nline two"
    assert read.auto_filter.ref == "A1:C3"


def test_sheet_names_follow_excels_rules_and_never_clash():
    long = "A table with a name far longer than thirty-one characters"
    sheets = [
        Sheet(long, ["A"], [[1]]),
        Sheet(long.upper(), ["A"], [[2]]),
        Sheet("'Quoted'\tname\n", ["A"], [[3]]),
        Sheet("history", ["A"], [[4]]),
        Sheet("", ["A"], [[5]]),
    ]
    workbook = load_workbook(io.BytesIO(xlsx_bytes(sheets)))
    names = workbook.sheetnames
    assert len({name.casefold() for name in names}) == 5
    assert all(len(name) <= 31 and not name.startswith("'") for name in names)
    assert names[0] == long[:31].strip() and names[1].endswith(" (2)")
    assert names[2] == "Quoted' name" and names[3] == "history 4" and names[4] == "Sheet5"
    assert [workbook[name]["A2"].value for name in names] == [1, 2, 3, 4, 5]


def test_what_xml_or_excel_cannot_hold_is_left_out_not_a_broken_file():
    sheet = Sheet(
        "Odd values",
        ["Text", "Amount", "Ratio"],
        [["a\ud800b", Decimal("NaN"), float("inf")], ["ok", Decimal("1E+3"), 0.5]],
    )
    read = load_workbook(io.BytesIO(xlsx_bytes([sheet]))).active
    assert read["A2"].value == "ab"
    assert read["B2"].value is None and read["C2"].value is None
    assert read["B3"].value == 1000 and read["C3"].value == 0.5
