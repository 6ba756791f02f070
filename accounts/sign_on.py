"""Single sign-on through a Virtual School's OpenID Connect provider (Authlib's client).

The authorisation code flow with PKCE, state and nonce; the ID token's signature (the
provider's published keys), issuer, audience (our client id), expiry and nonce are checked by
Authlib before any claim is read. Then the person must already have an active account with
that email, at a domain that this provider is configured for: no account is ever created.
"""

import hashlib
import logging

from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.urls import reverse

from .models import SingleSignOn, User

logger = logging.getLogger(__name__)

_oauth = OAuth()


class SignOnRefused(Exception):
    """What the person is told; the log says which check failed, without their address."""


def sign_on_for_email(email: str) -> SingleSignOn | None:
    domain = email.rsplit("@", 1)[-1].lower() if "@" in email else ""
    if not domain:
        return None
    for sign_on in SingleSignOn.objects.filter(is_active=True).select_related("virtual_school"):
        if domain in sign_on.domains:
            return sign_on
    return None


def _client(sign_on: SingleSignOn):
    """One Authlib client per provider configuration: named by what it is configured with, so
    that any change makes a new one (a name from the time of the change kept the old client
    when the configuration changed twice within a second)."""
    configured = "\n".join(
        [str(sign_on.virtual_school_id), sign_on.issuer, sign_on.client_id, sign_on.client_secret]
    )
    name = f"vs{sign_on.virtual_school_id}-{hashlib.sha256(configured.encode()).hexdigest()[:16]}"
    client = _oauth.create_client(name)
    if client is None:
        client = _oauth.register(
            name=name,
            client_id=sign_on.client_id,
            client_secret=sign_on.client_secret,
            server_metadata_url=sign_on.issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={
                "scope": "openid email profile",
                "code_challenge_method": "S256",
                "timeout": settings.SINGLE_SIGN_ON_TIMEOUT,
            },
        )
    return client


def redirect_uri() -> str:
    return settings.SITE_URL + reverse("accounts:sign_on_callback")


def sign_on_start(request, sign_on: SingleSignOn):
    request.session["sign_on_id"] = sign_on.pk
    return _client(sign_on).authorize_redirect(request, redirect_uri())


def sign_on_finish(request) -> User:
    """Check the provider's answer and return the account it proves; raise SignOnRefused."""
    sign_on = SingleSignOn.objects.filter(
        pk=request.session.pop("sign_on_id", None), is_active=True
    ).first()
    if sign_on is None:
        raise SignOnRefused("Your sign-in took too long or was started elsewhere: try again")
    try:
        token = _client(sign_on).authorize_access_token(request, leeway=60)
    except OAuthError as error:
        logger.warning("single sign-on refused by the provider: %s", error.error)
        raise SignOnRefused("Your council did not sign you in: try again") from error
    except Exception as error:  # a bad signature, audience, issuer, expiry or nonce
        logger.warning("single sign-on token rejected: %s", type(error).__name__)
        raise SignOnRefused("Your council's answer could not be checked: try again") from error
    claims = token.get("userinfo") or {}
    email = str(claims.get("email") or claims.get("preferred_username") or "").lower()
    if claims.get("email_verified") is False or not email:
        logger.warning("single sign-on without a verified email")
        raise SignOnRefused("Your council did not say which email address is yours")
    if email.rsplit("@", 1)[-1] not in sign_on.domains:
        logger.warning("single sign-on for a domain this provider does not sign in")
        raise SignOnRefused("That account is not one your council signs in here")
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None:
        logger.info("single sign-on for an address with no active account")
        raise SignOnRefused(
            "You do not have a PEP Portal account, or it has been closed. Ask your Virtual "
            "School to add you"
        )
    return user
