"""Time the daily reminder job over a large synthetic caseload, and count its queries.

Run it against a scratch database, never a live one:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pep_bench python manage.py migrate
    DATABASE_URL=... python manage.py benchmark_daily_job --children 1000 10000 100000

Each size gets a fresh Virtual School of its own; the result is appended to
benchmarks/daily_job.md. The digest emails are counted, not sent: sending is the workers' job,
one task a person.
"""

import os
import platform
import time
from datetime import date, timedelta
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role, School, SchoolMembership, User, VirtualSchool
from children.models import Child, Enrolment, SocialWorkerAllocation
from children.school_year import academic_year_of
from peps import tasks
from peps.clock.reminders import run_daily_reminders
from peps.models import Digest, Pep, Reminder, Term

RESULTS = Path(settings.BASE_DIR) / "benchmarks" / "daily_job.md"
CHILDREN_PER_SOCIAL_WORKER = 20
CHILDREN_PER_SCHOOL = 100


class Command(BaseCommand):
    help = "Benchmark the daily reminder job on N synthetic children (scratch databases only)."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, nargs="+", default=[1000])
        parser.add_argument("--results", default=str(RESULTS))

    def handle(self, *args, children, results, **options):
        if "bench" not in str(settings.DATABASES["default"]["NAME"]):
            raise CommandError("Run this against a scratch database whose name contains 'bench'.")
        for count in children:
            row = self._measure(count)
            self.stdout.write(row)
            path = Path(results)
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                path.write_text(
                    "# The daily reminder job over a synthetic caseload\n\n"
                    "Made by `python manage.py benchmark_daily_job`. Digests are counted, not "
                    "sent (workers send them, one task a person).\n\n"
                    "| date | database | children | open PEPs | batches | queries | "
                    "queries a batch | seconds | reminders | digests | machine |\n"
                    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
                )
            with path.open("a") as out:
                out.write(row + "\n")

    def _measure(self, count: int) -> str:
        started = time.perf_counter()
        virtual_school = self._synthetic_caseload(count)
        built = time.perf_counter() - started
        self.stderr.write(f"Built {count} children in {built:.1f} s")
        today = timezone.localdate()
        with (
            mock.patch.object(tasks.send_digest, "delay"),
            CaptureQueriesContext(connection) as queries,
        ):
            start = time.perf_counter()
            report = run_daily_reminders(today=today, virtual_schools=[virtual_school])
            seconds = time.perf_counter() - start
        per_batch = len(queries) / report.batches if report.batches else 0
        return (
            f"| {today} | {connection.vendor} | {count:,} | {report.peps:,} | {report.batches} | "
            f"{len(queries):,} | {per_batch:.1f} | {seconds:.1f} | {report.reminders:,} | "
            f"{report.digests:,} | {platform.machine()}, {os.cpu_count()} cores |"
        )

    @transaction.atomic
    def _synthetic_caseload(self, count: int) -> VirtualSchool:
        code = f"{VirtualSchool.objects.count() % 900 + 100:03d}"
        virtual_school = VirtualSchool.objects.create(
            name=f"Benchmark Virtual School {count} {time.time_ns()}",
            council="Benchmark Council",
            local_authority_code=code if not VirtualSchool.objects.filter(
                local_authority_code=code).exists() else f"{time.time_ns() % 1000:03d}",
        )  # fmt: skip
        year = academic_year_of(timezone.localdate())
        terms = []
        for academic_year in (year - 1, year, year + 1):
            for name, start, end in (
                ("autumn", date(academic_year, 9, 3), date(academic_year, 12, 18)),
                ("spring", date(academic_year + 1, 1, 5), date(academic_year + 1, 3, 26)),
                ("summer", date(academic_year + 1, 4, 19), date(academic_year + 1, 7, 21)),
            ):
                terms.append(Term(virtual_school=virtual_school, academic_year=academic_year,
                                  name=name, start_date=start, end_date=end))  # fmt: skip
        Term.objects.bulk_create(terms)
        today = timezone.localdate()
        current = next(
            t for t in terms if t.start_date <= today <= t.end_date or t.start_date > today
        )
        stamp = time.time_ns()
        unusable = make_password(None)  # nobody signs in as a synthetic person
        social_workers = User.objects.bulk_create(
            User(email=f"sw{stamp}-{i}@bench.example", full_name=f"Social worker {i}",
                 role=Role.SOCIAL_WORKER, virtual_school=virtual_school, password=unusable)
            for i in range(max(1, count // CHILDREN_PER_SOCIAL_WORKER))
        )  # fmt: skip
        User.objects.bulk_create(
            User(email=f"vs{stamp}-{i}@bench.example", full_name=f"Officer {i}",
                 role=Role.VIRTUAL_SCHOOL_OFFICER, virtual_school=virtual_school, password=unusable)
            for i in range(5)
        )  # fmt: skip
        schools = School.objects.bulk_create(
            School(urn=f"{(stamp // 1000 + i) % 1_000_000:06d}", name=f"Bench school {i}",
                   council="Benchmark Council", phase=School.Phase.SECONDARY)
            for i in range(max(1, count // CHILDREN_PER_SCHOOL))
        )  # fmt: skip
        teachers = User.objects.bulk_create(
            User(email=f"dt{stamp}-{i}@bench.example", full_name=f"Teacher {i}",
                 role=Role.DESIGNATED_TEACHER, password=unusable)
            for i in range(len(schools))
        )  # fmt: skip
        SchoolMembership.objects.bulk_create(
            SchoolMembership(user=teacher, school=school)
            for teacher, school in zip(teachers, schools, strict=True)
        )  # fmt: skip
        for start in range(0, count, 5000):
            size = min(5000, count - start)
            kids = Child.objects.bulk_create(
                Child(virtual_school=virtual_school, legal_first_name="Child",
                      legal_last_name=f"{start + i}", date_of_birth=date(2014, 1, 1) +
                      timedelta(days=(start + i) % 3000), gender="not_recorded",
                      council_child_id=f"B{stamp}-{start + i}", date_entered_care=today -
                      timedelta(days=(start + i) % 700), legal_status="full_care_order")
                for i in range(size)
            )  # fmt: skip
            Enrolment.objects.bulk_create(
                Enrolment(child=kid, school=schools[(start + i) % len(schools)],
                          start_date=kid.date_entered_care)
                for i, kid in enumerate(kids)
            )  # fmt: skip
            SocialWorkerAllocation.objects.bulk_create(
                SocialWorkerAllocation(child=kid, social_worker=social_workers[(start + i)
                                       % len(social_workers)], start_date=kid.date_entered_care)
                for i, kid in enumerate(kids)
            )  # fmt: skip
            Pep.objects.bulk_create(
                Pep(child=kid, kind="school_age", term=current, version=1,
                    state=("draft", "school_complete", "submitted")[i % 3],
                    submitted_at=timezone.now() - timedelta(days=20) if i % 3 == 2 else None)
                for i, kid in enumerate(kids)
            )  # fmt: skip
        Reminder.objects.filter(pep__child__virtual_school=virtual_school).delete()
        Digest.objects.filter(
            day=timezone.localdate(), reminders__pep__child__virtual_school=virtual_school
        ).delete()
        return virtual_school
