"""Rebuild every permission on children from the facts, and report what changed.

For repair after an import or a manual database change. Safe to run at any time.
"""

from django.core.management.base import BaseCommand

from children.access import access_rebuild_all


class Command(BaseCommand):
    help = "Rebuild object permissions on children from allocations, schools, placements, grants."

    def add_arguments(self, parser):
        parser.add_argument("--verbose-rows", action="store_true", help="List each row changed")

    def handle(self, *args, verbose_rows=False, **options):
        changes = access_rebuild_all()
        if not changes:
            self.stdout.write("Nothing to change: every permission matches the facts.")
            return
        self.stdout.write(
            f"{len(changes.added)} added, {len(changes.removed)} removed, "
            f"{len(changes.changed)} changed."
        )
        if verbose_rows:
            for label, rows in (
                ("+", changes.added),
                ("-", changes.removed),
                ("~", changes.changed),
            ):
                for row in rows:
                    self.stdout.write(f"{label} {row}")
