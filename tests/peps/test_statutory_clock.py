"""The statutory clock's rules when events meet: school moves (now and planned), events before
the calendar, the social worker's own review date, escalation, digests, and notices that end
when their work is done."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from children import services as children_services
from children.models import PlannedSchoolMove
from children.selectors import children_visible_to
from peps import demo, services, workflow
from peps.clock.calendar import CalendarStartsLater, SchoolCalendar, TermDates
from peps.clock.deadlines import Due, add_months, due_for, social_care_due_for
from peps.clock.reminders import run_daily_reminders
from peps.models import Digest, Pep, PepSettings, Reminder, ReminderPreference
from tests.accounts.factories import SchoolFactory, UserFactory
from tests.peps.factories import DraftPepFactory, TermFactory

AUTUMN_2026 = TermDates(
    date(2026, 9, 2), date(2026, 12, 18), date(2026, 10, 26), date(2026, 10, 30)
)
SPRING_2027 = TermDates(date(2027, 1, 4), date(2027, 3, 26), date(2027, 2, 15), date(2027, 2, 19))
CALENDAR = SchoolCalendar([AUTUMN_2026, SPRING_2027])


def _pep(term_dates=AUTUMN_2026, *, first=False, kind="school_age", reviewed_on=None):
    term = TermFactory.build(
        start_date=term_dates.start_date, end_date=term_dates.end_date,
        half_term_start=term_dates.half_term_start, half_term_end=term_dates.half_term_end,
    )  # fmt: skip
    pep = DraftPepFactory.build(term=term, kind=kind, pep2_reviewed_on=reviewed_on)
    pep.previous_id = None if first else 1
    return pep


def _due(pep=None, **facts):
    facts.setdefault("events_since", date(2026, 7, 23))
    facts.setdefault("entered_care", date(2019, 1, 1))
    return due_for(pep=pep or _pep(), calendar=CALENDAR, today=date(2026, 12, 1), **facts)


# 1. A school move restarts the clock -----------------------------------------------------------


def test_a_move_after_the_deadline_passed_restarts_the_clock_and_says_both():
    due = _due(new_schools=[("Hill School", date(2026, 12, 1))])
    # 2 to 18 December is 13 school days; 4 to 12 January the other 7.
    assert due.day == date(2027, 1, 12)
    assert due.reason == (
        "Was due 22 September 2026 (overdue); starting at Hill School on 1 December 2026 makes "
        "it due by 12 January 2027, 20 school days later"
    )


def test_a_first_pep_overdue_when_the_child_moves_school_is_due_again_from_the_move():
    # In care since 12 January: the first PEP was due 20 school days later (the seed's rule)...
    spring_2026 = TermDates(date(2026, 1, 5), date(2026, 3, 27))
    calendar = SchoolCalendar([spring_2026, AUTUMN_2026, SPRING_2027])
    pep = _pep(first=True)
    due = due_for(
        pep=pep, calendar=calendar, events_since=date(2025, 12, 19),
        entered_care=date(2026, 1, 12), new_schools=[("Hill School", date(2026, 12, 1))],
        today=date(2026, 12, 1),
    )  # fmt: skip
    # ... and the move on 1 December makes it due 20 school days after that, not in February.
    assert due.day == date(2027, 1, 12)
    assert due.reason.startswith("Was due 9 February 2026 (overdue); starting at Hill School")


def test_an_earlier_date_still_ahead_on_the_day_of_the_move_stands():
    due = _due(new_schools=[("Hill School", date(2026, 9, 10))])
    assert due.day == date(2026, 9, 22)  # the termly deadline was still ahead on 10 September
    assert due.reason.startswith("The Virtual School's deadline")


def test_a_second_move_while_the_first_moves_date_is_still_ahead_keeps_the_first():
    due = _due(new_schools=[("Hill School", date(2026, 11, 2)), ("Dale School", date(2026, 11, 9))])
    assert due.reason.startswith("Was due 22 September 2026 (overdue); starting at Hill School")
    assert due.day == date(2026, 11, 30)  # 20 school days after 2 November


def test_a_termly_deadline_past_before_the_child_came_into_care_never_applied():
    due = _due(_pep(first=True), entered_care=date(2026, 10, 12))
    assert due.reason == "20 school days after entering care on 12 October 2026"


def test_a_child_who_has_left_care_has_no_pep_due():
    due = _due(left_care=date(2026, 11, 20))
    assert due.day is None and due.reason == "Left care on 20 November 2026: no PEP is due"


# 3. Events before the calendar ------------------------------------------------------------------


def test_counting_from_before_the_first_term_entered_is_refused():
    with pytest.raises(CalendarStartsLater, match="term dates before 2 September 2026"):
        CALENDAR.add_school_days(date(2026, 8, 20), 20)
    # A gap of only a weekend and a bank holiday is no gap: nothing is unknown.
    from_tuesday = SchoolCalendar([TermDates(date(2026, 9, 1), date(2026, 12, 18))])
    assert from_tuesday.add_school_days(date(2026, 8, 29), 1) == date(2026, 9, 1)
    assert SchoolCalendar([TermDates(date(2026, 9, 7), date(2026, 12, 18))]).add_school_days(
        date(2026, 9, 5), 1
    ) == date(2026, 9, 7)


def test_a_move_before_the_calendar_says_the_term_dates_are_missing():
    due = _due(new_schools=[("Hill School", date(2026, 8, 24))])
    assert due.day == date(2026, 9, 22)
    assert "Starting at Hill School on 24 August 2026 is before the first term dates" in due.reason
    assert due.reason.endswith("until then the termly deadline applies")


# 4. The social worker's part has its own review date --------------------------------------------


def _review(pep, **facts):
    facts.setdefault("pep_due", _due(pep))
    facts.setdefault("reviewed_in_this_pep", False)
    return social_care_due_for(pep=pep, calendar=CALENDAR, **facts)


def test_the_pep2_is_due_six_months_after_its_last_review():
    due = _review(_pep(reviewed_on=date(2026, 7, 10)))
    assert due.day == date(2027, 1, 10)
    assert due.reason == "6 months after its last review on 10 July 2026"
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_a_change_of_school_or_of_alternative_provision_brings_it_forward():
    pep = _pep(reviewed_on=date(2026, 7, 10))
    moved = _review(pep, new_schools=[("Hill School", date(2026, 11, 2))])
    assert moved.day == date(2026, 11, 30)
    assert moved.reason == "Brought forward: 20 school days after starting at Hill School on " \
        "2 November 2026"  # fmt: skip
    provision = _review(pep, provision_changes=[date(2026, 11, 9)])
    assert provision.day == date(2026, 12, 7)
    assert "a change of alternative provision on 9 November 2026" in provision.reason
    before_review = _review(pep, provision_changes=[date(2026, 6, 1)])
    assert before_review.day == date(2027, 1, 10)  # a change before the last review is old news


def test_a_pep2_reviewed_in_this_pep_or_never_reviewed():
    pep = _pep(reviewed_on=date(2026, 7, 10))
    assert _review(pep, reviewed_in_this_pep=True) == Due(None, "Reviewed in this PEP")
    never = _review(_pep())
    assert never.day == date(2026, 9, 22) and never.reason.startswith("Not reviewed yet")


def test_post_16_uses_the_pathway_plans_review_date():
    pep = _pep(kind="post_16")
    given = _review(pep, pathway_plan={"pathway_plan_next_review": "2027-02-01"})
    assert given.day == date(2027, 2, 1)
    reviewed = _review(pep, pathway_plan={"pathway_plan_reviewed_on": "2026-10-05"})
    assert reviewed.day == date(2027, 4, 5)
    assert "pathway plan" in reviewed.reason
    assert _review(_pep(kind="early_years")).day is None


# The clock moves with the facts, in the browser ------------------------------------------------


@pytest.fixture
def overdue_pep(world, pep):
    """The world's PEP, with its termly deadline well past (the terms fixture starts 30 days
    ago, so the 15th school day has gone)."""
    pep.refresh_from_db()
    assert pep.due_date < timezone.localdate()
    return pep


def test_a_school_move_shows_the_new_date_and_both_reasons_on_every_page(
    client, world, overdue_pep
):
    was = overdue_pep.due_date
    today = timezone.localdate()
    hill = SchoolFactory(name="Hill School")
    client.force_login(world.vs_officer)
    response = client.post(
        reverse("children:enrolment_add", args=[world.child.pk]),
        {"school": hill.pk, "start_date_0": today.day, "start_date_1": today.month,
         "start_date_2": today.year, "attendance_pattern": "full_time", "replaces_current": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    pep = Pep.objects.get(pk=overdue_pep.pk)
    assert pep.due_date > today
    expected = f"Was due {was:%-d %B %Y} (overdue); starting at Hill School on {today:%-d %B %Y}"
    assert pep.due_reason.startswith(expected)
    html_reason = pep.due_reason.replace("'", "&#x27;")
    assert html_reason in client.get(reverse("peps:overview", args=[pep.pk])).content.decode()
    assert html_reason in client.get(reverse("peps:deadlines")).content.decode()
    client.force_login(world.allocated_social_worker)
    caseload = client.get(reverse("children:caseload")).content.decode()
    assert f"Due {pep.due_date:%-d %B %Y}" in caseload and html_reason in caseload
    from audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="pep.due_date_set", object_id=str(pep.pk)).exists()


def test_a_planned_move_changes_nothing_until_its_day_then_moves_access_and_the_clock(
    client, world, overdue_pep, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    hill = SchoolFactory(name="Hill School")
    hill_teacher = UserFactory(role=Role.DESIGNATED_TEACHER, schools=[hill])
    start = today + timedelta(days=7)
    client.force_login(world.vs_officer)
    response = client.post(
        reverse("children:enrolment_add", args=[world.child.pk]),
        {"school": hill.pk, "start_date_0": start.day, "start_date_1": start.month,
         "start_date_2": start.year, "attendance_pattern": "full_time", "replaces_current": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    move = PlannedSchoolMove.objects.get(child=world.child)
    assert move.is_pending
    detail = client.get(reverse("children:detail", args=[world.child.pk])).content.decode()
    assert f"A move to <strong>Hill School</strong> is planned for {start:%-d %B %Y}" in detail
    assert world.child.enrolments.get(end_date__isnull=True).school == world.school
    assert world.child in children_visible_to(user=world.designated_teacher)
    assert world.child not in children_visible_to(user=hill_teacher)

    run_daily_reminders(today=today)  # the day before: still nothing
    assert PlannedSchoolMove.objects.get(pk=move.pk).is_pending

    with time_machine.travel(start), django_capture_on_commit_callbacks(execute=True):
        run_daily_reminders(today=start)
        current = world.child.enrolments.get(end_date__isnull=True)
        assert current.school == hill and current.start_date == start
        assert world.child in children_visible_to(user=hill_teacher)
        assert world.child not in children_visible_to(user=world.designated_teacher)
        pep = Pep.objects.get(pk=overdue_pep.pk)
        assert f"starting at Hill School on {start:%-d %B %Y} makes it due by" in pep.due_reason
        assert pep.due_date > start
    assert PlannedSchoolMove.objects.get(pk=move.pk).enrolment == current


def test_a_planned_move_is_refused_twice_and_can_be_cancelled(client, world, overdue_pep):
    today = timezone.localdate()
    hill, dale = SchoolFactory(name="Hill School"), SchoolFactory(name="Dale School")
    children_services.school_move_plan(
        actor=world.vs_officer, child=world.child, school=hill, start_date=today + timedelta(7)
    )
    client.force_login(world.vs_officer)
    later = today + timedelta(days=9)
    response = client.post(
        reverse("children:enrolment_add", args=[world.child.pk]),
        {"school": dale.pk, "start_date_0": later.day, "start_date_1": later.month,
         "start_date_2": later.year, "attendance_pattern": "full_time", "replaces_current": "on"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "A move to Hill School on" in response.content.decode()
    assert PlannedSchoolMove.objects.filter(child=world.child).count() == 1
    move = PlannedSchoolMove.objects.get(child=world.child)
    client.force_login(world.designated_teacher)  # sees the child, may not change their school
    url = reverse("children:school_move_cancel", args=[world.child.pk, move.pk])
    assert client.post(url).status_code == 403
    client.force_login(world.other_vs_officer)
    assert client.post(url).status_code == 404
    client.force_login(world.vs_officer)
    assert client.post(url).status_code == 302
    assert not PlannedSchoolMove.objects.get(pk=move.pk).is_pending


def test_a_change_of_attendance_brings_the_pep2_review_forward(client, world, overdue_pep):
    Pep.objects.filter(pk=overdue_pep.pk).update(
        pep2_reviewed_on=timezone.localdate() - timedelta(60)
    )
    services.pep_refresh_due(pep=Pep.objects.get(pk=overdue_pep.pk))
    six_monthly = Pep.objects.get(pk=overdue_pep.pk).social_care_due_date
    today = timezone.localdate()
    url = reverse("children:enrolment_attendance", args=[world.child.pk, world.enrolment.pk])
    client.force_login(world.vs_officer)
    response = client.post(url, {"attendance_pattern": "alternative_provision",
                                 "changed_on_0": today.day, "changed_on_1": today.month,
                                 "changed_on_2": today.year})  # fmt: skip
    assert response.status_code == 302
    pep = Pep.objects.get(pk=overdue_pep.pk)
    assert pep.social_care_due_date < six_monthly
    assert pep.social_care_due_reason.startswith(
        "Brought forward: 20 school days after a change of alternative provision"
    )
    overview = client.get(reverse("peps:overview", args=[pep.pk])).content.decode()
    assert "Social worker's part (PEP2) review" in overview
    future = today + timedelta(days=3)
    response = client.post(
        url,
        {"attendance_pattern": "full_time", "changed_on_0": future.day,
         "changed_on_1": future.month, "changed_on_2": future.year},
    )  # fmt: skip
    assert "The date must be today or in the past" in response.content.decode()
    client.force_login(world.designated_teacher)
    assert client.get(url).status_code == 403
    client.force_login(world.other_vs_officer)
    assert client.get(url).status_code == 404


# 5. Escalation and digests ----------------------------------------------------------------------


def _run(day, callbacks):
    with time_machine.travel(day), callbacks(execute=True):
        return run_daily_reminders(today=day)


def test_a_pep_overdue_long_enough_is_escalated_to_the_head_once(
    world, overdue_pep, django_capture_on_commit_callbacks
):
    PepSettings.objects.create(virtual_school=world.virtual_school, escalation_school_days=3)
    due = overdue_pep.due_date
    calendar = SchoolCalendar.for_virtual_school(world.virtual_school.pk)
    two_days_late = calendar.add_school_days(due, 2)
    _run(two_days_late, django_capture_on_commit_callbacks)
    assert not Reminder.objects.filter(kind="escalated").exists()
    three_days_late = calendar.add_school_days(due, 3)
    _run(three_days_late, django_capture_on_commit_callbacks)
    _run(three_days_late + timedelta(days=1), django_capture_on_commit_callbacks)
    escalations = Reminder.objects.filter(kind="escalated")
    assert list(escalations.values_list("recipient", flat=True)) == [world.vs_head.pk]
    to_head = [m for m in mail.outbox if m.to == [world.vs_head.email]]
    assert len(to_head) == 1
    assert "Escalated" in to_head[0].body
    assert reverse("peps:overview", args=[overdue_pep.pk]) in to_head[0].body
    assert world.child.legal_last_name not in to_head[0].body + to_head[0].subject


def test_each_person_chooses_daily_weekly_or_only_escalations(
    client, world, overdue_pep, django_capture_on_commit_callbacks
):
    client.force_login(world.allocated_social_worker)
    page = client.get(reverse("peps:reminder_preference"))
    assert page.status_code == 200 and "Only escalations" in page.content.decode()
    response = client.post(reverse("peps:reminder_preference"), {"frequency": "weekly"})
    assert response.status_code == 302
    client.force_login(world.designated_teacher)
    client.post(reverse("peps:reminder_preference"), {"frequency": "escalations"})
    assert (
        client.post(reverse("peps:reminder_preference"), {"frequency": "hourly"}).status_code == 200
    )
    assert ReminderPreference.objects.get(user=world.designated_teacher).frequency == "escalations"

    tuesday = timezone.localdate() + timedelta(days=(1 - timezone.localdate().weekday()) % 7)
    _run(tuesday, django_capture_on_commit_callbacks)
    sent_to = {m.to[0] for m in mail.outbox}
    assert world.vs_officer.email in sent_to  # daily by default
    assert world.allocated_social_worker.email not in sent_to  # weekly: waits for Monday
    assert world.designated_teacher.email not in sent_to  # only escalations
    teacher_notice = Reminder.objects.get(kind="overdue", recipient=world.designated_teacher)
    assert teacher_notice.by_email is False
    client.force_login(world.designated_teacher)  # still on their page
    assert (
        teacher_notice.message.replace("'", "&#x27;")
        in client.get(reverse("peps:deadlines")).content.decode()
    )
    mail.outbox.clear()
    monday = tuesday + timedelta(days=6)
    _run(monday, django_capture_on_commit_callbacks)
    assert [m.to[0] for m in mail.outbox].count(world.allocated_social_worker.email) == 1
    assert world.designated_teacher.email not in {m.to[0] for m in mail.outbox}


def test_the_preference_page_is_for_the_people_who_get_reminders(as_persona, world):
    url = reverse("peps:reminder_preference")
    for name in ("carer", "reviewing_officer"):
        assert as_persona(name).get(url).status_code == 403
    assert as_persona("anonymous").get(url).status_code == 302


# 6. Notices end when the work does ---------------------------------------------------------------


def _notice_shown(client, person, pep) -> bool:
    client.force_login(person)
    html = client.get(reverse("peps:deadlines")).content.decode()
    link = reverse("peps:overview", args=[pep.pk])
    return f'href="{link}">{pep.child.display_name}&#x27;s PEP was due' in html


def test_signing_off_ends_the_peps_notices_everywhere(
    client, world, overdue_pep, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    _run(today, django_capture_on_commit_callbacks)
    for person in (world.allocated_social_worker, world.designated_teacher, world.vs_officer):
        assert _notice_shown(client, person, overdue_pep)
    submitted = demo.complete_and_submit(
        overdue_pep, teacher=world.designated_teacher, social_worker=world.allocated_social_worker
    )
    assert not _notice_shown(client, world.vs_officer, submitted)  # submitted: not overdue now
    with django_capture_on_commit_callbacks(execute=True):
        workflow.pep_sign_off(
            pep=submitted, actor=world.vs_officer, section_ratings=demo.all_green(submitted),
            feedback="",
        )  # fmt: skip
    for person in (world.allocated_social_worker, world.designated_teacher, world.vs_officer):
        assert not _notice_shown(client, person, submitted)
    assert not Reminder.objects.live().filter(pep=submitted).exists()


def test_a_transfer_or_leaving_care_ends_the_notices(
    client, world, overdue_pep, django_capture_on_commit_callbacks
):
    _run(timezone.localdate(), django_capture_on_commit_callbacks)
    children_services.child_transfer_case(
        actor=world.vs_officer, child=world.child, social_worker=world.other_social_worker
    )
    old = Reminder.objects.live().filter(recipient=world.allocated_social_worker)
    assert not old.exists()
    assert _notice_shown(client, world.vs_officer, overdue_pep)
    children_services.child_update(
        actor=world.vs_officer, child=world.child, date_left_care=timezone.localdate()
    )
    assert not _notice_shown(client, world.vs_officer, overdue_pep)
    pep = Pep.objects.get(pk=overdue_pep.pk)
    assert pep.due_date is None and pep.due_reason.startswith("Left care on")


def test_an_unsent_digest_leaves_out_what_stopped_being_true(
    world, overdue_pep, monkeypatch, django_capture_on_commit_callbacks
):
    from peps import tasks

    monkeypatch.setattr(tasks.send_digest, "delay", lambda **kwargs: None)  # the broker is down
    _run(timezone.localdate(), django_capture_on_commit_callbacks)
    monkeypatch.undo()
    digest = Digest.objects.get(recipient=world.vs_officer)
    children_services.child_update(
        actor=world.vs_officer, child=world.child, date_left_care=timezone.localdate()
    )
    tasks.send_digest(digest_id=digest.pk)
    assert not mail.outbox  # nothing left to say
    assert Digest.objects.get(pk=digest.pk).sent_at is None
