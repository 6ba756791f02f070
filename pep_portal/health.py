"""Liveness and readiness for the orchestrator's probes.

`/healthz` says the process answers; `/readyz` checks what a request or a job needs: the
database, the broker, the private storage (writable) and a recent heartbeat from beat
through a worker. Both are answered by `HealthProbeMiddleware`, first in the chain, before
any host check or HTTPS redirect: a probe addresses the container by its own address, which
is rightly not in ALLOWED_HOSTS. Nothing else escapes those checks, and the answers name
only the checks, never a host, a path or an error's text.
"""

import json
import logging
import time
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.http import HttpResponse

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "pep-portal:beat-heartbeat"
PROBE_PATHS = ("/healthz", "/readyz")


def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


def heartbeat_record() -> float:
    """Called by the heartbeat task, which beat sends and a worker runs: both are alive."""
    now = time.time()
    if settings.REDIS_URL:
        _redis().set(HEARTBEAT_KEY, str(now), ex=settings.HEARTBEAT_STALE_AFTER * 4)
    return now


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_broker() -> str:
    if not settings.REDIS_URL:
        return "ok (no broker: tasks run in-process)"
    _redis().ping()
    return "ok"


def check_private_storage() -> str:
    from peps.documents.storage import private_storage

    storage = private_storage()
    name = storage.save(f"readiness/{uuid.uuid4().hex}", ContentFile(b"ok"))
    try:
        with storage.open(name, "rb") as handle:
            if handle.read() != b"ok":
                raise OSError("the private storage gave back something else")
    finally:
        storage.delete(name)
    return "ok"


def check_beat() -> str:
    if not settings.REDIS_URL:
        return "ok (no broker: no scheduled jobs)"
    value = _redis().get(HEARTBEAT_KEY)
    if value is None:
        raise RuntimeError("no heartbeat yet")
    age = time.time() - float(value)
    if age > settings.HEARTBEAT_STALE_AFTER:
        raise RuntimeError(f"last heartbeat {int(age)} s ago")
    return f"ok ({int(age)} s ago)"


CHECKS = {
    "database": check_database,
    "broker": check_broker,
    "private_storage": check_private_storage,
    "beat": check_beat,
}


def readiness(only: tuple[str, ...] = ()) -> dict[str, dict]:
    """Each check's outcome: {"ok": bool, "detail": short text}. The detail of a failure is
    the exception's class (and, for the beat, its age), never its message about a host."""
    results = {}
    for name, check in CHECKS.items():
        if only and name not in only:
            continue
        try:
            results[name] = {"ok": True, "detail": check()}
        except Exception as error:  # a probe reports, it never raises
            detail = str(error) if name == "beat" else type(error).__name__
            logger.warning("readiness check failed: %s (%s)", name, type(error).__name__)
            results[name] = {"ok": False, "detail": detail}
    return results


def _json(payload: dict, status: int) -> HttpResponse:
    response = HttpResponse(json.dumps(payload), content_type="application/json", status=status)
    response["Cache-Control"] = "no-store"
    return response


class HealthProbeMiddleware:
    """Answer /healthz and /readyz before host validation, HTTPS redirects and sessions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path not in PROBE_PATHS:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return _json({"status": "method not allowed"}, 405)
        if request.path == "/healthz":
            return _json({"status": "ok"}, 200)
        checks = readiness()
        ready = all(result["ok"] for result in checks.values())
        return _json(
            {"status": "ok" if ready else "failing", "checks": checks}, 200 if ready else 503
        )
