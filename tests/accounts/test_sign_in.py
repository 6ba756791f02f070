from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from tests.accounts.factories import TEST_PASSWORD, UserFactory

SIGN_IN = reverse("accounts:sign_in")

LANDING = {
    "social_worker": "children:caseload",
    "designated_teacher": "children:school_children",
    "vs_officer": "reporting:dashboard",
    "vs_head": "reporting:dashboard",
    "carer": "children:carer_home",
    "reviewing_officer": "children:reviewing",
    "system_administrator": "accounts:administration",
}


def sign_in(client, email, password=TEST_PASSWORD, **extra):
    return client.post(SIGN_IN, {"username": email, "password": password}, **extra)


@pytest.mark.parametrize("persona", list(LANDING), indirect=True)
def test_each_role_lands_on_its_own_home_page(client, persona, request):
    response = sign_in(client, persona.email)
    assert response.status_code == 302
    home = client.get(response.url, follow=True)
    assert home.redirect_chain[-1][0] == reverse(LANDING[request.node.callspec.id])
    assert home.status_code == 200
    assert persona.full_name in home.content.decode()


def test_email_is_matched_whatever_its_case(client, social_worker):
    response = sign_in(client, social_worker.email.upper())
    assert response.status_code == 302


@pytest.mark.parametrize("email", ["person-who-exists", "nobody@example.org"])
def test_wrong_password_shows_an_error_summary_that_does_not_say_if_the_email_exists(
    client, social_worker, email
):
    email = social_worker.email if email == "person-who-exists" else email
    response = sign_in(client, email, password="not-the-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Enter a correct email address and password" in html
    assert html.count("Enter a correct email address and password") == 1
    assert "<title>Error: Sign in" in html
    assert "_auth_user_id" not in client.session


def test_empty_form_names_each_missing_field(client, db):
    html = client.post(SIGN_IN, {"username": "", "password": ""}).content.decode()
    assert '<a href="#id_username">Enter your email address</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html


def test_lockout_after_repeated_failures_says_when_to_try_again(client, social_worker, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, social_worker.email, password="wrong-password-again")
    response = sign_in(client, social_worker.email)  # even the right password is refused now
    assert response.status_code == 429
    html = response.content.decode()
    assert "You cannot sign in for now" in html
    assert "Wait 15 minutes, then try again" in html
    assert "_auth_user_id" not in client.session


def test_lockout_ends_after_the_cool_off(client, social_worker, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, social_worker.email, password="wrong-password-again")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = sign_in(client, social_worker.email)
    assert response.status_code == 302


def test_lockout_of_one_account_leaves_another_alone(client, social_worker, settings):
    other = UserFactory(role=Role.SOCIAL_WORKER, virtual_school=social_worker.virtual_school)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, social_worker.email, password="wrong-password-again")
    assert sign_in(client, other.email).status_code == 302


def test_session_ends_after_30_idle_minutes(client, social_worker):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, social_worker.email)
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get(reverse("children:caseload")).status_code == 200
    # Each request pushed expiry on: 29 minutes after that last request it is still alive.
    with time_machine.travel(start + timedelta(minutes=58), tick=False):
        assert client.get(reverse("children:caseload")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=89), tick=False):
        response = client.get(reverse("children:caseload"))
    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)


def test_sign_out_needs_a_post_and_ends_the_session(client, social_worker):
    client.force_login(social_worker)
    assert client.get(reverse("accounts:sign_out")).status_code == 405
    response = client.post(reverse("accounts:sign_out"))
    assert response.url == SIGN_IN
    assert client.get(reverse("children:caseload")).status_code == 302


def test_signed_in_person_visiting_sign_in_goes_home(client, social_worker):
    client.force_login(social_worker)
    response = client.get(SIGN_IN)
    assert response.status_code == 302


def test_inactive_user_cannot_sign_in(client, social_worker):
    social_worker.is_active = False
    social_worker.save()
    html = sign_in(client, social_worker.email).content.decode()
    assert "Enter a correct email address and password" in html


def test_passwords_are_hashed_with_argon2(social_worker):
    assert social_worker.password.startswith("argon2")
