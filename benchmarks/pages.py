"""The page benchmark: every list, dashboard, report and export page, for each role, served by
gunicorn (2 sync workers, production settings) from the national data set.

For each page it counts the queries (in-process, through Django's test client on the same
database) and times at least 30 requests over HTTP. The pages take turns, one request each a
round (A B C ... A B C ...), so a noisy neighbour on the machine slows every page alike rather
than whichever ran in its moment. Sign-in is a session made here for each person, as signing in
would leave it (two-factor sign-in is switched off for the server the benchmark starts).

Run it with `make benchmark-pages` after `make benchmark-data`.
"""

import http.client
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Role, User, VirtualSchool
from children.models import Child, Enrolment
from children.selectors import children_visible_to
from peps.models import Pep

RESULTS = Path(settings.BASE_DIR) / "benchmarks" / "pages.md"


@dataclass
class Page:
    name: str
    role: str
    path: str
    user: User
    children: int
    queries: int = 0
    status: int = 0
    times: list[float] = field(default_factory=list)


def _largest_virtual_school() -> VirtualSchool:
    return VirtualSchool.objects.annotate(n=Count("children")).order_by("-n", "pk").first()


def pages() -> list[Page]:
    """The pages of the largest council's people, each with whom it is measured for."""
    vs = _largest_virtual_school()
    staff = User.objects.filter(virtual_school=vs, is_active=True)
    officer = staff.filter(role=Role.VIRTUAL_SCHOOL_OFFICER).order_by("pk").first()
    head = staff.filter(role=Role.VIRTUAL_SCHOOL_HEAD).order_by("pk").first()
    social_worker = staff.filter(role=Role.SOCIAL_WORKER).order_by("pk").first()
    # The school that most of the council's children attend, and its designated teacher.
    school_id = (
        Enrolment.objects.filter(end_date__isnull=True, child__virtual_school=vs)
        .values("school_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("school_id", flat=True)
        .first()
    )
    teacher = (
        User.objects.filter(role=Role.DESIGNATED_TEACHER, schools=school_id).order_by("pk").first()
    )
    carer = (
        User.objects.filter(role=Role.CARER, placements__child__virtual_school=vs)
        .order_by("pk")
        .first()
    )
    reviewer = User.objects.filter(role=Role.REVIEWING_OFFICER).order_by("pk").first()
    pep = (
        Pep.objects.filter(child__virtual_school=vs)
        .exclude(state=Pep.State.SIGNED_OFF)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    search = Child.objects.filter(virtual_school=vs).values_list("legal_last_name", flat=True)[0]
    counts = {}

    def children_of(user):
        if user.pk not in counts:
            counts[user.pk] = children_visible_to(user=user).count()
        return counts[user.pk]

    rows = [
        ("caseload", social_worker, "/caseload/"),
        ("deadlines", social_worker, "/deadlines/"),
        ("school's children", teacher, "/school/children/"),
        ("deadlines", teacher, "/deadlines/"),
        ("carer's children", carer, "/my-children/"),
        ("reviews", reviewer, "/reviews/"),
        ("Virtual School dashboard", officer, "/virtual-school/"),
        ("Virtual School list", officer, "/virtual-school/children/"),
        (
            "Virtual School list, one school",
            officer,
            f"/virtual-school/children/?school={school_id}",
        ),
        ("Virtual School list, search", officer, f"/virtual-school/children/?search={search}"),
        ("Virtual School list, page 20", officer, "/virtual-school/children/?page=20"),
        ("PEP overview", officer, f"/peps/{pep}/"),
        ("deadlines", officer, "/deadlines/"),
        ("quality assurance queue", officer, "/virtual-school/quality-assurance/"),
        ("PP+ report", officer, "/virtual-school/pupil-premium-plus/"),
        ("PP+ ledger CSV", officer, "/virtual-school/pupil-premium-plus/ledger.csv"),
        ("PP+ ledger XLSX", officer, "/virtual-school/pupil-premium-plus/ledger.xlsx"),
        ("Virtual School dashboard", head, "/virtual-school/"),
        ("annual report", head, "/virtual-school/annual-report/"),
        ("annual report XLSX", head, "/virtual-school/annual-report.xlsx"),
    ]
    return [
        Page(name, user.get_role_display(), path, user, children_of(user))
        for name, user, path in rows
        if user is not None
    ]


def count_queries(page: Page) -> None:
    client = Client()
    client.force_login(page.user)
    client.get(page.path)  # the first request fills caches (calendar, sessions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.path)
    page.queries = len(queries)
    page.status = response.status_code


def session_cookie(user: User) -> str:
    """A signed-in session for the server, as `django.contrib.auth.login` would make it."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = next(
        b for b in settings.AUTHENTICATION_BACKENDS if "axes" not in b.lower()
    )
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["_last_refreshed"] = int(time.time())
    store.create()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def serve(port: int) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, our own arguments
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "pep_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=os.environ.copy(),
        start_new_session=True,
    )
    for _ in range(120):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def fetch(port: int, path: str, cookie: str) -> tuple[int, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, (time.perf_counter() - started) * 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(
    *, rounds: int, port: int, only: str = "", skip: str = "", minutes: float = 0, log=print
) -> tuple[list[Page], int]:
    """Measure the pages; stop after `minutes` (if given) with the rounds done so far.
    Returns the pages and how many rounds were made."""
    chosen = [
        p
        for p in pages()
        if only.lower() in f"{p.name} {p.path}".lower()
        and not (skip and skip.lower() in f"{p.name} {p.path}".lower())
    ]
    for page in chosen:
        count_queries(page)
        log(f"{page.queries:4d} queries  {page.status}  {page.role}: {page.name}")
    cookies = {page.user.pk: session_cookie(page.user) for page in chosen}
    server = serve(port)
    try:
        for page in chosen:  # warm both workers
            for _ in range(2):
                fetch(port, page.path, cookies[page.user.pk])
        deadline = time.monotonic() + minutes * 60 if minutes else None
        done = 0
        for n in range(rounds):
            for page in chosen:
                status, ms = fetch(port, page.path, cookies[page.user.pk])
                if status != 200:
                    raise RuntimeError(f"{page.path} answered {status}")
                page.times.append(ms)
            done = n + 1
            log(f"round {done} of {rounds}")
            if deadline and time.monotonic() > deadline:
                log(f"stopped after {done} rounds: the time given ran out")
                break
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return chosen, done


def write(results: list[Page], *, path: Path = RESULTS, rounds: int, note: str = "") -> str:
    if not path.exists():
        path.write_text(
            "# Pages at national size\n\nMade by `make benchmark-pages` (`python manage.py "
            "benchmark_pages`): gunicorn with 2 sync workers and production settings on the "
            "national data set (`make benchmark-data`); the pages take turns, one request "
            "each a round. Queries are counted in-process on the same database.\n\n"
        )
    cores = os.cpu_count()
    lines = [
        f"## {date.today():%-d %B %Y}: {rounds} rounds "
        f"({platform.machine()}, {cores} cores, PostgreSQL {connection.pg_version // 10000}, "
        f"load average {os.getloadavg()[0]:.1f} at the end)",
        "",
    ]
    if note:
        lines += [note, ""]
    lines += [
        "| page | role | children | queries | p50 ms | p95 ms | page/render |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for page in results:
        lines.append(
            f"| {page.name} (`{page.path}`) | {page.role} | {page.children:,} | {page.queries} "
            f"| {statistics.median(page.times):,.0f} | {percentile(page.times, 0.95):,.0f} "
            "| not measured |"
        )
    text = "\n".join(lines) + "\n\n"
    with path.open("a") as out:
        out.write(text)
    return text
