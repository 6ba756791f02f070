"""Nothing typed is lost: the timeout warning, a Save pressed after the session ended, and the
form shown back after signing in again; and questions revealed by the choice they belong to,
with JavaScript and without."""

import pytest
from django.urls import reverse

from peps.models import SectionAnswer
from tests.accounts.factories import TEST_PASSWORD
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPED = "Moved to a new foster home in May. Settling well, and back in the school choir."
CHANGES = "Changes in the child's circumstances since the last PEP"


def test_typed_work_survives_the_session_ending_and_choices_reveal_their_questions(
    page, page_without_javascript, world, pep, settings
):
    # A session that ends after 12 idle seconds, warned of 8 seconds before.
    settings.SESSION_IDLE_SECONDS = 12
    settings.SESSION_WARNING_SECONDS = 8
    settings.SESSION_REFRESH_SECONDS = 1
    worker = world.allocated_social_worker
    section = reverse("peps:section", args=[pep.pk, "case_details"])

    sign_in(page, worker.email, TEST_PASSWORD)
    page.goto(section)
    page.get_by_label(CHANGES).fill(TYPED)

    # The warning opens a few seconds before the end; staying signed in starts the clock again.
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    dialog.wait_for(state="visible", timeout=10_000)
    assert "we will sign you out in" in dialog.inner_text()
    assert_accessible(page)
    dialog.get_by_role("button", name="Stay signed in").click()
    assert not dialog.is_visible()

    # This time nobody answers: the dialog says they have been signed out.
    ended = page.get_by_role("dialog", name="You have been signed out")
    ended.wait_for(state="visible", timeout=20_000)
    assert "what you typed will be shown to you again" in ended.inner_text()
    assert_accessible(page)
    ended.get_by_role("button", name="Back to the page").click()
    page.wait_for_timeout(1500)  # the server's clock passes the end too

    # Save: they are asked to sign in, and then see their words again, not yet saved.
    page.get_by_role("button", name="Save and return to the PEP").click()
    assert page.url.endswith(f"/account/sign-in/?next={section}")
    page.get_by_label("Email address").fill(worker.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.url.endswith(section)
    assert page.get_by_label(CHANGES).input_value() == TYPED
    banner = page.locator(".govuk-notification-banner")
    assert "it has not been saved yet" in banner.inner_text()
    assert not SectionAnswer.objects.filter(pep=pep).exists()
    assert_accessible(page)
    page.get_by_role("button", name="Save and return to the PEP").click()
    saved = page.locator(".govuk-notification-banner--success").inner_text()
    assert "Child and case details: saved" in saved
    assert SectionAnswer.objects.get(pep=pep).answers["changes_since_last_pep"] == TYPED

    # Arranging the meeting: the place shows under "In person", the link under "Online".
    settings.SESSION_IDLE_SECONDS = 30 * 60
    page.goto(reverse("meetings:schedule", args=[pep.pk]))
    place, link = page.get_by_label("Where (in person)"), page.get_by_label("Link to join (online)")
    assert not place.is_visible() and not link.is_visible()
    assert "For example, 27 3" in page.locator("#id_day_hint").inner_text()
    page.get_by_role("radio", name="Online").check()
    assert link.is_visible() and not place.is_visible()
    link.focus()
    assert link.evaluate("e => getComputedStyle(e).outlineColor") == "rgb(255, 221, 0)"
    assert_accessible(page)
    page.get_by_role("radio", name="In person").check()
    assert place.is_visible() and not link.is_visible()

    # Without JavaScript every revealed question shows, and no timeout warning appears.
    plain = page_without_javascript
    sign_in(plain, worker.email, TEST_PASSWORD)
    plain.goto(reverse("meetings:schedule", args=[pep.pk]))
    assert plain.get_by_label("Where (in person)").is_visible()
    assert plain.get_by_label("Link to join (online)").is_visible()
    assert not plain.locator("#timeout-warning").is_visible()
