"""Build the benchmarks' national data set into an empty scratch database.

    make benchmark-data            # 100,000 children into the pep_national database
    DATABASE_URL=... python manage.py build_national_data --children 1000 --virtual-schools 3 \
        --schools 300 --largest 600

The row counts, the time it took and the database's size are appended to
benchmarks/national_data.md.
"""

import platform
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from benchmarks.national_data import Sizes, build

RESULTS = Path(settings.BASE_DIR) / "benchmarks" / "national_data.md"


class Command(BaseCommand):
    help = "Build the national benchmark data set (scratch databases only)."

    def add_arguments(self, parser):
        defaults = Sizes()
        parser.add_argument("--children", type=int, default=defaults.children)
        parser.add_argument("--virtual-schools", type=int, default=defaults.virtual_schools)
        parser.add_argument("--schools", type=int, default=defaults.schools)
        parser.add_argument("--largest", type=int, default=defaults.largest)
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument("--results", default=str(RESULTS))

    def handle(self, *args, children, virtual_schools, schools, largest, seed, results, **options):
        name = str(settings.DATABASES["default"]["NAME"])
        if "bench" not in name and "national" not in name:
            raise CommandError(
                "Build this into a scratch database whose name contains 'bench' or 'national'."
            )
        sizes = Sizes(children=children, virtual_schools=virtual_schools, schools=schools,
                      largest=largest, seed=seed)  # fmt: skip
        counts = build(sizes, log=self.stdout.write)
        path = Path(results)
        if not path.exists():
            path.write_text(
                "# The national data set\n\nMade by `make benchmark-data` "
                "(`python manage.py build_national_data`) into an empty scratch database.\n\n"
            )
        lines = [f"## {date.today():%-d %B %Y}, {sizes.children} children "
                 f"({platform.processor() or platform.machine()}, {name})", ""]  # fmt: skip
        lines += [f"- {table}: {count}" for table, count in counts.items()]
        with path.open("a") as out:
            out.write("\n".join(lines) + "\n\n")
        self.stdout.write("\n".join(lines))
