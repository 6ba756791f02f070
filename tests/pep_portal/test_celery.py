import os
import threading

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_success

from pep_portal.celery import app as celery_app
from pep_portal.celery import heartbeat


def test_without_a_broker_tasks_run_in_process():
    assert heartbeat.delay().get() == "ok"


def test_the_beat_schedule_names_real_tasks(settings):
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in celery_app.tasks


def test_no_result_backend_is_configured():
    assert not celery_app.conf.result_backend


@pytest.mark.redis
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI sets it)")
def test_a_real_worker_consumes_a_task_sent_through_redis():
    assert celery_app.conf.broker_url.startswith("redis://")
    celery_app.conf.task_always_eager = False
    done = threading.Event()
    seen = []

    def on_success(sender=None, result=None, **kwargs):
        seen.append((sender.name, result))
        done.set()

    task_success.connect(on_success, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            heartbeat.delay()
            assert done.wait(timeout=30), "the worker did not run the task within 30 seconds"
    finally:
        task_success.disconnect(on_success)
    assert seen == [("pep_portal.celery.heartbeat", "ok")]
