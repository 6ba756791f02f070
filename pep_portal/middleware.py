import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY


class ContentSecurityPolicyMiddleware:
    """Send a strict Content Security Policy: no inline scripts or styles anywhere.

    Templates load every script and stylesheet from /static/, so the policy needs no nonces.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on what a browser or a proxy must not keep: every response to a
    signed-in person (pages with personal data, on a shared computer in a school office or a
    foster home) unless the view chose its own, and every download or export, whoever asks.
    Static files never reach here: WhiteNoise, earlier in MIDDLEWARE, serves them with their
    long-lived caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        download = response.get("Content-Disposition", "").startswith("attachment")
        if download and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        elif "Cache-Control" not in response:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                response["Cache-Control"] = "no-store"
        return response


class SessionIdleTimeoutMiddleware:
    """End a session after SESSION_IDLE_SECONDS idle seconds without writing it on every request.

    The session carries when it was last refreshed. A request more than SESSION_REFRESH_SECONDS
    after that refreshes it (one write, which also pushes the store's expiry on); one more than
    SESSION_IDLE_SECONDS after it finds the session ended and flushes it, so the timeout holds
    even where the store keeps a session longer (a cache's clock, a restored backup). The store
    does keep it longer (SESSION_COOKIE_AGE), so that this middleware is what ends it and can
    say whose it was (`request.session_ended_for`): a form sent then is kept for them
    (`pep_portal.kept_posts`).
    """

    KEY = "_last_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        now = int(time.time())
        refreshed = session.get(self.KEY)
        request.session_ended_for = None
        if refreshed is not None and now - refreshed >= settings.SESSION_IDLE_SECONDS:
            request.session_ended_for = session.get(SESSION_KEY)
            session.flush()
        response = self.get_response(request)
        session = request.session  # signing in or out may have replaced it
        if not session.is_empty() and (
            session.get(self.KEY) is None
            or now - session[self.KEY] >= settings.SESSION_REFRESH_SECONDS
        ):
            session[self.KEY] = now
        return response


def session_signed_in(sender, request, user, **kwargs):
    """On sign-in: the session's idle clock starts now."""
    if request is not None and hasattr(request, "session"):
        request.session[SessionIdleTimeoutMiddleware.KEY] = int(time.time())
