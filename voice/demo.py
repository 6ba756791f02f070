"""The demo's young person's link, with a published code (seed_demo), so anyone trying the
demo can open it. Never used outside the demo: a real code is random and shown once."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record

from .models import ChildViewsInvitation
from .services import INVITATION_DAYS, _digest

DEMO_CODE = "DEMA-YEAR-9VWS"


@transaction.atomic
def demo_invitation(*, pep, social_worker) -> ChildViewsInvitation:
    """The demo code opens this PEP's questionnaire for 14 days from today, however often the
    demo is seeded (a spent or expired demo link is made to work again)."""
    now = timezone.now()
    digest = _digest(DEMO_CODE)
    invitation = ChildViewsInvitation.objects.filter(code_digest=digest).first()
    fresh = invitation is None or invitation.pep_id != pep.pk or invitation.refusal(now)
    if not fresh:
        return invitation
    ChildViewsInvitation.objects.filter(
        pep=pep, used_at__isnull=True, revoked_at__isnull=True
    ).exclude(code_digest=digest).update(revoked_at=now)
    if invitation is None:
        invitation = ChildViewsInvitation(code_digest=digest)
    invitation.pep = pep
    invitation.delivery = ChildViewsInvitation.Delivery.CODE
    invitation.invited_by = social_worker
    invitation.created_at = now
    invitation.expires_at = now + timedelta(days=INVITATION_DAYS)
    invitation.used_at = invitation.revoked_at = invitation.response = None
    invitation.save()
    audit_record(
        actor=social_worker, action="child_views.invited", child=pep.child, obj=invitation,
        changes={"delivery": "code", "demo": True},
    )  # fmt: skip
    return invitation
