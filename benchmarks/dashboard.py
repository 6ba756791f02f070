"""The Virtual School dashboard's queries on the national data set: each query's time, for the
head of the largest Virtual School, and the whole dashboard's time over a few runs; then the
same for its annual report of the last academic year that has ended.

Run it with
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/pep_national DEBUG=true
.venv/bin/python manage.py shell -c "import benchmarks.dashboard as b; b.main()"`.
It only reads.
"""

import os
import statistics
import sys
import time

from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role, User, VirtualSchool
from reporting.annual import annual_report
from reporting.figures import dashboard


def head_of_largest():
    vs = VirtualSchool.objects.annotate(n=Count("children")).order_by("-n", "pk").first()
    head = (
        User.objects.filter(virtual_school=vs, role=Role.VIRTUAL_SCHOOL_HEAD, is_active=True)
        .order_by("pk")
        .first()
    )
    return vs, head


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")


def _measure(name: str, make, runs: int, show_sql: bool) -> None:
    with CaptureQueriesContext(connection) as ctx:
        make()
    for i, q in enumerate(ctx.captured_queries):
        sql = q["sql"] if show_sql else q["sql"][:100]
        _say(f"{i:2} {float(q['time']) * 1000:9.0f} ms  {sql}")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        make()
        times.append((time.perf_counter() - start) * 1000)
    _say(
        f"{len(ctx.captured_queries)} queries; {name} over {runs} runs: "
        f"p50 {statistics.median(times):.0f} ms, max {max(times):.0f} ms"
    )
    _say(f"load average {os.getloadavg()}")


def main(runs: int = 5, show_sql: bool = False) -> None:
    vs, head = head_of_largest()
    today = timezone.localdate()
    year = today.year - 1 if today.month >= 9 else today.year - 2
    _say(f"Virtual School {vs.pk} ({vs.children.count()} children), head user {head.pk}")
    _say(f"load average {os.getloadavg()}")
    _measure(
        "dashboard",
        lambda: dashboard(user=User.objects.get(pk=head.pk), values={}, today=today),
        runs,
        show_sql,
    )
    _measure(
        f"annual report {year}",
        lambda: annual_report(virtual_school=vs, academic_year=year, published=False),
        runs,
        show_sql,
    )
