from django.http import Http404

from accounts.models import User
from children.access import user_has_child_permission_id

from .models import Meeting, MeetingAction


def meeting_get_for_user(*, user: User, meeting_id: int) -> Meeting:
    """A meeting is visible exactly when its child is; otherwise 404."""
    meeting = (
        Meeting.objects.select_related("pep__child", "pep__term", "created_by")
        .filter(pk=meeting_id)
        .first()
    )
    # Asked for a missing meeting too, so that it costs what someone else's does.
    allowed = user_has_child_permission_id(
        user=user, child_id=meeting.pep.child_id if meeting else 0
    )
    if meeting is None or not allowed:
        raise Http404("No such meeting")
    return meeting


def action_get_for_user(*, user: User, action_id: int) -> MeetingAction:
    """An action is visible exactly when its child is; otherwise 404."""
    action = (
        MeetingAction.objects.select_related("meeting__pep__child").filter(pk=action_id).first()
    )
    allowed = user_has_child_permission_id(
        user=user, child_id=action.meeting.pep.child_id if action else 0
    )
    if action is None or not allowed:
        raise Http404("No such action")
    return action


def actions_to_follow_up(meeting: Meeting) -> list[MeetingAction]:
    """The open actions agreed at the child's earlier meetings (this PEP's or an earlier
    one's), to review at this one (seed 003: "follow up on any actions that you've agreed")."""
    return list(
        MeetingAction.objects.filter(
            state=MeetingAction.State.OPEN,
            meeting__pep__child_id=meeting.pep.child_id,
            meeting__cancelled_at__isnull=True,
            meeting__starts_at__lt=meeting.starts_at,
        )
        .exclude(meeting=meeting)
        .select_related("meeting")
        .order_by("due_date", "pk")
    )
