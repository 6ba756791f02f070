"""Import children from the SSDA903 return files, for councils that script it.

    python manage.py import_ssda903 --virtual-school 990 header.csv episodes.csv \
        [uasc.csv] [oc2.csv]

prints the plan (the dry run); with --apply it applies it in one transaction. It exits with
status 1, changing nothing, when rows are refused, unless --skip-refused is given (the audit
trail records that they were skipped). Files are told apart by their columns, so their order
after the first two does not matter.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import VirtualSchool
from audit.services import audit_record
from exchange import ssda903
from exchange.csvfiles import FileRefused
from exchange.plans import PlanRefused, plan_apply, plan_build

SHOWN = 50


class Command(BaseCommand):
    help = "Check (and with --apply, import) children from SSDA903 return CSV files"

    def add_arguments(self, parser):
        parser.add_argument("--virtual-school", required=True, metavar="LA_CODE",
                            help="The council's three-digit DfE local authority code")  # fmt: skip
        parser.add_argument("--apply", action="store_true", help="Apply the plan")
        parser.add_argument(
            "--skip-refused",
            action="store_true",
            help="With --apply: apply the rest when some rows are refused",
        )
        parser.add_argument("files", nargs="+", type=Path,
                            help="header.csv episodes.csv [uasc.csv] [oc2.csv]")  # fmt: skip

    def handle(self, *args, **options):
        try:
            virtual_school = VirtualSchool.objects.get(
                local_authority_code=options["virtual_school"]
            )
        except VirtualSchool.DoesNotExist:
            raise CommandError(
                f"No Virtual School has the code {options['virtual_school']}"
            ) from None
        files = self._files(options["files"])
        try:
            parsed = ssda903.parse(**files)
        except FileRefused as refused:
            raise CommandError(f"{refused.name}: {refused.reason}") from None
        plan = plan_build(virtual_school=virtual_school, parsed=parsed)
        self._print(plan)
        if plan.refused and not options["skip_refused"]:
            if options["apply"]:
                self.stderr.write("Nothing was applied: correct the refused rows, or give "
                                  "--skip-refused to apply the rest.")  # fmt: skip
            raise CommandError(f"{len(plan.refused)} rows are refused", returncode=1)
        if not options["apply"]:
            self.stdout.write("Dry run: nothing was changed. Give --apply to apply this plan.")
            return
        try:
            applied = plan_apply(
                virtual_school=virtual_school,
                parsed=parsed,
                actor=None,
                skip_refused=options["skip_refused"],
                fingerprint=plan.fingerprint,
            )
        except PlanRefused as error:
            raise CommandError(str(error), returncode=1) from None
        counts = applied.counts
        with transaction.atomic():
            audit_record(
                actor=None,
                action="import.command_line",
                changes={"files": [None, parsed.files], "counts": [None, counts]},
            )
        self.stdout.write(self.style.SUCCESS(
            f"Applied: {counts['create']} created, {counts['change']} changed, "
            f"{counts['unchanged']} left alone, {counts['refused_rows']} rows skipped."
        ))  # fmt: skip

    def _files(self, paths: list[Path]) -> dict:
        if len(paths) < 2 or len(paths) > 4:
            raise CommandError("Give the header and episodes files, then the UASC and OC2 files")
        found = {}
        for path in paths:
            try:
                content = path.read_bytes()
            except OSError as error:
                raise CommandError(f"{path}: {error.strerror}") from None
            first = content[:2000].decode("utf-8-sig", "replace").splitlines()[:1]
            columns = {c.strip().upper() for c in (first[0] if first else "").split(",")}
            kind = next(
                (kind for kind, needed in (
                    ("episodes", ssda903.EPISODE_COLUMNS), ("header", ssda903.HEADER_COLUMNS),
                    ("oc2", ssda903.OC2_COLUMNS), ("uasc", ssda903.UASC_COLUMNS),
                ) if set(needed) <= columns and kind not in found),
                None,
            )  # fmt: skip
            if kind is None:
                # Unrecognised: read it in the place it was given, so the message names it.
                kind = ("header", "episodes", "uasc", "oc2")[paths.index(path)]
                if kind in found:
                    raise CommandError(f"{path}: its columns are not those of an SSDA903 file")
            found[kind] = (path.name, content)
        if "header" not in found or "episodes" not in found:
            raise CommandError("Give both the header file and the episodes file")
        return found

    def _print(self, plan) -> None:
        counts = plan.counts
        self.stdout.write(
            f"Read {plan.rows_read} rows from {', '.join(plan.files)}: "
            f"{counts['create']} children to create, {counts['change']} to change, "
            f"{counts['unchanged']} left alone, {counts['refused_rows']} rows refused."
        )
        for action, title in (("create", "To create"), ("change", "To change")):
            entries = plan.of(action)
            if entries:
                self.stdout.write(f"\n{title}:")
            for entry in entries[:SHOWN]:
                self.stdout.write(f"  {entry.council_child_id}: {'; '.join(entry.changes)}")
            if len(entries) > SHOWN:
                self.stdout.write(f"  … and {len(entries) - SHOWN} more")
        if plan.refused:
            self.stdout.write("\nRefused:")
            for refusal in plan.refused:
                self.stdout.write(f"  {refusal.file} line {refusal.line}: {refusal.reason}")
