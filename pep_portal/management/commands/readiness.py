"""Print what /readyz checks, as JSON, and exit 1 if any fails (for container health checks
of processes that serve no HTTP: the worker and beat)."""

import json

from django.core.management.base import BaseCommand, CommandError

from pep_portal.health import CHECKS, readiness


class Command(BaseCommand):
    help = "Check the database, broker, private storage and beat heartbeat; exit 1 on failure."

    def add_arguments(self, parser):
        parser.add_argument(
            "--only", nargs="+", choices=sorted(CHECKS), default=(), help="Check only these"
        )

    def handle(self, *args, only=(), **options):
        results = readiness(tuple(only))
        self.stdout.write(json.dumps(results))
        failing = sorted(name for name, result in results.items() if not result["ok"])
        if failing:
            raise CommandError(f"Not ready: {', '.join(failing)}")
