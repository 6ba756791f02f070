"""A worker killed with SIGKILL in the middle of rendering a signed-off copy: the broker
delivers the task again (acks_late, reject_on_worker_lost, the visibility timeout), the copy
records that its render was interrupted, and a second worker makes it. Real Celery workers
against Redis and the test database, in their own processes."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from audit.models import AuditEvent
from pep_portal.celery import app as celery_app
from peps import tasks
from peps.models import SignedOffCopy
from tests.peps.factories import SignedOffCopyFactory

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY_TIMEOUT = 3  # seconds, for this test only (production: CELERY_VISIBILITY_TIMEOUT)

pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI sets it)"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="workers share PostgreSQL"),
]


def _worker(queue: str) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PRIVATE_STORAGE_ROOT": str(settings.PRIVATE_STORAGE_ROOT),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "DEBUG": "true",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.Popen(  # noqa: S603 - our own worker
        [sys.executable, "-m", "celery", "-A", "pep_portal", "worker", "--pool=solo",
         "--queues", queue, "--without-mingle", "--without-gossip", "--loglevel=WARNING",
         "--hostname", f"{queue}-{uuid.uuid4().hex[:6]}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"{what} did not happen within {timeout} seconds")


def test_a_render_killed_mid_way_is_recorded_and_made_by_the_next_worker(settings):
    copy = SignedOffCopyFactory()
    queue = f"crash-test-{uuid.uuid4().hex[:8]}"
    celery_app.conf.task_always_eager = False
    tasks.render_signed_off_copy.apply_async(kwargs={"pep_id": copy.pep_id}, queue=queue)

    first = _worker(queue)
    try:
        _wait_for(
            lambda: SignedOffCopy.objects.filter(
                pk=copy.pk, render_started_at__isnull=False
            ).exists(),
            60,
            "the first worker starting the render",
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    copy.refresh_from_db()
    assert copy.rendered_at is None, "the render finished before the worker was killed"
    assert copy.last_error == ""  # nothing recorded yet: the worker died without a word

    time.sleep(VISIBILITY_TIMEOUT + 1)
    second = _worker(queue)
    try:
        _wait_for(
            lambda: SignedOffCopy.objects.filter(pk=copy.pk, rendered_at__isnull=False).exists(),
            90,
            "the second worker making the copy",
        )
    finally:
        second.terminate()
        second.wait(timeout=30)
    copy.refresh_from_db()
    assert copy.is_ready and copy.sha256
    assert copy.attempts == 2  # the interrupted one, and the one that made it
    interrupted = AuditEvent.objects.get(action="pep.copy_interrupted", object_id=str(copy.pep_id))
    assert interrupted.child_id == copy.pep.child_id
    assert AuditEvent.objects.filter(action="pep.copy_stored", object_id=str(copy.pep_id)).exists()


def test_an_interrupted_render_is_shown_then_sent_again_by_the_ten_minute_job(client, db):
    """What the Virtual School sees between the kill and the next delivery, and the job that
    sends the render again if the broker's delivery was lost too."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Role
    from peps.documents.copies import signed_off_copies_retry
    from tests.accounts.factories import UserFactory

    copy = SignedOffCopyFactory()
    started = timezone.now() - timedelta(minutes=11)
    SignedOffCopy.objects.filter(pk=copy.pk).update(render_started_at=started)
    officer = UserFactory(
        role=Role.VIRTUAL_SCHOOL_OFFICER, virtual_school=copy.pep.child.virtual_school
    )
    client.force_login(officer)
    page = client.get(reverse("peps:overview", args=[copy.pep_id])).content.decode()
    assert "was interrupted before it finished" in page
    queue = client.get(reverse("peps:quality_queue")).content.decode()
    assert "was interrupted before it finished" in queue

    celery_app.conf.task_always_eager = True
    assert signed_off_copies_retry() == 1
    copy.refresh_from_db()
    assert copy.is_ready and copy.attempts == 2 and copy.last_error == ""
    assert AuditEvent.objects.filter(action="pep.copy_interrupted").count() == 1
    assert signed_off_copies_retry() == 0
