import re

from django.core import mail
from django.urls import reverse

from tests.accounts.factories import TEST_PASSWORD

NEW_PASSWORD = "a-new-long-passphrase-2026"


def test_reset_sends_a_link_that_sets_a_new_password(client, carer):
    response = client.post(reverse("accounts:password_reset"), {"email": carer.email.upper()})
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [carer.email]
    link = re.search(r"http://testserver(/account/password-reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.url == reverse("accounts:password_reset_complete")
    carer.refresh_from_db()
    assert carer.check_password(NEW_PASSWORD)


def test_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_reset_with_a_malformed_email_explains(client, db):
    html = client.post(reverse("accounts:password_reset"), {"email": "not-an-email"}).content
    assert b"Enter an email address in the correct format" in html


def test_a_used_reset_link_says_it_does_not_work(client, carer):
    client.post(reverse("accounts:password_reset"), {"email": carer.email})
    link = re.search(r"http://testserver(/account/password-reset/\S+/)", mail.outbox[0].body)
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
