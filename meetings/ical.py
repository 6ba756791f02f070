"""The iCalendar (.ics) files of a meeting, as Outlook and Google Calendar read them (RFC 5545,
iTIP RFC 5546). The event keeps its UID for life; every change raises SEQUENCE, so calendars
update the event rather than add one.

The chair (the social worker who arranged it) is the ORGANIZER, so replies go to them. Each
invitee's file lists only that invitee as ATTENDEE: a parent never sees the foster carer's
address. The chair's own copy lists everyone, so their calendar can track the replies; in it the
child is named by their role, not their name, since work calendars are shared and synced.
"""

from datetime import UTC, timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Invitation, Meeting

PRODID = "-//PEP Portal//PEP meetings//EN"
REQUEST, CANCEL, PUBLISH = "REQUEST", "CANCEL", "PUBLISH"


def meeting_uid(meeting: Meeting) -> str:
    return f"{meeting.uid}@pep-portal"


def _attendee(invitation: Invitation, *, named: bool) -> vCalAddress:
    attendee = vCalAddress(f"mailto:{invitation.email}")
    cn = invitation.name if named else invitation.get_role_display()
    attendee.params["cn"] = vText(cn)
    attendee.params["cutype"] = vText("INDIVIDUAL")
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("NEEDS-ACTION")
    attendee.params["rsvp"] = vText("TRUE")
    return attendee


def _organiser(meeting: Meeting) -> vCalAddress:
    chair = meeting.created_by
    organiser = vCalAddress(f"mailto:{chair.email}")
    organiser.params["cn"] = vText(chair.full_name)
    return organiser


def meeting_ical(
    meeting: Meeting,
    *,
    attendees: list[Invitation] | None = None,
    method: str | None = None,
    for_chair: bool = False,
) -> bytes:
    """One calendar file. `attendees` are the invitations the file lists (one invitee's own, or
    all of them for the chair); none for a plain copy to import (METHOD:PUBLISH). The method is
    CANCEL for a cancelled meeting unless given (an invitee taken off the list gets CANCEL for a
    meeting that goes ahead). The summary names no child."""
    if method is None:
        if attendees is None:
            method = PUBLISH
        else:
            method = CANCEL if meeting.is_cancelled else REQUEST
    attendees = attendees or []
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    # Local wall-clock time with TZID=Europe/London (and the VTIMEZONE below), so a meeting
    # at 10:00 stays at 10:00 across the clocks changing.
    starts = timezone.localtime(meeting.starts_at)
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(minutes=meeting.duration_minutes))
    event.add("summary", "PEP meeting")
    cancelled = method == CANCEL
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if meeting.mode == Meeting.Mode.ONLINE:
        event.add("location", vText(meeting.online_link))
        event.add("url", meeting.online_link)
    else:
        event.add("location", vText(meeting.location))
    event.add(
        "description",
        f"A Personal Education Plan meeting. Details are in PEP Portal: {settings.SITE_URL}/",
    )
    event["organizer"] = _organiser(meeting)
    for invitation in attendees:
        named = not (for_chair and invitation.role == Invitation.Role.CHILD)
        event.add("attendee", _attendee(invitation, named=named), encode=0)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def invitee_ical(invitation: Invitation, *, method: str | None = None) -> bytes:
    """The file one invitee receives: the meeting with them alone as ATTENDEE."""
    return meeting_ical(invitation.meeting, attendees=[invitation], method=method)


def chair_ical(meeting: Meeting) -> bytes:
    """The chair's copy: every current invitee, so their calendar tracks the replies."""
    invitations = list(meeting.current_invitations())
    return meeting_ical(meeting, attendees=invitations, for_chair=True)
