"""A system administrator's first sign-in with two-factor sign-in required: set up the app
from the page, keep the recovery codes, invite a person, sign out, and sign in again with a
code. Each page is checked with axe-core."""

import base64
import re

import pytest
from django_otp.oath import totp

from accounts.models import Role, User
from tests.accounts.factories import TEST_PASSWORD, UserFactory
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code_from(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed from the page (`steps_ahead` 30
    seconds from now: each code works once, and the next window's is accepted early)."""
    key = secret.replace(" ", "")
    key = base64.b32decode(key + "=" * (-len(key) % 8))
    return f"{totp(key, drift=steps_ahead):06d}"


def test_set_up_sign_in_with_a_code_and_invite_a_person(page, settings, tmp_path):
    settings.TWO_FACTOR_REQUIRED = True
    admin = UserFactory(role=Role.SYSTEM_ADMINISTRATOR, email="admin@council.example")

    sign_in(page, admin.email, TEST_PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Set up two-factor sign-in"
    assert page.get_by_role("img", name=re.compile("QR code")).is_visible()
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator(".app-secret-key").inner_text()
    assert_accessible(page)
    page.screenshot(path=tmp_path / "set-up.png", full_page=True)

    page.get_by_label("Code from the app").fill("000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    assert "The code is not right" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.wait_for_timeout(1100)  # a wrong code makes the next check wait a second
    page.get_by_label("Code from the app").fill(_code_from(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Two-factor sign-in is on"
    assert page.locator(".app-recovery-codes li").count() == 10
    assert_accessible(page)
    page.get_by_role("link", name="I have saved my codes: continue").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Administration"

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
    page.get_by_role("link", name="Add a person").click()
    page.get_by_role("button", name="Send the invitation").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter the person's name" in summary.inner_text()
    assert_accessible(page)
    page.get_by_label("Full name").fill("Ruth Adeyemi")
    page.get_by_label("Email address").fill("ruth@iro.example")
    page.get_by_label("Role").select_option(label="Independent reviewing officer")
    page.get_by_role("button", name="Send the invitation").click()
    assert "Ruth Adeyemi has been sent an invitation" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Ruth Adeyemi").is_visible()
    assert_accessible(page)
    page.screenshot(path=tmp_path / "people.png", full_page=True)
    assert User.objects.get(email="ruth@iro.example").role == Role.REVIEWING_OFFICER

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, admin.email, TEST_PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Enter your security code"
    assert_accessible(page)
    page.screenshot(path=tmp_path / "code.png", full_page=True)
    page.get_by_label("Security code").fill(_code_from(secret, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Administration"
