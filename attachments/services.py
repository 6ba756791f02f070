"""Every write to attached documents: attach (checked by content, scanned, then stored), share
with carers or stop sharing, and the download, each in the audit trail."""

import hashlib
import logging
import uuid
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from children.models import Child
from peps.documents.storage import private_storage
from peps.models import Pep
from peps.policy import capacity_for_child

from . import content, scanning
from .models import Attachment

logger = logging.getLogger(__name__)

SCANNER_UNAVAILABLE = (
    "The file was not attached: the virus scanner cannot be reached just now, and no file is "
    "kept without being scanned. Try again in a few minutes; if it keeps happening, tell your "
    "Virtual School"
)
INFECTED = (
    "The file was not attached: the virus scanner found a virus in it ({signature}). It has "
    "not been kept. Do not open it again; tell your IT service where it came from"
)


class AttachmentAltered(OSError):
    """The stored file is not the one that was stored."""


def can_attach(*, user: User, child: Child) -> bool:
    """Social workers, designated teachers and Virtual School staff of the child."""
    capacity = capacity_for_child(user=user, child=child)
    return capacity.social_worker or capacity.designated_teacher or capacity.virtual_school


def can_share(*, user: User, child: Child) -> bool:
    """Only the Virtual School decides what a carer may see."""
    return capacity_for_child(user=user, child=child).virtual_school


def attachment_add(
    *,
    actor: User,
    child: Child,
    pep: Pep | None,
    kind: str,
    document_date: date,
    description: str,
    original_name: str,
    data: bytes,
) -> Attachment:
    """Check the file by its content, scan it, and only then store it. A file refused for any
    reason leaves nothing behind; a virus found is in the audit trail (without the file)."""
    if not can_attach(user=actor, child=child):
        raise PermissionDenied
    if pep is not None and (pep.child_id != child.pk or pep.is_locked):
        raise ValidationError({"attach_to": "Choose the child's record or the PEP in progress"})
    if len(data) > content.MAX_BYTES:
        raise ValidationError({"file": _too_large(len(data))})
    try:
        file_kind = content.file_kind(data)
    except content.NotAccepted as refused:
        raise ValidationError({"file": str(refused)}) from None
    try:
        verdict = scanning.scan_bytes(data)
    except scanning.ScannerUnavailable as error:
        logger.error("An attachment was refused unscanned: %s", error)
        raise ValidationError({"file": SCANNER_UNAVAILABLE}) from None
    if not verdict.clean:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="attachment.refused_virus",
                child=child,
                changes={"signature": [None, verdict.signature], "size": [None, len(data)]},
            )
        raise ValidationError({"file": INFECTED.format(signature=verdict.signature)})
    digest = hashlib.sha256(data).hexdigest()
    storage = private_storage()
    name = None
    try:
        with transaction.atomic():
            name = storage.save(f"attachments/{child.pk}/{uuid.uuid4().hex}", ContentFile(data))
            attachment = Attachment.objects.create(
                child=child,
                pep=pep,
                kind=kind,
                document_date=document_date,
                description=description,
                original_name=original_name[:200],
                file_type=file_kind.label,
                content_type=file_kind.content_type,
                extension=file_kind.extension,
                file_name=name,
                sha256=digest,
                size=len(data),
                scan_result="No virus found by ClamAV",
                uploaded_by=actor,
            )
            audit_record(
                actor=actor,
                action="attachment.added",
                child=child,
                obj=attachment,
                changes={
                    "kind": [None, kind],
                    "pep": [None, pep.pk if pep else None],
                    "sha256": [None, digest],
                    "size": [None, len(data)],
                },
            )
    except Exception:
        if name is not None:  # never leave a file the database does not know of
            storage.delete(name)
        raise
    return attachment


def _too_large(size: int) -> str:
    return (
        f"The file is {size / 1024 / 1024:.1f} MB: the largest that can be attached is "
        f"{content.MAX_BYTES // 1024 // 1024} MB"
    )


def attachment_share(*, actor: User, attachment: Attachment, shared: bool) -> Attachment:
    """Share a document with the child's carers, or stop sharing it."""
    if not can_share(user=actor, child=attachment.child):
        raise PermissionDenied
    with transaction.atomic():
        attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
        if attachment.shared_with_carers == shared:
            return attachment
        attachment.shared_with_carers = shared
        attachment.shared_by = actor if shared else None
        attachment.shared_at = timezone.now() if shared else None
        attachment.save(update_fields=["shared_with_carers", "shared_by", "shared_at"])
        audit_record(
            actor=actor,
            action="attachment.shared" if shared else "attachment.unshared",
            child=attachment.child,
            obj=attachment,
            changes={"shared_with_carers": [not shared, shared]},
        )
    return attachment


def attachment_download(*, attachment: Attachment, actor: User) -> bytes:
    """The stored bytes, checked against their hash; the download is in the audit trail."""
    with private_storage().open(attachment.file_name, "rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise AttachmentAltered(f"Attachment {attachment.pk} does not match its hash")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="attachment.downloaded",
            child=attachment.child,
            obj=attachment,
            changes={"sha256": [None, attachment.sha256]},
        )
    return data


def attachment_store_for_demo(*, actor: User, child: Child, pep: Pep | None, **fields):
    """The demo's own document, made by the seed rather than uploaded: stored as it is, its
    scan result saying so."""
    data = fields.pop("data")
    file_kind = content.file_kind(data)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        name = private_storage().save(
            f"attachments/{child.pk}/{uuid.uuid4().hex}", ContentFile(data)
        )
        attachment = Attachment.objects.create(
            child=child,
            pep=pep,
            file_type=file_kind.label,
            content_type=file_kind.content_type,
            extension=file_kind.extension,
            file_name=name,
            sha256=digest,
            size=len(data),
            scan_result="Made by the demo seed, not uploaded",
            uploaded_by=actor,
            **fields,
        )
        audit_record(actor=actor, action="attachment.added", child=child, obj=attachment)
    return attachment
