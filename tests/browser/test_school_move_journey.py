from datetime import timedelta

import pytest
from django.utils import timezone

from children.models import Child, PlannedSchoolMove
from pep_portal.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import assert_accessible, fill_date, sign_in
from tests.demo_data import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_school_move_restarts_the_clock_on_every_page_and_a_planned_one_waits(
    page, page_without_javascript
):
    seed_demo()
    child = Child.objects.get(legal_first_name="Zara", legal_last_name="Davies")
    pep = child.peps.exclude(state="signed_off").get()
    was_due = pep.due_date
    old_school = child.enrolments.get(end_date__isnull=True).school
    today = timezone.localdate()
    assert was_due < today  # the demo's PEP is overdue

    sign_in(page, "officer@northshire.example", DEMO_PASSWORD)
    page.goto(f"/children/{child.pk}/")
    page.get_by_role("link", name="Add a school or plan a move").click()
    assert_accessible(page)
    new_school = "Northshire Academy" if old_school.name != "Northshire Academy" else "Riverside"
    # The school is found by searching the register: suggestions appear as the officer types.
    page.get_by_label("School", exact=True).fill(new_school[:8])
    suggestion = page.get_by_role("option", name=new_school)
    suggestion.wait_for()
    assert_accessible(page)
    suggestion.click()
    assert page.get_by_label("School", exact=True).input_value().startswith(f"{new_school} (URN")
    fill_date(page, "start_date", today)
    page.get_by_label("Full time").check()
    page.get_by_label("This is a school move").check()
    page.get_by_role("button", name="Save the school").click()
    assert "The school has been recorded" in page.locator(".govuk-notification-banner").inner_text()

    pep.refresh_from_db()
    assert pep.due_date > today
    assert pep.due_reason.startswith(f"Was due {was_due:%-d %B %Y} (overdue)")
    page.goto(f"/peps/{pep.pk}/")
    due_row = page.locator(".govuk-summary-list__row", has_text="Due").first.inner_text()
    assert f"{pep.due_date:%-d %B %Y}" in due_row and "makes it due by" in due_row
    assert_accessible(page)
    page.goto("/deadlines/")
    assert pep.due_reason in page.locator("main").inner_text()
    assert_accessible(page)

    # The social worker sees the same on their caseload.
    social_worker = child.allocations.get(end_date__isnull=True).social_worker
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, social_worker.email, DEMO_PASSWORD)
    caseload = page.locator("main").inner_text()
    assert f"Due {pep.due_date:%-d %B %Y}" in caseload and pep.due_reason in caseload
    page.goto("/deadlines/")
    page.get_by_role("link", name="Choose how often you get reminder emails").click()
    assert_accessible(page)
    assert page.get_by_label("Every day that something needs me").is_checked()
    page.get_by_label("Once a week, on Mondays").check()
    page.get_by_role("button", name="Save your choice").click()
    assert "saved" in page.locator(".govuk-notification-banner").inner_text()

    # A move known in advance changes nothing until its day, and can be cancelled.
    # Without JavaScript the search is a plain box: the schools found come back as radios.
    page.get_by_role("button", name="Sign out").click()
    plain = page_without_javascript
    sign_in(plain, "officer@northshire.example", DEMO_PASSWORD)
    plain.goto(f"/children/{child.pk}/schools/add/")
    plain.get_by_label("School", exact=True).fill(old_school.name.split()[0].lower())
    fill_date(plain, "start_date", today + timedelta(days=10))
    plain.get_by_label("Full time").check()
    plain.get_by_label("This is a school move").check()
    plain.get_by_role("button", name="Save the school").click()
    assert "Choose the school from the" in plain.locator(".govuk-error-summary").inner_text()
    plain.get_by_role("radio", name=old_school.name).check()
    plain.get_by_role("button", name="Save the school").click()
    banner = plain.locator(".govuk-notification-banner").inner_text()
    assert f"The move to {old_school.name} is planned for" in banner
    assert child.enrolments.get(end_date__isnull=True).school.name == new_school

    sign_in(page, "officer@northshire.example", DEMO_PASSWORD)
    page.goto(f"/children/{child.pk}/")
    assert "is planned for" in page.locator(".govuk-inset-text").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Cancel the planned move").click()
    assert "has been cancelled" in page.locator(".govuk-notification-banner").inner_text()
    assert not PlannedSchoolMove.objects.get(child=child).is_pending
