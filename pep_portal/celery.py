"""The Celery application. Broker from REDIS_URL; tasks run eagerly when none is configured."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pep_portal.settings")

app = Celery("pep_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="pep_portal.celery.heartbeat")
def heartbeat() -> str:
    """Beat sends it every minute and a worker runs it: the time it records (in the broker)
    is what /readyz reads to know that scheduled jobs are being run."""
    from pep_portal.health import heartbeat_record

    heartbeat_record()
    return "ok"
