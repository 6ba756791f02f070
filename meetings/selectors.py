from django.http import Http404

from accounts.models import User
from children.selectors import children_visible_to

from .models import Meeting


def meeting_get_for_user(*, user: User, meeting_id: int) -> Meeting:
    """A meeting is visible exactly when its child is; otherwise 404."""
    meeting = (
        Meeting.objects.select_related("pep__child", "pep__term", "created_by")
        .filter(pk=meeting_id, pep__child__in=children_visible_to(user=user))
        .first()
    )
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def actions_to_follow_up(meeting: Meeting):
    """Actions agreed at the previous PEP's meetings, to follow up at this one (seed 003)."""
    previous = meeting.pep.previous
    if previous is None:
        return []
    return list(previous.meetings.filter(cancelled_at__isnull=True).prefetch_related("actions"))
