"""Thin Celery tasks for meetings."""

from celery import shared_task
from django.utils import timezone

from pep_portal.emails import email_send

from . import ical
from .models import Invitation, Meeting


@shared_task
def send_invitations(*, meeting_id: int) -> int:
    """One task an invitee (and one for the chair), so a failure for one address is retried
    without re-sending to the others."""
    ids = list(
        Invitation.objects.filter(meeting_id=meeting_id, withdrawn_at=None).values_list(
            "pk", flat=True
        )
    )
    for invitation_id in ids:
        send_invitation.delay(invitation_id=invitation_id)
    send_chair_copy.delay(meeting_id=meeting_id)
    return len(ids)


def _kind(meeting: Meeting) -> str:
    if meeting.is_cancelled:
        return "meeting_cancelled"
    return "meeting_changed" if meeting.sequence else "meeting_invitation"


def _send(*, meeting: Meeting, kind: str, to: str, name: str, ics: bytes, method: str) -> None:
    chair = meeting.created_by
    when = timezone.localtime(meeting.starts_at).strftime("%-d %B %Y at %H:%M")
    where = meeting.online_link if meeting.mode == Meeting.Mode.ONLINE else meeting.location
    email_send(
        kind=kind,
        to=to,
        personalisation={
            "name": name,
            "when": when,
            "where": where,
            "chair": chair.full_name,
            "chair_email": chair.email,
        },
        reply_to=chair.email,
        calendar=(ics, method),
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_invitation(*, invitation_id: int) -> None:
    """Email one invitee their own calendar entry: a request, an update or a cancellation (the
    SEQUENCE says which is newest), or, if they were taken off the list, a cancellation for
    them alone. Names no child."""
    invitation = Invitation.objects.select_related("meeting__created_by").get(pk=invitation_id)
    meeting = invitation.meeting
    if invitation.withdrawn_at is not None:
        kind, method = "meeting_invitation_withdrawn", ical.CANCEL
    else:
        kind = _kind(meeting)
        method = ical.CANCEL if meeting.is_cancelled else ical.REQUEST
    _send(
        meeting=meeting,
        kind=kind,
        to=invitation.email,
        name=invitation.name,
        ics=ical.invitee_ical(invitation, method=method),
        method=method,
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_chair_copy(*, meeting_id: int) -> None:
    """The chair, as ORGANIZER, gets the entry too, listing everyone invited."""
    meeting = Meeting.objects.select_related("created_by").get(pk=meeting_id)
    method = ical.CANCEL if meeting.is_cancelled else ical.REQUEST
    _send(
        meeting=meeting,
        kind=_kind(meeting),
        to=meeting.created_by.email,
        name=meeting.created_by.full_name,
        ics=ical.chair_ical(meeting),
        method=method,
    )


@shared_task
def send_invitee_changes(*, meeting_id: int, invitation_ids: list[int]) -> None:
    """After the invitee list changed: each person added or taken off, and the chair."""
    for invitation_id in invitation_ids:
        send_invitation.delay(invitation_id=invitation_id)
    send_chair_copy.delay(meeting_id=meeting_id)


@shared_task
def plan_next_meeting(*, signed_off_pep_id: int, next_pep_id: int) -> None:
    from .services import meeting_plan_next  # services enqueue this module's tasks

    meeting_plan_next(signed_off_pep_id=signed_off_pep_id, next_pep_id=next_pep_id)
