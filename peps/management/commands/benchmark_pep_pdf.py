"""Time the render of a typical signed-off PEP: the signed-off copy's task against WeasyPrint
alone on the same HTML.

    make benchmark-pdf      # on the national data set (pep_national), 30 rounds
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pep_national \
        python manage.py benchmark_pep_pdf --runs 30

On the national data set (a database whose name contains 'national', built by
`make benchmark-data`) the PEP is a typical signed-off school-age one: the most common number
of answered sections and of targets among a sample from the middle of the table, with a
previous PEP and no meeting of its own. On a scratch database whose name contains 'bench' the
demo is seeded and its signed-off school-age PEP is used. Either way a recorded meeting of six
people with four actions is added, everything runs in one transaction that is rolled back, and
private storage is a temporary folder: nothing is kept but the results row.

Each round times, one after the other, the four variants:

- *render task*: `copies.signed_off_copy_render`, as the worker runs it (render, SHA-256,
  storing, audit event), on a copy reset to owed before the round;
- *whole*: `printing.pep_pdf` (gathering, templating and WeasyPrint);
- *WeasyPrint alone*: `printing.html_to_pdf` on the PEP's HTML;
- *gathering and templating*: `printing.pep_html`.

Interleaving the rounds spreads any drift of the machine over all four. The row, with p50
and p95 of each and the render task's p50 over WeasyPrint's, goes into benchmarks/pep_pdf.md.
"""

import io
import os
import platform
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from pypdf import PdfReader

from peps.documents import copies, printing
from peps.documents.storage import private_storage
from peps.models import Pep, SectionAnswer, SignedOffCopy, Target

RESULTS = Path(settings.BASE_DIR) / "benchmarks" / "pep_pdf.md"
TABLE_TITLE = "## Interleaved rounds: the render task against WeasyPrint alone"
TABLE = (
    f"{TABLE_TITLE}\n\n"
    "Made by `python manage.py benchmark_pep_pdf` (`make benchmark-pdf`). Each round runs the "
    "four variants one after the other; the figures are p50 / p95 over the rounds, in "
    "milliseconds. *Render task* is `copies.signed_off_copy_render` (render, SHA-256, storing, "
    "audit event); *whole* is `printing.pep_pdf`; *WeasyPrint alone* renders the same HTML "
    "(`printing.html_to_pdf`); *gathering and templating* is `printing.pep_html`. *Queries* "
    "are those of gathering, then of the render task. *Load* is the one-minute load average "
    "before and after the rounds.\n\n"
    "| date | database | pages | queries | rounds | render task (ms) | whole (ms) | "
    "WeasyPrint alone (ms) | gathering and templating (ms) | task / WeasyPrint | machine | "
    "load |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
)
SAMPLE = 300  # PEPs looked at to find a typical one in the national data set
TARGET_RATIO = 1.2


@dataclass
class Timings:
    """Seconds of each round, by variant."""

    times: list[float]

    def p50(self) -> float:
        return statistics.median(self.times) * 1000

    def p95(self) -> float:
        if len(self.times) == 1:
            return self.times[0] * 1000
        return statistics.quantiles(self.times, n=20, method="inclusive")[18] * 1000

    def text(self) -> str:
        return f"{self.p50():.0f} / {self.p95():.0f}"


@dataclass
class Measurement:
    pages: int
    gathering_queries: int
    task_queries: int
    rounds: int
    task: Timings
    whole: Timings
    alone: Timings
    templating: Timings
    load_before: float
    load_after: float

    @property
    def ratio(self) -> float:
        return self.task.p50() / self.alone.p50()

    def row(self, database: str) -> str:
        return (
            f"| {timezone.localdate()} | {database} | {self.pages} | "
            f"{self.gathering_queries} / {self.task_queries} | {self.rounds} | "
            f"{self.task.text()} | {self.whole.text()} | {self.alone.text()} | "
            f"{self.templating.text()} | {self.ratio:.2f}x | "
            f"{platform.machine()}, {os.cpu_count()} cores | "
            f"{self.load_before:.2f} / {self.load_after:.2f} |"
        )


def copy_reset(pep: Pep) -> SignedOffCopy:
    """The PEP's copy as it is just after sign-off: owed, never attempted, no file."""
    copy, _ = SignedOffCopy.objects.get_or_create(pep=pep)
    if copy.file_name and private_storage().exists(copy.file_name):
        private_storage().delete(copy.file_name)
    SignedOffCopy.objects.filter(pk=copy.pk).update(
        file_name="",
        sha256="",
        size=None,
        rendered_at=None,
        attempts=0,
        last_attempt_at=None,
        last_error="",
        render_started_at=None,
        carers_told_at=None,
    )
    return copy


def meeting_add(pep: Pep) -> None:
    """A recorded meeting of six people (one absent) with four actions agreed."""
    meeting_model = pep.meetings.model  # the meetings app builds on this one
    created_by = pep.signed_off_by or pep.submitted_by
    meeting = meeting_model.objects.create(
        pep=pep,
        starts_at=timezone.now() - timedelta(days=3),
        mode="in_person",
        location="The school library",
        notes="Progress in reading discussed; the carer and the child gave their views.",
        chaired_by="Social worker",
        recorded_at=timezone.now(),
        created_by=created_by,
    )
    for index, role in enumerate(
        ["designated_teacher", "carer", "child", "virtual_school", "parent", "other"]
    ):
        meeting.invitations.create(
            role=role,
            name=f"Participant {index}",
            email=f"participant{index}@bench.example",
            attended=index != 4,
            attendance="absent" if index == 4 else "whole",
            absence_reason="Unwell" if index == 4 else "",
        )
    for index in range(4):
        meeting.actions.create(
            description=f"Agreed action {index}: arrange, review and report back",
            owner="Designated teacher",
            due_date=timezone.localdate() + timedelta(days=30),
        )


def _timed(action, times: list[float]) -> None:
    start = time.perf_counter()
    action()
    times.append(time.perf_counter() - start)


def measure(pep: Pep, runs: int) -> Measurement:
    """Time the four variants on `pep`, interleaved over `runs` rounds. Call inside a
    transaction that is rolled back: each round stores a copy and its audit event."""
    load_before = os.getloadavg()[0]
    html = printing.pep_html(pep, draft=False)
    pdf = printing.html_to_pdf(html)  # warm up: fonts are loaded once per process
    with CaptureQueriesContext(connection) as gathering:
        printing.pep_html(pep, draft=False)
    copy_reset(pep)
    with CaptureQueriesContext(connection) as task_queries:
        copies.signed_off_copy_render(pep_id=pep.pk)  # warms up the task's own queries
    task, whole, alone, templating = [], [], [], []
    for _ in range(runs):
        copy_reset(pep)
        _timed(lambda: copies.signed_off_copy_render(pep_id=pep.pk), task)
        _timed(lambda: printing.pep_pdf(pep, draft=False), whole)
        _timed(lambda: printing.html_to_pdf(html), alone)
        _timed(lambda: printing.pep_html(pep, draft=False), templating)
    stored = SignedOffCopy.objects.get(pep=pep)
    if not stored.is_ready:
        raise CommandError(f"The render task did not store the copy: {stored.last_error}")
    return Measurement(
        pages=len(PdfReader(io.BytesIO(pdf)).pages),
        gathering_queries=len(gathering),
        task_queries=len(task_queries),
        rounds=runs,
        task=Timings(task),
        whole=Timings(whole),
        alone=Timings(alone),
        templating=Timings(templating),
        load_before=load_before,
        load_after=os.getloadavg()[0],
    )


def typical_national_pep() -> Pep:
    """A signed-off school-age PEP with the most common number of answered sections and of
    targets among a sample from the middle of the table, a previous PEP (so target reviews),
    a signed-off copy and no meeting of its own (the run adds one)."""
    last = Pep.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    middle = last // 2
    answers = (
        SectionAnswer.objects.filter(pep=OuterRef("pk"))
        .order_by()
        .values("pep")
        .annotate(n=Count("pk"))
        .values("n")
    )
    targets = (
        Target.objects.filter(pep=OuterRef("pk"))
        .order_by()
        .values("pep")
        .annotate(n=Count("pk"))
        .values("n")
    )
    pep_meetings = Pep._meta.get_field("meetings").related_model.objects.filter(pep=OuterRef("pk"))
    sample = list(
        Pep.objects.filter(
            pk__gte=middle,
            state=Pep.State.SIGNED_OFF,
            kind="school_age",
            previous__isnull=False,
            signed_off_by__isnull=False,
            signed_off_copy__isnull=False,
        )
        .filter(~Exists(pep_meetings))
        .annotate(
            answers_count=Coalesce(Subquery(answers), 0),
            targets_count=Coalesce(Subquery(targets), 0),
        )
        .order_by("pk")
        .values_list("pk", "answers_count", "targets_count")[:SAMPLE]
    )
    if not sample:
        raise CommandError("The national data set has no signed-off school-age PEP.")
    (answered, target_count), _ = Counter((row[1], row[2]) for row in sample).most_common(1)[0]
    pk = next(row[0] for row in sample if (row[1], row[2]) == (answered, target_count))
    return Pep.objects.get(pk=pk)


def demo_pep() -> Pep:
    pep = Pep.objects.filter(state=Pep.State.SIGNED_OFF, kind="school_age").order_by("pk").first()
    if pep is None:
        raise CommandError("The demo has no signed-off school-age PEP.")
    return pep


class Command(BaseCommand):
    help = (
        "Benchmark the signed-off copy's render against WeasyPrint alone (the national data "
        "set, or a scratch 'bench' database seeded with the demo)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30, help="Rounds of the four variants")
        parser.add_argument("--results", default=str(RESULTS))

    def handle(self, *args, runs, results, **options):
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        name = str(settings.DATABASES["default"]["NAME"])
        national = "national" in name
        if not national and "bench" not in name:
            raise CommandError(
                "Run this against the national data set (a database whose name contains "
                "'national') or a scratch database whose name contains 'bench'."
            )
        if not national:
            call_command("seed_demo", force=True, stdout=io.StringIO())
        with tempfile.TemporaryDirectory(prefix="pep-bench-private-") as root:
            private = {**settings.STORAGES["private"], "OPTIONS": {"location": root}}
            with override_settings(
                PRIVATE_STORAGE_ROOT=Path(root), STORAGES={**settings.STORAGES, "private": private}
            ):
                with transaction.atomic():
                    pep = typical_national_pep() if national else demo_pep()
                    meeting_add(pep)
                    result = measure(pep, runs)
                    transaction.set_rollback(True)
        row = result.row(name)
        self.stdout.write(f"PEP {pep.pk}")
        self.stdout.write(row)
        if result.ratio > TARGET_RATIO:
            self.stdout.write(
                self.style.WARNING(f"The render task takes over {TARGET_RATIO}x WeasyPrint alone.")
            )
        results_append(Path(results), row)


def results_append(path: Path, row: str) -> None:
    """Add the row at the end of the interleaved rounds' table (made if missing), before any
    paragraph written under it."""
    text = path.read_text() if path.exists() else "# Rendering a signed-off PEP\n"
    if TABLE_TITLE not in text:
        text = text.rstrip("\n") + "\n\n" + TABLE
    lines = text.splitlines()
    start = lines.index(TABLE_TITLE)
    header = next(i for i in range(start, len(lines)) if lines[i].startswith("| --- "))
    end = header + 1
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    lines.insert(end, row)
    path.write_text("\n".join(lines) + "\n")
