"""A/B over HTTP: the same pages served by two checkouts, requests alternating between them.

The machine's speed drifts by a third within minutes, so two runs of the page benchmark (one
before a change, one after) cannot tell a 10% difference. This serves checkout A and checkout
B side by side, each under gunicorn with 2 sync workers and the same settings and database,
and requests each page from A then from B, round after round, so that both see the same
moment of the machine. It prints each page's p50 from both and B's over A's, and appends them
to `benchmarks/ab_pages.md`.

Run it from checkout B (the one with the change), with A a worktree of the commit before:

    git worktree add /tmp/before <commit>
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pep_national DEBUG=false SECRET_KEY=... \\
      ALLOWED_HOSTS=127.0.0.1,testserver SECURE_SSL_REDIRECT=false SECURE_COOKIES=false \\
      TWO_FACTOR_REQUIRED=false REDIS_URL=redis://127.0.0.1:6379/13 \\
      .venv/bin/python manage.py shell -c "from benchmarks.ab_pages import main; \\
      main(before='/tmp/before', only=['caseload', 'PEP overview'], rounds=40)"

(the same settings as `make benchmark-pages`; each checkout needs its `collectstatic`). The
pages are the page benchmark's own (`benchmarks/pages.py`), by a part of their name.
"""

import os
import platform
import signal
import statistics
import subprocess
import sys
from datetime import date
from pathlib import Path

from django.conf import settings

from accounts.models import User
from benchmarks import pages as page_benchmark

RESULTS = Path(__file__).with_name("ab_pages.md")


def main(*, before: str, only: list[str], rounds: int = 40, note: str = "") -> None:
    chosen = [
        (page.name, page.user, page.path)
        for page in page_benchmark.pages()
        # The counted dashboard empties the kept figures before each request in the page
        # benchmark; here both sides would read them kept, so it is left out.
        if any(part in page.name for part in only)
        and page.user is not None
        and "figures counted" not in page.name
    ]
    if not chosen:
        raise SystemExit(f"no page of the benchmark's is named like {only}")
    officer = chosen[0][1]
    chosen += [("bare view: anonymous", None, "/accessibility/"),
               ("bare view: signed in", officer, "/accessibility/")]  # fmt: skip
    # Each side's sessions name its own sign-in backend (they differ across 7f6a3ca).
    backends = {"A": _sign_in_backend(before), "B": _sign_in_backend(str(settings.BASE_DIR))}
    cookies = {}
    for _, user, _ in chosen:
        for side, backend in backends.items():
            if user is not None and (side, user.pk) not in cookies:
                cookies[side, user.pk] = page_benchmark.session_cookie(
                    User.objects.get(pk=user.pk), backend
                )
    # Their access lines (gunicorn.conf.py's) would fill the terminal: both go to /dev/null.
    servers = {
        "A": page_benchmark.serve(8181, before, stdout=subprocess.DEVNULL),
        "B": page_benchmark.serve(8182, stdout=subprocess.DEVNULL),
    }
    ports = {"A": 8181, "B": 8182}
    times = {(name, path): {"A": [], "B": []} for name, _, path in chosen}
    try:
        for round_ in range(rounds + 1):
            for name, user, path in chosen:
                for side in ("A", "B"):
                    cookie = cookies[side, user.pk] if user is not None else ""
                    status, ms = page_benchmark.fetch(ports[side], path, cookie)
                    if status != 200:
                        raise RuntimeError(f"{side} answered {status} for {path}")
                    if round_:  # the first round warms both up
                        times[name, path][side].append(ms)
    finally:
        for server in servers.values():
            os.killpg(server.pid, signal.SIGTERM)
    lines = [
        f"## {date.today():%-d %B %Y}: {rounds} rounds ({platform.machine()}, "
        f"{os.cpu_count()} cores)",
        "",
        f"A: `{before}` at {_commit(before)}; B: this checkout at {_commit(settings.BASE_DIR)}."
        + (f" {note}" if note else ""),
        "",
        "| page | A p50 ms | B p50 ms | B / A |",
        "| --- | --- | --- | --- |",
    ]
    for (name, path), sides in times.items():
        a, b = statistics.median(sides["A"]), statistics.median(sides["B"])
        lines.append(f"| {name} (`{path}`) | {a:.1f} | {b:.1f} | {b / a:.2f} |")
    text = "\n".join(lines) + "\n\n"
    sys.stdout.write(text)
    with RESULTS.open("a") as results:
        results.write(text)


def _sign_in_backend(checkout: str) -> str:
    """The backend a checkout's sign-in writes into its sessions (its first but axes')."""
    found = subprocess.run(  # noqa: S603 - our own Python, our own arguments
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
            "'pep_portal.settings'); django.setup(); from django.conf import settings; "
            "print(next(b for b in settings.AUTHENTICATION_BACKENDS if 'axes' not in b))",
        ],
        cwd=checkout,
        env={**os.environ, "PYTHONPATH": checkout},
        capture_output=True,
        text=True,
        check=True,
    )
    return found.stdout.strip().splitlines()[-1]


def _commit(checkout) -> str:
    found = subprocess.run(  # noqa: S603 - git, our own arguments
        ["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.strip() or "an unknown commit"
