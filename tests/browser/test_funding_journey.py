"""The designated teacher asks for PP+, the Virtual School approves it, the report shows it."""

import pytest
from django.core.management import call_command

from children.models import Child
from pep_portal.management.commands.seed_demo import DEMO_PASSWORD
from peps import demo, workflow
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pp_plus_request_from_target_to_report(page):
    call_command("seed_demo", force=True)
    child = Child.objects.get(legal_first_name="Zara", legal_last_name="Davies")
    pep = child.peps.exclude(state="signed_off").get()  # after the demo's two signed-off terms
    teacher = child.enrolments.get(end_date__isnull=True).school.staff.get()
    social_worker = child.allocations.get(end_date__isnull=True).social_worker
    demo.fill_school_part(pep, teacher)
    maths = pep.targets.get(subject="Maths")

    sign_in(page, teacher.email, DEMO_PASSWORD)
    page.goto(f"/peps/{pep.pk}/")
    page.get_by_role("link", name="See the PP+ asked for and decided").click()
    assert_accessible(page)
    page.locator(f"a[href='/peps/{pep.pk}/pupil-premium-plus/{maths.pk}/']").click()
    page.get_by_label("One-to-one tuition").check()
    page.get_by_role("button", name="Save the request").click()
    assert "Choose who arranges the tuition" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("The school claims the PP+ and arranges it").check()
    page.get_by_role("button", name="Save the request").click()
    assert (
        "The PP+ request has been saved" in page.locator(".govuk-notification-banner").inner_text()
    )
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    workflow.pep_complete_school_part(pep=pep, actor=teacher)
    demo.fill_social_worker_part(pep, social_worker)
    workflow.pep_submit(pep=pep, actor=social_worker)

    sign_in(page, "officer@northshire.example", DEMO_PASSWORD)
    page.goto(f"/peps/{pep.pk}/pupil-premium-plus/")
    page.locator(f"a[href='/peps/{pep.pk}/pupil-premium-plus/{maths.pk}/decision/']").click()
    assert_accessible(page)
    page.get_by_label("Part approved").check()
    page.get_by_role("button", name="Save the decision").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter an amount more than £0 and less than £260.00" in summary
    page.get_by_label("Approved", exact=True).check()
    page.get_by_role("button", name="Save the decision").click()
    assert "Approved: £260.00" in page.locator("main table").inner_text()

    page.get_by_role("link", name="Pupil Premium Plus", exact=True).click()
    assert_accessible(page)
    assert "Zara Davies: £260.00 to Riverside Primary School" in page.locator("main").inner_text()
    by_school = page.locator("table", has_text="By school").inner_text()
    assert "Riverside Primary School" in by_school and "£260.00" in by_school
