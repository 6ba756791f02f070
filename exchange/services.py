"""Every write of an import: upload, check (the dry run), apply. Each runs in a transaction with
its audit event; the check and the apply run in a worker (`tasks.py`), queued on commit."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User, VirtualSchool
from audit.services import audit_record

from . import feed, ssda903, tasks
from .csvfiles import FileRefused, Parsed
from .models import ImportFile, ImportRun
from .plans import PlanChanged, PlanRefused, plan_apply, plan_build
from .progress import progress_set

logger = logging.getLogger(__name__)

SSDA903_FILES = ("header", "episodes", "uasc", "oc2")
FEED_FILES = ("feed",)


def parse_files(format: str, files: dict[str, tuple[str, bytes]]) -> Parsed:
    """Read a run's files (kind -> (name, content)) into each child's facts."""
    if format == ImportRun.Format.SSDA903:
        return ssda903.parse(**{kind: files[kind] for kind in SSDA903_FILES if kind in files})
    return feed.parse(feed=files["feed"])


@transaction.atomic
def import_upload(
    *, actor: User, virtual_school: VirtualSchool, format: str, files: dict[str, tuple[str, bytes]]
) -> ImportRun:
    """Keep the uploaded files and queue their check. Nothing about any child changes."""
    run = ImportRun.objects.create(
        virtual_school=virtual_school,
        format=format,
        created_by=actor,
        file_names=[name for name, _ in files.values()],
    )
    ImportFile.objects.bulk_create(
        [ImportFile(run=run, kind=kind, name=name, content=content)
         for kind, (name, content) in files.items()]
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="import.uploaded",
        obj=run,
        changes={"format": [None, format], "files": [None, run.file_names]},
    )
    transaction.on_commit(lambda: tasks.import_check.delay(run_id=run.pk))
    return run


def import_check(*, run_id: int) -> ImportRun:
    """The dry run: read the files and work out the plan, changing nothing about any child.
    The files are deleted once read; the facts they gave are kept for the apply."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        if run.state not in (ImportRun.State.QUEUED, ImportRun.State.CHECKING):
            return run  # already checked: a repeated delivery of the task
        run.state = ImportRun.State.CHECKING
        run.save(update_fields=["state"])
    progress_set(run.pk, step="Reading the files", done=0, total=1, state=run.state)
    files = {f.kind: (f.name, bytes(f.content)) for f in run.files.all()}
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        try:
            parsed = parse_files(run.format, files)
        except FileRefused as refused:
            run.state = ImportRun.State.UNREADABLE
            run.file_errors = [{"file": refused.name, "reason": refused.reason}]
            run.save(update_fields=["state", "file_errors"])
            run.files.all().delete()
            return run
        progress_set(run.pk, step="Comparing with the children's records", done=0, total=1,
                     state=ImportRun.State.CHECKING)  # fmt: skip
        plan = plan_build(virtual_school=run.virtual_school, parsed=parsed)
        run.parsed = parsed.as_json()
        run.summary = plan.summary()
        run.state = ImportRun.State.CHECKED
        run.save(update_fields=["parsed", "summary", "state"])
        run.files.all().delete()
        audit_record(actor=None, action="import.checked", obj=run,
                     changes={"counts": [None, plan.counts]})  # fmt: skip
    return run


@transaction.atomic
def import_confirm(
    *, actor: User, run: ImportRun, skip_refused: bool, fingerprint: str
) -> ImportRun:
    """The officer confirms the plan they read: the apply is queued."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.state != ImportRun.State.CHECKED:
        raise ValidationError("This import has already been applied, or is not checked yet")
    if fingerprint != run.summary["fingerprint"]:
        raise ValidationError("The plan changed since you read it: read it again")
    if run.counts.get("refused_rows") and not skip_refused:
        raise ValidationError(
            {"skip_refused": "Some rows are refused: correct the file and upload it again, or "
                             "choose to skip the refused rows"}
        )  # fmt: skip
    if not run.counts.get("refused_rows"):
        skip_refused = False
    run.state = ImportRun.State.APPLYING
    run.skip_refused = skip_refused
    run.applied_by = actor
    run.save(update_fields=["state", "skip_refused", "applied_by"])
    audit_record(
        actor=actor,
        action="import.confirmed",
        obj=run,
        changes={"skip_refused_rows": [None, skip_refused], "counts": [None, run.counts]},
    )
    transaction.on_commit(lambda: tasks.import_apply.delay(run_id=run.pk))
    return run


def import_apply(*, run_id: int) -> ImportRun:
    """Apply a confirmed run's plan, in one transaction. If the children's records changed
    since the check, nothing is applied and the new plan is shown to be confirmed again."""
    run = ImportRun.objects.select_related("applied_by", "virtual_school").get(pk=run_id)
    if run.state != ImportRun.State.APPLYING:
        return run  # applied already: a repeated delivery of the task
    parsed = Parsed.from_json(run.parsed)

    def progress(step, done, total):
        progress_set(run.pk, step=step, done=done, total=total, state=ImportRun.State.APPLYING)

    try:
        with transaction.atomic():
            locked = ImportRun.objects.select_for_update().get(pk=run.pk)
            if locked.state != ImportRun.State.APPLYING:
                return locked
            plan = plan_apply(
                virtual_school=run.virtual_school,
                parsed=parsed,
                actor=run.applied_by,
                skip_refused=run.skip_refused,
                fingerprint=run.summary["fingerprint"],
                run=run,
                progress=progress,
            )
            locked.state = ImportRun.State.APPLIED
            locked.applied_at = timezone.now()
            locked.message = ""
            locked.save(update_fields=["state", "applied_at", "message"])
            return locked
    except (PlanChanged, PlanRefused) as error:
        plan = plan_build(virtual_school=run.virtual_school, parsed=parsed)
        run.summary = plan.summary()
        run.state = ImportRun.State.CHECKED
        run.message = str(error)
        run.save(update_fields=["summary", "state", "message"])
        return run
    except Exception:
        logger.exception("Import %s could not be applied", run.pk)  # ids only: no personal data
        ImportRun.objects.filter(pk=run.pk).update(
            state=ImportRun.State.FAILED,
            message="The import could not be applied, and nothing was changed. "
            "The service team has been told.",
        )
        raise
