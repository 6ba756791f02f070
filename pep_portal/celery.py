"""The Celery application. Broker from REDIS_URL; tasks run eagerly when none is configured."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pep_portal.settings")

app = Celery("pep_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="pep_portal.celery.heartbeat")
def heartbeat() -> str:
    """A no-op that proves a worker is consuming from the broker (the beat schedule sends it)."""
    return "ok"
