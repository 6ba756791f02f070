"""Keep a form that was sent after its session ended, to show it again once the person has
signed back in.

Someone who types for longer than the idle timeout and presses Save is sent to sign in. Their
post is not lost: it is encrypted (Fernet, with a key derived from SECRET_KEY) and kept in the
cache, never on disk, for an hour, against the person whose session it was and the page it was
sent to, with a random reference in a cookie of that browser. When that same person opens that
page again after signing in (with a password, a security code or single sign-on, whichever way
`next` brings them back), the page shows the form filled in with what they typed and a banner
saying it has not been saved yet. It is shown once and then discarded. Nothing is ever saved
or done from it: only the person pressing the button again saves it.

Only the views marked with `@keeps_post_after_sign_out` take part, each of which renders its
form from the kept data without acting on it (see `kept_post`).
"""

import base64
import hashlib
import json
import secrets
import time
from functools import wraps

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import QueryDict

COOKIE = "pep_kept_form"
KEEP_SECONDS = 60 * 60
NOT_SAVED = (
    "You were signed out before this was saved. What you typed is below: it has not been "
    "saved yet. Check it and save it."
)
# What a form sends that is not the person's typing.
_NOT_KEPT = {"csrfmiddlewaretoken"}


def keeps_post_after_sign_out(view):
    """Mark a view whose form is kept when it is sent after the session ended."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if getattr(request, "_kept_post_taken", False):
            response.delete_cookie(COOKIE, samesite="Lax")
        return response

    wrapped.keeps_post_after_sign_out = True
    return wrapped


def _fernet() -> Fernet:
    digest = hashlib.sha256(f"pep-portal kept forms:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _cache_key(reference: str) -> str:
    return f"kept-form:{hashlib.sha256(reference.encode()).hexdigest()}"


def keep(request, *, user_id) -> str:
    """Keep this POST for `user_id`; returns the reference to set in the browser's cookie."""
    data = {key: request.POST.getlist(key) for key in request.POST if key not in _NOT_KEPT}
    payload = json.dumps({"user": str(user_id), "path": request.path, "data": data})
    reference = secrets.token_urlsafe(32)
    token = _fernet().encrypt_at_time(payload.encode(), int(time.time()))
    cache.set(_cache_key(reference), token, KEEP_SECONDS)
    return reference


def kept_post(request) -> QueryDict | None:
    """On a GET by a signed-in person: the form they sent to this page after their session
    ended, if there is one for them, once (it is discarded as it is read). Pass it to the
    form as its data and render the page; never save from it."""
    if request.method != "GET" or not request.user.is_authenticated:
        return None
    reference = request.COOKIES.get(COOKIE)
    if not reference:
        return None
    key = _cache_key(reference)
    token = cache.get(key)
    if token is None:
        return None
    try:
        payload = json.loads(_fernet().decrypt(token, ttl=KEEP_SECONDS))
    except (InvalidToken, ValueError):
        cache.delete(key)
        return None
    if payload["user"] != str(request.user.pk) or payload["path"] != request.path:
        return None  # someone else's, or another page's: left for its owner and page
    cache.delete(key)
    request._kept_post_taken = True
    data = QueryDict(mutable=True)
    for name, values in payload["data"].items():
        data.setlist(name, values)
    messages.warning(request, NOT_SAVED)
    return data


class KeptPostMiddleware:
    """Keeps the post of a marked view that arrives after its session ended
    (`SessionIdleTimeoutMiddleware` says whose it was). It runs after the CSRF check, so only
    a form the person's own browser sent from this service is kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        reference = getattr(request, "_kept_post_reference", None)
        if reference:
            response.set_cookie(
                COOKIE,
                reference,
                max_age=KEEP_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(self, request, view, args, kwargs):
        user_id = getattr(request, "session_ended_for", None)
        if (
            request.method == "POST"
            and user_id is not None
            and not request.user.is_authenticated
            and getattr(view, "keeps_post_after_sign_out", False)
            and not request.FILES
        ):
            request._kept_post_reference = keep(request, user_id=user_id)
        return None
