"""Time every list, dashboard, report and export page on the national data set.

    make benchmark-pages           # after make benchmark-data

Appends a table to benchmarks/pages.md (`--results` for another file). With
`--small-database URL` (which `make benchmark-pages` passes: the 1,000-child set in
pep_national_small, built if missing) each page's queries are also counted there.
`--queries-only` prints this database's counts as JSON and times nothing; it is how the
small set is counted.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from benchmarks.pages import RESULTS, query_counts, run, write


class Command(BaseCommand):
    help = "Time the pages under gunicorn on the national data set (scratch databases only)."

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=30)
        parser.add_argument("--port", type=int, default=8115)
        parser.add_argument("--only", default="", help="Only pages whose name or path has this")
        parser.add_argument(
            "--skip", default="", help="Leave out pages whose name or path has this"
        )
        parser.add_argument("--minutes", type=float, default=0, help="Stop after this long")
        parser.add_argument("--note", default="")
        parser.add_argument("--results", default=str(RESULTS))
        parser.add_argument(
            "--small-database",
            default="",
            help="A database URL of the 1,000-child set: count each page's queries there too",
        )
        parser.add_argument(
            "--queries-only",
            action="store_true",
            help="Print each page's queries on this database as JSON; time nothing",
        )

    def handle(
        self, *args, rounds, port, only, skip, minutes, note, results, small_database,
        queries_only, **options,
    ):  # fmt: skip
        name = str(settings.DATABASES["default"]["NAME"])
        if "bench" not in name and "national" not in name:
            raise CommandError(
                "Run this on a scratch database whose name has 'bench' or 'national'."
            )
        if settings.DEBUG:
            raise CommandError("Run this with production settings (DEBUG=false).")
        call_command("collectstatic", "--no-input", verbosity=0)
        if queries_only:
            self.stdout.write(json.dumps(query_counts(only, skip)))
            return
        measured, bare, done = run(
            rounds=rounds,
            port=port,
            only=only,
            skip=skip,
            minutes=minutes,
            small_database=small_database,
            log=self.stdout.write,
        )
        self.stdout.write(write(measured, path=Path(results), rounds=done, note=note, bare=bare))
