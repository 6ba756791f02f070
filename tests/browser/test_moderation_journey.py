"""Quality moderation in the browser: the head draws the term's sample, an officer rates a PEP
again without seeing the first ratings, and the head reads the agreement and disagreements."""

import pytest

from accounts.models import User
from funding import services as funding_services
from funding.models import PpPlusRequest
from pep_portal.management.commands.seed_demo import DEMO_PASSWORD
from peps import demo, workflow
from peps.models import Pep
from tests.browser.conftest import assert_accessible, sign_in
from tests.demo_data import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEAD = "head@northshire.example"
OFFICER = "officer@northshire.example"


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def _rate(page, *, first_choice: str):
    """Green for every section but the first, which gets `first_choice`."""
    groups = page.locator("fieldset")
    for i in range(groups.count()):
        choice = first_choice if i == 0 else "Green"
        groups.nth(i).get_by_label(choice, exact=True).check()
    page.get_by_role("button", name="Save the ratings").click()


def test_the_head_draws_a_sample_an_officer_rates_it_blind_and_the_head_reads_the_result(page):
    seed_demo()
    head = User.objects.get(email=HEAD)
    # The demo's officer signed off three PEPs; the head signs off one more, so that each has
    # PEPs in the sample and each is the other's second rater. Its PP+ is decided first, as
    # sign-off requires.
    waiting = Pep.objects.filter(
        state=Pep.State.SUBMITTED, child__virtual_school=head.virtual_school
    ).first()
    for request in PpPlusRequest.objects.filter(target__pep=waiting, decision="pending"):
        funding_services.ppplus_decide(
            request=request, actor=head, decision="approved", approved_amount=None, reason=""
        )
    workflow.pep_sign_off(
        pep=waiting, actor=head, section_ratings=demo.all_green(waiting), feedback=""
    )

    # The head draws 10% of each officer's signed-off PEPs.
    sign_in(page, HEAD, DEMO_PASSWORD)
    page.get_by_role("link", name="Quality moderation: second ratings").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Quality moderation"
    assert_accessible(page)
    page.get_by_label("Share of each officer").fill("")
    page.get_by_role("button", name="Draw the sample").click()
    assert "Enter the share to sample" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.locator(".govuk-error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_share_percent"
    page.get_by_label("Share of each officer").fill("10")
    page.get_by_role("button", name="Draw the sample").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Moderation of")
    assert "0 of 2 PEPs rated again" in page.locator("main").inner_text()
    assert_accessible(page)

    # The head rates the officer's PEP again: one section differently.
    page.get_by_role("link", name="Back to quality moderation").click()
    page.locator("table").first.get_by_role("link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Rate the PEP again"
    _rate(page, first_choice="Amber")
    assert "have been saved" in page.locator(".govuk-notification-banner").inner_text()
    _sign_out(page)

    # The officer finds the head's PEP from the quality assurance page and rates it blind.
    sign_in(page, OFFICER, DEMO_PASSWORD)
    page.goto("/virtual-school/quality-assurance/")
    page.get_by_role("link", name="Quality moderation").click()
    page.locator("table").first.get_by_role("link").click()
    main = page.locator("main").inner_text()
    assert "Rate the PEP again" in main
    assert "Martin Hale" not in main  # who signed it off (and so their ratings) is not shown
    assert page.locator("input[type=radio]:checked").count() == 0
    assert_accessible(page)
    page.get_by_role("button", name="Save the ratings").click()
    assert "Rate the section" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    _rate(page, first_choice="Red")
    assert "Rated" in page.locator("table").first.inner_text()
    assert_accessible(page)
    _sign_out(page)

    # The head reads agreement by section and the disagreements for the meeting.
    sign_in(page, HEAD, DEMO_PASSWORD)
    page.goto("/virtual-school/moderation/")
    page.locator("main ul.govuk-list a").first.click()
    main = page.locator("main").inner_text()
    assert "2 of 2 PEPs rated again" in main
    assert "All sections" in main and "Cohen" in main
    disagreements = page.locator("table").nth(1)
    rows = disagreements.locator("tbody tr")
    assert rows.count() == 2
    texts = sorted(" ".join(rows.nth(i).inner_text().split()) for i in range(2))
    assert "Green by Priya Shah Amber by Martin Hale" in texts[0] + texts[1]
    assert "Green by Martin Hale Red by Priya Shah" in texts[0] + texts[1]
    assert_accessible(page)
