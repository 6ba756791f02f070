"""The designated teacher asks for PP+, the Virtual School approves it, the report shows it."""

import pytest

from children.models import Child
from funding.models import PpPlusRequest
from pep_portal.management.commands.seed_demo import DEMO_PASSWORD
from peps import demo, workflow
from tests.browser.conftest import assert_accessible, sign_in
from tests.demo_data import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pp_plus_request_from_target_to_report(page):
    seed_demo()
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

    # A PEP waiting for quality assurance with its PP+ undecided: sign-off is refused, naming
    # each request, until the Virtual School decides them.
    waiting = (
        PpPlusRequest.objects.filter(decision="pending", target__pep__state="submitted")
        .exclude(target__pep=pep)
        .select_related("target__pep")
        .first()
    )
    assert waiting is not None
    other = waiting.target.pep
    undecided = list(PpPlusRequest.objects.filter(target__pep=other, decision="pending"))
    page.goto(f"/peps/{other.pk}/quality-assurance/")
    assert "Who arranges tuition in the targets section" in page.locator("main").inner_text()
    for radio in page.locator("input[type=radio][value=green]").all():
        radio.check()
    page.get_by_role("button", name="Sign off the PEP").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    for request in undecided:
        assert f"Decide the PP+ request for “{request.target}”" in summary
    assert_accessible(page)
    for request in undecided:
        page.goto(f"/peps/{other.pk}/pupil-premium-plus/{request.target_id}/decision/")
        page.get_by_label("Approved", exact=True).check()
        page.get_by_role("button", name="Save the decision").click()
        assert (
            "The decision has been saved" in page.locator(".govuk-notification-banner").inner_text()
        )
    page.goto(f"/peps/{other.pk}/quality-assurance/")
    for radio in page.locator("input[type=radio][value=green]").all():
        radio.check()
    page.get_by_role("button", name="Sign off the PEP").click()
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert "The PEP has been signed off, rated Green" in banner
    assert_accessible(page)
