"""Reads of attached documents, scoped to the person asking: anyone who may see the child sees
its documents; a carer the child is placed with sees only those shared with carers."""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from children.models import Child
from children.selectors import children_placed_with, children_visible_to

from .models import Attachment


def attachments_of_child(*, child: Child) -> QuerySet[Attachment]:
    """A child's documents, for someone who may see the child (fetched through
    `child_get_for_user`)."""
    return child.attachments.select_related("pep__term", "uploaded_by", "shared_by")


def attachment_get_for_user(*, user: User, attachment_id: int) -> Attachment:
    """The document, if this person may see its child, or is a carer the child is placed with
    now and the Virtual School shared it with carers; otherwise 404."""
    attachment = (
        Attachment.objects.select_related("child__virtual_school", "pep")
        .filter(pk=attachment_id)
        .filter(
            Q(child__in=children_visible_to(user=user))
            | Q(shared_with_carers=True, child__in=children_placed_with(user=user))
        )
        .first()
    )
    if attachment is None:
        raise Http404("No such document")
    return attachment
