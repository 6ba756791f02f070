"""A form sent after the session's idle timeout is kept for its person, shown back to them
once after they sign in again, never saved or shown to anyone else."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pep_portal import kept_posts
from peps.models import SectionAnswer
from tests.accounts.factories import TEST_PASSWORD

SIGN_IN = reverse("accounts:sign_in")
TYPED = "Moved to a new foster home in May; settling well at school."


def _sign_in(client, user):
    response = client.post(SIGN_IN, {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return response


@pytest.fixture
def section_url(pep):
    return reverse("peps:section", args=[pep.pk, "case_details"])


@pytest.fixture
def expired(client, world, section_url):
    """The social worker opened the section, then typed for longer than the idle timeout
    and pressed Save: they are sent to sign in, and their post is kept."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _sign_in(client, world.allocated_social_worker)
        assert client.get(section_url).status_code == 200
    later = start + timedelta(minutes=40)
    with time_machine.travel(later, tick=False):
        response = client.post(section_url, {"version": 0, "changes_since_last_pep": TYPED})
    assert response.status_code == 302
    assert response.url == f"{SIGN_IN}?next={section_url}"
    assert kept_posts.COOKIE in response.cookies
    return later


def test_the_post_is_shown_back_after_signing_in_with_a_banner_and_not_saved(
    client, world, pep, section_url, expired
):
    with time_machine.travel(expired + timedelta(minutes=2), tick=False):
        response = client.post(
            f"{SIGN_IN}?next={section_url}",
            {"username": world.allocated_social_worker.email, "password": TEST_PASSWORD},
        )
        assert response.url == section_url
        page = client.get(section_url)
    html = page.content.decode()
    assert TYPED in html
    assert "it has not been saved yet" in html
    assert "govuk-notification-banner" in html
    assert not SectionAnswer.objects.filter(pep=pep).exists()  # nothing was saved or replayed
    assert page.cookies[kept_posts.COOKIE].value == ""  # the reference is cleared
    # Shown once: opening the page again shows the saved (empty) section.
    again = client.get(section_url).content.decode()
    assert TYPED not in again and "not been saved yet" not in again
    # Saving it is the person's own act, and works.
    saved = client.post(section_url, {"version": 0, "changes_since_last_pep": TYPED})
    assert saved.status_code == 302
    assert SectionAnswer.objects.get(pep=pep).answers["changes_since_last_pep"] == TYPED


def test_the_post_is_kept_encrypted_and_without_the_csrf_token(client, expired):
    reference = client.cookies[kept_posts.COOKIE].value
    stored = cache.get(kept_posts._cache_key(reference))
    assert stored is not None
    assert TYPED.encode() not in stored and b"Moved" not in stored


def test_someone_else_signing_in_on_that_browser_never_sees_it(client, world, section_url, expired):
    # The designated teacher may open the section page too (read only for this section).
    client.cookies.pop("sessionid", None)
    with time_machine.travel(expired + timedelta(minutes=1), tick=False):
        _sign_in(client, world.vs_officer)
        html = client.get(section_url).content.decode()
    assert TYPED not in html and "not been saved yet" not in html
    # It is still there for the social worker.
    client.post(reverse("accounts:sign_out"))
    with time_machine.travel(expired + timedelta(minutes=2), tick=False):
        _sign_in(client, world.allocated_social_worker)
        assert TYPED in client.get(section_url).content.decode()


def test_it_is_not_shown_on_another_page(client, world, pep, expired):
    with time_machine.travel(expired + timedelta(minutes=1), tick=False):
        _sign_in(client, world.allocated_social_worker)
        other = reverse("peps:section", args=[pep.pk, "care_placement"])
        assert "not been saved yet" not in client.get(other).content.decode()


def test_it_expires_after_an_hour(client, world, section_url, expired):
    with time_machine.travel(expired + timedelta(minutes=61), tick=False):
        _sign_in(client, world.allocated_social_worker)
        html = client.get(section_url).content.decode()
    assert TYPED not in html and "not been saved yet" not in html


def test_a_post_that_fails_the_csrf_check_is_not_kept(world, pep, section_url):
    browser = Client(enforce_csrf_checks=True)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        browser.force_login(world.allocated_social_worker)
        browser.get(section_url)
    with time_machine.travel(start + timedelta(minutes=40), tick=False):
        response = browser.post(section_url, {"version": 0, "changes_since_last_pep": TYPED})
    assert response.status_code == 403
    assert kept_posts.COOKIE not in response.cookies


def test_a_post_from_a_session_that_never_was_is_not_kept(client, section_url):
    response = client.post(section_url, {"version": 0, "changes_since_last_pep": TYPED})
    assert response.status_code == 302
    assert kept_posts.COOKIE not in response.cookies


def test_pages_say_how_long_the_session_has_left_and_stay_signed_in_refreshes_it(
    client, world, section_url
):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _sign_in(client, world.allocated_social_worker)
        html = client.get(section_url).content.decode()
    assert 'data-seconds-left="1800"' in html
    assert 'id="timeout-warning"' in html and "timeout-warning.js" in html
    assert "is kept for you to save when you sign in again" in html  # a page that keeps it
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        response = client.get(reverse("session_keep_alive"))
    assert response.status_code == 204
    assert response["Session-Seconds-Left"] == "1800"
    with time_machine.travel(start + timedelta(minutes=58), tick=False):
        assert client.get(section_url).status_code == 200  # still signed in


def test_stay_signed_in_after_the_timeout_is_refused(client, world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _sign_in(client, world.allocated_social_worker)
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        response = client.get(reverse("session_keep_alive"))
    assert response.status_code == 302


def test_after_signing_in_with_a_security_code_the_form_is_shown_back(
    client, world, pep, section_url, settings
):
    from tests.accounts.test_two_factor import code_for, with_app

    settings.TWO_FACTOR_REQUIRED = True
    device = with_app(world.allocated_social_worker)
    start = timezone.now() - timedelta(minutes=45)
    with time_machine.travel(start, tick=False):
        client.force_login(world.allocated_social_worker)
        assert client.get(section_url).status_code == 200
    with time_machine.travel(start + timedelta(minutes=40), tick=False):
        sent = client.post(section_url, {"version": 0, "changes_since_last_pep": TYPED})
        assert sent.url == f"{SIGN_IN}?next={section_url}"
        step = client.post(
            sent.url,
            {"username": world.allocated_social_worker.email, "password": TEST_PASSWORD},
        )
        assert step.url == reverse("accounts:sign_in_code")
        signed_in = client.post(step.url, {"code": code_for(device)})
        assert signed_in.url == section_url
        html = client.get(section_url).content.decode()
    assert TYPED in html and "it has not been saved yet" in html
    assert not SectionAnswer.objects.filter(pep=pep).exists()
