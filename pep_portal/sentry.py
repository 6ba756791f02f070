"""Optional error alerts to Sentry (SENTRY_DSN), with personal data taken out before sending.

Imported by the settings only when SENTRY_DSN is set; it must not import Django's views.
"""


def sentry_before_send(event: dict, hint: dict | None = None) -> dict:
    """Strip what Sentry's Django integration collects that could name a person or child."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers") or {}
        request["headers"] = {
            key: value
            for key, value in headers.items()
            if key.lower() in ("x-request-id", "content-type", "user-agent")
        }
        if isinstance(request.get("url"), str):
            request["url"] = request["url"].split("?", 1)[0]
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    for exception in (event.get("exception") or {}).get("values") or []:
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
        # An exception's message can quote data (a unique email, a child's name in a query):
        # keep its type and where it was raised.
        if exception.get("value"):
            exception["value"] = "(message removed)"
    for crumb in (event.get("breadcrumbs") or {}).get("values") or []:
        crumb.pop("data", None)
        if crumb.get("category") == "query":
            crumb["message"] = "(query removed)"
    if isinstance(event.get("logentry"), dict):
        event["logentry"].pop("params", None)
    event.pop("extra", None)
    return event


def sentry_init(*, dsn: str, environment: str, release: str | None) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=sentry_before_send,
        traces_sample_rate=0,
    )
