"""Reads of PEPs, scoped to the person asking: a PEP is visible exactly when its child is."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from children.selectors import children_visible_to

from .models import Pep


def pep_get_for_user(*, user: User, pep_id: int) -> Pep:
    """The PEP, if this person may see its child; otherwise 404 (existence is not revealed).
    What they may do with it is `peps.policy`'s to say."""
    pep = (
        Pep.objects.select_related("child__virtual_school", "term")
        .filter(pk=pep_id, child__in=children_visible_to(user=user))
        .first()
    )
    if pep is None:
        raise Http404("No such PEP")
    return pep


def quality_assurance_queue(*, user: User) -> QuerySet[Pep]:
    """Submitted PEPs of the person's Virtual School, the longest waiting first."""
    return (
        Pep.objects.filter(
            state=Pep.State.SUBMITTED,
            child__in=children_visible_to(user=user),
            child__virtual_school=user.virtual_school_id,
        )
        .select_related("child", "term", "submitted_by")
        .order_by("submitted_at", "pk")
    )
