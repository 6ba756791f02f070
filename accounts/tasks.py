"""Thin Celery tasks for accounts: the emails about a person's own account."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from pep_portal.emails import email_send

from .models import User
from .sign_on import sign_on_for_email


def _set_password_link(user: User, url_name: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse(url_name, kwargs={"uidb64": uid, "token": token})


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_invitation(*, user_id: int, inviter_id: int) -> None:
    """The link to choose a password (valid 72 hours, once), or to sign in through the
    council where it signs this person in."""
    user = User.objects.get(pk=user_id)
    inviter = User.objects.get(pk=inviter_id)
    common = {"name": user.get_short_name(), "inviter": inviter.full_name,
              "role": user.get_role_display().lower()}  # fmt: skip
    if sign_on_for_email(user.email):
        link = settings.SITE_URL + reverse("accounts:sign_on")
        kind = "account_invitation_council_sign_in"
    else:
        link = _set_password_link(user, "accounts:invitation_accept")
        kind = "account_invitation"
    email_send(kind=kind, to=user.email, personalisation={**common, "link": link})


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_password_reset(*, email: str) -> int:
    """Email the reset link to the active account with this address, if there is one and it
    signs in with a password. Runs in a worker, so the request's timing tells nothing."""
    if sign_on_for_email(email):
        return 0
    sent = 0
    for user in User.objects.filter(email=email.lower(), is_active=True):
        email_send(
            kind="password_reset",
            to=user.email,
            personalisation={
                "name": user.get_short_name(),
                "link": _set_password_link(user, "accounts:password_reset_confirm"),
            },
        )
        sent += 1
    return sent


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_two_factor_reset_notice(*, user_id: int, actor_id: int) -> None:
    user = User.objects.get(pk=user_id)
    actor = User.objects.get(pk=actor_id)
    email_send(
        kind="two_factor_reset",
        to=user.email,
        personalisation={"name": user.get_short_name(), "actor": actor.full_name},
    )
