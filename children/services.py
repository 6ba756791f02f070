"""Every write about children. Each runs in one transaction with its audit event and the access
changes that follow from it."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from accounts.models import Role, School, User, VirtualSchool
from audit.services import audit_changes, audit_record

from . import tasks
from .access import access_sync_child
from .models import (
    AccessGrant,
    Child,
    Enrolment,
    Placement,
    PlannedSchoolMove,
    SocialWorkerAllocation,
)
from .signals import education_changed
from .upn import upn_normalise

CHILD_FIELDS = (
    "legal_first_name",
    "legal_last_name",
    "preferred_name",
    "date_of_birth",
    "gender",
    "upn",
    "council_child_id",
    "date_entered_care",
    "date_left_care",
    "legal_status",
    "sen_status",
    "ehc_plan_review_date",
    "year_group_override",
)
LONGEST_GRANT = timedelta(days=366)


def _values(obj: Model, fields) -> dict:
    return {name: getattr(obj, name) for name in fields}


def _lock(child: Child) -> Child:
    """Serialise writes about one child, so overlap checks cannot race."""
    return Child.objects.select_for_update().get(pk=child.pk)


def _check_child(child: Child) -> None:
    today = timezone.localdate()
    errors = {}
    if child.date_of_birth and child.date_of_birth > today:
        errors["date_of_birth"] = "The date of birth must be today or in the past"
    elif child.date_of_birth and child.date_of_birth < today.replace(year=today.year - 26):
        errors["date_of_birth"] = "The date of birth must be within the last 26 years"
    if child.date_entered_care:
        if child.date_entered_care > today:
            errors["date_entered_care"] = "The date entered care must be today or in the past"
        elif child.date_of_birth and child.date_entered_care < child.date_of_birth:
            errors["date_entered_care"] = "The date entered care must be on or after the birth"
    if child.date_left_care and child.date_entered_care:
        if child.date_left_care < child.date_entered_care:
            errors["date_left_care"] = "The date left care must be after the date entered care"
    if child.sen_status != Child.SenStatus.EHC_PLAN and child.ehc_plan_review_date:
        errors["ehc_plan_review_date"] = "Only a child with an EHC plan has an EHC plan review date"
    others = Child.objects.exclude(pk=child.pk)
    if child.upn and others.filter(upn=child.upn).exists():
        errors["upn"] = "Another child already has this UPN: check it against the school's record"
    if others.filter(
        virtual_school=child.virtual_school_id, council_child_id=child.council_child_id
    ).exists():
        errors["council_child_id"] = "Another child of this council already has this ID"
    if errors:
        raise ValidationError(errors)
    child.full_clean()


def _save_child(child: Child) -> None:
    """Save, turning a duplicate that slipped past the checks (two people saving the same UPN
    at once) into the field's message rather than an error page."""
    try:
        with transaction.atomic():
            child.save()
    except IntegrityError as error:
        raise ValidationError(
            {"upn": "Another child already has this UPN or council ID: check them"}
        ) from error


@transaction.atomic
def child_create(*, actor: User | None, virtual_school: VirtualSchool, **fields) -> Child:
    """Record a child the council looks after; its Virtual School's staff see them at once."""
    fields["upn"] = upn_normalise(fields.get("upn", ""))
    child = Child(virtual_school=virtual_school, **fields)
    _check_child(child)
    _save_child(child)
    access_sync_child(child=child)
    audit_record(
        actor=actor,
        action="child.created",
        child=child,
        obj=child,
        changes=audit_changes({}, _values(child, CHILD_FIELDS)),
    )
    return child


@transaction.atomic
def child_update(*, actor: User, child: Child, **fields) -> Child:
    child = _lock(child)
    before = _values(child, CHILD_FIELDS)
    if "upn" in fields:
        fields["upn"] = upn_normalise(fields["upn"])
    for name, value in fields.items():
        if name not in CHILD_FIELDS:
            raise ValueError(f"{name} is not a field a person may change")
        setattr(child, name, value)
    _check_child(child)
    changes = audit_changes(before, _values(child, CHILD_FIELDS))
    if changes:
        _save_child(child)
        audit_record(actor=actor, action="child.updated", child=child, obj=child, changes=changes)
        if {"date_entered_care", "date_left_care"} & changes.keys():
            education_changed.send(sender=Child, child=child)
    return child


def child_record_view(*, actor: User, child: Child) -> None:
    """Someone opened the child's record: that is written to the audit trail too."""
    with transaction.atomic():
        audit_record(actor=actor, action="child.viewed", child=child, obj=child)


def _check_period(
    *,
    existing: QuerySet,
    start: date,
    end: date | None,
    what: str,
    allow_future_start: bool = False,
) -> None:
    """Dates in order, an end not in the future, and no overlap with the child's other periods
    of this kind ([start, end) half-open: one may start on the day another ended)."""
    today = timezone.localdate()
    if start > today and not allow_future_start:
        raise ValidationError({"start_date": "The start date must be today or in the past"})
    if end is not None:
        if end > today:
            raise ValidationError({"end_date": "The end date must be today or in the past"})
        if end < start:
            raise ValidationError({"end_date": "The end date must be on or after the start date"})
    for other in existing:
        other_end = other.end_date or date.max
        if start < other_end and other.start_date < (end or date.max):
            if other.end_date is None and end is None:
                raise ValidationError(
                    {"start_date": f"The child already has a current {what}: end it first"}
                )
            raise ValidationError(
                {"start_date": f"These dates overlap the {what} from {other.start_date:%-d %B %Y}"}
            )


def _end_current(*, actor: User, current: Model, end_date: date, action: str) -> None:
    if end_date < current.start_date:
        raise ValidationError(
            {"start_date": "The start date must be on or after the current one's start"}
        )
    current.end_date = end_date
    current.full_clean()
    current.save(update_fields=["end_date"])
    audit_record(
        actor=actor,
        action=action,
        child=current.child,
        obj=current,
        changes={"end_date": [None, end_date.isoformat()]},
    )


@transaction.atomic
def enrolment_start(
    *,
    actor: User,
    child: Child,
    school: School,
    start_date: date,
    end_date: date | None = None,
    year_group: int | None = None,
    attendance_pattern: str = Enrolment.AttendancePattern.FULL_TIME,
    replaces_current: bool = False,
) -> Enrolment:
    """Record a school the child attends or attended. With `replaces_current`, the current
    school ends on the new one's start date (a school move): its teachers lose access."""
    child = _lock(child)
    current = child.enrolments.filter(end_date__isnull=True).first()
    if replaces_current and current is not None and end_date is None:
        if current.school_id == school.pk:
            raise ValidationError({"school": "The child is already on roll at this school"})
        _end_current(actor=actor, current=current, end_date=start_date, action="enrolment.ended")
    _check_period(existing=child.enrolments.all(), start=start_date, end=end_date, what="school")
    enrolment = Enrolment(
        child=child,
        school=school,
        start_date=start_date,
        end_date=end_date,
        year_group=year_group,
        attendance_pattern=attendance_pattern,
    )
    enrolment.full_clean()
    enrolment.save()
    access_sync_child(child=child)
    audit_record(
        actor=actor,
        action="enrolment.started",
        child=child,
        obj=enrolment,
        changes=audit_changes(
            {},
            _values(enrolment, ("school", "start_date", "end_date", "attendance_pattern")),
        ),
    )
    education_changed.send(sender=Child, child=child)
    return enrolment


@transaction.atomic
def school_move_plan(
    *,
    actor: User,
    child: Child,
    school: School,
    start_date: date,
    year_group: int | None = None,
    attendance_pattern: str = Enrolment.AttendancePattern.FULL_TIME,
) -> PlannedSchoolMove:
    """Record a school move known in advance. Nothing changes until its start date, when the
    daily job makes it the child's enrolment (`planned_school_moves_apply`)."""
    child = _lock(child)
    if start_date <= timezone.localdate():
        raise ValidationError({"start_date": "A planned move starts after today"})
    current = child.enrolments.filter(end_date__isnull=True).first()
    if current is not None:
        if current.school_id == school.pk:
            raise ValidationError({"school": "The child is already on roll at this school"})
        if start_date <= current.start_date:
            raise ValidationError(
                {"start_date": "The move must start after the current school's start date"}
            )
    pending = child.planned_moves.filter(enrolment__isnull=True, cancelled_at__isnull=True).first()
    if pending is not None:
        raise ValidationError(
            {"start_date": f"A move to {pending.school.name} on {pending.start_date:%-d %B %Y} is "
                           "already planned: cancel it first"}
        )  # fmt: skip
    move = PlannedSchoolMove(
        child=child,
        school=school,
        start_date=start_date,
        year_group=year_group,
        attendance_pattern=attendance_pattern,
        planned_by=actor,
    )
    move.full_clean(exclude=["enrolment"])
    move.save()
    audit_record(
        actor=actor,
        action="school_move.planned",
        child=child,
        obj=move,
        changes={"school": [None, school.pk], "start_date": [None, start_date.isoformat()]},
    )
    return move


@transaction.atomic
def school_move_cancel(*, actor: User, move: PlannedSchoolMove) -> PlannedSchoolMove:
    _lock(move.child)
    move = PlannedSchoolMove.objects.select_for_update().get(pk=move.pk)
    if not move.is_pending:
        raise ValidationError("This move has already happened or been cancelled")
    move.cancelled_at = timezone.now()
    move.save(update_fields=["cancelled_at"])
    audit_record(
        actor=actor,
        action="school_move.cancelled",
        child=move.child,
        obj=move,
        changes={"cancelled_at": [None, move.cancelled_at.isoformat()]},
    )
    return move


def planned_school_moves_apply(*, today: date | None = None) -> int:
    """The daily job's first step: every planned move whose day has come becomes the child's
    enrolment, each in its own transaction (one that cannot happen is cancelled, saying why,
    and the others go ahead). Returns how many moves happened."""
    today = today or timezone.localdate()
    applied = 0
    due = PlannedSchoolMove.objects.filter(
        enrolment__isnull=True, cancelled_at__isnull=True, start_date__lte=today
    ).values_list("pk", flat=True)
    for move_id in list(due):
        with transaction.atomic():
            move = PlannedSchoolMove.objects.select_for_update().get(pk=move_id)
            if not move.is_pending:
                continue  # a rival run got there first
            try:
                with transaction.atomic():
                    move.enrolment = enrolment_start(
                        actor=None,
                        child=move.child,
                        school=move.school,
                        start_date=move.start_date,
                        year_group=move.year_group,
                        attendance_pattern=move.attendance_pattern,
                        replaces_current=True,
                    )
            except ValidationError as error:
                move.cancelled_at = timezone.now()
                move.save(update_fields=["cancelled_at"])
                audit_record(
                    actor=None,
                    action="school_move.not_possible",
                    child=move.child,
                    obj=move,
                    changes={"reason": [None, " ".join(error.messages)]},
                )
                continue
            move.save(update_fields=["enrolment"])
            audit_record(
                actor=None,
                action="school_move.happened",
                child=move.child,
                obj=move,
                changes={"enrolment": [None, move.enrolment_id]},
            )
            applied += 1
    return applied


@transaction.atomic
def enrolment_change_attendance(
    *, actor: User, enrolment: Enrolment, attendance_pattern: str, changed_on: date
) -> Enrolment:
    """The child's attendance at their current school changed (a reduced timetable or
    alternative provision starting or ending): the PEP2 review comes forward."""
    _lock(enrolment.child)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    errors = {}
    if enrolment.end_date is not None:
        errors["attendance_pattern"] = "The child has left this school"
    elif attendance_pattern == enrolment.attendance_pattern:
        errors["attendance_pattern"] = "Choose a different way of attending"
    if attendance_pattern not in Enrolment.AttendancePattern.values:
        errors["attendance_pattern"] = "Choose how the child attends now"
    if changed_on > timezone.localdate():
        errors["changed_on"] = "The date must be today or in the past"
    elif changed_on < enrolment.start_date:
        errors["changed_on"] = "The date must be on or after the child joined the school"
    if errors:
        raise ValidationError(errors)
    before = {"attendance_pattern": enrolment.attendance_pattern,
              "changed_on": enrolment.attendance_pattern_changed_on}  # fmt: skip
    enrolment.attendance_pattern = attendance_pattern
    enrolment.attendance_pattern_changed_on = changed_on
    enrolment.save(update_fields=["attendance_pattern", "attendance_pattern_changed_on"])
    audit_record(
        actor=actor,
        action="enrolment.attendance_changed",
        child=enrolment.child,
        obj=enrolment,
        changes=audit_changes(
            before, {"attendance_pattern": attendance_pattern, "changed_on": changed_on}
        ),
    )
    education_changed.send(sender=Child, child=enrolment.child)
    return enrolment


def _end_period(*, actor: User, period, end_date: date, action: str, what: str):
    child = _lock(period.child)
    period = type(period).objects.select_for_update().get(pk=period.pk)
    if period.end_date is not None:
        raise ValidationError({"end_date": f"This {what} has already ended"})
    others = getattr(child, period._meta.get_field("child").remote_field.related_name)
    _check_period(
        existing=others.exclude(pk=period.pk),
        start=period.start_date,
        end=end_date,
        what=what,
    )
    _end_current(actor=actor, current=period, end_date=end_date, action=action)
    access_sync_child(child=child)
    if isinstance(period, Enrolment):
        education_changed.send(sender=Child, child=child)
    return period


@transaction.atomic
def enrolment_end(*, actor: User, enrolment: Enrolment, end_date: date) -> Enrolment:
    return _end_period(
        actor=actor, period=enrolment, end_date=end_date, action="enrolment.ended", what="school"
    )


@transaction.atomic
def child_transfer_case(
    *, actor: User, child: Child, social_worker: User, start_date: date | None = None
) -> SocialWorkerAllocation:
    """Move the child to a social worker (seed 004's case transfer). The previous allocation
    ends on the same day and its social worker loses access at once; the new one is emailed."""
    start_date = start_date or timezone.localdate()
    child = _lock(child)
    if social_worker.role != Role.SOCIAL_WORKER or not social_worker.is_active:
        raise ValidationError({"social_worker": "Choose an active social worker"})
    if social_worker.virtual_school_id != child.virtual_school_id:
        raise ValidationError(
            {"social_worker": "Choose a social worker of the council that looks after the child"}
        )
    current = child.allocations.filter(end_date__isnull=True).first()
    if current is not None:
        if current.social_worker_id == social_worker.pk:
            raise ValidationError({"social_worker": "This social worker already holds the case"})
        _end_current(actor=actor, current=current, end_date=start_date, action="allocation.ended")
    _check_period(
        existing=child.allocations.all(), start=start_date, end=None, what="social worker"
    )
    allocation = SocialWorkerAllocation.objects.create(
        child=child, social_worker=social_worker, start_date=start_date
    )
    access_sync_child(child=child)
    audit_record(
        actor=actor,
        action="allocation.started",
        child=child,
        obj=allocation,
        changes={
            "social_worker": [current.social_worker_id if current else None, social_worker.pk]
        },
    )
    transaction.on_commit(
        lambda: tasks.email_new_social_worker.delay(allocation_id=allocation.pk), robust=True
    )
    return allocation


@transaction.atomic
def placement_start(
    *,
    actor: User,
    child: Child,
    placement_type: str,
    carers: list[User],
    start_date: date,
    end_date: date | None = None,
    replaces_current: bool = False,
) -> Placement:
    """Record where the child lives and with whom. Carers of a current placement may download
    the child's signed-off PEPs; with `replaces_current` the current placement ends."""
    child = _lock(child)
    if any(carer.role != Role.CARER for carer in carers):
        raise ValidationError({"carers": "Only people with a carer's account can be carers"})
    current = child.placements.filter(end_date__isnull=True).first()
    if replaces_current and current is not None and end_date is None:
        _end_current(actor=actor, current=current, end_date=start_date, action="placement.ended")
    _check_period(existing=child.placements.all(), start=start_date, end=end_date, what="placement")
    placement = Placement(
        child=child, placement_type=placement_type, start_date=start_date, end_date=end_date
    )
    placement.full_clean()
    placement.save()
    placement.carers.set(carers)
    access_sync_child(child=child)
    audit_record(
        actor=actor,
        action="placement.started",
        child=child,
        obj=placement,
        changes={
            "placement_type": [None, placement_type],
            "carers": [[], sorted(carer.pk for carer in carers)],
            "start_date": [None, start_date.isoformat()],
        },
    )
    return placement


@transaction.atomic
def placement_end(*, actor: User, placement: Placement, end_date: date) -> Placement:
    return _end_period(
        actor=actor, period=placement, end_date=end_date, action="placement.ended", what="placement"
    )


GRANTABLE_ROLES = (Role.REVIEWING_OFFICER, Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER)


def grantee_is_within_the_childs_council(*, child: Child, grantee: User) -> bool:
    """This person works outside the child's Virtual School and school: only the Virtual
    School head can give them access, as an exception"""
    if grantee.role == Role.REVIEWING_OFFICER:
        return True  # reviewing officers are independent of any one council's staff
    if grantee.role == Role.SOCIAL_WORKER:
        return grantee.virtual_school_id == child.virtual_school_id
    if grantee.role == Role.DESIGNATED_TEACHER:
        return Enrolment.objects.filter(
            child=child, end_date__isnull=True, school__memberships__user=grantee
        ).exists()
    return False


def may_approve_grant_exceptions(*, actor: User, child: Child) -> bool:
    """Whether this person may give access beyond the child's council and school."""
    return (
        actor.role == Role.VIRTUAL_SCHOOL_HEAD
        and actor.virtual_school_id == child.virtual_school_id
    )


@transaction.atomic
def access_grant_create(
    *,
    actor: User,
    child: Child,
    grantee: User,
    reason: str,
    expires_on: date,
    exception_approved: bool = False,
) -> AccessGrant:
    """Let one more person read the child's record until a date (an IRO, a school colleague).
    Someone from another council or another school needs the Virtual School head's approval,
    recorded on the grant and in the audit trail."""
    child = _lock(child)
    today = timezone.localdate()
    if grantee.role not in GRANTABLE_ROLES or not grantee.is_active:
        raise ValidationError(
            {"grantee": "Choose a reviewing officer, a teacher or a social worker"}
        )
    within = grantee_is_within_the_childs_council(child=child, grantee=grantee)
    if exception_approved and not may_approve_grant_exceptions(actor=actor, child=child):
        raise ValidationError(
            {
                "exception_approved": "Only the head of this child's Virtual School can approve "
                "access for someone outside it"
            }  # fmt: skip
        )
    if not within and not exception_approved:
        message = " ".join(grantee_is_within_the_childs_council.__doc__.split())
        if may_approve_grant_exceptions(actor=actor, child=child):
            message += ". To go ahead, say that you approve the exception"
        raise ValidationError({"grantee": message})
    if expires_on < today:
        raise ValidationError({"expires_on": "The end date must be today or in the future"})
    if expires_on > today + LONGEST_GRANT:
        raise ValidationError({"expires_on": "Access can be given for a year at most"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter why this person needs access"})
    exception_by = actor if not within else None
    grant = AccessGrant.objects.create(
        child=child,
        grantee=grantee,
        reason=reason.strip(),
        expires_on=expires_on,
        granted_by=actor,
        exception_approved_by=exception_by,
    )
    access_sync_child(child=child)
    changes = {"grantee": [None, grantee.pk], "expires_on": [None, expires_on.isoformat()]}
    if exception_by:
        changes["exception_approved_by"] = [None, actor.pk]
    audit_record(
        actor=actor,
        action="access_grant.exception_approved" if exception_by else "access_grant.created",
        child=child,
        obj=grant,
        changes=changes,
    )
    return grant


@transaction.atomic
def access_grant_revoke(*, actor: User, grant: AccessGrant) -> AccessGrant:
    _lock(grant.child)
    grant = AccessGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.revoked_at is not None:
        raise ValidationError("This access has already been taken away")
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    access_sync_child(child=grant.child)
    audit_record(
        actor=actor,
        action="access_grant.revoked",
        child=grant.child,
        obj=grant,
        changes={"revoked_at": [None, grant.revoked_at.isoformat()]},
    )
    return grant
