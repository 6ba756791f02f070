from io import BytesIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from pep_portal.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import assert_accessible, sign_in
from tests.peps.pdf import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_head_reads_the_dashboard_follows_a_figure_and_downloads_the_annual_report(page):
    call_command("seed_demo", force=True)
    sign_in(page, "head@northshire.example", DEMO_PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"
    assert_accessible(page)

    page.get_by_text("Filter the figures").click()
    page.get_by_label("Key stage", exact=True).select_option("Key stage 4")
    page.get_by_role("button", name="Apply filters").click()
    assert "with these filters" in page.locator("main").inner_text()
    assert_accessible(page)

    # Follow "PEP overdue now" to the children it counts.
    row = page.locator("tr", has_text="PEP overdue now")
    count = int(row.get_by_role("link").inner_text().split()[0])
    row.get_by_role("link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "All children"
    if count:
        assert page.get_by_role("status").inner_text().startswith(f"{count} child")
    assert page.get_by_label("Key stage", exact=True).input_value() == "Key stage 4"
    assert_accessible(page)

    page.goto("/virtual-school/")
    page.get_by_role("link", name="The annual report for the corporate parenting board").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Annual report")
    assert_accessible(page)
    page.get_by_label("For publication").check()
    page.get_by_role("button", name="Show the report").click()
    assert_accessible(page)
    with page.expect_download() as spreadsheet:
        page.get_by_role("link", name="Download the report as a spreadsheet (XLSX)").click()
    workbook = load_workbook(BytesIO(open(spreadsheet.value.path(), "rb").read()))
    assert "PEP quality" in workbook.sheetnames
    with page.expect_download() as document:
        page.get_by_role("link", name="Download the report as a PDF").click()
    text = pdf_text(open(document.value.path(), "rb").read())
    assert "PEP timeliness" in text and "Attainment" in text
