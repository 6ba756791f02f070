from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from children.models import Child
from children.school_year import academic_year_of
from pep_portal.management.commands.seed_demo import DEMO_PASSWORD
from peps import demo
from reporting.periods import year_label
from tests.browser.conftest import assert_accessible, sign_in
from tests.demo_data import seed_demo
from tests.peps.pdf import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _ratings(page) -> dict[str, list[int]]:
    """The dashboard's quality ratings: term to [red, amber, green]."""
    table = page.locator("table", has_text="Signed-off PEPs by overall rating")
    rows = {}
    for row in table.locator("tbody tr").all():
        term = row.locator("th").inner_text().strip()
        rows[term] = [int(cell.inner_text().split()[0]) for cell in row.locator("td").all()]
    return rows


def test_the_head_reads_the_dashboard_follows_a_figure_to_a_child_and_downloads_the_report(page):
    seed_demo()
    # Jayden (year 11) has two signed-off terms; his school has started this term's PEP.
    child = Child.objects.get(legal_first_name="Jayden", legal_last_name="Hughes")
    pep = child.peps.exclude(state="signed_off").get()
    teacher = child.enrolments.get(end_date__isnull=True).school.staff.get()
    demo.fill_school_part(pep, teacher, vary=7)

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

    # And the cohort's figure to the children in key stage 4, then to one child.
    page.go_back()
    cohort = page.locator("main p", has_text="were in care during the term").get_by_role("link")
    in_cohort = int(cohort.inner_text().split()[0])
    cohort.click()
    assert page.get_by_role("status").inner_text().startswith(f"{in_cohort} child")
    page.get_by_role("link", name="Jayden Hughes", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Jayden Hughes"

    # His progress, term by term: three terms, each chart with its table.
    page.get_by_role("link", name="Attendance, exclusions and attainment term by term").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Progress term by term"
    attendance = page.locator("table", has_text="Attendance each term")
    assert attendance.locator("tbody tr").count() == 3
    assert page.locator("svg.app-chart").count() >= 2
    trend = page.locator("dl").first.inner_text()  # since he came into care
    assert "% in the spring 2025 to 2026 term" in trend and "Suspensions" in trend
    assert_accessible(page)

    # What changed since last term, from this term's PEP.
    page.get_by_role("link", name="Back to Jayden Hughes").click()
    page.get_by_role("link", name=f"PEP {pep.version}", exact=True).click()
    page.get_by_role("link", name="What changed since last term").click()
    assert page.get_by_role("heading", level=1).inner_text() == "What changed since last term"
    main = page.locator("main").inner_text()
    assert f"PEP {pep.version - 1}" in main
    assert "Last term's targets and their outcomes" in main and "Partly achieved" in main
    assert "Answers that changed" in main
    assert_accessible(page)
    # The first PEP has nothing earlier to compare with, and says so.
    page.goto(f"/peps/{child.peps.get(version=1).pk}/changes/")
    assert "There is no earlier signed-off PEP" in page.locator("main").inner_text()
    assert_accessible(page)

    # The annual report for last year, whose quality table is the dashboard's for that year.
    page.goto("/virtual-school/")
    page.get_by_role("link", name="The annual report for the corporate parenting board").click()
    # It opens on this academic year, as the dashboard does; the history is last year's.
    this_year = year_label(academic_year_of(timezone.localdate()))
    assert page.get_by_role("heading", level=1).inner_text() == f"Annual report, {this_year}"
    year = year_label(academic_year_of(timezone.localdate()) - 1)
    page.get_by_label("Academic year").select_option(label=year)
    page.get_by_role("button", name="Show the report").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"Annual report, {year}"
    assert_accessible(page)
    with page.expect_download() as spreadsheet:
        page.get_by_role("link", name="Download the report as a spreadsheet (XLSX)").click()
    workbook = load_workbook(BytesIO(open(spreadsheet.value.path(), "rb").read()))
    assert "PEP quality" in workbook.sheetnames
    quality = {
        row[0]: list(row[1:4])
        for row in workbook["PEP quality"].iter_rows(min_row=2, values_only=True)
        if row and row[0] and row[1] is not None
    }
    with page.expect_download() as document:
        page.get_by_role("link", name="Download the report as a PDF").click()
    text = pdf_text(open(document.value.path(), "rb").read())
    assert "PEP timeliness" in text and "Attainment" in text

    page.goto("/virtual-school/")
    page.get_by_text("Filter the figures").click()
    page.get_by_label("Academic year").select_option(label=year)
    page.get_by_role("button", name="Apply filters").click()
    board = _ratings(page)
    assert board and quality == board, (quality, board)
    assert sum(sum(counts) for counts in board.values()) >= 30  # the demo's history
    flat = " ".join(text.split())
    for term, counts in board.items():
        assert f"{term} {' '.join(str(c) for c in counts)}" in flat, term

    # For publication, small counts are suppressed.
    page.goto("/virtual-school/annual-report/")
    page.get_by_label("For publication").check()
    page.get_by_role("button", name="Show the report").click()
    assert_accessible(page)
