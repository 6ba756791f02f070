"""The warning before a session's idle timeout (GOV.UK's timeout warning pattern).

Pages tell `static/js/timeout-warning.js` how long the session has left; a few minutes before
it ends the script opens a dialog offering to stay signed in (a request to `keep_alive`) or to
sign out. Without JavaScript nothing shows, and a form sent after the timeout is kept for
its person to save after signing in again (`pep_portal.kept_posts`).
"""

import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from .middleware import SessionIdleTimeoutMiddleware


def session_timeout(request):
    """Seconds the signed-in person's session has left once this page has been served."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    refreshed = request.session.get(SessionIdleTimeoutMiddleware.KEY)
    idle = int(time.time()) - refreshed if refreshed is not None else 0
    if idle >= settings.SESSION_REFRESH_SECONDS:
        idle = 0  # this request refreshes the session on its way out
    match = getattr(request, "resolver_match", None)
    return {
        "session_timeout": {
            "keeps_post": bool(match and getattr(match.func, "keeps_post_after_sign_out", False)),
            "seconds_left": max(settings.SESSION_IDLE_SECONDS - idle, 0),
            "warning_seconds": min(settings.SESSION_WARNING_SECONDS, settings.SESSION_IDLE_SECONDS),
        }
    }


@require_GET
@login_required
def keep_alive(request):
    """ "Stay signed in": the session's idle clock starts again; answers 204 with the seconds
    it now has left."""
    request.session[SessionIdleTimeoutMiddleware.KEY] = int(time.time())
    response = HttpResponse(status=204)
    response["Session-Seconds-Left"] = str(settings.SESSION_IDLE_SECONDS)
    return response
