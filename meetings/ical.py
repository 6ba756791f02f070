"""The iCalendar (.ics) file sent with each invitation. The event keeps its UID for life; every
change or cancellation raises SEQUENCE, so calendars update the event rather than add one."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Meeting

PRODID = "-//PEP Portal//PEP meetings//EN"


def meeting_ical(meeting: Meeting, *, organiser_email: str) -> bytes:
    """An invitation (METHOD:REQUEST) or, for a cancelled meeting, a cancellation. The summary
    names no child: calendars are often shared and synced to phones."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if meeting.is_cancelled else "REQUEST")
    event = Event()
    event.add("uid", f"{meeting.uid}@pep-portal")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.starts_at + timedelta(minutes=meeting.duration_minutes))
    event.add("summary", "PEP meeting")
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    if meeting.mode == Meeting.Mode.ONLINE:
        event.add("location", vText(meeting.online_link))
        event.add("url", meeting.online_link)
    else:
        event.add("location", vText(meeting.location))
    event.add(
        "description",
        f"A Personal Education Plan meeting. Details are in PEP Portal: {settings.SITE_URL}/",
    )
    organiser = vCalAddress(f"mailto:{organiser_email}")
    organiser.params["cn"] = vText("PEP Portal")
    event["organizer"] = organiser
    for invitation in meeting.invitations.all():
        # Addresses only: an invitee's name may be the child's, and calendars are synced.
        attendee = vCalAddress(f"mailto:{invitation.email}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()
