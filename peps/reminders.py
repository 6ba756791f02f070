"""The daily job: refresh every open PEP's due date, record the reminders that are due, and
gather each person's new reminders into one digest email.

It runs in batches of PEPs, with a fixed number of queries a batch, so its cost grows with the
number of batches rather than of children. Every reminder is a row, unique for its occasion:
running the job twice, or again after a crash, finds them and sends nothing twice.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.models import Role, SchoolMembership, User, VirtualSchool
from children.models import Enrolment, SocialWorkerAllocation

from . import tasks
from .calendar import CalendarIncomplete, SchoolCalendar
from .deadlines import DEFAULTS, due_for, events_since
from .models import Digest, Pep, PepSettings, Reminder

BATCH_SIZE = 500
MEETING_CONFIRMATION_DAYS = 14


@dataclass
class RunReport:
    peps: int = 0
    batches: int = 0
    due_dates_changed: int = 0
    reminders: int = 0
    digests: int = 0
    by_kind: dict = field(default_factory=lambda: defaultdict(int))


def run_daily_reminders(
    *, today: date | None = None, batch_size: int = BATCH_SIZE, virtual_schools=None
) -> RunReport:
    today = today or timezone.localdate()
    report = RunReport()
    for virtual_school in virtual_schools or VirtualSchool.objects.order_by("pk"):
        _run_for_virtual_school(virtual_school, today=today, report=report, batch_size=batch_size)
    report.digests = _gather_digests(today=today)
    return report


def _run_for_virtual_school(virtual_school, *, today, report, batch_size) -> None:
    settings = PepSettings.objects.filter(virtual_school=virtual_school).first() or DEFAULTS
    calendar = SchoolCalendar.for_virtual_school(virtual_school.pk)
    officers = list(
        User.objects.filter(
            virtual_school=virtual_school, role=Role.VIRTUAL_SCHOOL_OFFICER, is_active=True
        ).values_list("pk", flat=True)
    )
    open_peps = (
        Pep.objects.filter(child__virtual_school=virtual_school)
        .exclude(state=Pep.State.SIGNED_OFF)
        .select_related("child", "term", "previous")
        .order_by("pk")
    )
    last_pk = 0
    while batch := list(open_peps.filter(pk__gt=last_pk)[:batch_size]):
        last_pk = batch[-1].pk
        report.batches += 1
        report.peps += len(batch)
        with transaction.atomic():
            _run_batch(batch, today, settings, calendar, officers, report)


def _run_batch(batch, today, settings, calendar, officers, report) -> None:
    child_ids = [pep.child_id for pep in batch]
    social_workers = dict(
        SocialWorkerAllocation.objects.filter(
            child_id__in=child_ids, end_date__isnull=True, social_worker__is_active=True
        ).values_list("child_id", "social_worker_id")
    )
    schools = {
        child_id: (school_id, name, start)
        for child_id, school_id, name, start in Enrolment.objects.filter(
            child_id__in=child_ids, end_date__isnull=True
        ).values_list("child_id", "school_id", "school__name", "start_date")
    }
    teachers = defaultdict(list)
    for school_id, user_id in SchoolMembership.objects.filter(
        school_id__in={school[0] for school in schools.values()}, user__is_active=True
    ).values_list("school_id", "user_id"):
        teachers[school_id].append(user_id)

    changed, reminders = [], []
    for pep in batch:
        school = schools.get(pep.child_id)
        due = due_for(
            pep=pep,
            calendar=calendar,
            settings=settings,
            events_since=events_since(pep),
            entered_care=pep.child.date_entered_care,
            new_school=(school[1], school[2]) if school else None,
        )
        if (pep.due_date, pep.due_reason) != (due.day, due.reason):
            pep.due_date, pep.due_reason = due.day, due.reason
            changed.append(pep)
        social_worker = social_workers.get(pep.child_id)
        school_staff = teachers.get(school[0], []) if school else []
        for kind, recipients, occasion, message in _notices(
            pep, today, settings, calendar, social_worker, school_staff, officers
        ):
            reminders += [
                Reminder(kind=kind, pep=pep, recipient_id=user_id, occasion=occasion,
                         message=message, created_on=today)
                for user_id in recipients
            ]  # fmt: skip
    Pep.objects.bulk_update(changed, ["due_date", "due_reason"])
    report.due_dates_changed += len(changed)
    sent_before = set(
        Reminder.objects.filter(pep__in=batch).values_list(
            "kind", "pep_id", "recipient_id", "occasion"
        )
    )
    new = [
        r for r in reminders if (r.kind, r.pep_id, r.recipient_id, r.occasion) not in sent_before
    ]
    Reminder.objects.bulk_create(new, ignore_conflicts=True)  # a rival run may have made some
    report.reminders += len(new)
    for reminder in new:
        report.by_kind[reminder.kind] += 1


def _notices(pep, today, settings, calendar, social_worker, school_staff, officers):
    """(kind, recipient ids, occasion, message) for each reminder this PEP needs today."""
    name = pep.child.display_name
    both = [uid for uid in [social_worker, *school_staff] if uid]
    in_progress = pep.state in (Pep.State.DRAFT, Pep.State.SCHOOL_COMPLETE)
    if in_progress and pep.due_date:
        if pep.due_date < today:
            yield (
                Reminder.Kind.OVERDUE,
                both + officers,
                pep.due_date,
                f"{name}'s PEP was due on {pep.due_date:%-d %B %Y} and is not complete",
            )
        else:
            try:
                left = calendar.school_days_between(today, pep.due_date)
            except CalendarIncomplete:
                left = None
            if left is not None and left <= settings.reminder_school_days:
                yield (
                    Reminder.Kind.DUE_SOON,
                    both,
                    pep.due_date,
                    f"{name}'s PEP is due on {pep.due_date:%-d %B %Y} ({left} school days)",
                )
    if pep.state == Pep.State.SUBMITTED and pep.submitted_at:
        submitted_on = timezone.localtime(pep.submitted_at).date()
        if submitted_on + timedelta(days=settings.quality_assurance_days) <= today:
            yield (
                Reminder.Kind.WAITING_FOR_QUALITY_ASSURANCE,
                officers,
                submitted_on,
                f"{name}'s PEP has waited for quality assurance since {submitted_on:%-d %B %Y}",
            )
    planned = pep.planned_meeting_date
    if planned and not pep.planned_meeting_confirmed and social_worker:
        if today <= planned <= today + timedelta(days=MEETING_CONFIRMATION_DAYS):
            yield (
                Reminder.Kind.MEETING_NOT_CONFIRMED,
                [social_worker],
                planned,
                f"Confirm or change the provisional PEP meeting for {name} on {planned:%-d %B %Y}",
            )


def _gather_digests(*, today: date) -> int:
    """Give everyone with new reminders today's digest, once. A digest already made today
    (and perhaps sent) is not made again: later reminders wait for tomorrow's."""
    pending = set(
        Reminder.objects.filter(digest__isnull=True).values_list("recipient_id", flat=True)
    )
    with transaction.atomic():
        already = set(
            Digest.objects.filter(day=today, recipient_id__in=pending).values_list(
                "recipient_id", flat=True
            )
        )
        new = pending - already
        Digest.objects.bulk_create(
            [Digest(recipient_id=user_id, day=today) for user_id in new], ignore_conflicts=True
        )
        Reminder.objects.filter(digest__isnull=True, recipient_id__in=new).update(
            digest=Subquery(
                Digest.objects.filter(recipient=OuterRef("recipient"), day=today).values("pk")[:1]
            )
        )
        # Also any digest of the last week that was never sent (a broker down, retries spent).
        unsent = list(
            Digest.objects.filter(
                day__gte=today - timedelta(days=7), sent_at__isnull=True
            ).values_list("pk", flat=True)
        )
        transaction.on_commit(
            lambda: [tasks.send_digest.delay(digest_id=pk) for pk in unsent], robust=True
        )
    return len(new)
