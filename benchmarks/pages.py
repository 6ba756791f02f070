"""The page benchmark: every list, dashboard, report and export page, for each role, served by
gunicorn (2 sync workers, production settings) from the national data set.

What it measures, for each page:

- **queries**: counted in-process (Django's test client, the second of two requests) on the
  national data set and, with `--small-database`, on a 1,000-child set built the same way
  (`make benchmark-pages` builds it into pep_national_small if it is missing). The page there is
  the same page for the equivalent person: the same role in that set's largest Virtual School.
  The small set is counted by a second `manage.py benchmark_pages --queries-only` on that
  database, which prints its counts as JSON.
- **p50 and p95 ms**: at least 30 requests over HTTP (`--rounds`).
- **page/render**: the page's throughput over HTTP against that of rendering the same template
  from in-memory data: the template and context of one real response are kept (the view's own
  context, its querysets already evaluated, with the request so that the context processors
  run), and the render is timed in this process. It is `render p50 / page p50`, so 1.00 would
  mean the database, the views and HTTP cost nothing. A page whose render from memory still
  queries the database is not given a figure; nor is a file download (no template).
- **signed-in bare view against anonymous**: the accessibility statement (`/accessibility/`, a
  template and nothing else, through the whole middleware stack) requested with a signed-in
  Virtual School officer's session and with no cookie at all; the ratio is signed-in throughput
  over anonymous (`anonymous p50 / signed-in p50`), the cost of the session, the user, and the
  signed-in page's navigation and timeout warning.

Everything takes turns within a round (page A over HTTP, A rendered, page B over HTTP, B
rendered, ..., the bare view signed in, the bare view anonymous), so a noisy neighbour on the
machine slows every figure alike rather than whichever ran in its moment. Sign-in is a session
made here for each person, as signing in would leave it (two-factor sign-in is switched off for
the server the benchmark starts).

Run it with `make benchmark-pages` after `make benchmark-data`; results are appended to
benchmarks/pages.md with the date, the machine and the load average.
"""

import http.client
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.cache import cache
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, QuerySet
from django.forms import BaseForm
from django.template.backends.django import Template as DjangoTemplate
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role, User, VirtualSchool
from children.models import Child, Enrolment
from children.selectors import children_visible_to
from pep_portal.kept import figures_changed, kept_key
from peps.models import Pep
from reporting.cached import dashboard_parts

RESULTS = Path(settings.BASE_DIR) / "benchmarks" / "pages.md"
BARE_PATH = "/accessibility/"


@dataclass
class Page:
    name: str
    role: str
    path: str
    user: User
    children: int
    queries: int = 0
    # Run before each request: for the dashboard with its figures counted rather than kept,
    # this person's kept figures dropped, as after any change (reporting/cached.py).
    before: Callable[[], None] | None = None
    status: int = 0
    times: list[float] = field(default_factory=list)
    # The same page for the equivalent person on the 1,000-child set, if counted there.
    small_children: int | None = None
    small_queries: int | None = None
    # The template and context of one real response, rendered again from memory.
    render: tuple | None = None
    render_times: list[float] = field(default_factory=list)
    render_note: str = ""

    @property
    def key(self) -> str:
        return f"{self.role}: {self.name}"


@dataclass
class BareView:
    """The bare view signed in and anonymous (anonymous: `user` is None)."""

    user: User | None
    path: str = BARE_PATH
    queries: int = 0
    small_queries: int | None = None
    size: int = 0  # bytes
    times: list[float] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"bare view: {'signed in' if self.user else 'anonymous'}"


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
        ("Virtual School dashboard, figures counted", officer, "/virtual-school/"),
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

    def recount() -> None:
        # Only this person's kept figures are dropped: renewing the Virtual School's generation
        # would make every other dashboard row count too.
        parts = dashboard_parts(user_id=officer.pk, values={}, today=timezone.localdate())
        cache.delete(kept_key(vs.pk, *parts))

    return [
        Page(
            name, user.get_role_display(), path, user, children_of(user),
            before=recount if name.endswith("figures counted") else None,
        )
        for name, user, path in rows
        if user is not None
    ]  # fmt: skip


@contextmanager
def captured_renders():
    """Every template the views render through the template backend (one per page, not its
    includes), with the view's own context and the request."""
    renders = []
    original = DjangoTemplate.render

    def render(self, context=None, request=None):
        output = original(self, context, request)
        renders.append((self, context, request, output))
        return output

    DjangoTemplate.render = render
    try:
        yield renders
    finally:
        DjangoTemplate.render = original


def count_queries(page: Page) -> None:
    client = Client()
    client.force_login(page.user)
    client.get(page.path)  # the first request fills caches (calendar, sessions)
    if page.before:
        page.before()
    with captured_renders() as renders, CaptureQueriesContext(connection) as queries:
        response = client.get(page.path)
    page.queries = len(queries)
    page.status = response.status_code
    body = response.content.decode(errors="replace")
    match = [r for r in renders if r[3] == body]
    if not match:
        page.render_note = "not measured: no template (a file download)"
    else:
        prepare_render(page, *match[-1])


def count_bare_queries(bare: BareView) -> None:
    client = Client()
    if bare.user is not None:
        client.force_login(bare.user)
    client.get(bare.path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(bare.path)
    if response.status_code != 200:
        raise RuntimeError(f"{bare.path} answered {response.status_code}")
    bare.queries = len(queries)
    bare.size = len(response.content)


def _evaluate(value, depth: int = 0) -> None:
    """Evaluate the querysets a context holds (in place: the template sees the same objects,
    now holding their rows), as far as lists, dicts, pages and forms go."""
    if depth > 4:
        return
    if isinstance(value, QuerySet):
        len(value)
    elif isinstance(value, PaginatorPage):
        _evaluate(value.object_list, depth + 1)
        _evaluate(value.paginator, depth + 1)
    elif isinstance(value, Paginator):
        value.count  # noqa: B018 - a cached property: read once, kept
        value.num_pages  # noqa: B018
    elif isinstance(value, BaseForm):
        # A model choice field reads its queryset afresh each time it is drawn: its choices
        # are kept as a list instead (the same options, read once).
        for form_field in value.fields.values():
            if isinstance(getattr(form_field, "queryset", None), QuerySet):
                form_field.choices = list(form_field.choices)
    elif isinstance(value, dict):
        for item in list(value.values()):
            _evaluate(item, depth + 1)
    elif isinstance(value, (list, tuple)):
        for item in value[:1000]:
            _evaluate(item, depth + 1)


def render_from_memory(page: Page) -> str:
    template_name, context, request = page.render
    return render_to_string(template_name, context, request=request)


def prepare_render(page: Page, template, context, request, body: str) -> None:
    """Keep the response's template and context for rendering from memory, if that render
    makes no query (after one render to fill what the template reads on the way) and draws
    the page the response did (`body`; its length, as its form tokens differ each time)."""
    name = template.template.origin.template_name
    if not name:
        page.render_note = "not measured: the template is not loaded by name"
        return
    context = dict(context or {})
    _evaluate(context)
    page.render = (name, context, request)
    render_from_memory(page)
    with CaptureQueriesContext(connection) as queries:
        output = render_from_memory(page)
    if len(queries):
        tables = sorted(
            {t for q in queries.captured_queries for t in re.findall(r'FROM "(\w+)"', q["sql"])}
        )
        page.render = None
        page.render_note = (
            f"not measured: its template makes {len(queries)} "
            f"quer{'y' if len(queries) == 1 else 'ies'} of its own ({', '.join(tables)})"
        )
    elif abs(len(output) - len(body)) > len(body) / 100:
        page.render = None
        page.render_note = (
            f"not measured: its render from memory ({len(output):,} characters) is not the "
            f"page ({len(body):,})"
        )


def query_counts(only: str = "", skip: str = "") -> dict[str, dict[str, int]]:
    """Each page's queries and children on this database, by role and page name; with the
    bare view's. What `--queries-only` prints, for the small set's column."""
    counts = {}
    for page in chosen_pages(only, skip):
        client = Client()
        client.force_login(page.user)
        client.get(page.path)
        if page.before:
            page.before()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.path)
        counts[page.key] = {
            "queries": len(queries),
            "children": page.children,
            "status": response.status_code,
        }
    for bare in bare_views():
        count_bare_queries(bare)
        counts[bare.key] = {"queries": bare.queries, "children": 0}
    return counts


def small_query_counts(database_url: str, *, only: str = "", skip: str = "") -> dict:
    """`query_counts` on another database (the 1,000-child set), from a second process."""
    command = [sys.executable, "manage.py", "benchmark_pages", "--queries-only"]
    command += [f"--only={only}"] if only else []
    command += [f"--skip={skip}"] if skip else []
    done = subprocess.run(  # noqa: S603 - our own manage.py, our own arguments
        command,
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"counting queries on the small set failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bare_views() -> list[BareView]:
    """The bare view for the largest council's Virtual School officer, and for nobody."""
    officer = (
        User.objects.filter(
            virtual_school=_largest_virtual_school(),
            is_active=True,
            role=Role.VIRTUAL_SCHOOL_OFFICER,
        )
        .order_by("pk")
        .first()
    )
    return [BareView(officer), BareView(None)]


def chosen_pages(only: str = "", skip: str = "") -> list[Page]:
    return [
        p
        for p in pages()
        if only.lower() in f"{p.name} {p.path}".lower()
        and not (skip and skip.lower() in f"{p.name} {p.path}".lower())
    ]


def session_cookie(user: User, backend: str | None = None) -> str:
    """A signed-in session for the server, as `django.contrib.auth.login` would make it (by
    `backend`: the sign-in backend of this checkout unless another's is given)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend or next(
        b for b in settings.AUTHENTICATION_BACKENDS if "axes" not in b.lower()
    )
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["_last_refreshed"] = int(time.time())
    store.create()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def serve(port: int, checkout=None, stdout=None) -> subprocess.Popen:
    """Gunicorn with 2 sync workers serving `checkout` (this one unless another is given)."""
    checkout = str(checkout or settings.BASE_DIR)
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
        cwd=checkout,
        env={**os.environ, "PYTHONPATH": checkout},
        start_new_session=True,
        stdout=stdout,
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
    raise RuntimeError(f"gunicorn did not start in {checkout}")


def fetch(port: int, path: str, cookie: str) -> tuple[int, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = cookie
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, (time.perf_counter() - started) * 1000


def timed_render(page: Page) -> float:
    started = time.perf_counter()
    render_from_memory(page)
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(
    *,
    rounds: int,
    port: int,
    only: str = "",
    skip: str = "",
    minutes: float = 0,
    small_database: str = "",
    log=print,
) -> tuple[list[Page], list[BareView], int]:
    """Measure the pages; stop after `minutes` (if given) with the rounds done so far.
    Returns the pages, the bare view (signed in, anonymous) and how many rounds were made."""
    figures_changed(None)  # nothing kept from an earlier build of the data set
    chosen = chosen_pages(only, skip)
    bare = bare_views()
    small = small_query_counts(small_database, only=only, skip=skip) if small_database else {}
    for page in chosen + bare:
        if isinstance(page, Page):
            count_queries(page)
            log(f"{page.queries:4d} queries  {page.status}  {page.role}: {page.name}")
        else:
            count_bare_queries(page)
            log(f"{page.queries:4d} queries  200  {page.key}")
        if page.key in small:
            if small[page.key].get("status", 200) != 200:
                raise RuntimeError(
                    f"{page.key} answered {small[page.key]['status']} on the small set"
                )
            page.small_queries = small[page.key]["queries"]
            if isinstance(page, Page):
                page.small_children = small[page.key]["children"]
    people = [page.user for page in chosen] + [b.user for b in bare if b.user]
    cookies = {user.pk: session_cookie(user) for user in people}
    bare_cookies = [cookies[b.user.pk] if b.user else "" for b in bare]
    server = serve(port)
    try:
        for page in chosen:  # warm both workers
            for _ in range(2):
                fetch(port, page.path, cookies[page.user.pk])
        for view, cookie in zip(bare, bare_cookies, strict=True):
            for _ in range(2):
                fetch(port, view.path, cookie)
        deadline = time.monotonic() + minutes * 60 if minutes else None
        done = 0
        for n in range(rounds):
            for page in chosen:
                if page.before:
                    page.before()
                status, ms = fetch(port, page.path, cookies[page.user.pk])
                if status != 200:
                    raise RuntimeError(f"{page.path} answered {status}")
                page.times.append(ms)
                if page.render:
                    page.render_times.append(timed_render(page))
            for view, cookie in zip(bare, bare_cookies, strict=True):
                status, ms = fetch(port, view.path, cookie)
                if status != 200:
                    raise RuntimeError(f"{view.path} answered {status}")
                view.times.append(ms)
            done = n + 1
            log(f"round {done} of {rounds}")
            if deadline and time.monotonic() > deadline:
                log(f"stopped after {done} rounds: the time given ran out")
                break
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return chosen, bare, done


def page_render_cell(page: Page) -> str:
    if not page.render_times:
        return page.render_note or "not measured"
    render_ms = statistics.median(page.render_times)
    return f"{render_ms / statistics.median(page.times):.2f} (render {render_ms:,.1f} ms)"


def _both(small: int | None, national: int) -> str:
    return f"{'-' if small is None else f'{small:,}'} / {national:,}"


def bare_view_line(bare: list[BareView]) -> str:
    signed_in, anonymous = bare
    if not signed_in.times or not anonymous.times:
        return ""
    signed_ms = statistics.median(signed_in.times)
    anonymous_ms = statistics.median(anonymous.times)
    return (
        f"Signed-in bare view: `{signed_in.path}` (the accessibility statement, a template and "
        f"nothing else) with a Virtual School officer's session ({signed_in.size:,} bytes: "
        f"the signed-in header, navigation and timeout warning), p50 {signed_ms:,.1f} ms / p95 "
        f"{percentile(signed_in.times, 0.95):,.1f} ms, queries "
        f"{_both(signed_in.small_queries, signed_in.queries)}; the same request with no cookie "
        f"({anonymous.size:,} bytes), p50 {anonymous_ms:,.1f} ms / p95 "
        f"{percentile(anonymous.times, 0.95):,.1f} ms, "
        f"queries {_both(anonymous.small_queries, anonymous.queries)}. Signed-in throughput "
        f"over anonymous: **{anonymous_ms / signed_ms:.2f}**."
    )


def write(
    results: list[Page],
    *,
    path: Path = RESULTS,
    rounds: int,
    note: str = "",
    bare: list[BareView] = (),
) -> str:
    if not path.exists():
        path.write_text(
            "# Pages at national size\n\nMade by `make benchmark-pages` (`python manage.py "
            "benchmark_pages`): gunicorn with 2 sync workers and production settings on the "
            "national data set (`make benchmark-data`); the pages take turns, one request "
            "each a round. Queries are counted in-process on the same database and on a "
            "1,000-child set; page/render is the page's throughput over HTTP against its "
            "template rendered from memory in the same rounds (`benchmarks/pages.py` says how "
            "each figure is made).\n\n"
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
        "children and queries: on the 1,000-child set / on the national set (the same page "
        "for the same role in each set's largest Virtual School; - where not counted). "
        "page/render: the page's throughput over HTTP against its template rendered from "
        "memory, in the same rounds (render p50 / page p50).",
        "",
        "| page | role | children (1,000 / national) | queries (1,000 / national) | p50 ms "
        "| p95 ms | page/render |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for page in results:
        lines.append(
            f"| {page.name} (`{page.path}`) | {page.role} "
            f"| {_both(page.small_children, page.children)} "
            f"| {_both(page.small_queries, page.queries)} "
            f"| {statistics.median(page.times):,.0f} | {percentile(page.times, 0.95):,.0f} "
            f"| {page_render_cell(page)} |"
        )
    bare_line = bare_view_line(list(bare)) if bare else ""
    if bare_line:
        lines += ["", bare_line]
    text = "\n".join(lines) + "\n\n"
    with path.open("a") as out:
        out.write(text)
    return text
