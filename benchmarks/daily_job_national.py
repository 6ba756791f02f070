"""The daily job on the national data set (`make benchmark-data`): a first run, then a second
the same day (the steady state: nothing new to record), both in one transaction that is rolled
back, so the data set is left as it was and can be measured again.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pep_national DEBUG=true \
        .venv/bin/python manage.py shell -c "from benchmarks.daily_job_national import main; main()"
"""

import time

from django.db import connection, transaction

from peps.clock.reminders import run_daily_reminders
from peps.models import Digest, Pep, Reminder


class _RollBack(Exception):
    pass


def main(log=print) -> None:
    try:
        with transaction.atomic():
            for what in ("first run", "steady state"):
                started = time.perf_counter()
                report = run_daily_reminders()
                log(
                    f"{what}: {time.perf_counter() - started:.1f} s, {report.peps} open PEPs in "
                    f"{report.batches} batches, {report.reminders} reminders, "
                    f"{report.due_dates_changed} due dates changed, {report.digests} digests"
                )
            raise _RollBack
    except _RollBack:
        pass
    # The rolled-back run leaves its reminders and the PEPs' old row versions behind as dead
    # rows (nearly 800,000 of them): until autovacuum gets to them every page reading PEPs or
    # reminders is slower, which would skew the page benchmark run after this one.
    tables = [Reminder._meta.db_table, Pep._meta.db_table, Digest._meta.db_table]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")  # the models' own table names
    log(f"vacuumed {', '.join(tables)}")
