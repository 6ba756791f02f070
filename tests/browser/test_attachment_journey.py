"""Documents in the browser: the designated teacher attaches a school report to a child's PEP,
the EICAR test file is refused, and a Virtual School officer downloads the report and shares
it with the child's carer, who downloads it from her home page."""

from datetime import date
from pathlib import Path

import pytest

from attachments.models import Attachment
from children.models import Child
from pep_portal.management.commands.seed_demo import DEMO_PASSWORD
from tests.attachments.clamd import EICAR
from tests.browser.conftest import assert_accessible, fill_date, sign_in
from tests.demo_data import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEACHER = "teacher@riverside.example"
OFFICER = "officer@northshire.example"
CARER = "carer@northshire.example"
REPORT = b"%PDF-1.4\n% Autumn term report for the PEP meeting\n%%EOF\n"


def _download(page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    return Path(info.value.path()).read_bytes()


def test_a_school_report_is_attached_scanned_downloaded_and_shared(page, clamd):
    seed_demo()
    child = Child.objects.get(legal_first_name="Maya", legal_last_name="Jones")
    pep = child.peps.exclude(state="signed_off").get()

    sign_in(page, TEACHER, DEMO_PASSWORD)
    page.goto(f"/peps/{pep.pk}/")
    page.get_by_role("link", name="Attach a document to this PEP").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Attach a document"
    assert page.get_by_label(f"PEP {pep.version}").is_checked()
    assert_accessible(page)

    # The EICAR test file, named like a report: refused, with the reason by the field.
    page.get_by_label("School report").check()
    fill_date(page, "document_date", date(2026, 11, 20))
    page.get_by_label("Description (optional)").fill("Autumn term report")
    page.get_by_label("Upload a file").set_input_files(
        {"name": "report.txt", "mimeType": "text/plain", "buffer": EICAR}
    )
    page.get_by_role("button", name="Check and attach the file").click()
    summary = page.locator(".govuk-error-summary")
    assert "the virus scanner found a virus in it" in summary.inner_text()
    assert page.get_by_label("Description (optional)").input_value() == "Autumn term report"
    assert_accessible(page)
    assert not Attachment.objects.filter(child=child, description="Autumn term report").exists()
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_file"

    # The real report.
    page.get_by_label("Upload a file").set_input_files(
        {"name": "Maya Jones report.pdf", "mimeType": "application/pdf", "buffer": REPORT}
    )
    page.get_by_role("button", name="Check and attach the file").click()
    assert (
        "checked for viruses and attached"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert page.get_by_role("heading", level=1).inner_text() == "Documents"
    assert_accessible(page)
    attachment = Attachment.objects.get(child=child, description="Autumn term report")
    assert attachment.pep == pep
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, OFFICER, DEMO_PASSWORD)
    page.goto(f"/children/{child.pk}/")
    page.get_by_role("link", name="EHC plans, school reports, assessments").click()
    row = page.locator(f"#document-{attachment.pk}")
    assert "PEP" in row.inner_text() and "Not shared" in row.inner_text()
    assert _download(page, row.get_by_role("link", name="Download Autumn term report")) == REPORT
    row.get_by_role("button", name="Share with carers").click()
    assert "Shared" in page.locator(f"#document-{attachment.pk}").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, CARER, DEMO_PASSWORD)
    card = page.locator(".govuk-summary-card", has_text="Maya Jones")
    link = card.get_by_role("link", name="Autumn term report")
    assert _download(page, link) == REPORT
