"""Thin Celery tasks for meetings."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

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
        subject, opening = "Cancelled: PEP meeting", "This PEP meeting has been cancelled."
    elif meeting.sequence:
        subject, opening = "Changed: PEP meeting", "This PEP meeting has changed."
    else:
        subject, opening = "Invitation: PEP meeting", "You are invited to a PEP meeting."
    when = timezone.localtime(meeting.starts_at).strftime("%-d %B %Y at %H:%M")
    where = meeting.online_link if meeting.mode == Meeting.Mode.ONLINE else meeting.location
    message = EmailMessage(
        subject=subject,
        body=(
            f"Hello {invitation.name},\n\n{opening}\n\nWhen: {when}\nWhere: {where}\n\n"
            f"Chaired by {meeting.created_by}. The calendar entry is attached.\n\nPEP Portal\n"
        ),
        to=[invitation.email],
    )
    message.attach("pep-meeting.ics", ics, "text/calendar; method=" + (
        "CANCEL" if meeting.is_cancelled else "REQUEST"))  # fmt: skip
    message.send()


@shared_task
def plan_next_meeting(*, signed_off_pep_id: int, next_pep_id: int) -> None:
    from .services import meeting_plan_next  # services enqueue this module's tasks

    meeting_plan_next(signed_off_pep_id=signed_off_pep_id, next_pep_id=next_pep_id)
