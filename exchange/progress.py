"""How far a running import has got, for its progress page. The apply runs in one transaction,
so what it has done is invisible to other connections until it commits: progress goes to Redis
(shared by the web and the worker) instead. Without Redis (tests, `make run` with an eager
queue) the import has finished before the page is shown, and nothing is kept."""

import json

import redis
from django.conf import settings

_TTL = 3600


def _client():
    if not getattr(settings, "REDIS_URL", ""):
        return None
    return redis.Redis.from_url(settings.REDIS_URL)


def _key(run_id: int) -> str:
    # Named for the database too: one Redis may serve several (tests, a demo, a second site).
    return f"pep-portal:{settings.DATABASES['default']['NAME']}:import:{run_id}:progress"


def progress_set(run_id: int, *, step: str, done: int, total: int, state: str = "") -> None:
    """Record how far the run has got in its current state (`queued`, `checking`, `applying`);
    the page shows it only while the run is still in that state."""
    client = _client()
    if client is None:
        return
    value = {"step": step, "done": done, "total": total, "state": state}
    try:
        client.set(_key(run_id), json.dumps(value), ex=_TTL)
    except redis.RedisError:
        pass  # progress is a courtesy: the import goes on without it


def progress_get(run_id: int, *, state: str | None = None) -> dict | None:
    client = _client()
    if client is None:
        return None
    try:
        value = client.get(_key(run_id))
    except redis.RedisError:
        return None
    progress = json.loads(value) if value else None
    if progress and state is not None and progress.get("state") != state:
        return None  # left over from an earlier step
    return progress
