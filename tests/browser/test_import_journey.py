import os
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from children.models import Child
from pep_portal.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import assert_accessible, sign_in
from tests.demo_data import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO = Path(settings.BASE_DIR) / "exchange" / "demo"
# Screenshots of the new pages, to look at (kept out of the repository).
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR", tempfile.gettempdir()))


def _upload_demo_files(page) -> None:
    page.get_by_role("link", name="Import children").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Import the SSDA903 return files").click()
    assert_accessible(page)
    for label, name in (("Header file", "header"), ("Episodes file", "episodes"),
                        ("UASC file (optional)", "uasc"),
                        ("OC2 outcomes file (optional)", "oc2")):  # fmt: skip
        page.get_by_label(label).set_input_files(str(DEMO / f"{name}.csv"))
    page.get_by_role("button", name="Check the files").click()


def test_an_officer_imports_the_demo_return_and_a_second_import_changes_nothing(page):
    seed_demo()
    before = Child.objects.count()
    sign_in(page, "officer@northshire.example", DEMO_PASSWORD)

    # A file that is not CSV is refused next to its field, before anything is kept.
    page.get_by_role("link", name="Import children").first.click()
    page.get_by_role("link", name="Import the SSDA903 return files").click()
    page.get_by_label("Header file").set_input_files(
        {"name": "header.csv", "mimeType": "text/csv", "buffer": b"\x89PNG\r\n\x1a\n\x00"}
    )
    page.get_by_label("Episodes file").set_input_files(str(DEMO / "episodes.csv"))
    page.get_by_role("button", name="Check the files").click()
    summary = page.locator(".govuk-error-summary")
    assert "This is not a CSV file" in summary.inner_text()
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_header"

    _upload_demo_files(page)
    main = page.locator("main")
    assert "Check the import before applying it" in main.inner_text()
    rows = page.locator(".govuk-summary-list").inner_text()
    assert "Children to create\t12" in rows and "Refused rows\t0" in rows
    assert "NS-200001" in page.locator("table").first.inner_text()
    assert Child.objects.count() == before  # the dry run changed nothing
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "import_dry_run.png"), full_page=True)

    page.get_by_role("button", name="Apply the import").click()
    assert "12 created, 0 changed" in page.locator(".govuk-panel").inner_text()
    assert_accessible(page)
    page.screenshot(path=str(SHOTS / "import_applied.png"), full_page=True)
    assert Child.objects.count() == before + 12

    page.get_by_role("link", name="See all children").click()
    page.get_by_label("Search by name, UPN or council ID").fill("NS-200004")
    page.get_by_role("button", name="Apply filters").click()
    row = page.locator("tbody tr").first.inner_text()
    child = Child.objects.get(council_child_id="NS-200004")
    placement = child.placements.get(end_date__isnull=True).get_placement_type_display()
    school = child.enrolments.get(end_date__isnull=True).school.name
    assert "Child NS-200004 (name not recorded)" in row
    assert placement in row and school in row
    assert_accessible(page)

    # The same files again: every child is left alone.
    _upload_demo_files(page)
    rows = page.locator(".govuk-summary-list").inner_text()
    assert "Children to create\t0" in rows and "Children to change\t0" in rows
    assert "Children left alone\t12" in rows
    page.get_by_role("button", name="Apply the import").click()
    assert "0 created, 0 changed" in page.locator(".govuk-panel").inner_text()
    assert Child.objects.count() == before + 12
