"""Arranging, changing, cancelling and recording PEP meetings; the provisional next date."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings import services
from meetings.ical import chair_ical, meeting_ical
from meetings.models import Meeting
from peps import demo, workflow
from peps.clock.calendar import SchoolCalendar
from peps.models import Pep
from tests.conftest import PERSONAS


def _next_school_day_at(world, hour=10, after_days=1):
    calendar = SchoolCalendar.for_virtual_school(world.virtual_school.pk)
    day = calendar.next_school_day(timezone.localdate() + timedelta(days=after_days - 1))
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _invitees(world):
    return [
        services.Invitee("designated_teacher", "Dana", world.designated_teacher.email),
        services.Invitee("carer", "Jo", world.carer.email),
    ]


def _schedule(world, pep, **overrides):
    arguments = {
        "pep": pep,
        "actor": world.allocated_social_worker,
        "starts_at": _next_school_day_at(world),
        "duration_minutes": 60,
        "mode": "in_person",
        "location": "School, room 2",
        "invitees": _invitees(world),
    }
    return services.meeting_schedule(**{**arguments, **overrides})


def test_scheduling_invites_everyone_with_a_calendar_entry_and_confirms_the_date(
    world, pep, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _schedule(world, pep)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.designated_teacher.email, world.carer.email, world.allocated_social_worker.email]
    )
    attachment = mail.outbox[0].attachments[0]
    event = Calendar.from_ical(attachment[1]).walk("VEVENT")[0]
    assert str(event["UID"]) == f"{meeting.uid}@pep-portal"
    assert int(event["SEQUENCE"]) == 0
    assert world.child.legal_last_name not in str(event["SUMMARY"]) + mail.outbox[0].body
    pep.refresh_from_db()
    assert pep.planned_meeting_date == timezone.localtime(meeting.starts_at).date()
    assert pep.planned_meeting_confirmed


def test_a_change_and_a_cancellation_update_the_same_event(
    world, pep, django_capture_on_commit_callbacks
):
    meeting = _schedule(world, pep)
    later = _next_school_day_at(world, hour=14, after_days=2)
    services.meeting_reschedule(
        meeting=meeting, actor=world.allocated_social_worker, starts_at=later,
        duration_minutes=45, mode="online", online_link="https://meet.example.org/abc",
    )  # fmt: skip
    meeting.refresh_from_db()
    changed = Calendar.from_ical(meeting_ical(meeting, attendees=list(meeting.invitations.all())))
    assert int(changed.walk("VEVENT")[0]["SEQUENCE"]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, actor=world.allocated_social_worker)
    meeting.refresh_from_db()
    cancelled = Calendar.from_ical(meeting_ical(meeting, attendees=list(meeting.invitations.all())))
    event = cancelled.walk("VEVENT")[0]
    assert str(event["UID"]) == f"{meeting.uid}@pep-portal"
    assert int(event["SEQUENCE"]) == 2
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(cancelled["METHOD"]) == "CANCEL"
    assert mail.outbox[-1].subject == "Cancelled: PEP meeting"


def test_a_meeting_in_the_past_is_refused(world, pep):
    with pytest.raises(ValidationError) as error:
        _schedule(world, pep, starts_at=timezone.now() - timedelta(hours=1))
    assert error.value.message_dict["starts_at"] == ["The meeting must be in the future"]
    assert not Meeting.objects.exists()


def test_a_meeting_at_a_weekend_is_refused(world, pep):
    day = timezone.localdate() + timedelta(days=1)
    while day.weekday() != 5:
        day += timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        _schedule(world, pep, starts_at=timezone.make_aware(datetime.combine(day, time(10))))
    assert error.value.message_dict["starts_at"] == ["The meeting must be on a weekday"]


def test_a_meeting_in_the_holidays_needs_a_confirmation(world, pep, terms):
    gap = terms[0].end_date + timedelta(days=1)
    while gap.weekday() >= 5:
        gap += timedelta(days=1)
    when = timezone.make_aware(datetime.combine(gap, time(10)))
    with pytest.raises(ValidationError) as error:
        _schedule(world, pep, starts_at=when)
    assert "not a school day" in error.value.message_dict["allow_holiday"][0]
    assert _schedule(world, pep, starts_at=when, allow_holiday=True).pk


def test_an_invitee_without_an_email_is_refused(world, pep):
    with pytest.raises(ValidationError, match="Enter an email address for Jo"):
        _schedule(world, pep, invitees=[services.Invitee("carer", "Jo", "")])


def test_only_the_chair_arranges_meetings(world, pep):
    with pytest.raises(PermissionDenied):
        _schedule(world, pep, actor=world.designated_teacher)


def test_recording_attendance_notes_and_actions_shown_at_the_next_meeting(world, pep, terms):
    meeting = _schedule(world, pep)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    meeting.refresh_from_db()
    carer, teacher = meeting.invitations.order_by("role")
    services.meeting_record(
        meeting=meeting, actor=world.allocated_social_worker, chaired_by="Sam Okafor",
        took_part=[
            services.TookPart("designated_teacher", "Dana", "whole", invitation_id=teacher.pk),
            services.TookPart("carer", "Jo", "absent", "Unwell", invitation_id=carer.pk),
            services.TookPart("child", "Ava", "views_sent", "Did not want to come"),
        ],
        notes="Reading is the priority.",
    )  # fmt: skip
    services.meeting_action_add(
        meeting=meeting, actor=world.allocated_social_worker, description="Book a reading test",
        owner="Designated teacher", due_date=timezone.localdate() + timedelta(days=14),
    )  # fmt: skip
    carer.refresh_from_db()
    assert carer.attended is False and carer.absence_reason == "Unwell"
    pep = demo.complete_and_submit(
        pep, teacher=world.designated_teacher, social_worker=world.allocated_social_worker
    )
    workflow.pep_sign_off(
        pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep), feedback=""
    )
    next_pep = Pep.objects.get(previous=pep)
    Pep.objects.filter(pk=next_pep.pk).update(planned_meeting_date=None)
    next_meeting = _schedule(world, next_pep, starts_at=_next_school_day_at(world, after_days=3))
    from meetings.selectors import actions_to_follow_up

    assert [a.description for a in actions_to_follow_up(next_meeting)] == ["Book a reading test"]


def test_sign_off_gives_next_terms_pep_a_provisional_date_in_the_same_week_of_term(
    world, pep, terms, django_capture_on_commit_callbacks
):
    pep = demo.complete_and_submit(
        pep, teacher=world.designated_teacher, social_worker=world.allocated_social_worker
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.pep_sign_off(
            pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep), feedback=""
        )
    next_pep = Pep.objects.get(previous=pep)
    assert next_pep.planned_meeting_date is not None
    assert not next_pep.planned_meeting_confirmed
    calendar = SchoolCalendar.for_virtual_school(world.virtual_school.pk)
    assert calendar.is_school_day(next_pep.planned_meeting_date)
    assert next_pep.planned_meeting_date >= terms[1].start_date
    assert next_pep.planned_meeting_date <= next_pep.due_date


def test_a_next_date_set_by_the_social_worker_is_kept(
    world, pep, terms, django_capture_on_commit_callbacks
):
    demo.fill_school_part(pep, world.designated_teacher)
    workflow.pep_complete_school_part(pep=pep, actor=world.designated_teacher)
    demo.fill_social_worker_part(pep, world.allocated_social_worker)
    chosen = terms[1].start_date + timedelta(days=10)
    row = pep.answers.get(section_key="sign_off")
    row.answers["next_meeting_date"] = chosen.isoformat()
    row.save()
    pep = workflow.pep_submit(pep=pep, actor=world.allocated_social_worker)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.pep_sign_off(
            pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep), feedback=""
        )
    next_pep = Pep.objects.get(previous=pep)
    assert (next_pep.planned_meeting_date, next_pep.planned_meeting_confirmed) == (chosen, True)


@pytest.mark.parametrize("persona", PERSONAS)
def test_meeting_pages_by_persona(as_persona, world, pep, persona):
    meeting = _schedule(world, pep)
    see = {"allocated_social_worker", "designated_teacher", "vs_officer", "vs_head",
           "reviewing_officer"}  # fmt: skip
    client = as_persona(persona)
    detail = client.get(reverse("meetings:detail", args=[meeting.pk])).status_code
    change = client.get(reverse("meetings:change", args=[meeting.pk])).status_code
    schedule = client.get(reverse("meetings:schedule", args=[pep.pk])).status_code
    if persona == "anonymous":
        assert (detail, change, schedule) == (302, 302, 302)
    elif persona == "allocated_social_worker":
        assert (detail, change, schedule) == (200, 200, 200)
    elif persona in see:
        assert (detail, change, schedule) == (200, 403, 403)
    else:
        assert (detail, change, schedule) == (404, 404, 404)


def test_the_schedule_form_explains_each_mistake(client, world, pep):
    client.force_login(world.allocated_social_worker)
    html = client.post(
        reverse("meetings:schedule", args=[pep.pk]),
        {"day_0": "1", "day_1": "1", "day_2": "2020", "start_time": "25:00",
         "duration_minutes": "60", "mode": "online", "carer_name": "Jo", "carer_email": ""},
    ).content.decode()  # fmt: skip
    assert '<a href="#id_start_time">Enter the time like 09:30 or 14:00</a>' in html
    assert '<a href="#id_carer_email">Enter an email address for the carer</a>' in html
    assert not Meeting.objects.exists()


def test_a_meeting_that_has_happened_cannot_be_moved_or_cancelled(world, pep):
    meeting = _schedule(world, pep)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(days=3))
    meeting.refresh_from_db()
    with pytest.raises(ValidationError, match="already taken place"):
        services.meeting_cancel(meeting=meeting, actor=world.allocated_social_worker)
    with pytest.raises(ValidationError, match="already taken place"):
        services.meeting_reschedule(
            meeting=meeting, actor=world.allocated_social_worker,
            starts_at=_next_school_day_at(world), duration_minutes=60, mode="in_person",
            location="Room 1",
        )  # fmt: skip


def test_a_meeting_more_than_a_year_ahead_is_refused(world, pep):
    with pytest.raises(ValidationError, match="within the next year"):
        _schedule(world, pep, starts_at=timezone.now() + timedelta(days=400), allow_holiday=True)


def test_the_calendar_file_names_nobody(world, pep):
    meeting = _schedule(
        world, pep,
        invitees=[services.Invitee("child", world.child.legal_first_name, "child@example.org")],
    )  # fmt: skip
    ics = chair_ical(meeting).decode()  # the child's own copy names them, for them alone
    assert world.child.legal_first_name not in ics
    assert "child@example.org" in ics


def test_a_long_online_link_is_kept(world, pep):
    link = "https://teams.example.org/l/meetup-join/" + "a" * 900
    meeting = _schedule(world, pep, mode="online", online_link=link)
    meeting.refresh_from_db()
    assert meeting.online_link == link


def test_an_email_without_a_name_is_refused(client, world, pep):
    client.force_login(world.allocated_social_worker)
    html = client.post(
        reverse("meetings:schedule", args=[pep.pk]),
        {"virtual_school_email": "vs@example.org", "virtual_school_name": ""},
    ).content.decode()
    assert '<a href="#id_virtual_school_name">Enter a name for the Virtual School</a>' in html


def test_a_late_sign_off_never_plans_a_meeting_in_the_past(
    world, pep, terms, django_capture_on_commit_callbacks
):
    pep = demo.complete_and_submit(
        pep, teacher=world.designated_teacher, social_worker=world.allocated_social_worker
    )
    with time_machine.travel(terms[1].start_date + timedelta(days=20)):
        with django_capture_on_commit_callbacks(execute=True):
            workflow.pep_sign_off(
                pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep),
                feedback="",
            )  # fmt: skip
        next_pep = Pep.objects.get(previous=pep)
        assert next_pep.planned_meeting_date is None or (
            next_pep.planned_meeting_date > timezone.localdate()
        )
