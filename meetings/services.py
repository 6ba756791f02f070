"""Scheduling, changing, cancelling and recording PEP meetings; planning the next one."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from peps.clock.calendar import CalendarIncomplete, SchoolCalendar
from peps.models import Pep
from peps.policy import capacity_for
from peps.services import pep_set_planned_meeting

from . import tasks
from .ical import chair_ical, invitee_ical, meeting_ical
from .models import REASON_REQUIRED_FOR, Attendance, Invitation, Meeting, MeetingAction, Participant


@dataclass(frozen=True)
class Invitee:
    role: str
    name: str
    email: str


def _require_chair(pep: Pep, actor: User) -> None:
    """The allocated social worker chairs the meeting (seed 004)."""
    if pep.is_locked or not capacity_for(user=actor, pep=pep).social_worker:
        raise PermissionDenied


def _refuse_if_held(meeting: Meeting) -> None:
    if meeting.recorded_at is not None or meeting.starts_at <= timezone.now():
        raise ValidationError("This meeting has already taken place: arrange a new one")


def _check_when(
    *, pep: Pep, starts_at: datetime, allow_holiday: bool, calendar: SchoolCalendar | None = None
) -> None:
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": "The meeting must be in the future"})
    if starts_at > timezone.now() + timedelta(days=366):
        raise ValidationError({"starts_at": "The meeting must be within the next year"})
    day = timezone.localtime(starts_at).date()
    if day.weekday() >= 5:
        raise ValidationError({"starts_at": "The meeting must be on a weekday"})
    calendar = calendar or SchoolCalendar.for_virtual_school(pep.child.virtual_school_id)
    try:
        school_day = calendar.is_school_day(day)
    except CalendarIncomplete:
        school_day = False
    if not school_day and not allow_holiday:
        raise ValidationError(
            {
                "allow_holiday": "This day is not a school day (a holiday, a bank holiday or a "
                "closure). Tick the box to confirm a meeting then, or choose another day."
            }
        )


def _check_where(mode: str, location: str, online_link: str) -> None:
    if mode == Meeting.Mode.IN_PERSON and not location.strip():
        raise ValidationError({"location": "Enter where the meeting is"})
    if mode == Meeting.Mode.ONLINE and not online_link.strip():
        raise ValidationError({"online_link": "Enter the link to join the meeting"})


def _check_invitees(invitees: list[Invitee]) -> None:
    if not invitees:
        raise ValidationError("Invite at least one person")
    for invitee in invitees:
        if not invitee.email:
            raise ValidationError(f"Enter an email address for {invitee.name}")
    emails = [i.email.lower() for i in invitees]
    if len(emails) != len(set(emails)):
        raise ValidationError("Each person can be invited once")


def open_meeting_of(pep: Pep) -> Meeting | None:
    """The PEP's meeting that is arranged and neither recorded nor cancelled, if any."""
    return (
        pep.meetings.filter(cancelled_at__isnull=True, recorded_at__isnull=True)
        .order_by("starts_at")
        .first()
    )


def _refuse_a_second_open_meeting(pep: Pep) -> None:
    meeting = open_meeting_of(pep)
    if meeting is not None:
        when = timezone.localtime(meeting.starts_at).strftime("%-d %B %Y at %H:%M")
        message = f"Confirm that you want to arrange another meeting, or change the one on {when}"
        raise ValidationError({"another_confirmed": message})


@transaction.atomic
def meeting_schedule(
    *,
    pep: Pep,
    actor: User,
    starts_at: datetime,
    duration_minutes: int,
    mode: str,
    location: str = "",
    online_link: str = "",
    invitees: list[Invitee],
    allow_holiday: bool = False,
    another_confirmed: bool = False,
) -> Meeting:
    """The social worker arranges the PEP meeting and sends the invitations, each with a
    calendar entry. The PEP's meeting date becomes confirmed. A second meeting while one is
    still open (neither held and recorded nor cancelled) needs the social worker's say-so."""
    pep = Pep.objects.select_for_update().select_related("child").get(pk=pep.pk)
    _require_chair(pep, actor)
    if not another_confirmed:
        _refuse_a_second_open_meeting(pep)
    _check_when(pep=pep, starts_at=starts_at, allow_holiday=allow_holiday)
    _check_where(mode, location, online_link)
    _check_invitees(invitees)
    meeting = Meeting.objects.create(
        pep=pep,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        mode=mode,
        location=location.strip() if mode == Meeting.Mode.IN_PERSON else "",
        online_link=online_link.strip() if mode == Meeting.Mode.ONLINE else "",
        created_by=actor,
    )
    Invitation.objects.bulk_create(
        Invitation(meeting=meeting, role=i.role, name=i.name, email=i.email.lower())
        for i in invitees
    )
    pep_set_planned_meeting(
        pep=pep, actor=actor, day=timezone.localtime(starts_at).date(), confirmed=True
    )
    audit_record(
        actor=actor,
        action="meeting.scheduled",
        child=pep.child,
        obj=meeting,
        changes={"starts_at": [None, starts_at.isoformat()], "invitees": [None, len(invitees)]},
    )
    transaction.on_commit(lambda: tasks.send_invitations.delay(meeting_id=meeting.pk), robust=True)
    return meeting


@transaction.atomic
def meeting_reschedule(
    *,
    meeting: Meeting,
    actor: User,
    starts_at: datetime,
    duration_minutes: int,
    mode: str,
    location: str = "",
    online_link: str = "",
    allow_holiday: bool = False,
) -> Meeting:
    """A change updates everyone's calendar entry: same UID, higher SEQUENCE."""
    meeting = Meeting.objects.select_for_update().select_related("pep__child").get(pk=meeting.pk)
    _require_chair(meeting.pep, actor)
    if meeting.is_cancelled:
        raise ValidationError("This meeting was cancelled: arrange a new one")
    _refuse_if_held(meeting)
    _check_when(pep=meeting.pep, starts_at=starts_at, allow_holiday=allow_holiday)
    _check_where(mode, location, online_link)
    before = meeting.starts_at
    meeting.starts_at, meeting.duration_minutes, meeting.mode = starts_at, duration_minutes, mode
    meeting.location = location.strip() if mode == Meeting.Mode.IN_PERSON else ""
    meeting.online_link = online_link.strip() if mode == Meeting.Mode.ONLINE else ""
    meeting.sequence += 1
    meeting.save()
    pep_set_planned_meeting(
        pep=meeting.pep, actor=actor, day=timezone.localtime(starts_at).date(), confirmed=True
    )
    audit_record(
        actor=actor,
        action="meeting.rescheduled",
        child=meeting.pep.child,
        obj=meeting,
        changes={"starts_at": [before.isoformat(), starts_at.isoformat()]},
    )
    transaction.on_commit(lambda: tasks.send_invitations.delay(meeting_id=meeting.pk), robust=True)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor: User) -> Meeting:
    meeting = Meeting.objects.select_for_update().select_related("pep__child").get(pk=meeting.pk)
    _require_chair(meeting.pep, actor)
    if meeting.is_cancelled:
        raise ValidationError("This meeting is already cancelled")
    _refuse_if_held(meeting)
    meeting.cancelled_at = timezone.now()
    meeting.sequence += 1
    meeting.save()
    pep_set_planned_meeting(pep=meeting.pep, actor=actor, day=None, confirmed=False)
    audit_record(
        actor=actor,
        action="meeting.cancelled",
        child=meeting.pep.child,
        obj=meeting,
        changes={"cancelled_at": [None, meeting.cancelled_at.isoformat()]},
    )
    transaction.on_commit(lambda: tasks.send_invitations.delay(meeting_id=meeting.pk), robust=True)
    return meeting


@transaction.atomic
def meeting_change_invitees(*, meeting: Meeting, actor: User, invitees: list[Invitee]) -> Meeting:
    """Those taken off the list get a cancellation for them alone, those added the invitation,
    the chair the updated entry; everyone keeps the same UID, and SEQUENCE goes up. Those who
    stay get nothing: their own entry (which lists only them) has not changed."""
    meeting = Meeting.objects.select_for_update().select_related("pep__child").get(pk=meeting.pk)
    _require_chair(meeting.pep, actor)
    if meeting.is_cancelled:
        raise ValidationError("This meeting was cancelled: arrange a new one")
    _refuse_if_held(meeting)
    _check_invitees(invitees)
    rows = {invitation.email: invitation for invitation in meeting.invitations.all()}
    before = sorted(i.pk for i in rows.values() if i.withdrawn_at is None)
    wanted = {invitee.email.lower(): invitee for invitee in invitees}
    now = timezone.now()
    told = []
    for email, invitation in rows.items():
        if invitation.withdrawn_at is None and email not in wanted:
            invitation.withdrawn_at = now
            invitation.save(update_fields=["withdrawn_at"])
            told.append(invitation.pk)
    for email, invitee in wanted.items():
        invitation = rows.get(email)
        if invitation is None:
            invitation = Invitation.objects.create(
                meeting=meeting, role=invitee.role, name=invitee.name, email=email
            )
            told.append(invitation.pk)
            continue
        added = invitation.withdrawn_at is not None
        if added or (invitation.role, invitation.name) != (invitee.role, invitee.name):
            invitation.role, invitation.name, invitation.withdrawn_at = (
                invitee.role, invitee.name, None,
            )  # fmt: skip
            invitation.save(update_fields=["role", "name", "withdrawn_at"])
        if added:
            told.append(invitation.pk)
    if not told:
        return meeting
    meeting.sequence += 1
    meeting.save(update_fields=["sequence"])
    after = sorted(meeting.current_invitations().values_list("pk", flat=True))
    audit_record(
        actor=actor,
        action="meeting.invitees_changed",
        child=meeting.pep.child,
        obj=meeting,
        changes={"invitations": [before, after]},
    )
    transaction.on_commit(
        lambda: tasks.send_invitee_changes.delay(meeting_id=meeting.pk, invitation_ids=told),
        robust=True,
    )
    return meeting


@transaction.atomic
def meeting_calendar_download(*, meeting: Meeting, actor: User) -> bytes:
    """The meeting's calendar file for the person downloading it: an invitee gets their own
    entry, the chair their copy with everyone, anyone else who may see the meeting a plain
    entry without invitees (METHOD:PUBLISH). Written to the audit trail."""
    own = meeting.current_invitations().filter(email__iexact=actor.email).first()
    if meeting.created_by_id == actor.pk:
        ics, kind = chair_ical(meeting), "chair"
    elif own is not None:
        ics, kind = invitee_ical(own), "invitee"
    else:
        ics, kind = meeting_ical(meeting), "plain"
    audit_record(
        actor=actor,
        action="meeting.calendar_downloaded",
        child=meeting.pep.child,
        obj=meeting,
        changes={"copy": [None, kind]},
    )
    return ics


@dataclass(frozen=True)
class TookPart:
    """One line of the attendance record: an invitation's (`invitation_id`) or someone who
    took part without one."""

    role: str
    name: str
    attendance: str
    absence_reason: str = ""
    invitation_id: int | None = None


def _check_attendance(lines: list[TookPart], *, invitations: dict[int, Invitation]) -> None:
    """Enfield's rule (domain.md): when the child does not attend, or the carer gives no input,
    the reason is recorded. The child and a carer are always on the record."""
    errors = []
    for line in lines:
        if line.attendance not in Attendance.values:
            errors.append(ValidationError(f"Choose how {line.name} took part"))
        elif (
            line.role in REASON_REQUIRED_FOR
            and not Attendance.came(line.attendance)
            and not line.absence_reason.strip()
        ):
            errors.append(ValidationError(f"Enter why {line.name} did not attend"))
    roles = {line.role for line in lines}
    if Invitation.Role.CHILD not in roles:
        errors.append(ValidationError("Record whether the child took part"))
    if Invitation.Role.CARER not in roles:
        errors.append(ValidationError("Record whether the carer took part"))
    unknown = {line.invitation_id for line in lines if line.invitation_id} - set(invitations)
    if unknown:
        errors.append(ValidationError("Someone on the record was not invited to this meeting"))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def meeting_record(
    *,
    meeting: Meeting,
    actor: User,
    chaired_by: str,
    took_part: list[TookPart],
    notes: str,
) -> Meeting:
    """Afterwards: who chaired, who took part and how (and why not, for those who did not), and
    what was discussed. Recording again replaces the record."""
    meeting = Meeting.objects.select_for_update().select_related("pep__child").get(pk=meeting.pk)
    _require_chair(meeting.pep, actor)
    if meeting.is_cancelled:
        raise ValidationError("A cancelled meeting has nothing to record")
    if meeting.starts_at > timezone.now():
        raise ValidationError("Record the meeting once it has started")
    if not chaired_by.strip():
        raise ValidationError({"chaired_by": "Enter who chaired the meeting"})
    invitations = {i.pk: i for i in meeting.current_invitations()}
    _check_attendance(took_part, invitations=invitations)
    lines = {line.invitation_id: line for line in took_part if line.invitation_id}
    for pk, invitation in invitations.items():
        line = lines.get(pk)
        invitation.attendance = line.attendance if line else Attendance.ABSENT
        invitation.attended = Attendance.came(invitation.attendance)
        reason = line.absence_reason.strip() if line else ""
        invitation.absence_reason = "" if invitation.attended else reason
        invitation.save(update_fields=["attendance", "attended", "absence_reason"])
    meeting.participants.all().delete()
    Participant.objects.bulk_create(
        Participant(
            meeting=meeting,
            role=line.role,
            name=line.name.strip(),
            attendance=line.attendance,
            absence_reason="" if Attendance.came(line.attendance) else line.absence_reason.strip(),
        )
        for line in took_part
        if not line.invitation_id
    )
    meeting.chaired_by = chaired_by.strip()
    meeting.notes = notes.strip()
    meeting.recorded_at = timezone.now()
    meeting.save(update_fields=["chaired_by", "notes", "recorded_at"])
    audit_record(
        actor=actor,
        action="meeting.recorded",
        child=meeting.pep.child,
        obj=meeting,
        changes={
            "attended": [
                None,
                sorted(k for k, v in lines.items() if Attendance.came(v.attendance)),
            ],
            "took_part_uninvited": [None, sum(1 for line in took_part if not line.invitation_id)],
        },
    )
    return meeting


@transaction.atomic
def meeting_action_add(
    *, meeting: Meeting, actor: User, description: str, owner: str, due_date: date
) -> MeetingAction:
    meeting = Meeting.objects.select_for_update().select_related("pep__child").get(pk=meeting.pk)
    _require_chair(meeting.pep, actor)
    if due_date < timezone.localtime(meeting.starts_at).date():
        raise ValidationError({"due_date": "The due date must be on or after the meeting"})
    action = MeetingAction.objects.create(
        meeting=meeting, description=description.strip(), owner=owner.strip(), due_date=due_date
    )
    audit_record(
        actor=actor,
        action="meeting.action_added",
        child=meeting.pep.child,
        obj=action,
        changes={"due_date": [None, due_date.isoformat()]},
    )
    return action


def _require_social_worker(pep: Pep, actor: User) -> None:
    """Actions are followed up at the next meeting, after the PEP they were agreed in is
    signed off: the child's social worker closes them, whatever that PEP's state."""
    if not capacity_for(user=actor, pep=pep).social_worker:
        raise PermissionDenied


@transaction.atomic
def meeting_action_close(
    *, action: MeetingAction, actor: User, state: str, dropped_reason: str = ""
) -> MeetingAction:
    """An open action becomes done (today) or dropped (with the reason). Never reopened: a
    new action is agreed instead."""
    action = (
        MeetingAction.objects.select_for_update()
        .select_related("meeting__pep__child")
        .get(pk=action.pk)
    )
    _require_social_worker(action.meeting.pep, actor)
    if action.state != MeetingAction.State.OPEN:
        raise ValidationError(f"This action is already {action.get_state_display().lower()}")
    if state == MeetingAction.State.DROPPED and not dropped_reason.strip():
        raise ValidationError({"dropped_reason": "Enter why the action is dropped"})
    if state not in (MeetingAction.State.DONE, MeetingAction.State.DROPPED):
        raise ValidationError("An action is closed as done or dropped")
    action.state = state
    action.dropped_reason = dropped_reason.strip() if state == MeetingAction.State.DROPPED else ""
    action.completed_on = timezone.localdate() if state == MeetingAction.State.DONE else None
    action.closed_at, action.closed_by = timezone.now(), actor
    action.save(update_fields=["state", "dropped_reason", "completed_on", "closed_at", "closed_by"])
    audit_record(
        actor=actor,
        action=f"meeting.action_{state}",
        child=action.meeting.pep.child,
        obj=action,
        changes={"state": [MeetingAction.State.OPEN, state]},
    )
    return action


def provisional_next_meeting_date(
    *, signed_off: Pep, next_pep: Pep, calendar: SchoolCalendar
) -> date | None:
    """Seed 004: a provisional date in the next term, in the same week of term as this PEP's
    meeting, on a school day, and before the next PEP is due."""
    held = signed_off.meetings.filter(cancelled_at__isnull=True).order_by("-starts_at").first()
    if held is not None:
        held_on = timezone.localtime(held.starts_at).date()
    else:
        recorded = signed_off.answers.filter(section_key="sign_off").first()
        text = recorded.answers.get("meeting_date") if recorded else None
        held_on = date.fromisoformat(text) if text else signed_off.term.start_date
    weeks_in = max(0, (held_on - signed_off.term.start_date).days // 7)
    term = next_pep.term
    latest = min(filter(None, [term.end_date, next_pep.due_date]))
    earliest = max(term.start_date, timezone.localdate() + timedelta(days=1))
    try:
        candidate = calendar.next_school_day(
            max(earliest, term.start_date + timedelta(weeks=weeks_in)) - timedelta(days=1)
        )
        if candidate > latest:  # the same week would be too late: the soonest day instead
            candidate = calendar.next_school_day(earliest - timedelta(days=1))
    except CalendarIncomplete:
        return None
    return candidate if candidate <= term.end_date else None


@transaction.atomic
def meeting_plan_next(*, signed_off_pep_id: int, next_pep_id: int) -> Pep:
    """After sign-off, give next term's PEP a provisional meeting date, unless the social
    worker set one (the sign-off section's "next meeting" date). Safe to run twice."""
    next_pep = Pep.objects.select_for_update().select_related("child", "term").get(pk=next_pep_id)
    if next_pep.planned_meeting_date is not None:
        return next_pep
    signed_off = Pep.objects.select_related("term").get(pk=signed_off_pep_id)
    chosen = signed_off.answers.filter(section_key="sign_off").first()
    chosen_date = chosen.answers.get("next_meeting_date") if chosen else None
    if chosen_date:
        return pep_set_planned_meeting(
            pep=next_pep, actor=None, day=date.fromisoformat(chosen_date), confirmed=True
        )
    calendar = SchoolCalendar.for_virtual_school(next_pep.child.virtual_school_id)
    day = provisional_next_meeting_date(signed_off=signed_off, next_pep=next_pep, calendar=calendar)
    return pep_set_planned_meeting(pep=next_pep, actor=None, day=day, confirmed=False)
