"""The annual report: its tables, their agreement with the dashboard, suppression for
publication, the workbook and the PDF, and who may have them."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from reporting.annual import annual_report
from reporting.figures import dashboard
from tests.peps.factories import TermFactory
from tests.peps.pdf import pdf_text, pdf_xmp
from tests.spreadsheets import read_xlsx

PAGE, XLSX, PDF = (reverse(f"reporting:{name}") for name in ("annual", "annual_xlsx", "annual_pdf"))


def _year(terms):
    return terms[0].academic_year


@pytest.mark.parametrize("url", [PAGE, XLSX, PDF])
@pytest.mark.parametrize(
    ("persona", "status"),
    [("vs_head", 200), ("vs_officer", 200), ("allocated_social_worker", 403),
     ("designated_teacher", 403), ("carer", 403), ("reviewing_officer", 403), ("anonymous", 302)],
)  # fmt: skip
def test_the_annual_report_is_for_virtual_school_staff(as_persona, terms, url, persona, status):
    assert as_persona(persona).get(url, {"academic_year": _year(terms)}).status_code == status


def test_the_report_opens_on_a_year_without_being_asked_and_ignores_a_bad_one(client, world, terms):
    client.force_login(world.vs_head)
    assert client.get(PAGE).status_code == 200
    assert client.get(PAGE, {"academic_year": "1066"}).status_code == 200
    assert client.get(XLSX, {"academic_year": "abc"}).status_code == 200


def _heading(client) -> str:
    html = client.get(PAGE).content.decode()
    return html.split('<h1 class="govuk-heading-l">', 1)[1].split("</h1>", 1)[0]


@time_machine.travel(date(2026, 11, 10), tick=False)
def test_the_report_opens_on_the_current_academic_year_not_the_newest_with_data(client, world):
    """Last year, this year and next year have terms: it opens on this one, as the dashboard
    does. Without terms this year, on the latest year before it, else the first after it."""
    for year in (2025, 2026, 2027):
        TermFactory(
            virtual_school=world.virtual_school,
            academic_year=year,
            start_date=date(year, 9, 2),
            end_date=date(year, 12, 18),
            half_term_start=None,
            half_term_end=None,
        )
    client.force_login(world.vs_head)
    assert _heading(client) == "Annual report, 2026 to 2027"
    assert '<option value="2026" selected>' in client.get(PAGE).content.decode()

    world.virtual_school.terms.filter(academic_year=2026).delete()
    assert _heading(client) == "Annual report, 2025 to 2026"
    world.virtual_school.terms.filter(academic_year=2025).delete()
    assert _heading(client) == "Annual report, 2027 to 2028"


def _table(report, title):
    return next(table for table in report.tables if table.title == title)


def test_its_figures_agree_with_the_dashboard(world, terms, cohort):
    report = annual_report(
        virtual_school=world.virtual_school, academic_year=_year(terms), published=False
    )
    board = dashboard(user=world.vs_officer, values={}, today=timezone.localdate())
    quality = _table(report, "PEP quality")
    for (term, figures), row in zip(board.ratings, quality.rows, strict=True):
        assert row[0] == str(term)
        assert [cell.value for cell in row[1:]] == [figure.count for figure in figures]
    children = _table(report, "The children looked after")
    all_children = next(row for row in children.rows if row[0] == "All children")
    assert all_children[1].value >= board.cohort.count  # the year holds the term's children
    attendance = _table(report, "Attendance, absence, suspensions and exclusions")
    recorded = sum(row[1].value for row in attendance.rows)
    assert recorded == 6  # the six children whose school part was filled in this term


def test_for_publication_small_counts_read_fewer_than_5(client, world, terms, cohort):
    client.force_login(world.vs_head)
    open_html = client.get(PAGE, {"academic_year": _year(terms)}).content.decode()
    published = client.get(PAGE, {"academic_year": _year(terms), "published": "on"})
    html = published.content.decode()
    assert "fewer than 5" in html and "fewer than 5" not in open_html.replace(
        "counts under 5 read “fewer than 5”", ""
    ).replace('counts from 1 to 4 read "fewer than 5"', "")


def test_the_workbook_keeps_numbers_as_numbers_and_is_audited(client, world, terms, cohort):
    client.force_login(world.vs_head)
    response = client.get(XLSX, {"academic_year": _year(terms)})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = read_xlsx(response, money_columns={"Committed"})
    assert "PEP quality" in workbook.sheetnames
    sheet = workbook["The children looked after"]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    values = [row[1].value for row in sheet.iter_rows(min_row=2) if row[0].value == "All children"]
    assert values == [8]  # a number, not text
    assert AuditEvent.objects.filter(action="report.annual_downloaded").count() == 1


def test_the_pdf_is_tagged_and_holds_every_table(client, world, terms, cohort):
    client.force_login(world.vs_head)
    response = client.get(PDF, {"academic_year": _year(terms), "published": "on"})
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    titles = (
        "The children looked after",
        "PEP timeliness",
        "Attainment",
        "Post-16 education, employment or training",
        "Pupil Premium Plus by term",
    )
    for title in titles:
        assert title in text
    assert 'pdfuaid:part="1"' in pdf_xmp(response.content)


def test_the_report_costs_the_same_queries_at_two_sizes(
    world, terms, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from tests.reporting.conftest import make_children

    make_children(world, 6, django_capture_on_commit_callbacks)  # every stage, year 6 too
    with django_assert_max_num_queries(12) as small:
        annual_report(virtual_school=world.virtual_school, academic_year=_year(terms),
                      published=True)  # fmt: skip
    make_children(world, 6, django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(len(small.captured_queries)):
        annual_report(virtual_school=world.virtual_school, academic_year=_year(terms),
                      published=True)  # fmt: skip
