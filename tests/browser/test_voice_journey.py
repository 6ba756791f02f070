"""The child's and the carer's own views: a year-9 young person answers by the demo's link and
the social worker reads their words in the PEP; a carer gives their views from their home
page; a designated teacher opens child mode beside a Reception child."""

import os
from pathlib import Path

import pytest

from children.models import Child
from pep_portal.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import assert_accessible, sign_in
from tests.demo_data import seed_demo
from voice.demo import DEMO_CODE
from voice.models import CarerViews, ChildViews

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("VOICE_SCREENSHOTS")  # a folder, to look at the pages


def _shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_the_child_and_the_carer_give_their_views_and_the_adults_read_them(page):
    seed_demo()
    ethan = Child.objects.get(legal_first_name="Ethan", legal_last_name="Walker")
    ethan_pep = ethan.peps.exclude(state="signed_off").get()
    maya = Child.objects.get(legal_first_name="Maya", legal_last_name="Jones")
    maya_pep = maya.peps.exclude(state="signed_off").get()

    # The young person, with no account, enters the code they were given.
    page.goto("/your-views/")
    assert_accessible(page)
    page.get_by_label("Enter your code").fill("WRONG-CODE-123")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    assert "That code does not work" in summary.inner_text()
    summary.get_by_role("link").first.click()
    assert page.evaluate("() => document.activeElement.id") == "id_code"
    page.get_by_label("Enter your code").fill(DEMO_CODE.lower())
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", level=1).inner_text() == "What is going well?"
    assert "Ethan" not in page.content() and "Walker" not in page.content()
    assert_accessible(page)
    _shot(page, "link-question")
    page.get_by_label("What is going well?").fill("Football at lunch and my science teacher")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("What is hard at the moment?").fill("French homework")
    page.get_by_role("button", name="Next").click()
    for _ in range(3):  # skipped, as they may
        page.get_by_role("button", name="Next").click()
    assert "Do you want to come to your PEP meeting?" in page.locator("h1").inner_text()
    assert_accessible(page)
    page.get_by_label("Yes, for part of it").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Check my answers").click()
    assert page.locator("h1").inner_text() == "Check your answers"
    assert_accessible(page)
    _shot(page, "link-check")
    page.get_by_role("button", name="Send my answers").click()
    assert "Your answers have been sent" in page.locator(".govuk-panel").inner_text()
    assert_accessible(page)
    page.goto(f"/your-views/open/?code={DEMO_CODE}")  # spent now
    assert "already been sent" in page.locator("main").inner_text()
    assert_accessible(page)

    # The carer gives their views from their home page.
    sign_in(page, "carer@northshire.example", DEMO_PASSWORD)
    page.get_by_role("link", name="Give your views before the PEP meeting").filter(
        has_text="Maya Jones"
    ).click()
    assert_accessible(page)
    page.get_by_label("How is the child at home?").fill("Happy, sleeps well, loves drawing")
    page.get_by_label("What would you like from the school?").fill("A reading book each week")
    page.get_by_role("button", name="Send your views").click()
    assert "your views have been sent" in page.locator(".govuk-notification-banner").inner_text()
    assert CarerViews.objects.filter(pep=maya_pep).exists()
    page.context.clear_cookies()

    # The designated teacher sits with Maya in child mode: only the questions, large type.
    sign_in(page, "teacher@riverside.example", DEMO_PASSWORD)
    page.goto(f"/peps/{maya_pep.pk}/sections/care_placement/")
    assert "A reading book each week" in page.locator("main").inner_text()
    page.goto(f"/peps/{maya_pep.pk}/sections/child_views/")
    page.get_by_role("link", name="Open child mode").click()
    assert_accessible(page)
    page.get_by_role("button", name="Start child mode").click()
    assert "Maya" not in page.content() and "Signed in as" not in page.content()
    assert page.locator("img.app-face").count() == 5
    assert_accessible(page)
    _shot(page, "child-mode-scale")
    page.get_by_label("Really good").check()
    page.get_by_label("Tell us more").fill("I like the sand tray")
    page.get_by_role("button", name="Next").click()
    while page.get_by_role("button", name="Next").count():
        page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Check my answers").click()
    page.get_by_role("button", name="Send my answers").click()
    words = page.locator(".app-child-words-card")
    assert "I like the sand tray" in words.inner_text()
    assert "Child's own words" in words.inner_text()
    assert_accessible(page)
    page.context.clear_cookies()

    # The social worker reads Ethan's own words in his PEP, and can invite him again.
    sign_in(page, "social.worker@northshire.example", DEMO_PASSWORD)
    page.goto(f"/peps/{ethan_pep.pk}/sections/child_views/")
    card = page.locator(".app-child-words-card")
    assert "Football at lunch and my science teacher" in card.inner_text()
    assert "on their own, by the link" in card.inner_text()
    assert_accessible(page)
    _shot(page, "pep-section-child-words")
    page.get_by_role("link", name="Invite them to answer by link").click()
    assert_accessible(page)
    page.get_by_label("Show me a code to give them").check()
    page.get_by_role("button", name="Make the link").click()
    assert page.locator(".app-code").inner_text().count("-") == 2
    assert_accessible(page)
    assert ChildViews.objects.filter(pep=ethan_pep, submitted_at__isnull=False).count() == 1
