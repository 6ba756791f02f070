"""Writing the audit trail. Call inside the transaction of the change being recorded."""

from datetime import date, datetime
from decimal import Decimal

from django.db import models, transaction

from .context import client_address
from .models import AuditEvent


def _plain(value):
    """A JSON-safe form of a field value: ids for objects, ISO text for dates."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(item) for item in value]
    return value


def audit_changes(old: dict, new: dict) -> dict:
    """The fields whose values differ, as {field: [old, new]}."""
    return {
        field: [_plain(old.get(field)), _plain(new.get(field))]
        for field in sorted(set(old) | set(new))
        if _plain(old.get(field)) != _plain(new.get(field))
    }


def audit_record(
    *,
    actor,
    action: str,
    child=None,
    obj: models.Model | None = None,
    changes: dict | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the writer's transaction, so both land or neither."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the change's transaction")
    return AuditEvent.objects.create(
        actor=actor,
        actor_role=getattr(actor, "role", "") or "",
        action=action,
        child=child,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        changes=changes or {},
        ip_address=client_address.get(),
    )


def audit_record_many(*, actor, events: list[dict]) -> int:
    """Append many events by one actor at once (an import): each a dict of `action`, and
    optionally `child_id`, `obj` and `changes`. Same rule: inside the writer's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record_many must be called inside the change's transaction")
    address = client_address.get()
    role = getattr(actor, "role", "") or ""
    rows = [
        AuditEvent(
            actor=actor,
            actor_role=role,
            action=event["action"],
            child_id=event.get("child_id"),
            object_type=event["obj"]._meta.label_lower if event.get("obj") is not None else "",
            object_id=str(event["obj"].pk) if event.get("obj") is not None else "",
            changes=event.get("changes") or {},
            ip_address=address,
        )
        for event in events
    ]
    AuditEvent.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
