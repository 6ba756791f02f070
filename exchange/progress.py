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
    return f"pep-portal:import:{run_id}:progress"


def progress_set(run_id: int, *, step: str, done: int, total: int) -> None:
    client = _client()
    if client is None:
        return
    try:
        client.set(_key(run_id), json.dumps({"step": step, "done": done, "total": total}), ex=_TTL)
    except redis.RedisError:
        pass  # progress is a courtesy: the import goes on without it


def progress_get(run_id: int) -> dict | None:
    client = _client()
    if client is None:
        return None
    try:
        value = client.get(_key(run_id))
    except redis.RedisError:
        return None
    return json.loads(value) if value else None
