"""The check and the apply run in a real Celery worker through Redis, and report progress."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker

from children.models import Child
from exchange import services
from exchange.models import ImportRun
from exchange.progress import progress_get, progress_set
from pep_portal.celery import app as celery_app
from tests.accounts.factories import SchoolFactory, UserFactory, VirtualSchoolFactory
from tests.exchange.files import two_children

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI sets it)"),
    pytest.mark.django_db(transaction=True),
]


def _wait_for(run, state, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.state == state:
            return run
        time.sleep(0.2)
    raise AssertionError(f"the run stayed {run.state}")


def test_a_worker_checks_and_applies_an_upload():
    virtual_school = VirtualSchoolFactory()
    school = SchoolFactory()
    officer = UserFactory(role="vs_officer", virtual_school=virtual_school)
    celery_app.conf.task_always_eager = False
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        run = services.import_upload(actor=officer, virtual_school=virtual_school,
                                     format="ssda903", files=two_children(school.urn))  # fmt: skip
        run = _wait_for(run, ImportRun.State.CHECKED)
        assert run.counts["create"] == 2 and not Child.objects.exists()
        services.import_confirm(actor=officer, run=run, skip_refused=False,
                                fingerprint=run.summary["fingerprint"])  # fmt: skip
        _wait_for(run, ImportRun.State.APPLIED)
    assert Child.objects.filter(virtual_school=virtual_school).count() == 2
    assert progress_get(run.pk)["step"] == "Rebuilding access and writing the audit trail"
    assert progress_get(run.pk, state=ImportRun.State.APPLYING)
    # Once applied, what the apply reported is not shown as the run's progress.
    assert progress_get(run.pk, state=ImportRun.State.APPLIED) is None


def test_progress_is_shared_through_redis():
    progress_set(999_999, step="Recording placements", done=5, total=10, state="applying")
    assert progress_get(999_999) == {"step": "Recording placements", "done": 5, "total": 10,
                                     "state": "applying"}  # fmt: skip


def test_a_queued_run_does_not_show_progress_left_from_another_step(client):
    """Seen in the demo: a new run showed the last step of an apply with the same id."""
    from django.urls import reverse

    from tests.exchange.factories import ImportRunFactory

    run = ImportRunFactory()
    progress_set(run.pk, step="Rebuilding access and writing the audit trail", done=12,
                 total=12, state=ImportRun.State.APPLYING)  # fmt: skip
    client.force_login(run.created_by)
    page = client.get(reverse("exchange:detail", args=[run.pk])).content.decode()
    assert "Rebuilding access" not in page and "Waiting to be checked" in page
