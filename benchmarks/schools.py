"""Time loading the schools register and searching it, on a register the size of England's.

    DATABASE_URL=postgres://... DEBUG=true .venv/bin/python -m benchmarks.schools [--schools N]

(`make benchmark-schools` runs it on the scratch database.) It writes a synthetic GIAS CSV
(Windows-1252, the register's real columns among others), imports it twice (a first load, then a
refresh that changes nothing but closes some schools), then times the school search for typical
queries (median and worst of 20 runs each, through the same function the search box uses) and
appends the results to benchmarks/schools.md.
"""

import argparse
import csv
import io
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

COLUMNS = [
    "URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName",
    "TypeOfEstablishment (code)", "TypeOfEstablishment (name)", "EstablishmentStatus (code)",
    "EstablishmentStatus (name)", "PhaseOfEducation (code)", "PhaseOfEducation (name)",
    "StatutoryLowAge", "StatutoryHighAge", "Street", "Town", "Postcode", "SchoolWebsite",
    "TelephoneNum", "HeadFirstName", "HeadLastName",
]  # fmt: skip
SAINTS = ["St Mary's", "St John's", "St Peter's", "St Joseph's", "St Michael's", "All Saints",
          "Holy Trinity", "St Anne's", "Christ Church", "St Paul's", "Sacred Heart"]  # fmt: skip
PLACES = ["Riverside", "Hillside", "Oakwood", "Meadow", "Brookfield", "Ashby", "Coleridge",
          "Fairfield", "Greenbank", "Highfield", "Kingsway", "Lindley", "Millbrook", "Newtown",
          "Orchard", "Parkside", "Queensbury", "Rosewood", "Southfields", "Thornton", "Westfield",
          "Whitley Bay", "Bishop's Stortford", "Ponteland", "Hexham", "Côte Park"]  # fmt: skip
KINDS = [
    ("Community school", "Primary", "{} Primary School"),
    ("Voluntary aided school", "Primary", "{} Church of England Primary School"),
    ("Academy converter", "Secondary", "{} Academy"),
    ("Academy sponsor led", "Secondary", "{} High School"),
    ("Community special school", "Not applicable", "{} Special School"),
    ("Pupil referral unit", "Not applicable", "{} Learning Centre"),
    ("Further education", "16 plus", "{} College"),
    ("Local authority nursery school", "Nursery", "{} Nursery School"),
    ("Free schools", "All-through", "{} Free School"),
    ("Other independent school", "Not applicable", "{} Independent School"),
]
AREAS = ["NE", "DH", "SR", "TS", "YO", "LS", "M", "B", "CV", "N", "SE", "SW", "E", "W", "BS"]
QUERIES = ["riverside", "st mary", "st marys primary", "academy", "whitley bay high",
           "côte", "1001", "100123", "NE1", "NE12 7", "zzzz nothing"]  # fmt: skip


def register_csv(count: int, seed: int = 16) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for i in range(count):
        kind, phase, pattern = rng.choice(KINDS)
        place = rng.choice(PLACES)
        name = pattern.format(rng.choice(SAINTS) if rng.random() < 0.3 else place)
        if rng.random() < 0.5:
            name = f"{name}, {rng.choice(PLACES)}"
        la = 200 + i % 150
        status = "Closed" if rng.random() < 0.2 else "Open"
        area = rng.choice(AREAS)
        inward = f"{rng.randint(1, 9)}{rng.choice('ABDEFG')}{rng.choice('HJLNPQ')}"
        postcode = f"{area}{rng.randint(1, 30)} {inward}"
        writer.writerow([
            100000 + i, la, f"Council {la}", 2000 + i % 7000, name, 1, kind, 1, status, 2, phase,
            4, 11, "1 High Street", place, postcode, "", "", "", "",
        ])  # fmt: skip
    return out.getvalue().encode("cp1252", errors="replace")


def _time(fn, runs: int) -> tuple[float, float]:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), max(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=24000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pep_portal.settings")
    import django

    django.setup()
    from django.db import connection

    from accounts.models import School
    from accounts.schools import school_search
    from exchange.schools import gias_import

    raw = register_csv(args.schools)
    started = time.perf_counter()
    first = gias_import(raw=raw)
    load = time.perf_counter() - started
    started = time.perf_counter()
    again = gias_import(raw=raw)
    refresh = time.perf_counter() - started
    total = School.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_school")

    lines = [
        f"\n## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {connection.vendor}, "
        f"{platform.machine()}, {os.cpu_count()} cores\n",
        f"Register of {args.schools:,} rows ({len(raw) / 1e6:.1f} MB, Windows-1252); "
        f"{total:,} schools in the table.\n",
        f"- first load: {load:.2f} s ({first})",
        f"- refresh with the same file: {refresh:.2f} s ({again})\n",
        f"| query | results | median ms | worst ms ({args.runs} runs) |",
        "| --- | --- | --- | --- |",
    ]
    for query in QUERIES:
        found = len(list(school_search(query)))
        median, worst = _time(lambda q=query: list(school_search(q)), args.runs)
        lines.append(f"| `{query}` | {found} | {median:.1f} | {worst:.1f} |")
    report = "\n".join(lines) + "\n"
    print(report)  # noqa: T201
    results = Path(__file__).with_name("schools.md")
    if not results.exists():
        results.write_text(
            "# School register: load and search\n\nAppended by `make benchmark-schools` "
            "(benchmarks/schools.py). The target: search under 100 ms over 24,000 schools; "
            "a load in seconds.\n"
        )
    with results.open("a") as out:
        out.write(report)


if __name__ == "__main__":
    sys.exit(main())
