"""Time the render of a typical signed-off PEP, against WeasyPrint alone on the same HTML.

Run it against a scratch database, never a live one:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pep_bench python manage.py migrate
    DATABASE_URL=... python manage.py benchmark_pep_pdf --runs 10

The PEP is the demo's signed-off school-age PEP (every section answered, three targets with
PP+), with a recorded meeting of six people and four actions added for the run and rolled
back afterwards. The row is appended to benchmarks/pep_pdf.md: gathering and templating
should be a small part of the whole, which is WeasyPrint's.
"""

import io
import os
import platform
import statistics
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from peps.documents import printing
from peps.models import Pep

RESULTS = Path(settings.BASE_DIR) / "benchmarks" / "pep_pdf.md"
HEADER = (
    "# Rendering a signed-off PEP\n\n"
    "Made by `python manage.py benchmark_pep_pdf` (`make benchmark-pdf`). Each figure is the "
    "median of the runs, in milliseconds: *whole* is gathering, templating and WeasyPrint "
    "(`printing.pep_pdf`); *WeasyPrint alone* renders the same HTML (`printing.html_to_pdf`); "
    "*gathering and templating* is `printing.pep_html`.\n\n"
    "| date | database | pages | queries | runs | whole (ms) | WeasyPrint alone (ms) | "
    "gathering and templating (ms) | overhead | machine |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
)


def _median_ms(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


class Command(BaseCommand):
    help = "Benchmark the PEP PDF against WeasyPrint alone (scratch databases only)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=10)
        parser.add_argument("--results", default=str(RESULTS))

    def handle(self, *args, runs, results, **options):
        if "bench" not in str(settings.DATABASES["default"]["NAME"]):
            raise CommandError("Run this against a scratch database whose name contains 'bench'.")
        call_command("seed_demo", force=True, stdout=io.StringIO())
        with transaction.atomic():
            pep = self._typical_pep()
            row = self._measure(pep, runs)
            transaction.set_rollback(True)
        self.stdout.write(row)
        path = Path(results)
        if not path.exists():
            path.write_text(HEADER)
        with path.open("a") as out:
            out.write(row + "\n")

    def _typical_pep(self) -> Pep:
        pep = (
            Pep.objects.filter(state=Pep.State.SIGNED_OFF, kind="school_age").order_by("pk").first()
        )
        if pep is None:
            raise CommandError("The demo has no signed-off school-age PEP.")
        meeting_model = pep.meetings.model  # the meetings app builds on this one
        meeting = meeting_model.objects.create(
            pep=pep,
            starts_at=timezone.now() - timedelta(days=3),
            mode="in_person",
            location="The school library",
            notes="Progress in reading discussed; the carer and the child gave their views.",
            recorded_at=timezone.now(),
            created_by=pep.signed_off_by,
        )
        for index, role in enumerate(
            ["designated_teacher", "carer", "child", "virtual_school", "parent", "other"]
        ):
            meeting.invitations.create(
                role=role,
                name=f"Participant {index}",
                email=f"participant{index}@bench.example",
                attended=index != 4,
                absence_reason="Unwell" if index == 4 else "",
            )
        for index in range(4):
            meeting.actions.create(
                description=f"Agreed action {index}: arrange, review and report back",
                owner="Designated teacher",
                due_date=timezone.localdate() + timedelta(days=30),
            )
        return pep

    def _measure(self, pep: Pep, runs: int) -> str:
        html = printing.pep_html(pep, draft=False)
        pdf = printing.html_to_pdf(html)  # warm up: fonts are loaded once per process
        with CaptureQueriesContext(connection) as queries:
            printing.pep_html(pep, draft=False)
        whole = _median_ms(lambda: printing.pep_pdf(pep, draft=False), runs)
        alone = _median_ms(lambda: printing.html_to_pdf(html), runs)
        templating = _median_ms(lambda: printing.pep_html(pep, draft=False), runs)
        overhead = (whole - alone) / alone * 100
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        return (
            f"| {timezone.localdate()} | {connection.vendor} | {pages} | "
            f"{len(queries)} | {runs} | {whole:.0f} | {alone:.0f} | {templating:.0f} | "
            f"{overhead:+.1f}% | {platform.machine()}, {os.cpu_count()} cores |"
        )
