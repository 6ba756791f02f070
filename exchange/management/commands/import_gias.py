"""python manage.py import_gias FILE: load or refresh the schools register from GIAS's CSV."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchange.schools import GiasFileError, gias_import


class Command(BaseCommand):
    help = (
        "Load or refresh the schools from Get Information About Schools' CSV (the DfE register). "
        "Closed schools are marked closed, never deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The register's CSV (Windows-1252 or UTF-8)")

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        started = time.perf_counter()
        try:
            result = gias_import(raw=file.read_bytes())
        except GiasFileError as error:
            raise CommandError(str(error)) from error
        for refused in result.refused:
            self.stderr.write(refused)
        self.stdout.write(f"{result} in {time.perf_counter() - started:.1f} s")
