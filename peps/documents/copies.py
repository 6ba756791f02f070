"""The signed-off copy of a PEP, and every PDF people download.

On sign-off, `signed_off_copy_start` records that a copy is owed; once the sign-off has
committed, a task renders it (`signed_off_copy_render`) once, into private storage, with its
SHA-256 and size. The stored file never changes: every download reads it back and is written
to the audit trail. A render that fails leaves the PEP signed off; the failure is recorded
for the Virtual School to see and the render is tried again (the task's own retries, then
`signed_off_copies_retry`, every ten minutes).

A render whose worker was killed part-way (a deploy, the machine running out of memory) is
delivered again by the broker within minutes (acks_late, reject_on_worker_lost and the
visibility timeout in settings). The render marks when it starts, so the next attempt sees a
start that never finished, records on the row that it was interrupted, and renders again.
"""

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from children.selectors import carers_of
from pep_portal.emails import email_send

from .. import tasks
from ..models import Pep, SignedOffCopy
from ..sections import Kind
from . import printing
from .storage import private_storage

# A copy whose render failed is rendered again this long after its last attempt (its task
# has retried three times by then) ...
RETRY_AFTER = timedelta(hours=1)
# ... and one whose task was lost, or whose render was interrupted, this long after.
LOST_AFTER = timedelta(minutes=10)
INTERRUPTED = (
    "The render was interrupted before it finished (its worker stopped); it is tried again "
    "within minutes"
)


class CopyNotReady(Exception):
    """The signed-off copy has not been rendered yet."""


class CopyAltered(OSError):
    """The stored file is not the one that was stored: it must not be served as the record."""


def signed_off_copy_start(*, pep: Pep) -> SignedOffCopy:
    """Inside the sign-off transaction: a copy is owed, rendered once the sign-off commits."""
    copy = SignedOffCopy.objects.create(pep=pep)
    transaction.on_commit(lambda: tasks.render_signed_off_copy.delay(pep_id=pep.pk), robust=True)
    return copy


def signed_off_copy_render(*, pep_id: int) -> SignedOffCopy:
    """Render the copy and store it, unless it is stored already. The render (a second or so)
    runs outside any transaction; storing it, its audit event and the carers' email are one.
    Any failure is recorded on the row, for the Virtual School to see, and raised again."""
    copy = SignedOffCopy.objects.select_related("pep").get(pep_id=pep_id)
    if copy.is_ready:
        return copy
    attempted_at = timezone.now()
    with transaction.atomic():
        copy = (
            SignedOffCopy.objects.select_for_update().select_related("pep__child").get(pk=copy.pk)
        )
        if copy.is_ready:
            return copy
        if _was_interrupted(copy):
            copy.attempts += 1
            copy.last_attempt_at, copy.last_error = copy.render_started_at, INTERRUPTED
            audit_record(
                actor=None,
                action="pep.copy_interrupted",
                child=copy.pep.child,
                obj=copy.pep,
                changes={"render_started_at": [copy.render_started_at.isoformat(), None]},
            )
        copy.render_started_at = attempted_at
        copy.save(update_fields=["attempts", "last_attempt_at", "last_error", "render_started_at"])
    storage = private_storage()
    name = None
    try:
        pdf = printing.pep_pdf(copy.pep, draft=False)
        digest = hashlib.sha256(pdf).hexdigest()
        with transaction.atomic():
            copy = (
                SignedOffCopy.objects.select_for_update()
                .select_related("pep__child")
                .get(pk=copy.pk)
            )
            if copy.is_ready:  # another worker stored it first: theirs is the copy
                return copy
            name = storage.save(f"signed-off/{copy.pep_id}/{digest}.pdf", ContentFile(pdf))
            copy.file_name, copy.sha256, copy.size = name, digest, len(pdf)
            copy.rendered_at = timezone.now()
            copy.attempts += 1
            copy.last_attempt_at, copy.last_error = attempted_at, ""
            copy.save()
            audit_record(
                actor=None,
                action="pep.copy_stored",
                child=copy.pep.child,
                obj=copy.pep,
                changes={"sha256": [None, digest], "size": [None, len(pdf)]},
            )
            transaction.on_commit(
                lambda: tasks.email_carers_copy_ready.delay(copy_id=copy.pk), robust=True
            )
    except Exception as error:
        if name is not None:  # never leave a file the database does not know of
            storage.delete(name)
        reason = (str(error) if isinstance(error, printing.RenderFailed) else repr(error))[:300]
        with transaction.atomic():
            SignedOffCopy.objects.filter(pk=copy.pk, rendered_at__isnull=True).update(
                attempts=F("attempts") + 1, last_attempt_at=attempted_at, last_error=reason
            )
            audit_record(
                actor=None,
                action="pep.copy_failed",
                child=copy.pep.child,
                obj=copy.pep,
                changes={"last_error": [None, reason]},
            )
        raise
    return copy


def _was_interrupted(copy: SignedOffCopy) -> bool:
    """A render started and neither stored a copy nor recorded a failure."""
    started = copy.render_started_at
    return started is not None and (copy.last_attempt_at is None or copy.last_attempt_at < started)


def signed_off_copies_retry(
    *, now: datetime | None = None, older_than=RETRY_AFTER, lost_after=LOST_AFTER
) -> int:
    """Send a render again for every copy still owed: a failed one whose last attempt is
    older than `older_than`; one never attempted (its task was lost) or whose render started
    and never finished, after `lost_after`. The ten-minute job; a render that wins the race
    keeps its copy."""
    now = now or timezone.now()
    cutoff, lost = now - older_than, now - lost_after
    never_tried = Q(last_attempt_at__isnull=True, render_started_at__isnull=True)
    started_not_finished = Q(render_started_at__lt=lost) & (
        Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lt=F("render_started_at"))
    )
    owed = SignedOffCopy.objects.filter(rendered_at__isnull=True).filter(
        Q(last_attempt_at__lt=cutoff)
        & (Q(render_started_at__isnull=True) | Q(render_started_at__lte=F("last_attempt_at")))
        | (never_tried & Q(created_at__lt=lost))
        | started_not_finished
    )
    pep_ids = list(owed.values_list("pep_id", flat=True))
    for pep_id in pep_ids:
        tasks.render_signed_off_copy.delay(pep_id=pep_id)
    return len(pep_ids)


def signed_off_copy_download(*, copy: SignedOffCopy, actor: User) -> bytes:
    """The stored file, checked against the hash it was stored with; the download is in the
    audit trail. Raises OSError if storage cannot give back exactly what it was given."""
    if not copy.is_ready:
        raise CopyNotReady
    with private_storage().open(copy.file_name, "rb") as handle:
        pdf = handle.read()
    if hashlib.sha256(pdf).hexdigest() != copy.sha256:
        raise CopyAltered(f"The stored copy of PEP {copy.pep_id} does not match its hash")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="pep.copy_downloaded",
            child=copy.pep.child,
            obj=copy.pep,
            changes={"sha256": [None, copy.sha256]},
        )
    return pdf


def pep_draft_download(*, pep: Pep, actor: User) -> bytes:
    """A PEP in progress, rendered now and marked DRAFT on every page; the download is in the
    audit trail. (Who may have one is `peps.policy`'s to say.)"""
    pdf = printing.pep_pdf(pep, draft=True)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="pep.draft_downloaded",
            child=pep.child,
            obj=pep,
            changes={"state": [None, pep.state]},
        )
    return pdf


def blank_form_download(*, kind: str, actor: User) -> bytes:
    """A blank form of a kind, for a meeting held on paper. It names no child."""
    pdf = printing.blank_form_pdf(Kind(kind).value)
    with transaction.atomic():
        audit_record(
            actor=actor, action="pep.blank_form_downloaded", changes={"kind": [None, kind]}
        )
    return pdf


def carers_tell_copy_ready(*, copy_id: int) -> int:
    """Email each carer the child is placed with now that a signed-off copy is ready, once.
    The email names no child: the copy is behind sign-in. Returns how many were emailed."""
    with transaction.atomic():
        copy = (
            SignedOffCopy.objects.select_for_update().select_related("pep__child").get(pk=copy_id)
        )
        if copy.carers_told_at is not None or not copy.is_ready:
            return 0
        carers = list(carers_of(child=copy.pep.child_id))
        link = settings.SITE_URL + reverse("children:carer_home")
        with get_connection() as connection:
            for carer in carers:
                email_send(
                    kind="copy_ready",
                    to=carer.email,
                    personalisation={"name": carer.get_short_name(), "link": link},
                    connection=connection,
                )
        copy.carers_told_at = timezone.now()
        copy.save(update_fields=["carers_told_at"])
        audit_record(
            actor=None,
            action="pep.copy_carers_told",
            child=copy.pep.child,
            obj=copy.pep,
            changes={"carers": [None, sorted(carer.pk for carer in carers)]},
        )
    return len(carers)
