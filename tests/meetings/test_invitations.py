"""Invitations as Outlook and Google Calendar read them (RFC 5545, iTIP RFC 5546): the chair is
the organiser, each invitee gets their own message and entry, a changed invitee list cancels
for those taken off, and every generated file passes a strict check."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from audit.models import AuditEvent
from meetings import services
from meetings.ical import invitee_ical, meeting_ical
from meetings.models import Invitation
from peps.clock.calendar import SchoolCalendar
from tests.conftest import PERSONAS
from tests.pep_portal import test_notify

PARENT = "parent@example.org"
TEMPLATES = test_notify.TEMPLATES
notify = test_notify.notify  # the stub of GOV.UK Notify, as a fixture of this module too


def assert_strict_ical(
    ics: bytes,
    *,
    method: str,
    organiser: str,
    attendees: dict[str, str],
    uid: str | None = None,
    sequence: int | None = None,
) -> Calendar:
    """The properties Outlook and Google need, checked one by one. `attendees` maps each
    address the file must list (and no other) to its CN."""
    text = ics.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", ""), "every line ends CRLF"
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n")), "lines are folded"
    calendar = Calendar.from_ical(ics)
    for component in calendar.walk():
        assert component.errors == [], (component.name, component.errors)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"])
    assert str(calendar["METHOD"]) == method
    (event,) = calendar.walk("VEVENT")
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/London"
    assert zone.walk("STANDARD") and zone.walk("DAYLIGHT")
    for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SEQUENCE", "SUMMARY", "ORGANIZER"):
        assert name in event, name
    assert event["DTSTAMP"].dt.utcoffset() == timedelta(0)
    for name in ("DTSTART", "DTEND"):
        assert event[name].params["TZID"] == "Europe/London", name
        assert str(event[name].dt.tzinfo) == "Europe/London"
    assert re.search(r"^DTSTART;TZID=Europe/London:\d{8}T\d{6}\r$", text, re.M)
    assert event["DTEND"].dt > event["DTSTART"].dt
    if uid is not None:
        assert str(event["UID"]) == uid
    if sequence is not None:
        assert int(event["SEQUENCE"]) == sequence
    assert str(event["STATUS"]) == ("CANCELLED" if method == "CANCEL" else "CONFIRMED")
    assert str(event["ORGANIZER"]) == f"mailto:{organiser}"
    assert event["ORGANIZER"].params["CN"]
    listed = event.get("ATTENDEE", [])
    listed = listed if isinstance(listed, list) else [listed]
    found = {}
    for attendee in listed:
        params = attendee.params
        assert params["ROLE"] == "REQ-PARTICIPANT"
        assert params["PARTSTAT"] == "NEEDS-ACTION"
        assert params["RSVP"] == "TRUE"
        assert params["CN"]
        found[str(attendee).removeprefix("mailto:")] = params["CN"]
    assert found == attendees
    return calendar


def _when(world, hour=10, after_days=3):
    calendar = SchoolCalendar.for_virtual_school(world.virtual_school.pk)
    day = calendar.next_school_day(timezone.localdate() + timedelta(days=after_days - 1))
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _schedule(world, pep, invitees=None):
    return services.meeting_schedule(
        pep=pep,
        actor=world.allocated_social_worker,
        starts_at=_when(world),
        duration_minutes=60,
        mode="in_person",
        location="School, room 2",
        invitees=invitees
        or [
            services.Invitee("designated_teacher", "Dana Teacher", world.designated_teacher.email),
            services.Invitee("carer", "Jo Carer", world.carer.email),
        ],
    )


def _to(address):
    return [m for m in mail.outbox if m.to == [address]]


def _calendar_part(message) -> tuple[bytes, str]:
    ((content, mimetype),) = message.alternatives
    return content.encode(), mimetype


@pytest.fixture
def meeting(world, pep, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return _schedule(world, pep)


def test_each_invitee_and_the_chair_get_their_own_message_with_a_request(world, meeting):
    chair = world.allocated_social_worker
    teacher, carer = world.designated_teacher.email, world.carer.email
    assert sorted(m.to[0] for m in mail.outbox) == sorted([teacher, carer, chair.email])
    uid = f"{meeting.uid}@pep-portal"
    for address, cn in ((teacher, "Dana Teacher"), (carer, "Jo Carer")):
        (message,) = _to(address)
        assert message.reply_to == [chair.email], "replies go to the chair, not no-reply"
        assert chair.email in message.body
        ics, mimetype = _calendar_part(message)
        assert mimetype == "text/calendar; method=REQUEST"
        assert_strict_ical(
            ics, method="REQUEST", organiser=chair.email, attendees={address: cn}, uid=uid,
            sequence=0,
        )  # fmt: skip
        # The one message carries no other invitee's address, in any part.
        raw = message.message().as_string()
        other = carer if address == teacher else teacher
        assert other not in raw
        assert "multipart/alternative" in raw
        assert 'Content-Type: text/calendar; method="REQUEST"; charset="utf-8"' in raw
    (copy,) = _to(chair.email)
    assert_strict_ical(
        _calendar_part(copy)[0], method="REQUEST", organiser=chair.email,
        attendees={teacher: "Dana Teacher", carer: "Jo Carer"}, uid=uid, sequence=0,
    )  # fmt: skip


def test_the_chairs_copy_names_the_child_by_role_and_the_childs_own_by_name(
    world, pep, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _schedule(world, pep, [services.Invitee("child", "Ava", "ava@example.org")])
    chair = world.allocated_social_worker.email
    assert_strict_ical(
        _calendar_part(_to(chair)[0])[0], method="REQUEST", organiser=chair,
        attendees={"ava@example.org": "The child or young person"},
    )  # fmt: skip
    assert_strict_ical(
        _calendar_part(_to("ava@example.org")[0])[0], method="REQUEST", organiser=chair,
        attendees={"ava@example.org": "Ava"},
    )  # fmt: skip
    assert "Ava" not in meeting_ical(meeting).decode()


def test_changing_the_invitees_cancels_for_those_taken_off_and_invites_those_added(
    world, meeting, django_capture_on_commit_callbacks
):
    chair = world.allocated_social_worker
    teacher, carer = world.designated_teacher.email, world.carer.email
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_change_invitees(
            meeting=meeting, actor=chair,
            invitees=[
                services.Invitee("designated_teacher", "Dana Teacher", teacher),
                services.Invitee("parent", "Sam Parent", PARENT),
            ],
        )  # fmt: skip
    uid = f"{meeting.uid}@pep-portal"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([carer, PARENT, chair.email])
    (removed,) = _to(carer)
    assert removed.subject == "Cancelled for you: PEP meeting"
    ics, mimetype = _calendar_part(removed)
    assert mimetype == "text/calendar; method=CANCEL"
    assert_strict_ical(
        ics, method="CANCEL", organiser=chair.email, attendees={carer: "Jo Carer"}, uid=uid,
        sequence=1,
    )  # fmt: skip
    (added,) = _to(PARENT)
    assert_strict_ical(
        _calendar_part(added)[0], method="REQUEST", organiser=chair.email,
        attendees={PARENT: "Sam Parent"}, uid=uid, sequence=1,
    )  # fmt: skip
    assert_strict_ical(
        _calendar_part(_to(chair.email)[0])[0], method="REQUEST", organiser=chair.email,
        attendees={teacher: "Dana Teacher", PARENT: "Sam Parent"}, uid=uid, sequence=1,
    )  # fmt: skip
    event = AuditEvent.objects.get(action="meeting.invitees_changed")
    assert event.child == world.child
    withdrawn = Invitation.objects.get(email=carer)
    assert withdrawn.withdrawn_at is not None

    # A later change of time reaches only those invited now.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_reschedule(
            meeting=meeting, actor=chair, starts_at=_when(world, hour=14), duration_minutes=45,
            mode="in_person", location="School, room 3",
        )  # fmt: skip
    assert sorted(m.to[0] for m in mail.outbox) == sorted([teacher, PARENT, chair.email])
    for message in mail.outbox:
        assert_strict_ical(
            _calendar_part(message)[0], method="REQUEST", organiser=chair.email,
            attendees=(
                {teacher: "Dana Teacher", PARENT: "Sam Parent"}
                if message.to == [chair.email]
                else {message.to[0]: "Dana Teacher" if message.to == [teacher] else "Sam Parent"}
            ),
            uid=uid, sequence=2,
        )  # fmt: skip

    # Invited again, the carer's entry comes back with the same UID and a higher SEQUENCE.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_change_invitees(
            meeting=meeting, actor=chair,
            invitees=[
                services.Invitee("designated_teacher", "Dana Teacher", teacher),
                services.Invitee("parent", "Sam Parent", PARENT),
                services.Invitee("carer", "Jo Carer", carer),
            ],
        )  # fmt: skip
    assert_strict_ical(
        _calendar_part(_to(carer)[0])[0], method="REQUEST", organiser=chair.email,
        attendees={carer: "Jo Carer"}, uid=uid, sequence=3,
    )  # fmt: skip
    assert Invitation.objects.filter(meeting=meeting).count() == 3


def test_an_unchanged_list_sends_nothing_and_keeps_the_sequence(
    world, meeting, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_change_invitees(
            meeting=meeting, actor=world.allocated_social_worker,
            invitees=[
                services.Invitee("designated_teacher", "Dana Teacher",
                                 world.designated_teacher.email),
                services.Invitee("carer", "Jo Carer", world.carer.email),
            ],
        )  # fmt: skip
    meeting.refresh_from_db()
    assert meeting.sequence == 0
    assert mail.outbox == []


def test_a_cancellation_is_strict_too(world, meeting, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, actor=world.allocated_social_worker)
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        ics, mimetype = _calendar_part(message)
        assert mimetype == "text/calendar; method=CANCEL"
        calendar = Calendar.from_ical(ics)
        assert str(calendar["METHOD"]) == "CANCEL"
        assert int(calendar.walk("VEVENT")[0]["SEQUENCE"]) == 1
    meeting.refresh_from_db()
    invitation = meeting.invitations.get(email=world.carer.email)
    assert_strict_ical(
        invitee_ical(invitation), method="CANCEL", organiser=world.allocated_social_worker.email,
        attendees={world.carer.email: "Jo Carer"}, sequence=1,
    )  # fmt: skip


def test_a_meeting_across_the_clocks_changing_keeps_its_london_time(world, pep):
    meeting = _schedule(world, pep)
    summer = timezone.make_aware(datetime(2027, 7, 6, 10, 0))
    meeting.starts_at = summer
    ics = meeting_ical(meeting, attendees=list(meeting.current_invitations()))
    assert "DTSTART;TZID=Europe/London:20270706T100000" in ics.decode()
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert event["DTSTART"].dt.astimezone(UTC).hour == 9  # British Summer Time


def test_the_invitee_list_can_be_changed_from_the_page(
    client, world, meeting, django_capture_on_commit_callbacks
):
    client.force_login(world.allocated_social_worker)
    url = reverse("meetings:invitees", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert world.carer.email in page
    assert (
        reverse("meetings:invitees", args=[meeting.pk])
        in client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "designated_teacher_name": "Dana Teacher",
                "designated_teacher_email": world.designated_teacher.email,
                "parent_name": "Sam Parent",
                "parent_email": PARENT,
            },
        )
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.carer.email, PARENT, world.allocated_social_worker.email]
    )


def test_an_empty_invitee_list_is_refused_on_the_page(client, world, meeting):
    client.force_login(world.allocated_social_worker)
    html = client.post(reverse("meetings:invitees", args=[meeting.pk]), {}).content.decode()
    assert "Invite at least one person" in html
    assert meeting.current_invitations().count() == 2


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_change_the_invitees(as_persona, world, meeting, persona):
    response = as_persona(persona).get(reverse("meetings:invitees", args=[meeting.pk]))
    if persona == "anonymous":
        assert response.status_code == 302
    elif persona == "allocated_social_worker":
        assert response.status_code == 200
    elif persona in {"designated_teacher", "vs_officer", "vs_head", "reviewing_officer"}:
        assert response.status_code == 403  # may see the meeting, not change it
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_download_the_calendar_file(as_persona, world, meeting, persona):
    response = as_persona(persona).get(reverse("meetings:calendar", args=[meeting.pk]))
    chair = world.allocated_social_worker.email
    if persona == "anonymous":
        assert response.status_code == 302
        return
    if persona not in {"allocated_social_worker", "designated_teacher", "vs_officer", "vs_head",
                       "reviewing_officer"}:  # fmt: skip
        assert response.status_code == 404
        assert not AuditEvent.objects.filter(action="meeting.calendar_downloaded").exists()
        return
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="pep-meeting.ics"'
    assert response["Cache-Control"] == "no-store"
    if persona == "allocated_social_worker":
        method = "REQUEST"
        attendees = {world.designated_teacher.email: "Dana Teacher", world.carer.email: "Jo Carer"}
    elif persona == "designated_teacher":
        method, attendees = "REQUEST", {world.designated_teacher.email: "Dana Teacher"}
    else:
        method, attendees = "PUBLISH", {}
    assert_strict_ical(
        response.content, method=method, organiser=chair, attendees=attendees,
        uid=f"{meeting.uid}@pep-portal",
    )  # fmt: skip
    event = AuditEvent.objects.get(action="meeting.calendar_downloaded")
    assert event.actor == world.people[persona]
    assert event.child == world.child


def test_a_meeting_email_through_notify_sends_the_template_without_the_file(
    notify, world, pep, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _schedule(world, pep)
    assert len(notify.received) == 3  # the two invitees and the chair
    assert {r["template_id"] for r in notify.received} == {TEMPLATES["meeting_invitation"]}
    chair = world.allocated_social_worker
    assert {r["personalisation"]["chair_email"] for r in notify.received} == {chair.email}
    assert mail.outbox == []
