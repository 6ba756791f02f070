"""The daily job as the beat runs it, in parts side by side, on a copy of the national data set
(`make benchmark-data`): a first run, then a second the same day (the steady state), each timed
from sending the beat task to its digests being gathered, with real Celery workers, real
commits and the deferred foreign key checks they bring. The copy is made from the data set
(about 40 s) and dropped at the end, so the data set is left as it was.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pep_national_job DEBUG=true \\
        REDIS_URL=redis://127.0.0.1:6379/12 \\
        .venv/bin/python manage.py shell -c "from benchmarks.daily_job_parallel import main; main()"

The Redis database it is given is emptied first (it carries this run's queue and marks).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "pep_national"
WAIT_SECONDS = 15 * 60


def _as_owner(*statements: str) -> None:
    """Run statements on the server's `postgres` database, outside a transaction (as CREATE
    and DROP DATABASE must be), as the benchmark's own user."""
    db = settings.DATABASES["default"]
    admin = psycopg2.connect(
        dbname="postgres", user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        admin.close()


def _copy_database(name: str) -> None:
    _as_owner(
        f'DROP DATABASE IF EXISTS "{name}"',
        f'CREATE DATABASE "{name}" TEMPLATE "{SOURCE}" STRATEGY FILE_COPY',
    )


def _drop_database(name: str) -> None:
    _as_owner(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _worker() -> subprocess.Popen:
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(  # noqa: S603 - our own worker
        [sys.executable, "-m", "celery", "-A", "pep_portal", "worker", "--concurrency",
         str(settings.DAILY_JOB_PARTS), "--without-mingle", "--without-gossip",
         "--loglevel=WARNING"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip


def _timed_run(log, what: str) -> None:
    from django.core.cache import cache

    from pep_portal.celery import app
    from peps.models import Digest, Reminder
    from peps.tasks import send_daily_reminders

    reminders, digests = Reminder.objects.count(), Digest.objects.count()
    started = time.perf_counter()
    # The beat's task, here: it makes the day's moves and sends the parts to the workers.
    dispatched = send_daily_reminders.apply().get()
    deadline = time.monotonic() + WAIT_SECONDS
    while cache.get(f"{dispatched['run']}:finished") is None:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the {what} had not gathered its digests after {WAIT_SECONDS} s")
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    app.control.purge()  # the digests' emails (locmem here) are not the job's time
    log(
        f"{what}: {seconds:.1f} s in {dispatched['parts']} parts, "
        f"{Reminder.objects.count() - reminders} reminders, "
        f"{Digest.objects.count() - digests} digests"
    )


def main(log=print) -> None:
    from django.core.cache import cache
    from django.db import connection

    name = settings.DATABASES["default"]["NAME"]
    if not name.endswith("_job") or name == SOURCE:
        raise SystemExit(
            f"DATABASE_URL names {name}: give it a scratch name ending in _job "
            "(pep_national_job), since this benchmark drops that database and makes it again"
        )
    connection.close()
    started = time.perf_counter()
    _copy_database(name)
    log(f"copied {SOURCE} to {name} in {time.perf_counter() - started:.0f} s")
    cache.clear()
    worker = _worker()
    try:
        time.sleep(5)  # the worker's processes start
        _timed_run(log, "first run")
        time.sleep(5)  # the purged emails' tasks already taken finish
        _timed_run(log, "steady state")
    finally:
        worker.send_signal(signal.SIGTERM)  # a warm shutdown: the worker stops its processes
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        connection.close()
        _drop_database(name)
    log(f"dropped {name}")
