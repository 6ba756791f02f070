"""Time an SSDA903 import of N synthetic children with their episodes, and count its queries.

Run it against a scratch database, never a live one:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pep_bench python manage.py migrate
    DATABASE_URL=... python manage.py benchmark_import --children 2000

Each run makes a fresh Virtual School and twenty schools, writes the files
(`benchmarks/ssda903_files.py`) and times three steps the way the worker runs them: the dry run
(read the files and build the plan), the apply (one transaction: children, placements, schools,
access, audit trail) and a second apply of the same files (which changes nothing). The result is
appended to benchmarks/import.md.
"""

import os
import platform
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import School, VirtualSchool
from benchmarks.ssda903_files import children_files
from children.models import Child, Enrolment, Placement
from exchange import ssda903
from exchange.plans import plan_apply, plan_build

RESULTS = Path(settings.BASE_DIR) / "benchmarks" / "import.md"
HEADER = (
    "# Importing children from the SSDA903 return\n\n"
    "Made by `python manage.py benchmark_import`. *Dry run* reads the files and builds the plan; "
    "*apply* builds it again with the children locked and applies it in one transaction; "
    "*again* applies the same files a second time (nothing changes).\n\n"
    "| date | database | children | episodes | dry run (s) | apply (s) | apply queries | "
    "again (s) | again: changed | machine |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
)


class Command(BaseCommand):
    help = "Benchmark an SSDA903 import of N synthetic children (scratch databases only)."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=2000)
        parser.add_argument("--results", default=str(RESULTS))

    def handle(self, *args, children, results, **options):
        taken = set(VirtualSchool.objects.values_list("local_authority_code", flat=True))
        code = next(f"{n:03d}" for n in range(700, 900) if f"{n:03d}" not in taken)
        virtual_school = VirtualSchool.objects.create(
            local_authority_code=code,
            name=f"Benchmark Virtual School {code}",
            council=f"Council {code}",
        )
        urns = [f"{code}{n:03d}" for n in range(20)]
        for urn in urns:
            School.objects.get_or_create(
                urn=urn,
                defaults={"name": f"School {urn}", "council": "Benchmark", "phase": "secondary"},
            )
        with tempfile.TemporaryDirectory() as directory:
            paths = children_files(Path(directory), count=children, la_code=code,
                                   school_urns=urns, prefix=f"B{code}-")  # fmt: skip
            files = {kind: (path.name, path.read_bytes()) for kind, path in paths.items()}
        episodes = files["episodes"][1].count(b"\n") - 1

        started = time.perf_counter()
        parsed = ssda903.parse(**files)
        plan = plan_build(virtual_school=virtual_school, parsed=parsed)
        dry_run = time.perf_counter() - started
        assert not plan.refused, plan.refused[:3]

        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            applied = plan_apply(virtual_school=virtual_school, parsed=ssda903.parse(**files),
                                 actor=None, fingerprint=plan.fingerprint)  # fmt: skip
            apply = time.perf_counter() - started
        assert applied.counts["create"] == children

        started = time.perf_counter()
        again = plan_apply(virtual_school=virtual_school, parsed=ssda903.parse(**files),
                           actor=None)  # fmt: skip
        second = time.perf_counter() - started
        changed = again.counts["create"] + again.counts["change"]

        made = Child.objects.filter(virtual_school=virtual_school)
        self.stdout.write(
            f"{made.count()} children, {Placement.objects.filter(child__in=made).count()} "
            f"placements, {Enrolment.objects.filter(child__in=made).count()} enrolments"
        )
        row = (
            f"| {timezone.localdate():%Y-%m-%d} | {connection.vendor} | {children:,} | "
            f"{episodes:,} | {dry_run:.1f} | {apply:.1f} | {len(queries):,} | {second:.1f} | "
            f"{changed} | {platform.machine()}, {os.cpu_count()} cores |"
        )
        self.stdout.write(row)
        path = Path(results)
        if not path.exists():
            path.write_text(HEADER)
        with path.open("a") as out:
            out.write(row + "\n")
