"""Every write about Pupil Premium Plus, each audited in its transaction."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.formats import pounds
from accounts.models import Role, User, VirtualSchool
from audit.services import audit_changes, audit_record
from peps.models import Pep, Target
from peps.policy import can_edit_section, capacity_for
from peps.rules import PpPlusFact
from peps.sections import section_for

from .models import FundingPolicy, Payment, PpPlusJustification, PpPlusRequest

DEFAULT_POLICY = FundingPolicy()


def financial_year_of(day: date) -> int:
    """The grant follows the financial year, April to March: 2026 for 1 April 2026 to
    31 March 2027."""
    return day.year if day.month >= 4 else day.year - 1


def policy_for(*, virtual_school_id: int, academic_year: int) -> FundingPolicy:
    return (
        FundingPolicy.objects.filter(
            virtual_school_id=virtual_school_id, academic_year=academic_year
        ).first()
        or DEFAULT_POLICY
    )


def allowance_for(pep: Pep) -> Decimal:
    policy = policy_for(
        virtual_school_id=pep.child.virtual_school_id, academic_year=pep.term.academic_year
    )
    return policy.allowance_for(pep.kind)


def requested_total(pep: Pep) -> Decimal:
    return pep.targets.aggregate(total=Sum("ppplus_amount"))["total"] or Decimal(0)


def _school_may_edit(pep: Pep, actor: User) -> None:
    if pep.is_locked:
        raise ValidationError("This PEP is signed off: its PP+ requests can no longer change")
    targets = section_for(pep.kind, "targets")
    if not can_edit_section(capacity_for(user=actor, pep=pep), pep, targets):
        raise PermissionDenied


@transaction.atomic
def ppplus_request_save(
    *, target: Target, actor: User, intervention: str, tuition_arranged_by: str = ""
) -> PpPlusRequest:
    """The designated teacher says what the PP+ against a target pays for."""
    target = Target.objects.select_related("pep__child", "pep__term").get(pk=target.pk)
    pep = Pep.objects.select_for_update().get(pk=target.pep_id)
    _school_may_edit(pep, actor)
    if target.ppplus_amount <= 0:
        raise ValidationError("This target asks for no PP+: enter an amount on the target first")
    if intervention not in PpPlusRequest.Intervention.values:
        raise ValidationError({"intervention": "Choose what the PP+ pays for"})
    if intervention == PpPlusRequest.Intervention.TUITION:
        if tuition_arranged_by not in PpPlusRequest.Arranger.values:
            raise ValidationError({"tuition_arranged_by": "Choose who arranges the tuition"})
    else:
        tuition_arranged_by = ""
    request, created = PpPlusRequest.objects.select_for_update().get_or_create(
        target=target,
        defaults={
            "intervention": intervention,
            "child_id": pep.child_id,
            "virtual_school_id": pep.child.virtual_school_id,
        },
    )
    if request.paid_total > 0:
        raise ValidationError("PP+ has been paid against this target: what it pays for is fixed")
    before = {} if created else {
        "intervention": request.intervention, "tuition_arranged_by": request.tuition_arranged_by
    }  # fmt: skip
    request.intervention, request.tuition_arranged_by = intervention, tuition_arranged_by
    current = pep.child.enrolments.filter(end_date__isnull=True).first()
    request.school_id = current.school_id if current else None
    _reopen(request, actor=actor)
    request.save()
    audit_record(
        actor=actor,
        action="ppplus.requested",
        child=pep.child,
        obj=request,
        changes=audit_changes(
            before, {"intervention": intervention, "tuition_arranged_by": tuition_arranged_by}
        ),
    )
    return request


def _reopen(request: PpPlusRequest, *, actor: User | None = None) -> None:
    """A change to what was asked for undoes a decision (never one already paid on: callers
    refuse those changes first)."""
    if request.decision != PpPlusRequest.Decision.PENDING:
        audit_record(
            actor=actor,
            action="ppplus.reopened",
            child=request.target.pep.child,
            obj=request,
            changes={"decision": [request.decision, "pending"]},
        )
        request.decision = PpPlusRequest.Decision.PENDING
        request.approved_amount = None
        request.decided_by = None
        request.decided_on = None


@transaction.atomic
def ppplus_justification_save(*, pep: Pep, actor: User, text: str) -> PpPlusJustification:
    pep = Pep.objects.select_for_update().select_related("child").get(pk=pep.pk)
    _school_may_edit(pep, actor)
    if not text.strip():
        raise ValidationError({"text": "Enter why the PEP needs more than the allowance"})
    justification, _ = PpPlusJustification.objects.update_or_create(
        pep=pep, defaults={"text": text.strip(), "written_by": actor}
    )
    audit_record(actor=actor, action="ppplus.justified", child=pep.child, obj=justification)
    return justification


@transaction.atomic
def ppplus_decide(
    *, request: PpPlusRequest, actor: User, decision: str, approved_amount: Decimal | None,
    reason: str,
) -> PpPlusRequest:  # fmt: skip
    """The Virtual School approves, part-approves or declines a request during quality
    assurance. Approving more than the term's allowance in total needs the school's written
    justification."""
    request = (
        PpPlusRequest.objects.select_for_update()
        .select_related("target__pep__child", "target__pep__term")
        .get(pk=request.pk)
    )
    pep = request.target.pep
    capacity = capacity_for(user=actor, pep=pep)
    if not capacity.virtual_school:
        raise PermissionDenied
    if pep.state != Pep.State.SUBMITTED:
        raise ValidationError("PP+ is decided while the PEP is with the Virtual School")
    asked = request.target.ppplus_amount
    if asked <= 0:
        raise ValidationError("This target no longer asks for PP+")
    paid = request.paid_total
    errors = {}
    if decision == PpPlusRequest.Decision.APPROVED:
        approved_amount = asked
    elif decision == PpPlusRequest.Decision.DECLINED:
        approved_amount = Decimal(0)
    elif decision == PpPlusRequest.Decision.PART_APPROVED:
        if approved_amount is None or not (0 < approved_amount < asked):
            errors["approved_amount"] = (
                f"Enter an amount more than £0 and less than {pounds(asked)}"
            )
    else:
        errors["decision"] = "Choose approve, part-approve or decline"
    if decision in ("part_approved", "declined") and not reason.strip():
        errors["reason"] = "Enter the reason, for the school"
    if not errors and approved_amount < paid:
        errors["approved_amount"] = (
            f"{pounds(paid)} has been paid already: approve at least that much"
        )
    if errors:
        raise ValidationError(errors)
    others = PpPlusRequest.objects.filter(
        target__pep=pep, decision__in=["approved", "part_approved"]
    ).exclude(pk=request.pk).aggregate(total=Sum("approved_amount"))["total"] or Decimal(0)
    if others + approved_amount > allowance_for(pep) and not (
        PpPlusJustification.objects.filter(pep=pep).exists()
    ):
        raise ValidationError(
            {"approved_amount": "This goes over the term's allowance and the school has not "
                                "said why: return the PEP for a justification, or approve less"}
        )  # fmt: skip
    before = {"decision": request.decision, "approved_amount": request.approved_amount}
    request.decision, request.approved_amount = decision, approved_amount
    request.decision_reason, request.decided_by = reason.strip(), actor
    request.decided_on = timezone.localdate()
    request.save()
    audit_record(
        actor=actor,
        action="ppplus.decided",
        child=pep.child,
        obj=request,
        changes=audit_changes(before, {"decision": decision, "approved_amount": approved_amount}),
    )
    return request


@transaction.atomic
def payment_record(
    *, request: PpPlusRequest, actor: User, amount: Decimal, paid_on: date, reference: str
) -> Payment:
    """Money paid to the school. Never more than approved; never for tuition the Virtual
    School keeps the money for."""
    request = (
        PpPlusRequest.objects.select_for_update()
        .select_related("target__pep__child", "target__pep__term")
        .get(pk=request.pk)
    )
    child = request.target.pep.child
    if not (
        actor.role in (Role.VIRTUAL_SCHOOL_OFFICER, Role.VIRTUAL_SCHOOL_HEAD)
        and actor.virtual_school_id == child.virtual_school_id
    ):
        raise PermissionDenied
    if not request.is_committed:
        raise ValidationError("Only approved PP+ can be paid")
    if request.kept_centrally:
        raise ValidationError(
            "The Virtual School keeps this PP+ to arrange tuition itself: it is not paid to the "
            "school"
        )
    pep = request.target.pep
    policy = policy_for(
        virtual_school_id=child.virtual_school_id, academic_year=pep.term.academic_year
    )
    if policy.pay_only_rated_amber_or_better and pep.overall_rating not in (
        Pep.Rating.AMBER,
        Pep.Rating.GREEN,
    ):
        raise ValidationError(
            "PP+ is paid only for a PEP rated amber or green"
            + (f", and this PEP was rated {pep.get_overall_rating_display().lower()}"
               if pep.overall_rating else ", and this PEP is not signed off yet")
        )  # fmt: skip
    paid = request.paid_total
    errors = {}
    if amount <= 0:
        errors["amount"] = "Enter an amount more than £0"
    elif paid + amount > request.approved_amount:
        errors["amount"] = (
            f"This is more than is left to pay ({pounds(request.approved_amount - paid)})"
        )
    if paid_on > timezone.localdate():
        errors["paid_on"] = "The payment date must be today or in the past"
    elif request.decided_on and paid_on < request.decided_on:
        errors["paid_on"] = "The payment date must be on or after the approval"
    if not reference.strip():
        errors["reference"] = "Enter the payment reference"
    if errors:
        raise ValidationError(errors)
    payment = Payment.objects.create(
        request=request, virtual_school_id=request.virtual_school_id, child_id=request.child_id,
        amount=amount, paid_on=paid_on, reference=reference.strip(), recorded_by=actor,
    )  # fmt: skip
    # The running total, under the request's row lock taken above.
    request.paid_total = paid + amount
    request.save(update_fields=["paid_total"])
    audit_record(
        actor=actor,
        action="ppplus.paid",
        child=child,
        obj=payment,
        changes={"amount": [None, str(amount)], "paid_on": [None, paid_on.isoformat()]},
    )
    return payment


@transaction.atomic
def funding_policy_set(
    *, actor: User, virtual_school: VirtualSchool, academic_year: int, **amounts
) -> FundingPolicy:
    """A new policy row for the year (earlier rows stay, as its history)."""
    if actor.role != Role.VIRTUAL_SCHOOL_HEAD or actor.virtual_school_id != virtual_school.pk:
        raise PermissionDenied
    policy = FundingPolicy(
        virtual_school=virtual_school, academic_year=academic_year, set_by=actor, **amounts
    )
    policy.full_clean()
    policy.save()
    audit_record(
        actor=actor,
        action="ppplus.policy_set",
        obj=policy,
        changes={name: [None, str(value)] for name, value in amounts.items()},
    )
    return policy


def reopen_decision_on_amount_change(sender, target, before, **kwargs) -> None:
    """peps tells us a target's PP+ amount changed: a decision on the old amount is undone.
    Once anything is paid the amount is fixed; the ValidationError reaches the person."""
    request = PpPlusRequest.objects.select_for_update().filter(target=target).first()
    if request is None:
        return
    if request.paid_total > 0:
        raise ValidationError(
            {"ppplus_amount": "PP+ has been paid against this target: the amount is fixed"}
        )
    if request.decision != PpPlusRequest.Decision.PENDING:
        _reopen(request)
        request.save()


def ppplus_facts_for_pep(sender, pep: Pep, **kwargs) -> list[PpPlusFact]:
    """peps asks, while gathering a PEP's facts, what is open about its PP+: one fact for each
    request the school has made, undecided until the Virtual School decides it."""
    requests = PpPlusRequest.objects.filter(target__pep=pep, target__ppplus_amount__gt=0)
    return [
        PpPlusFact(
            target=str(request.target),
            amount=request.target.ppplus_amount,
            decided=request.decision != PpPlusRequest.Decision.PENDING,
            tuition_arranged_by=request.tuition_arranged_by,
        )
        for request in requests.select_related("target").order_by("target__created_at", "pk")
    ]


def refuse_amount_over_the_ceiling(sender, pep: Pep, amount: Decimal, **kwargs) -> None:
    """peps asks before saving a target: no target asks for more than the Virtual School's
    ceiling for one target."""
    ceiling = policy_for(
        virtual_school_id=pep.child.virtual_school_id, academic_year=pep.term.academic_year
    ).target_ceiling
    if amount > ceiling:
        raise ValidationError(
            {"ppplus_amount": f"Enter an amount of {pounds(ceiling)} or less: that is the most "
                              "one target may ask for"}
        )  # fmt: skip
