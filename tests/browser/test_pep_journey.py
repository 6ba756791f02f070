"""The sign-off cycle in the browser, by the three people who share it."""

import pytest

from children.models import Child
from pep_portal.management.commands.seed_demo import DEMO_PASSWORD
from peps import demo
from peps.models import Pep
from peps.progress import pep_progress
from tests.browser.conftest import assert_accessible, fill_date, sign_in
from tests.demo_data import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _count_of(page, textarea_id: str) -> str:
    """What the GOV.UK character count under a textarea says now."""
    count = page.locator(".govuk-character-count", has=page.locator(f"#{textarea_id}"))
    return count.locator(".govuk-character-count__status").inner_text().strip()


TEACHER = "teacher@riverside.example"
OFFICER = "officer@northshire.example"


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def _open_pep(page, name):
    page.get_by_role("link", name=f"PEP for {name}").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("PEP for the")


def test_teacher_social_worker_and_virtual_school_take_a_pep_to_sign_off(page):
    seed_demo()
    child = Child.objects.get(legal_first_name="Zara", legal_last_name="Davies")
    pep = child.peps.exclude(state="signed_off").get()  # after the demo's two signed-off terms
    social_worker = child.allocations.get(end_date__isnull=True).social_worker
    teacher = child.enrolments.get(end_date__isnull=True).school.staff.get(email=TEACHER)
    # Most answers are typed in by the services; the browser does the rest, as people would.
    demo.fill_school_part(pep, teacher)
    pep.answers.filter(section_key="strengths_barriers").delete()
    pep.targets.filter(area="wellbeing").delete()
    demo.fill_social_worker_part(pep, social_worker)
    pep.answers.filter(section_key="sign_off").delete()

    # The designated teacher: a section, a target, then the school's part.
    sign_in(page, TEACHER, DEMO_PASSWORD)
    _open_pep(page, "Zara Davies")
    assert_accessible(page)
    page.get_by_role("link", name="Strengths and barriers to learning").click()
    assert_accessible(page)
    page.get_by_label("The child's strengths").fill("Loves drawing; kind to younger pupils")
    page.get_by_label("Barriers to learning").fill("Reading fluency")
    page.get_by_role("button", name="Save and return to the PEP").click()
    assert (
        "Strengths and barriers to learning: saved"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    page.get_by_role("link", name="Targets and Pupil Premium Plus").click()
    assert_accessible(page)
    page.get_by_role("link", name="Add a target").click()
    page.get_by_label("Emotional wellbeing or social skills").check()
    page.get_by_label("The target", exact=True).fill("Ask an adult for help when stuck")
    # The character count says what is left as the teacher types (32 of 500 used).
    assert _count_of(page, "id_description") == "You have 468 characters remaining"
    page.get_by_label("Where the child is now").fill("x" * 1001)
    page.get_by_label("How we will know it is achieved").fill("Asks for help in 4 of 5 lessons")
    page.get_by_label("Actions, and who does them").fill("Help card on the desk; mentor weekly")
    page.get_by_label("Who is responsible").fill("Learning mentor")
    fill_date(page, "due_by", pep.term.end_date)
    page.get_by_label("PP+ requested for this target (£)").fill("-5")
    page.get_by_role("button", name="Save the target").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "The PP+ amount cannot be negative" in summary
    assert "Where the child is now must be 1,000 characters or fewer" in summary
    assert _count_of(page, "id_baseline") == "You have 1 character too many"
    assert_accessible(page)
    page.get_by_label("Where the child is now").fill("Shuts down when work is hard")
    page.get_by_label("PP+ requested for this target (£)").fill("80")
    page.get_by_role("button", name="Save the target").click()
    page.get_by_role("link", name="Back to the PEP").click()
    page.get_by_role("button", name="Mark the school's part complete").click()
    assert (
        "The school's part is complete" in page.locator(".govuk-notification-banner").inner_text()
    )
    assert_accessible(page)
    _sign_out(page)

    # The social worker: the meeting and sign-off section, then submit.
    sign_in(page, social_worker.email, DEMO_PASSWORD)
    _open_pep(page, "Zara Davies")
    assert (
        page.get_by_role("button", name="Mark complete and submit to the Virtual School").count()
        == 0
    )
    page.get_by_role("link", name="Meeting and sign-off").click()
    assert_accessible(page)
    fill_date(page, "meeting_date", pep.term.start_date)
    page.get_by_label("Who attended the meeting").fill(
        "Social worker, designated teacher, carer, Zara"
    )
    page.get_by_label("Name of the social worker signing off").fill(social_worker.full_name)
    page.get_by_role("button", name="Save and return to the PEP").click()
    page.get_by_role("button", name="Mark complete and submit to the Virtual School").click()
    assert "sent to the Virtual School" in page.locator(".govuk-notification-banner").inner_text()
    _sign_out(page)

    # The Virtual School returns it, naming what is missing.
    sign_in(page, OFFICER, DEMO_PASSWORD)
    page.get_by_role("link", name="Quality assurance", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="Zara Davies", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name="Return for amendments").click()  # no reason given
    assert "Enter what needs to change" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("What needs to change").fill("Say which reading programme will be used.")
    page.get_by_label("Strengths and barriers to learning").check()
    page.get_by_role("button", name="Return for amendments").click()
    assert "The PEP has been returned" in page.locator(".govuk-notification-banner").inner_text()
    _sign_out(page)

    # The teacher mends it and completes the school's part again; the social worker resubmits.
    sign_in(page, TEACHER, DEMO_PASSWORD)
    _open_pep(page, "Zara Davies")
    banner = page.locator(".govuk-notification-banner", has_text="Returned for amendments")
    assert "Say which reading programme will be used." in banner.inner_text()
    assert_accessible(page)
    banner.get_by_role("link", name="Strengths and barriers to learning").click()
    page.get_by_label("Barriers to learning").fill("Reading fluency: daily Read Write Inc sessions")
    page.get_by_role("button", name="Save and return to the PEP").click()
    page.get_by_role("button", name="Mark the school's part complete").click()
    _sign_out(page)
    sign_in(page, social_worker.email, DEMO_PASSWORD)
    _open_pep(page, "Zara Davies")
    page.get_by_role("button", name="Mark complete and submit to the Virtual School").click()
    _sign_out(page)

    # The Virtual School rates each section and signs it off.
    sign_in(page, OFFICER, DEMO_PASSWORD)
    page.get_by_role("link", name="Quality assurance", exact=True).click()
    page.get_by_role("link", name="Zara Davies", exact=True).click()
    page.get_by_role("button", name="Sign off the PEP").click()  # nothing rated yet
    assert "Rate the section" in page.locator(".govuk-error-summary").inner_text()
    for item in pep_progress(Pep.objects.get(pk=pep.pk)).sections:
        rating = "Amber" if item.section.key == "attendance" else "Green"
        page.locator(f"input[name='rating_{item.section.key}'][value='{rating.lower()}']").check()
    page.get_by_label("Feedback to the social worker and designated teacher").fill("Well done")
    page.get_by_role("button", name="Sign off the PEP").click()
    assert "signed off, rated Green" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)

    # Next term's PEP is there, with the three targets to review.
    page.get_by_role("link", name="Back to Zara Davies").click()
    assert_accessible(page)
    page.get_by_role("link", name=f"PEP {pep.version + 1}", exact=True).click()
    page.get_by_role("link", name="Targets and Pupil Premium Plus").click()
    assert page.get_by_role("heading", name="Review of the previous PEP's targets").is_visible()
    assert page.locator(".govuk-summary-card", has_text="Not reviewed yet").count() == 3
    assert_accessible(page)
