"""/healthz and /readyz: answered for any host (the orchestrator's probe uses the container's
address), each dependency reported, and failing when one fails."""

import json
import os
import time

import pytest

from pep_portal import health
from pep_portal.celery import heartbeat
from tests.pep_portal.test_settings import PRODUCTION, manage

needs_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")


def test_healthz_answers_any_host_without_a_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_only_the_probes_escape_the_host_check(client, db):
    assert client.get("/account/sign-in/", HTTP_HOST="10.1.2.3:8000").status_code == 400
    assert client.get("/healthz/extra", HTTP_HOST="10.1.2.3:8000").status_code == 400
    assert client.post("/readyz", HTTP_HOST="10.1.2.3:8000").status_code == 405


@pytest.mark.redis
@needs_redis
def test_readyz_reports_each_dependency(client, db):
    heartbeat.delay()  # as beat would send it, run here as a worker would
    response = client.get("/readyz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200, response.content
    checks = response.json()["checks"]
    assert set(checks) == {"database", "broker", "private_storage", "beat"}
    assert all(check["ok"] for check in checks.values())
    assert checks["beat"]["detail"].startswith("ok (")


@pytest.mark.redis
@needs_redis
def test_readyz_fails_when_beat_has_gone_quiet(client, db, settings):
    health._redis().set(health.HEARTBEAT_KEY, str(time.time() - settings.HEARTBEAT_STALE_AFTER - 5))
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["beat"]["ok"] is False
    assert "last heartbeat" in body["checks"]["beat"]["detail"]
    assert body["checks"]["database"]["ok"] is True


def test_readyz_fails_when_the_broker_cannot_be_reached(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    checks = client.get("/readyz").json()["checks"]
    assert checks["broker"] == {"ok": False, "detail": "ConnectionError"}


def test_readyz_fails_when_private_storage_cannot_be_written(client, db, settings, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    private = {**settings.STORAGES["private"], "OPTIONS": {"location": str(blocked / "private")}}
    settings.STORAGES = {**settings.STORAGES, "private": private}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["private_storage"]["ok"] is False


def test_the_readiness_command_fails_when_the_database_is_down():
    env = {**PRODUCTION, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", "LOG_LEVEL": "ERROR"}
    result = manage("readiness", "--only", "database", env=env)
    assert result.returncode == 1
    assert json.loads(result.stdout)["database"]["ok"] is False
    assert "Not ready: database" in result.stderr
