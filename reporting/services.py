"""The reporting app's writes: only the audit trail of who looked at a child's figures."""

from django.db import transaction

from accounts.models import User
from audit.services import audit_record
from children.models import Child
from peps.models import Pep


def child_progress_record_view(*, actor: User, child: Child) -> None:
    """Opening a child's progress page is a view of the child's record, so it is audited."""
    with transaction.atomic():
        audit_record(actor=actor, action="child.progress_viewed", child=child, obj=child)


def pep_changes_record_view(*, actor: User, pep: Pep) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="pep.changes_viewed", child=pep.child, obj=pep)
