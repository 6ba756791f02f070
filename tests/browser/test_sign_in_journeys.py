import pytest

from pep_portal.management.commands.seed_demo import DEMO_PASSWORD, PEOPLE
from tests.browser.conftest import assert_accessible, sign_in
from tests.demo_data import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOME_HEADINGS = {
    "social_worker": "My caseload",
    "designated_teacher": "Children at my school",
    "vs_officer": "Dashboard",
    "vs_head": "Dashboard",
    "carer": "Your children",
    "reviewing_officer": "Children you review",
    "system_administrator": "Administration",
}


def test_each_demo_role_signs_in_to_an_accessible_home_page_and_signs_out(page):
    seed_demo()
    page.goto("/account/sign-in/")
    assert_accessible(page)
    for email, name, role, *_ in PEOPLE:
        sign_in(page, email, DEMO_PASSWORD)
        heading = page.get_by_role("heading", level=1)
        assert heading.inner_text() == HOME_HEADINGS[role], email
        assert name in page.locator(".app-signed-in").inner_text()
        assert_accessible(page)
        page.get_by_role("button", name="Sign out").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Sign in to PEP Portal"


def test_each_error_summary_link_moves_focus_to_its_field(page, db):
    page.goto("/account/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    links = summary.locator("a")
    assert links.count() == 2
    for index in range(links.count()):
        link = links.nth(index)
        target = link.get_attribute("href").lstrip("#")
        link.click()
        assert page.evaluate("() => document.activeElement.id") == target


def test_wrong_password_and_lockout_messages_are_accessible(page, settings):
    seed_demo()
    email = PEOPLE[0][0]
    sign_in(page, email, "not-the-password")
    assert (
        "Enter a correct email address and password"
        in page.locator(".govuk-error-summary").inner_text()
    )
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(page, email, "not-the-password")
    assert page.get_by_role("heading", level=1).inner_text() == "You cannot sign in for now"
    assert_accessible(page)


def test_sign_in_works_without_javascript(page_without_javascript):
    seed_demo()
    page = page_without_javascript
    sign_in(page, PEOPLE[0][0], DEMO_PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "My caseload"
