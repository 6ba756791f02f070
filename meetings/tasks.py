"""Thin Celery tasks for meetings."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from pep_portal.emails import email_send

from .ical import meeting_ical
from .models import Invitation, Meeting


@shared_task
def send_invitations(*, meeting_id: int) -> int:
    """One task an invitee, so a failure for one address is retried without re-sending to the
    others."""
    ids = list(Invitation.objects.filter(meeting_id=meeting_id).values_list("pk", flat=True))
    for invitation_id in ids:
        send_invitation.delay(invitation_id=invitation_id)
    return len(ids)


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_invitation(*, invitation_id: int) -> None:
    """Email one invitee the meeting's calendar entry (a request, an update or a cancellation:
    the SEQUENCE says which is newest). Names no child."""
    invitation = Invitation.objects.select_related("meeting__created_by").get(pk=invitation_id)
    meeting = invitation.meeting
    ics = meeting_ical(
        meeting, organiser_email=settings.DEFAULT_FROM_EMAIL.split("<")[-1].strip(">")
    )
    if meeting.is_cancelled:
        kind = "meeting_cancelled"
    elif meeting.sequence:
        kind = "meeting_changed"
    else:
        kind = "meeting_invitation"
    when = timezone.localtime(meeting.starts_at).strftime("%-d %B %Y at %H:%M")
    where = meeting.online_link if meeting.mode == Meeting.Mode.ONLINE else meeting.location
    method = "CANCEL" if meeting.is_cancelled else "REQUEST"
    email_send(
        kind=kind,
        to=invitation.email,
        personalisation={
            "name": invitation.name,
            "when": when,
            "where": where,
            "chair": str(meeting.created_by),
        },
        attachments=(("pep-meeting.ics", ics, f"text/calendar; method={method}"),),
    )


@shared_task
def plan_next_meeting(*, signed_off_pep_id: int, next_pep_id: int) -> None:
    from .services import meeting_plan_next  # services enqueue this module's tasks

    meeting_plan_next(signed_off_pep_id=signed_off_pep_id, next_pep_id=next_pep_id)
