import re

from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests.accounts.factories import TEST_PASSWORD

NEW_PASSWORD = "a-new-long-passphrase-2026"
LINK = re.escape(settings.SITE_URL) + r"(/account/password-reset/\S+/)"


def _ask_for_reset(client, email, capture):
    with capture(execute=True):
        return client.post(reverse("accounts:password_reset"), {"email": email})


def test_reset_sends_a_link_that_sets_a_new_password(
    client, carer, django_capture_on_commit_callbacks
):
    response = _ask_for_reset(client, carer.email.upper(), django_capture_on_commit_callbacks)
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [carer.email]
    link = re.search(LINK, message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.url == reverse("accounts:password_reset_complete")
    carer.refresh_from_db()
    assert carer.check_password(NEW_PASSWORD)


def test_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(
    client, db, django_capture_on_commit_callbacks
):
    response = _ask_for_reset(client, "nobody@example.org", django_capture_on_commit_callbacks)
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_reset_with_a_malformed_email_explains(client, db):
    html = client.post(reverse("accounts:password_reset"), {"email": "not-an-email"}).content
    assert b"Enter an email address in the correct format" in html


def test_a_used_reset_link_says_it_does_not_work(client, carer, django_capture_on_commit_callbacks):
    _ask_for_reset(client, carer.email, django_capture_on_commit_callbacks)
    link = re.search(LINK, mail.outbox[0].body)
    page = client.get(link.group(1), follow=True)
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    again = client.get(link.group(1), follow=True)
    assert "This link does not work" in again.content.decode()


def test_change_password(client, social_worker):
    client.force_login(social_worker)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert "Your password has been changed" in response.content.decode()
    social_worker.refresh_from_db()
    assert social_worker.check_password(NEW_PASSWORD)


def test_change_password_with_wrong_current_password_explains_and_changes_nothing(
    client, social_worker
):
    client.force_login(social_worker)
    html = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    ).content.decode()
    assert '<a href="#id_old_password">Your current password is not right' in html
    social_worker.refresh_from_db()
    assert social_worker.check_password(TEST_PASSWORD)


def test_a_short_new_password_is_refused(client, social_worker):
    client.force_login(social_worker)
    html = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "short", "new_password2": "short"},
    ).content.decode()
    assert "This password is too short" in html


def test_the_reset_is_sent_by_a_task_after_the_request(
    client, carer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("accounts:password_reset"), {"email": carer.email})
    assert mail.outbox == []  # nothing was looked up or sent inside the request
    assert len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [[carer.email]]


def test_resets_for_one_address_are_limited_and_the_page_does_not_say(
    client, carer, settings, django_capture_on_commit_callbacks
):
    for _ in range(settings.PASSWORD_RESETS_PER_EMAIL + 2):
        response = _ask_for_reset(client, carer.email, django_capture_on_commit_callbacks)
        assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == settings.PASSWORD_RESETS_PER_EMAIL


def test_a_client_that_asks_too_often_is_told_to_wait(
    client, db, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESETS_PER_ADDRESS = 3
    for number in range(3):
        _ask_for_reset(client, f"person{number}@example.org", django_capture_on_commit_callbacks)
    response = _ask_for_reset(client, "another@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 429
    assert "Too many password resets" in response.content.decode()
