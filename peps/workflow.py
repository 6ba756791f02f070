"""The PEP's transitions, one service each. Each checks the state first and raises a named
error, checks who is acting, writes the audit event, and runs in one transaction.

    DRAFT ──school part complete──▶ SCHOOL_COMPLETE ──submit──▶ SUBMITTED ──sign off──▶ SIGNED_OFF
      ▲                                   ▲                         │
      └──────── return (school sections) ─┴── return (SW only) ─────┘

`Pep.state` is assigned here and nowhere else.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record

from . import tasks
from .documents.copies import signed_off_copy_start
from .models import Pep, PepSettings, QualityReview, SectionAnswer, Term
from .policy import (
    can_complete_school_part,
    can_quality_assure,
    can_submit,
    capacity_for,
)
from .progress import pep_progress
from .rules import (
    SCHOOL_PART_GATE,
    SIGN_OFF_GATE,
    failing,
    overall_rating,
    ppplus_requests_decided,
)
from .sections import PEP2_SECTION_KEYS, Kind, Owner, kind_for_year_group, sections_for
from .services import pep_opened
from .signals import pep_signed_off

PEP2_REVIEW_INTERVAL = timedelta(days=183)  # "at least every six months" (seed 001)


class TransitionNotAllowed(Exception):
    """The PEP is not in a state that allows this; the message says why, for the person."""


def _lock(pep: Pep) -> Pep:
    return Pep.objects.select_for_update().select_related("child", "term").get(pk=pep.pk)


def _move(pep: Pep, *, actor: User, to: str, action: str, changes: dict | None = None) -> None:
    before = pep.state
    pep.state = to
    pep.save()
    audit_record(
        actor=actor,
        action=action,
        child=pep.child,
        obj=pep,
        changes={"state": [before, to], **(changes or {})},
    )


@transaction.atomic
def pep_complete_school_part(*, pep: Pep, actor: User) -> Pep:
    """The designated teacher marks the school's part complete."""
    pep = _lock(pep)
    if pep.state != Pep.State.DRAFT:
        raise TransitionNotAllowed("The school's part can be completed only while in progress")
    if not can_complete_school_part(capacity_for(user=actor, pep=pep), pep):
        raise PermissionDenied
    progress = pep_progress(pep)
    missing = [s.section.title for s in progress.school_incomplete]
    broken = [rule.message for rule in failing(SCHOOL_PART_GATE, progress.facts)]
    if missing or broken:
        raise ValidationError([f"Complete the section: {title}" for title in missing] + broken)
    pep.school_completed_by = actor
    pep.school_completed_at = timezone.now()
    _move(pep, actor=actor, to=Pep.State.SCHOOL_COMPLETE, action="pep.school_part_completed")
    return pep


@transaction.atomic
def pep_submit(*, pep: Pep, actor: User) -> Pep:
    """The social worker marks their part complete, which submits the PEP for quality
    assurance. Possible only once the school's part is complete (seed 004's red button)."""
    pep = _lock(pep)
    if pep.state != Pep.State.SCHOOL_COMPLETE:
        raise TransitionNotAllowed(
            "The PEP can be submitted once the designated teacher has completed the school's part"
        )
    if not can_submit(capacity_for(user=actor, pep=pep), pep):
        raise PermissionDenied
    missing = [s.section.title for s in pep_progress(pep).social_worker_incomplete]
    if missing:
        raise ValidationError([f"Complete the section: {title}" for title in missing])
    pep.submitted_by = actor
    pep.submitted_at = timezone.now()
    _move(pep, actor=actor, to=Pep.State.SUBMITTED, action="pep.submitted")
    return pep


@transaction.atomic
def pep_return_for_amendments(
    *, pep: Pep, actor: User, reason: str, section_keys: list[str]
) -> QualityReview:
    """The Virtual School sends the PEP back, naming what is missing. Social worker and
    designated teacher are emailed. If any school section is named, the school's part is
    reopened; otherwise only the social worker's part is."""
    pep = _lock(pep)
    if pep.state != Pep.State.SUBMITTED:
        raise TransitionNotAllowed("Only a submitted PEP can be returned")
    if not can_quality_assure(capacity_for(user=actor, pep=pep), pep):
        raise PermissionDenied
    sections = {s.key: s for s in sections_for(pep.kind)}
    errors = {}
    if not reason.strip():
        errors["reason"] = "Enter what needs to change"
    if not section_keys:
        errors["sections"] = "Choose the sections that need work"
    elif any(key not in sections for key in section_keys):
        errors["sections"] = "Choose sections of this PEP"
    if errors:
        raise ValidationError(errors)
    school_named = any(sections[key].owner != Owner.SOCIAL_WORKER for key in section_keys)
    review = QualityReview.objects.create(
        pep=pep,
        reviewer=actor,
        decision=QualityReview.Decision.RETURNED,
        reason=reason.strip(),
        sections=list(section_keys),
    )
    pep.submitted_at = None
    pep.submitted_by = None
    if school_named:
        pep.school_completed_at = None
        pep.school_completed_by = None
    _move(
        pep,
        actor=actor,
        to=Pep.State.DRAFT if school_named else Pep.State.SCHOOL_COMPLETE,
        action="pep.returned",
        changes={"sections": [None, list(section_keys)]},
    )
    transaction.on_commit(lambda: tasks.email_pep_returned.delay(review_id=review.pk), robust=True)
    return review


@transaction.atomic
def pep_sign_off(
    *, pep: Pep, actor: User, section_ratings: dict[str, str], feedback: str
) -> QualityReview:
    """The Virtual School signs the PEP off with a rating per section; the overall rating
    follows its rule. The PEP is locked, its signed-off copy is rendered once this commits,
    and next term's PEP is started with its targets to review; `pep_signed_off` tells the
    other apps."""
    pep = _lock(pep)
    if pep.state != Pep.State.SUBMITTED:
        raise TransitionNotAllowed("Only a submitted PEP can be signed off")
    if not can_quality_assure(capacity_for(user=actor, pep=pep), pep):
        raise PermissionDenied
    progress = pep_progress(pep)
    _refuse_open_questions(progress.facts)
    applicable = [s.section.key for s in progress.sections]
    unrated = [key for key in applicable if section_ratings.get(key) not in Pep.Rating.values]
    if unrated:
        raise ValidationError({"section_ratings": "Rate every section red, amber or green"})
    ratings = {key: section_ratings[key] for key in applicable}
    settings_row = PepSettings.objects.filter(virtual_school=pep.child.virtual_school_id).first()
    settings_row = settings_row or PepSettings()
    overall = overall_rating(
        ratings, rule=settings_row.rating_rule, amber_threshold=settings_row.amber_threshold
    )
    review = QualityReview.objects.create(
        pep=pep,
        reviewer=actor,
        decision=QualityReview.Decision.SIGNED_OFF,
        reason=feedback.strip(),
        section_ratings=ratings,
        overall_rating=overall,
    )
    now = timezone.now()
    pep.signed_off_by = actor
    pep.signed_off_at = now
    pep.overall_rating = overall
    if pep.kind == Kind.SCHOOL_AGE and pep.pep2_review_due:
        pep.pep2_reviewed_on = timezone.localdate()
    _move(
        pep,
        actor=actor,
        to=Pep.State.SIGNED_OFF,
        action="pep.signed_off",
        changes={"overall_rating": [None, overall]},
    )
    next_pep = _start_next(pep=pep, actor=actor)
    pep_signed_off.send(sender=Pep, pep=pep, next_pep=next_pep)
    # After the signal, so the next meeting's provisional date is planned before the copy,
    # which prints it, is rendered (both run once this commits, in this order).
    signed_off_copy_start(pep=pep)
    return review


def _refuse_open_questions(facts) -> None:
    """Sign-off settles the PEP: every PP+ request must be decided, the PEP must not say two
    things about who arranges tuition, and the meeting must have been held. Each undecided
    request is named."""
    undecided = [
        f"Decide the PP+ request for {fact.label} before signing off"
        for fact in facts.ppplus
        if not fact.decided
    ]
    # The rules' own messages for the rest (the undecided rule is named per request above).
    broken = [
        rule.message
        for rule in failing(SIGN_OFF_GATE, facts)
        if rule.check is not ppplus_requests_decided
    ]
    if undecided or broken:
        raise ValidationError(undecided + broken)


def _next_term(term: Term) -> Term | None:
    return (
        Term.objects.filter(virtual_school=term.virtual_school_id, start_date__gt=term.start_date)
        .order_by("start_date")
        .first()
    )


def _start_next(*, pep: Pep, actor: User) -> Pep | None:
    """Next term's PEP: a new version, the PEP2 carried forward unless its review is due, and
    every target of this PEP waiting to be reviewed."""
    term = _next_term(pep.term)
    if term is None:
        return None
    child = pep.child
    # The kind follows the year group, unless the Virtual School chose another: keep its choice.
    overridden = pep.kind != kind_for_year_group(child.year_group(on=pep.term.start_date))
    kind = pep.kind if overridden else kind_for_year_group(child.year_group(on=term.start_date))
    last_review = pep.pep2_reviewed_on
    school_changed = (
        last_review is not None and child.enrolments.filter(start_date__gt=last_review).exists()
    )
    review_due = (
        kind != Kind.SCHOOL_AGE
        or last_review is None
        or term.start_date - last_review >= PEP2_REVIEW_INTERVAL
        or school_changed
    )
    next_pep = Pep.objects.create(
        child=child,
        kind=kind,
        term=term,
        version=pep.version + 1,
        previous=pep,
        pep2_reviewed_on=last_review,
        pep2_review_due=review_due,
    )
    if kind == pep.kind:
        for row in pep.answers.filter(section_key__in=PEP2_SECTION_KEYS | {"pathway_plan"}):
            SectionAnswer.objects.create(
                pep=next_pep, section_key=row.section_key, answers=row.answers, carried_forward=True
            )
    return pep_opened(pep=next_pep, actor=actor, previous=pep)
