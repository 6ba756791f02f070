"""Writes to a PEP's content: starting one, saving a section, targets, reviews, comments. The
state transitions are in `peps.workflow`. Every write is audited in its transaction."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone

from accounts.models import User
from audit.services import audit_changes, audit_record
from children.models import Child
from children.signals import children_changed_in_bulk

from .clock.deadlines import due_for_pep
from .education import education_record_sync, section_problems
from .models import (
    Pep,
    ReminderPreference,
    SectionAnswer,
    SectionComment,
    Target,
    TargetReview,
    Term,
)
from .policy import can_change_kind, can_comment, can_edit_section, capacity_for
from .sections import Kind, kind_for_year_group, section_for, sections_for, too_long_message
from .signals import target_amount_changed, target_amount_checked

TARGET_FIELDS = (
    "area",
    "subject",
    "description",
    "baseline",
    "success_criteria",
    "actions",
    "owner",
    "due_by",
    "ppplus_amount",
)
# The most characters each text of a target may have: a SMART target fits in a few sentences.
TARGET_TEXT_LIMITS = {
    "subject": 100,
    "description": 500,
    "baseline": 1000,
    "success_criteria": 1000,
    "actions": 1500,
    "owner": 200,
}


class EditConflict(ValidationError):
    """Someone saved the section after this person opened it."""

    def __init__(self):
        super().__init__(
            "Someone else saved this section while you were editing it. Your answers are shown "
            "below: compare them with the saved version, then save again.",
            code="edit_conflict",
        )


def _lock(pep: Pep) -> Pep:
    return Pep.objects.select_for_update().select_related("child", "term").get(pk=pep.pk)


def _refuse_if_locked(pep: Pep) -> None:
    if pep.is_locked:
        raise ValidationError("This PEP is signed off and can no longer change")


def term_for(*, virtual_school_id: int, on: date) -> Term | None:
    """The term a day falls in, or else the next one to start (holidays belong to what follows)."""
    terms = Term.objects.filter(virtual_school_id=virtual_school_id)
    return (
        terms.filter(start_date__lte=on, end_date__gte=on).first()
        or terms.filter(start_date__gt=on).order_by("start_date").first()
    )


@transaction.atomic
def pep_start(*, child: Child, actor: User, kind: str | None = None, on: date | None = None) -> Pep:
    """Start the child's PEP for the current term (the first one, or after a gap), or for the
    term of the day `on` (a PEP held on paper in an earlier term, entered now)."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    if child.peps.exclude(state=Pep.State.SIGNED_OFF).exists():
        raise ValidationError("This child already has a PEP in progress")
    term = term_for(virtual_school_id=child.virtual_school_id, on=on or timezone.localdate())
    if term is None:
        raise ValidationError(
            "The Virtual School has no term dates for this academic year: add them first"
        )
    kind = kind or kind_for_year_group(child.year_group(on=term.start_date))
    last = child.peps.order_by("-version").first()
    pep = Pep(
        child=child,
        kind=Kind(kind).value,
        term=term,
        version=(child.peps.aggregate(v=Max("version"))["v"] or 0) + 1,
        previous=last,
        pep2_reviewed_on=last.pep2_reviewed_on if last else None,
        pep2_review_due=True,
    )
    capacity = capacity_for(user=actor, pep=pep)
    if not (capacity.social_worker or capacity.virtual_school):
        raise PermissionDenied
    pep.save()
    return pep_opened(pep=pep, actor=actor, previous=last)


def pep_opened(*, pep: Pep, actor: User | None, previous: Pep | None) -> Pep:
    """What every new PEP gets, however it was started: the previous PEP's targets to review,
    an audit event, and its due date. Runs in the caller's transaction."""
    if previous is not None:
        TargetReview.objects.bulk_create(
            TargetReview(pep=pep, target=target)
            for target in previous.targets.exclude(review__isnull=False)
        )
    education_record_sync(pep=pep)  # what was carried forward (the SDQ, say)
    audit_record(
        actor=actor,
        action="pep.started",
        child=pep.child,
        obj=pep,
        changes={"version": [None, pep.version], "kind": [None, pep.kind],
                 "term": [None, pep.term_id]},
    )  # fmt: skip
    return pep_refresh_due(pep=pep)


@transaction.atomic
def pep_change_kind(*, pep: Pep, actor: User, kind: str) -> Pep:
    """The Virtual School's override: a child educated out of their age group, say."""
    pep = _lock(pep)
    if not can_change_kind(capacity_for(user=actor, pep=pep), pep):
        raise PermissionDenied
    if pep.answers.filter(carried_forward=False).exists() or pep.targets.exists():
        raise ValidationError({"kind": "The kind can change only before anything is entered"})
    before, pep.kind = pep.kind, Kind(kind).value
    pep.save(update_fields=["kind"])
    # Answers carried from last term stay only where the new kind asks the same section.
    keep = [s.key for s in sections_for(pep.kind)]
    pep.answers.filter(carried_forward=True).exclude(section_key__in=keep).delete()
    education_record_sync(pep=pep)
    audit_record(
        actor=actor, action="pep.kind_changed", child=pep.child, obj=pep,
        changes={"kind": [before, pep.kind]},
    )  # fmt: skip
    return pep


@transaction.atomic
def section_save(
    *, pep: Pep, section_key: str, answers: dict, expected_version: int, actor: User
) -> SectionAnswer:
    """Save one section's answers. Refused if someone saved it since this person loaded it
    (their input is kept by the caller and shown back)."""
    pep = _lock(pep)
    _refuse_if_locked(pep)
    section = section_for(pep.kind, section_key)
    if section is None:
        raise ValidationError("This PEP has no such section")
    if not can_edit_section(capacity_for(user=actor, pep=pep), pep, section):
        raise PermissionDenied
    # The PEP's row lock serialises saves of its sections, so reading then creating is safe.
    row = SectionAnswer.objects.filter(pep=pep, section_key=section_key).first()
    if (row.version if row else 0) != expected_version:
        raise EditConflict()
    if row is None:
        row = SectionAnswer(pep=pep, section_key=section_key)
    known = {q.key for q in section.questions}
    cleaned = {key: value for key, value in answers.items() if key in known}
    problems = section_problems(pep, section, cleaned)
    if problems:
        raise ValidationError(problems)
    changes = audit_changes(row.answers, cleaned)
    row.answers = cleaned
    row.version += 1
    row.carried_forward = False
    row.saved_by = actor
    row.saved_at = timezone.now()
    row.save()
    education_record_sync(pep=pep)
    audit_record(
        actor=actor,
        action="pep.section_saved",
        child=pep.child,
        obj=pep,
        changes={"section": [None, section_key], **changes},
    )
    return row


def _check_target(fields: dict, *, pep: Pep) -> None:
    errors = {}
    for name, limit in TARGET_TEXT_LIMITS.items():
        if len(fields.get(name) or "") > limit:
            label = Target._meta.get_field(name).verbose_name
            errors[name] = too_long_message(label[0].upper() + label[1:], limit)
    amount = fields.get("ppplus_amount") or Decimal(0)
    if amount < 0:
        errors["ppplus_amount"] = "The PP+ amount cannot be negative"
    elif amount.as_tuple().exponent < -2:
        errors["ppplus_amount"] = "Enter the PP+ amount in pounds and pence, like 150.00"
    area = fields.get("area")
    if area and area not in dict(Target.areas_for(pep.kind)):
        errors["area"] = "Choose an area for this kind of PEP"
    elif area == Target.Area.ACADEMIC and not (fields.get("subject") or "").strip():
        errors["subject"] = "Enter the subject of an academic target"
    due_by = fields.get("due_by")
    if due_by and due_by < pep.term.start_date:
        errors["due_by"] = "The date must be after the start of this PEP's term"
    elif due_by and due_by > pep.term.start_date + timedelta(days=366):
        errors["due_by"] = "A target is for the coming term: choose a date within a year"
    if errors:
        raise ValidationError(errors)
    if amount > 0:
        target_amount_checked.send(sender=Target, pep=pep, amount=amount)


def _targets_editable(pep: Pep, actor: User) -> Pep:
    pep = _lock(pep)
    _refuse_if_locked(pep)
    if not can_edit_section(
        capacity_for(user=actor, pep=pep), pep, section_for(pep.kind, "targets")
    ):
        raise PermissionDenied
    return pep


@transaction.atomic
def target_save(*, pep: Pep, actor: User, target: Target | None = None, **fields) -> Target:
    """Add a target, or change one, with the PP+ requested against it."""
    pep = _targets_editable(pep, actor)
    _check_target(fields, pep=pep)
    if target is None:
        target = Target(pep=pep)
        before = {}
    else:
        target = Target.objects.select_for_update().get(pk=target.pk, pep=pep)
        before = {name: getattr(target, name) for name in TARGET_FIELDS}
    for name in TARGET_FIELDS:
        setattr(target, name, fields.get(name, getattr(target, name)))
    if target.area != Target.Area.ACADEMIC:
        target.subject = target.subject or ""
    target.full_clean(exclude=["pep"])
    target.save()
    if before and before["ppplus_amount"] != target.ppplus_amount:
        target_amount_changed.send(sender=Target, target=target, before=before["ppplus_amount"])
    audit_record(
        actor=actor,
        action="pep.target_saved",
        child=pep.child,
        obj=target,
        changes=audit_changes(before, {name: getattr(target, name) for name in TARGET_FIELDS}),
    )
    return target


@transaction.atomic
def target_delete(*, pep: Pep, actor: User, target: Target) -> None:
    pep = _targets_editable(pep, actor)
    target = Target.objects.select_for_update().get(pk=target.pk, pep=pep)
    audit_record(
        actor=actor,
        action="pep.target_deleted",
        child=pep.child,
        obj=target,
        changes={"description": [target.description, None]},
    )
    try:
        with transaction.atomic():
            target.delete()
    except ProtectedError as error:  # e.g. PP+ has been paid against it
        raise ValidationError(
            "Money has been paid against this target: it cannot be removed"
        ) from error


@transaction.atomic
def target_review_save(
    *, review: TargetReview, actor: User, outcome: str, evidence: str, ppplus_impact: str
) -> TargetReview:
    """Record how a previous target went, and what the PP+ spent on it achieved."""
    pep = _targets_editable(review.pep, actor)
    review = TargetReview.objects.select_for_update().get(pk=review.pk, pep=pep)
    errors = {}
    if outcome not in TargetReview.Outcome.values:
        errors["outcome"] = "Choose whether the target was achieved"
    if not evidence.strip():
        errors["evidence"] = "Enter the evidence for the outcome"
    if review.target.ppplus_amount > 0 and not ppplus_impact.strip():
        errors["ppplus_impact"] = "Enter the impact of the PP+ spent on this target"
    if errors:
        raise ValidationError(errors)
    before = {"outcome": review.outcome, "evidence": review.evidence}
    review.outcome, review.evidence, review.ppplus_impact = outcome, evidence, ppplus_impact
    review.reviewed_by, review.reviewed_at = actor, timezone.now()
    review.save()
    audit_record(
        actor=actor,
        action="pep.target_reviewed",
        child=pep.child,
        obj=review,
        changes=audit_changes(before, {"outcome": outcome, "evidence": evidence}),
    )
    return review


@transaction.atomic
def section_comment_add(*, pep: Pep, section_key: str, actor: User, text: str) -> SectionComment:
    pep = _lock(pep)
    _refuse_if_locked(pep)
    if not can_comment(capacity_for(user=actor, pep=pep), pep):
        raise PermissionDenied
    if section_for(pep.kind, section_key) is None:
        raise ValidationError("This PEP has no such section")
    if not text.strip():
        raise ValidationError({"text": "Enter a comment"})
    comment = SectionComment.objects.create(
        pep=pep, section_key=section_key, author=actor, text=text.strip()
    )
    audit_record(
        actor=actor,
        action="pep.comment_added",
        child=pep.child,
        obj=comment,
        changes={"section": [None, section_key]},
    )
    return comment


@transaction.atomic
def pep_set_planned_meeting(
    *, pep: Pep, actor: User | None, day: date | None, confirmed: bool
) -> Pep:
    """The PEP's meeting date: provisional (set after the last sign-off) until the social worker
    arranges the meeting or sets the date."""
    pep = Pep.objects.select_for_update().select_related("child").get(pk=pep.pk)
    before = (pep.planned_meeting_date, pep.planned_meeting_confirmed)
    pep.planned_meeting_date, pep.planned_meeting_confirmed = day, confirmed and day is not None
    if before != (pep.planned_meeting_date, pep.planned_meeting_confirmed):
        pep.save(update_fields=["planned_meeting_date", "planned_meeting_confirmed"])
        audit_record(
            actor=actor,
            action="pep.meeting_planned",
            child=pep.child,
            obj=pep,
            changes=audit_changes(
                {"date": before[0], "confirmed": before[1]},
                {"date": pep.planned_meeting_date, "confirmed": pep.planned_meeting_confirmed},
            ),
        )
    return pep


def pep_refresh_due(*, pep: Pep) -> Pep:
    """Work out the PEP's due date and its social worker's review date again, with their
    reasons (at start, and when a fact that moves the clock changes)."""
    due, social_care = due_for_pep(pep)
    now = (due.day, due.reason, social_care.day, social_care.reason)
    before = (pep.due_date, pep.due_reason, pep.social_care_due_date, pep.social_care_due_reason)
    if now != before:
        with transaction.atomic():
            Pep.objects.filter(pk=pep.pk).update(
                due_date=due.day,
                due_reason=due.reason,
                social_care_due_date=social_care.day,
                social_care_due_reason=social_care.reason,
            )
            children_changed_in_bulk.send(sender=Pep, child_ids=[pep.child_id])
            pep.due_date, pep.due_reason = due.day, due.reason
            pep.social_care_due_date = social_care.day
            pep.social_care_due_reason = social_care.reason
            changes = audit_changes(
                {"due_date": before[0], "social_care_due_date": before[2]},
                {"due_date": due.day, "social_care_due_date": social_care.day},
            )
            if changes:
                audit_record(
                    actor=None, action="pep.due_date_set", child=pep.child, obj=pep,
                    changes={**changes, "reason": [before[1], due.reason]},
                )  # fmt: skip
    return pep


def peps_refresh_for_child(sender, child: Child, **kwargs) -> None:
    """children says a fact that moves the clock changed (a school move, say): the child's
    open PEPs get their new dates in the same transaction, so every page shows them at once."""
    for pep in child.peps.exclude(state=Pep.State.SIGNED_OFF).select_related("child", "term"):
        pep_refresh_due(pep=pep)


@transaction.atomic
def reminder_preference_set(*, user: User, frequency: str) -> ReminderPreference:
    """A person chooses how often their reminders are emailed; it applies to reminders made
    from now on."""
    if frequency not in ReminderPreference.Frequency.values:
        raise ValidationError({"frequency": "Choose how often you want reminder emails"})
    preference = ReminderPreference.objects.select_for_update().filter(user=user).first()
    before = preference.frequency if preference else ReminderPreference.Frequency.DAILY
    if preference is not None and before == frequency:
        return preference
    preference = preference or ReminderPreference(user=user)
    preference.frequency = frequency
    preference.save()
    audit_record(
        actor=user,
        action="reminders.frequency_set",
        obj=preference,
        changes={"frequency": [before, frequency]},
    )
    return preference
