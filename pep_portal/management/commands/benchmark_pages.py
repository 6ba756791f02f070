"""Time every list, dashboard, report and export page on the national data set.

    make benchmark-pages           # after make benchmark-data

Appends a table to benchmarks/pages.md.
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from benchmarks.pages import RESULTS, run, write


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

    def handle(self, *args, rounds, port, only, skip, minutes, note, results, **options):
        name = str(settings.DATABASES["default"]["NAME"])
        if "bench" not in name and "national" not in name:
            raise CommandError(
                "Run this on a scratch database whose name has 'bench' or 'national'."
            )
        if settings.DEBUG:
            raise CommandError("Run this with production settings (DEBUG=false).")
        call_command("collectstatic", "--no-input", verbosity=0)
        measured, done = run(
            rounds=rounds, port=port, only=only, skip=skip, minutes=minutes, log=self.stdout.write
        )
        self.stdout.write(write(measured, path=Path(results), rounds=done, note=note))
