"""The PEP on paper, in the browser: the carer downloads the signed-off copy the Virtual School
sees, and My PEP beside it; the designated teacher prints a draft and a blank form."""

import hashlib
from pathlib import Path

import pytest

from children.models import Child
from pep_portal.management.commands.seed_demo import DEMO_PASSWORD
from peps.models import Pep
from tests.browser.conftest import assert_accessible, sign_in
from tests.demo_data import seed_demo
from tests.peps.pdf import pdf_catalog, pdf_pages, pdf_text, pdf_xmp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CARER = "carer@northshire.example"
OFFICER = "officer@northshire.example"
TEACHER = "teacher@riverside.example"


def _download(page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    return Path(info.value.path()).read_bytes()


def test_a_carer_downloads_the_copy_the_virtual_school_signed_off(page):
    seed_demo()
    child = Child.objects.get(legal_first_name="Reggie", legal_last_name="Roberts")
    # The newest of Reggie's signed-off PEPs (the demo gives him two terms before this one).
    pep = child.peps.filter(state=Pep.State.SIGNED_OFF).order_by("-version").first()
    copy = pep.signed_off_copy
    assert copy.is_ready

    sign_in(page, CARER, DEMO_PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Your children"
    card = page.locator(".govuk-summary-card", has_text="Reggie Roberts")
    assert "Signed off" in card.inner_text()
    assert_accessible(page)
    # Newest first: one link a signed-off PEP.
    links = card.get_by_role("link", name="Download the signed-off PEP")
    assert links.count() == child.peps.filter(state=Pep.State.SIGNED_OFF).count()
    from_carer = _download(page, links.first)
    assert hashlib.sha256(from_carer).hexdigest() == copy.sha256
    assert "Reggie Roberts" in pdf_text(from_carer)
    assert "/StructTreeRoot" in pdf_catalog(from_carer)
    assert 'pdfuaid:part="1"' in pdf_xmp(from_carer)
    # Beside it, My PEP: Reggie's own page, in plain words.
    my_pep = _download(page, card.get_by_role("link", name="Download My PEP").first)
    pages = pdf_pages(my_pep)
    assert len(pages) == 1
    assert "My PEP" in pages[0] and "Reggie, this is your plan" in pages[0]
    assert 'pdfuaid:part="1"' in pdf_xmp(my_pep)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, OFFICER, DEMO_PASSWORD)
    page.goto(f"/peps/{pep.pk}/")
    assert_accessible(page)
    link = page.get_by_role("link", name="Download the signed-off PEP")
    from_officer = _download(page, link)
    assert from_officer == from_carer
    # The officer writes the first target in Reggie's words; his carer's My PEP says it.
    page.get_by_role("link", name="The child's own one-page summary").click()
    assert page.get_by_role("heading", level=1).inner_text() == "My PEP"
    assert_accessible(page)
    line = "I will read with Jo for ten minutes every night."
    page.get_by_label("Target 1:").fill(line)
    page.get_by_role("button", name="Save the lines").click()
    assert "The lines have been saved" in page.content()
    assert line in page.content()
    assert line in pdf_text(_download(page, page.get_by_role("link", name="Download My PEP")))


def test_a_copy_still_being_made_says_so(page):
    seed_demo()
    child = Child.objects.get(legal_first_name="Reggie", legal_last_name="Roberts")
    pep = child.peps.filter(state=Pep.State.SIGNED_OFF).order_by("-version").first()
    type(pep.signed_off_copy).objects.filter(pk=pep.signed_off_copy.pk).update(
        rendered_at=None, last_error="Error fetching a file", attempts=2
    )
    sign_in(page, CARER, DEMO_PASSWORD)
    card = page.locator(".govuk-summary-card", has_text="Reggie Roberts")
    assert "Being prepared" in card.inner_text()
    assert_accessible(page)
    page.goto(f"/peps/{pep.pk}/signed-off-copy/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "The signed-off copy is being prepared"
    )
    assert "Error fetching" not in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, OFFICER, DEMO_PASSWORD)
    page.get_by_role("link", name="Quality assurance", exact=True).click()
    owed = page.locator("table", has_text="Reggie Roberts")
    assert "2 attempts failed: Error fetching a file" in owed.inner_text()
    assert_accessible(page)
    owed.get_by_role("link", name="Reggie Roberts").click()
    warning = page.locator(".govuk-warning-text").inner_text()
    assert "The signed-off copy could not be made" in warning
    assert_accessible(page)


def test_a_designated_teacher_prints_a_draft_and_a_blank_form(page):
    seed_demo()
    child = Child.objects.get(legal_first_name="Maya", legal_last_name="Jones")
    sign_in(page, TEACHER, DEMO_PASSWORD)
    page.get_by_role("link", name="PEP for Maya Jones").click()
    assert_accessible(page)
    draft = _download(page, page.get_by_role("link", name="Download a draft (PDF)"))
    pages = pdf_pages(draft)
    assert all("DRAFT" in text for text in pages)
    assert "Maya Jones" in pages[0]
    blank = _download(page, page.get_by_role("link", name="Download a blank form"))
    assert "Blank form: School-age PEP" in pdf_text(blank)
    assert child.legal_last_name not in pdf_text(blank)
