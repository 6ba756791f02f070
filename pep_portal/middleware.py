from django.conf import settings


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
