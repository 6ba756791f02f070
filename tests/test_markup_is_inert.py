"""Markup typed into free text stays text wherever it goes: form labels, pages, the PDF, the
calendar file and the emails. Each free-text field that reaches one of those is posted with
markup here, and what comes out is checked."""

import uuid
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.models import Meeting
from peps.clock.calendar import SchoolCalendar
from peps.documents.printing import pep_html
from tests.helpers import date_fields

MARKUP = '<a href="https://evil.example/">Sam</a><script>alert(1)</script>'
ESCAPED = "&lt;a href=&quot;https://evil.example/&quot;&gt;Sam&lt;/a&gt;"
ROLES = ("designated_teacher", "carer", "virtual_school", "child", "parent", "other")


def _meeting_day(world):
    calendar = SchoolCalendar.for_virtual_school(world.virtual_school.pk)
    return calendar.next_school_day(timezone.localdate() + timedelta(days=1))


def _assert_inert(html: str) -> None:
    assert 'evil.example/">' not in html and "<script>alert" not in html
    assert ESCAPED in html


@pytest.fixture
def marked_up_meeting(client, world, pep, django_capture_on_commit_callbacks):
    """A meeting arranged through the page with markup in every name and in the place."""
    client.force_login(world.allocated_social_worker)
    data = {
        **date_fields("day", _meeting_day(world)),
        "start_time": "10:00",
        "duration_minutes": "60",
        "mode": "in_person",
        "submission_token": str(uuid.uuid4()),
        # A line break would start a new property in a calendar file that did not escape it.
        "location": MARKUP + "\r\nATTENDEE:mailto:evil@example.org",
    }
    for number, role in enumerate(ROLES):
        data[f"{role}_name"] = MARKUP
        data[f"{role}_email"] = f"invitee{number}@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meetings:schedule", args=[pep.pk]), data)
    assert response.status_code == 302, response.content.decode()
    return Meeting.objects.get(pep=pep)


def test_names_typed_for_invitees_are_text_in_the_labels_of_the_record_form(
    client, marked_up_meeting
):
    html = client.get(reverse("meetings:record", args=[marked_up_meeting.pk])).content.decode()
    _assert_inert(html)
    assert html.count(ESCAPED) >= 2 * len(ROLES)  # "... attended" and "If ... did not attend"


def test_names_and_the_place_are_text_on_the_meeting_page(client, marked_up_meeting):
    _assert_inert(
        client.get(reverse("meetings:detail", args=[marked_up_meeting.pk])).content.decode()
    )


def test_the_calendar_file_and_the_emails_carry_markup_as_plain_text(marked_up_meeting):
    assert len(mail.outbox) == len(ROLES) + 1  # each invitee, and the chair's own copy
    attendee_counts = []
    for message in mail.outbox:
        assert message.content_subtype == "plain"
        # The only alternative is the calendar entry; no HTML body where markup could act.
        assert [mimetype.split(";")[0] for _, mimetype in message.alternatives] == ["text/calendar"]
        assert MARKUP in message.body  # plain text: shown as typed, never as a link
        name, ics, content_type = message.attachments[0]
        event = Calendar.from_ical(ics).walk("VEVENT")[0]
        attendees = event.get("ATTENDEE")
        attendees = attendees if isinstance(attendees, list) else [attendees]
        attendee_counts.append(len(attendees))
        assert not any("evil" in str(attendee) for attendee in attendees)
        assert str(event["LOCATION"]).startswith(MARKUP)
    # The line break typed into a name added no attendee: one each, and all of them for the chair.
    assert sorted(attendee_counts) == [1] * len(ROLES) + [len(ROLES)]


def test_answers_and_targets_are_text_in_the_printed_pep(client, world, pep):
    from tests.peps.factories import TargetFactory

    client.force_login(world.designated_teacher)
    response = client.post(
        reverse("peps:section", args=[pep.pk, "strengths_barriers"]),
        {"version": 0, "strengths": MARKUP, "barriers": MARKUP},
    )
    assert response.status_code == 302
    TargetFactory(
        pep=pep, description=MARKUP, baseline=MARKUP, success_criteria=MARKUP,
        actions=MARKUP, owner=MARKUP, due_by=pep.term.end_date,
    )  # fmt: skip
    html = pep_html(pep, draft=True)
    _assert_inert(html)


def test_an_action_typed_with_markup_is_text_on_the_meeting_page(client, world, pep):
    client.force_login(world.allocated_social_worker)
    meeting = Meeting.objects.create(
        pep=pep,
        starts_at=timezone.make_aware(datetime.combine(_meeting_day(world), time(10))),
        location="School",
        created_by=world.allocated_social_worker,
    )
    response = client.post(
        reverse("meetings:action_add", args=[meeting.pk]),
        {"description": MARKUP, "owner": MARKUP, **date_fields("due_date", pep.term.end_date)},
    )
    assert response.status_code == 302
    _assert_inert(client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode())
