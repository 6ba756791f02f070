"""The statutory clock and the daily reminder job."""

import os
import secrets
import threading
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peps import demo, workflow
from peps.clock.calendar import SchoolCalendar, TermDates
from peps.clock.deadlines import due_for
from peps.clock.reminders import run_daily_reminders
from peps.models import Digest, Pep, PepSettings, Reminder
from tests.peps.factories import DraftPepFactory, TermFactory

AUTUMN_2026 = TermDates(
    date(2026, 9, 2), date(2026, 12, 18), date(2026, 10, 26), date(2026, 10, 30)
)
SPRING_2027 = TermDates(date(2027, 1, 4), date(2027, 3, 26), date(2027, 2, 15), date(2027, 2, 19))


def _pep(term_dates, previous=True):
    term = TermFactory.build(
        start_date=term_dates.start_date, end_date=term_dates.end_date,
        half_term_start=term_dates.half_term_start, half_term_end=term_dates.half_term_end,
    )  # fmt: skip
    pep = DraftPepFactory.build(term=term)
    pep.previous_id = 1 if previous else None
    return pep


CALENDAR = SchoolCalendar([AUTUMN_2026, SPRING_2027])


def test_the_termly_deadline_is_the_15th_school_day():
    due = due_for(
        pep=_pep(AUTUMN_2026), calendar=CALENDAR, events_since=date(2026, 7, 23),
        entered_care=date(2019, 1, 1),
    )  # fmt: skip
    assert due.day == date(2026, 9, 22)  # 2 Sept is day 1; weekends skipped
    assert due.reason == "The Virtual School's deadline: the 15th school day of the autumn term"


def test_a_first_pep_is_due_20_school_days_after_entering_care_across_half_term():
    due = due_for(
        pep=_pep(AUTUMN_2026, previous=False), calendar=CALENDAR,
        events_since=date(2026, 7, 23), entered_care=date(2026, 10, 12),
    )  # fmt: skip
    # 13-23 Oct is 9 school days, half term 26-30 Oct, 2-13 Nov is 10 more, 16 Nov the 20th.
    assert due.day == date(2026, 11, 16)
    assert due.reason == "20 school days after entering care on 12 October 2026"


def test_entering_care_before_the_first_term_entered_uses_the_termly_deadline_and_says_so():
    due = due_for(
        pep=_pep(AUTUMN_2026, previous=False), calendar=CALENDAR,
        events_since=date(2026, 7, 23), entered_care=date(2026, 8, 10),
    )  # fmt: skip
    # The calendar starts on 2 September: the school days since 10 August are unknown, so no
    # date is invented from them and the termly deadline (22 September) stands meanwhile.
    assert due.day == date(2026, 9, 22)
    assert due.reason.startswith("The Virtual School's deadline")
    assert "Entering care on 10 August 2026 is before the first term dates entered" in due.reason
    assert "until then the termly deadline applies" in due.reason


def test_a_school_move_across_christmas():
    due = due_for(
        pep=_pep(AUTUMN_2026), calendar=CALENDAR, events_since=date(2026, 7, 23),
        entered_care=date(2019, 1, 1), new_schools=[("Hill School", date(2026, 12, 10))],
    )  # fmt: skip
    assert due.day == date(2027, 1, 21)  # 6 school days left in December, 14 in January
    assert due.reason == (
        "Was due 22 September 2026 (overdue); starting at Hill School on 10 December 2026 makes "
        "it due by 21 January 2027, 20 school days later"
    )


def test_a_virtual_school_can_set_its_own_termly_deadline():
    settings = PepSettings(termly_deadline_school_day=10)
    due = due_for(
        pep=_pep(AUTUMN_2026), calendar=CALENDAR, settings=settings,
        events_since=date(2026, 7, 23), entered_care=date(2019, 1, 1),
    )  # fmt: skip
    assert due.day == date(2026, 9, 15)
    assert "10th school day" in due.reason


def test_missing_term_dates_say_so():
    due = due_for(
        pep=_pep(SPRING_2027), calendar=SchoolCalendar([AUTUMN_2026]),
        events_since=date(2026, 12, 19), entered_care=date(2019, 1, 1),
    )  # fmt: skip
    assert due.day is None
    assert "dates" in due.reason.lower()


def test_every_pep_gets_its_due_date_and_reason_when_started(world, pep):
    assert pep.due_date is not None
    assert pep.due_reason


def _overdue(pep):
    Pep.objects.filter(pk=pep.pk).update(due_date=timezone.localdate() - timedelta(days=3))


def test_the_daily_job_sends_each_person_one_digest_once(
    world, pep, django_capture_on_commit_callbacks
):
    from tests.children.factories import ChildFactory, EnrolmentFactory

    second = ChildFactory(virtual_school=world.virtual_school)
    EnrolmentFactory(child=second, school=world.school)
    from children import services as children_services
    from peps import services

    children_services.child_transfer_case(
        actor=None, child=second, social_worker=world.allocated_social_worker
    )
    other_pep = services.pep_start(child=second, actor=world.allocated_social_worker)
    with time_machine.travel(max(pep.due_date, other_pep.due_date) + timedelta(days=3)):
        today = timezone.localdate()
        with django_capture_on_commit_callbacks(execute=True):
            report = run_daily_reminders(today=today)
        with django_capture_on_commit_callbacks(execute=True):
            again = run_daily_reminders(today=today)
    assert report.reminders > 0 and again.reminders == 0 and again.digests == 0
    to_social_worker = [m for m in mail.outbox if m.to == [world.allocated_social_worker.email]]
    assert len(to_social_worker) == 1  # one digest about both children
    assert Reminder.objects.filter(recipient=world.allocated_social_worker).count() >= 2
    assert {r.pep_id for r in Reminder.objects.filter(recipient=world.allocated_social_worker)} == {
        pep.pk,
        other_pep.pk,
    }
    assert world.child.legal_last_name not in to_social_worker[0].body
    overdue_to = set(
        Reminder.objects.filter(kind="overdue", pep=pep).values_list("recipient__email", flat=True)
    )
    assert {world.allocated_social_worker.email, world.designated_teacher.email,
            world.vs_officer.email} <= overdue_to  # fmt: skip


def test_a_crash_before_sending_is_mended_by_the_next_run(
    world, pep, monkeypatch, django_capture_on_commit_callbacks
):
    from peps import tasks

    late = pep.due_date + timedelta(days=3)
    monkeypatch.setattr(tasks.send_digest, "delay", lambda **kwargs: None)  # the worker died
    with time_machine.travel(late), django_capture_on_commit_callbacks(execute=True):
        run_daily_reminders()
    assert Digest.objects.filter(sent_at__isnull=True).exists()
    monkeypatch.undo()
    with time_machine.travel(late), django_capture_on_commit_callbacks(execute=True):
        run_daily_reminders()
    assert not Digest.objects.filter(sent_at__isnull=True).exists()
    recipients = [m.to[0] for m in mail.outbox]
    assert len(recipients) == len(set(recipients))


def test_due_soon_waiting_and_unconfirmed_meeting_reminders(world, pep):
    day_before = pep.due_date - timedelta(days=1)
    Pep.objects.filter(pk=pep.pk).update(
        planned_meeting_date=day_before + timedelta(days=5), planned_meeting_confirmed=False
    )
    with time_machine.travel(day_before):
        run_daily_reminders()
    kinds = set(Reminder.objects.values_list("kind", flat=True))
    assert {"due_soon", "meeting_unconfirmed"} <= kinds
    submitted = demo.complete_and_submit(
        Pep.objects.get(pk=pep.pk),
        teacher=world.designated_teacher,
        social_worker=world.allocated_social_worker,
    )
    with time_machine.travel(timezone.now() + timedelta(days=11)):
        run_daily_reminders()
    waiting = Reminder.objects.get(kind="waiting_qa", pep=submitted)
    assert waiting.recipient == world.vs_officer


def test_the_job_runs_a_fixed_number_of_queries_per_batch(world, terms):
    from tests.children.factories import ChildFactory
    from tests.peps.factories import DraftPepFactory as Draft

    for _ in range(12):
        Draft(child=ChildFactory(virtual_school=world.virtual_school), term=terms[0])

    def queries(batch_size):
        with CaptureQueriesContext(connection) as captured:
            report = run_daily_reminders(batch_size=batch_size)
        return len(captured), report.batches

    Reminder.objects.all().delete()
    small_batches, batches = queries(4)
    Reminder.objects.all().delete()
    Digest.objects.all().delete()
    one_batch, single = queries(100)
    per_batch = (small_batches - one_batch) / (batches - single)
    # The same few queries (and a savepoint) again for each extra batch, whatever its size.
    assert per_batch <= 10


def test_the_deadlines_page_shows_overdue_and_the_share_in_date(client, world, pep):
    _overdue(pep)  # (the page shows what the daily job last worked out)
    client.force_login(world.vs_officer)
    html = client.get(reverse("peps:deadlines")).content.decode()
    assert "Overdue" in html and world.child.display_name in html
    assert pep.due_reason.replace("'", "&#x27;") in html  # the overdue list says why it was due
    assert "have an in-date PEP" in html
    client.force_login(world.carer)
    assert client.get(reverse("peps:deadlines")).status_code == 403


def test_upcoming_peps_show_their_provisional_meeting(
    client, world, pep, django_capture_on_commit_callbacks
):
    pep = demo.complete_and_submit(
        pep, teacher=world.designated_teacher, social_worker=world.allocated_social_worker
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.pep_sign_off(
            pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep), feedback=""
        )
    client.force_login(world.allocated_social_worker)
    html = client.get(reverse("peps:deadlines")).content.decode()
    assert "Upcoming PEPs" in html and "Provisional" in html


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI sets it)")
def test_a_real_worker_runs_the_daily_job_end_to_end(world, pep):
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_success

    from pep_portal.celery import app as celery_app
    from peps.tasks import send_daily_reminders

    _overdue(pep)
    celery_app.conf.task_always_eager = False
    done = threading.Event()
    finished = []

    def on_success(sender=None, result=None, **kwargs):
        finished.append(sender.name)
        if sender.name == "peps.tasks.send_digest" and finished.count(sender.name) >= 3:
            done.set()

    task_success.connect(on_success, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            send_daily_reminders.delay()
            assert done.wait(timeout=60), f"digests not all sent: {finished}"
    finally:
        task_success.disconnect(on_success)
    assert "peps.tasks.send_daily_reminders" in finished
    assert Digest.objects.filter(sent_at__isnull=False).count() == 3


def test_a_school_move_after_sign_off_sets_the_next_peps_due_date(world, pep, terms):
    from children import services as children_services
    from peps.clock.deadlines import due_for_pep
    from tests.accounts.factories import SchoolFactory

    pep = demo.complete_and_submit(
        pep, teacher=world.designated_teacher, social_worker=world.allocated_social_worker
    )
    workflow.pep_sign_off(
        pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep), feedback=""
    )
    next_pep = Pep.objects.get(previous=pep)
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        moved_on = timezone.localdate()
        children_services.enrolment_start(
            actor=world.vs_officer, child=world.child, school=SchoolFactory(name="Hill School"),
            start_date=moved_on, replaces_current=True,
        )  # fmt: skip
        due, _ = due_for_pep(Pep.objects.get(pk=next_pep.pk))
    assert due.reason == f"20 school days after starting at Hill School on {moved_on:%-d %B %Y}"


def test_a_digest_left_unsent_yesterday_is_sent_today(
    world, pep, monkeypatch, django_capture_on_commit_callbacks
):
    from peps import tasks

    late = pep.due_date + timedelta(days=3)
    monkeypatch.setattr(tasks.send_digest, "delay", lambda **kwargs: None)
    with time_machine.travel(late), django_capture_on_commit_callbacks(execute=True):
        run_daily_reminders()
    monkeypatch.undo()
    with (
        time_machine.travel(late + timedelta(days=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run_daily_reminders()
    assert not Digest.objects.filter(sent_at__isnull=True).exists()
    assert mail.outbox


def test_notices_about_a_child_go_with_access_to_them(client, world, pep):
    from children import services as children_services

    with time_machine.travel(pep.due_date + timedelta(days=3)):
        run_daily_reminders()
        client.force_login(world.allocated_social_worker)
        assert world.child.display_name in client.get(reverse("peps:deadlines")).content.decode()
        children_services.child_transfer_case(
            actor=world.vs_officer, child=world.child, social_worker=world.other_social_worker
        )
        html = client.get(reverse("peps:deadlines")).content.decode()
    assert world.child.display_name not in html


def test_a_run_that_writes_many_reminders_refreshes_their_statistics(
    world, pep, monkeypatch, django_capture_on_commit_callbacks
):
    """On PostgreSQL, once it has written ANALYZE_AFTER reminders the job analyses the table
    (after that Virtual School, and again at the end), so that the planner does not go on
    reading it as empty; a quiet run does not."""
    from peps.clock import reminders

    monkeypatch.setattr(reminders, "ANALYZE_AFTER", 1)
    with time_machine.travel(pep.due_date + timedelta(days=3)):
        with CaptureQueriesContext(connection) as busy, django_capture_on_commit_callbacks():
            report = run_daily_reminders()
        with CaptureQueriesContext(connection) as quiet, django_capture_on_commit_callbacks():
            run_daily_reminders()
    analysed = lambda queries: [  # noqa: E731
        q for q in queries if "peps_analyze_reminders()" in q["sql"]
    ]
    assert report.reminders >= 1
    assert len(analysed(busy.captured_queries)) == (2 if connection.vendor == "postgresql" else 0)
    assert analysed(quiet.captured_queries) == []
    assert Reminder.objects.filter(pep=pep, digest__isnull=False).exists()


def test_a_pep_whose_term_is_another_councils_is_still_dated(world, pep):
    """The job reads each council's terms once; a PEP of a child who moved council keeps its
    term from the council it was started in, which is read by itself."""
    other_term = TermFactory(
        virtual_school=world.other_vs_officer.virtual_school,
        start_date=pep.term.start_date, end_date=pep.term.end_date,
        half_term_start=pep.term.half_term_start, half_term_end=pep.term.half_term_end,
    )  # fmt: skip
    Pep.objects.filter(pk=pep.pk).update(term=other_term, due_date=None, due_reason="")
    with CaptureQueriesContext(connection) as queries:
        report = run_daily_reminders()
    assert report.peps >= 1
    pep.refresh_from_db()
    assert pep.due_reason
    by_itself = f'WHERE "peps_term"."id" = {other_term.pk}'
    assert any(by_itself in q["sql"] for q in queries.captured_queries)


def test_the_parts_of_the_job_cover_every_virtual_school_once_and_balance_their_open_peps(db):
    """The job's work is a council's open PEPs: the parts are balanced by those, not by
    children (a signed-off PEP or a child with none is no work)."""
    from peps.clock.reminders import plan_parts
    from tests.accounts.factories import VirtualSchoolFactory
    from tests.children.factories import ChildFactory
    from tests.peps.factories import SignedOffPepFactory

    sizes = [5, 4, 3, 2, 1, 0]
    schools = [VirtualSchoolFactory() for _ in sizes]
    terms = {}
    for virtual_school, size in zip(schools, sizes, strict=True):
        terms[virtual_school] = TermFactory(virtual_school=virtual_school)
        for child in ChildFactory.create_batch(size, virtual_school=virtual_school):
            DraftPepFactory(child=child, term=terms[virtual_school])
    # Many children and signed-off PEPs in the council with no open PEP: still no work.
    idle = schools[-1]
    for child in ChildFactory.create_batch(6, virtual_school=idle):
        SignedOffPepFactory(child=child, term=terms[idle])
    groups = plan_parts(2)
    assert sorted(pk for group in groups for pk in group) == sorted(vs.pk for vs in schools)
    open_peps = {vs.pk: size for vs, size in zip(schools, sizes, strict=True)}
    work = sorted(sum(open_peps[pk] for pk in group) for group in groups)
    assert work == [7, 8]  # each council whole, the parts within one PEP of each other
    assert len(plan_parts(10)) == len(schools)  # no empty part
    assert plan_parts(1) == [sorted(vs.pk for vs in schools)]


def test_the_beat_job_runs_its_parts_and_sends_each_digest_once(
    world, pep, django_capture_on_commit_callbacks
):
    """The beat job runs the Virtual Schools in parts (here one after another: tasks run in
    the test's process) and the last part gathers the digests; run again the same day it
    records and sends nothing more."""
    from peps.tasks import send_daily_reminders

    with time_machine.travel(pep.due_date + timedelta(days=3)):
        with django_capture_on_commit_callbacks(execute=True):
            first = send_daily_reminders()
        sent = len(mail.outbox)
        reminders = Reminder.objects.count()
        with django_capture_on_commit_callbacks(execute=True):
            send_daily_reminders()
    assert first["parts"] == 2  # two Virtual Schools in the world, DAILY_JOB_PARTS = 2
    assert Reminder.objects.filter(kind="overdue", pep=pep).exists()
    assert not Reminder.objects.filter(digest__isnull=True, by_email=True).exists()
    to_social_worker = [m for m in mail.outbox if m.to == [world.allocated_social_worker.email]]
    assert len(to_social_worker) == 1
    assert (len(mail.outbox), Reminder.objects.count()) == (sent, reminders)


def test_only_the_last_part_to_finish_sends_the_digests_and_only_once(world, pep, monkeypatch):
    from peps import tasks

    gathered = []
    monkeypatch.setattr(tasks.gather_daily_digests, "delay", lambda **kw: gathered.append(kw))
    day = (pep.due_date + timedelta(days=3)).isoformat()
    run = f"daily-job:{day}:{secrets.token_hex(4)}"  # the cache outlives a test run
    own, other = world.virtual_school.pk, world.other_vs_officer.virtual_school_id
    with time_machine.travel(date.fromisoformat(day)):
        first = tasks.remind_virtual_schools(
            run=run, part=0, parts=2, day=day, virtual_school_ids=[own]
        )
        assert gathered == []  # the other part has not finished
        tasks.remind_virtual_schools(run=run, part=1, parts=2, day=day, virtual_school_ids=[other])
        assert [g["run"] for g in gathered] == [run]
        # A part delivered again (its worker died after it finished) sends nothing more.
        again = tasks.remind_virtual_schools(
            run=run, part=0, parts=2, day=day, virtual_school_ids=[own]
        )
    assert len(gathered) == 1
    assert first["reminders"] > 0 and again["reminders"] == 0


def _two_parts(world):
    return [[world.virtual_school.pk], [world.other_vs_officer.virtual_school_id]]


def test_parts_that_reach_the_threshold_only_together_refresh_the_statistics_once(
    world, pep, monkeypatch
):
    """ANALYZE_AFTER counts the whole run's reminders, across its parts: here the first part's
    alone do not reach it, the first and second together do."""
    from peps import tasks
    from peps.clock import reminders

    other = world.other_vs_officer.virtual_school
    DraftPepFactory(child__virtual_school=other, term=TermFactory(virtual_school=other),
                    due_date=pep.due_date)  # fmt: skip
    refreshed, gathered = [], []
    monkeypatch.setattr(reminders, "_refresh_statistics", lambda: refreshed.append(1))
    monkeypatch.setattr(tasks.gather_daily_digests, "delay", lambda **kw: gathered.append(kw))
    day = pep.due_date + timedelta(days=3)
    run = f"daily-job:test:{day}:{secrets.token_hex(4)}"
    with time_machine.travel(day):
        first = tasks.remind_virtual_schools(run=run, part=0, parts=2, day=day.isoformat(),
                                             virtual_school_ids=_two_parts(world)[0])  # fmt: skip
        monkeypatch.setattr(reminders, "ANALYZE_AFTER", first["reminders"] + 1)
        assert refreshed == []
        second = tasks.remind_virtual_schools(run=run, part=1, parts=2, day=day.isoformat(),
                                              virtual_school_ids=_two_parts(world)[1])  # fmt: skip
    assert first["reminders"] > 0 and second["reminders"] > 0
    assert refreshed == [1]  # by the part that took the run's total over, once
    assert [g["refresh"] for g in gathered] == [True]  # and again after the digests


def test_a_part_that_fails_still_lets_everyone_elses_digests_go(world, pep, monkeypatch):
    from peps import tasks
    from peps.clock import reminders

    gathered = []
    monkeypatch.setattr(tasks.gather_daily_digests, "delay", lambda **kw: gathered.append(kw))
    real = reminders._run_for_virtual_school

    def broken(virtual_school, **kwargs):
        if virtual_school.pk == world.other_vs_officer.virtual_school_id:
            raise ValueError("a data fault in one council")
        return real(virtual_school, **kwargs)

    monkeypatch.setattr(reminders, "_run_for_virtual_school", broken)
    day = (pep.due_date + timedelta(days=3)).isoformat()
    run = f"daily-job:test:{day}:{secrets.token_hex(4)}"
    with time_machine.travel(date.fromisoformat(day)):
        tasks.remind_virtual_schools(run=run, part=0, parts=2, day=day,
                                     virtual_school_ids=_two_parts(world)[0])  # fmt: skip
        with pytest.raises(ValueError, match="one council"):
            tasks.remind_virtual_schools(run=run, part=1, parts=2, day=day,
                                         virtual_school_ids=_two_parts(world)[1])  # fmt: skip
    assert [g["run"] for g in gathered] == [run]


def test_the_safety_net_makes_only_the_digests_a_lost_gathering_owed(
    world, pep, monkeypatch, django_capture_on_commit_callbacks
):
    from peps import tasks

    day = pep.due_date + timedelta(days=3)
    monkeypatch.setattr(tasks.gather_daily_digests, "delay", lambda **kw: None)  # lost
    with time_machine.travel(day), django_capture_on_commit_callbacks(execute=True):
        tasks.send_daily_reminders()
    assert Digest.objects.count() == 0
    monkeypatch.undo()
    with time_machine.travel(day + timedelta(hours=3)):
        with django_capture_on_commit_callbacks(execute=True):
            made = tasks.gather_missed_digests()
        with django_capture_on_commit_callbacks(execute=True):
            again = tasks.gather_missed_digests()
    assert made["digests"] > 0 and again["digests"] == 0
    to_social_worker = [m for m in mail.outbox if m.to == [world.allocated_social_worker.email]]
    assert len(to_social_worker) == 1
