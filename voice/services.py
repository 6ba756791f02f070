"""Every write of the child's and the carer's views, each in one transaction with its audit
event. Who may do what is decided here from `peps.policy`, the same facts as every PEP page."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from audit.services import audit_record
from children.selectors import children_placed_with
from pep_portal.emails import email_send
from peps import policy
from peps.models import Pep
from peps.sections import CHILD_VIEWS

from .models import CarerViews, ChildViews, ChildViewsInvitation, LinkAttempt
from .questionnaires import (
    CARER_LIMIT,
    CARER_QUESTIONS,
    LINK_MIN_AGE,
    WORDS_LIMIT,
    Ask,
    AskType,
    questionnaire_for,
)

INVITATION_DAYS = 14
# Codes that match nothing, per client address in an hour, before the code page refuses more.
LINK_FAILURES_PER_HOUR = 10
# No 0/O or 1/I/L: a code read out or copied from a screen is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # about 59 bits: unguessable in the attempts the limit allows


class LinkRefused(Exception):
    """The link or code does not work; the message is for the young person."""


class TooManyGuesses(Exception):
    """Too many codes from this address matched nothing in the last hour."""


def _age(child, today) -> int:
    born = child.date_of_birth
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def may_gather_views(*, user: User, pep: Pep) -> bool:
    """Whoever may edit the PEP's child's views section (its designated teacher or social
    worker, while the school's part is open) may sit with the child in child mode."""
    return policy.can_edit_section(policy.capacity_for(user=user, pep=pep), pep, CHILD_VIEWS)


def invitation_refusal(*, user: User, pep: Pep) -> str:
    """Why this person may not invite the young person by link (empty when they may)."""
    capacity = policy.capacity_for(user=user, pep=pep)
    if not capacity.social_worker:
        return "Only the child's social worker can invite them by link."
    if pep.state != Pep.State.DRAFT:
        return "The school's part of this PEP is complete, so the child's views are closed."
    if _age(pep.child, timezone.localdate()) < LINK_MIN_AGE:
        return f"Only young people aged {LINK_MIN_AGE} or over can be invited by link."
    if questionnaire_for(pep.kind, pep.child.year_group()).answered_by_adults:
        return "Early years views are given by the adults who know the child."
    return ""


def _questionnaire_key(pep: Pep) -> str:
    return questionnaire_for(pep.kind, pep.child.year_group()).key


@transaction.atomic
def child_mode_start(*, pep: Pep, actor: User) -> ChildViews:
    """Open child mode: the adult's questionnaire with the child that is not sent yet, or a
    new one."""
    if not may_gather_views(user=actor, pep=pep):
        raise PermissionDenied
    views = (
        ChildViews.objects.select_for_update()
        .filter(pep=pep, way=ChildViews.Way.CHILD_MODE, adult=actor, submitted_at__isnull=True)
        .first()
    )
    if views is None:
        views = ChildViews.objects.create(
            pep=pep,
            questionnaire=_questionnaire_key(pep),
            way=ChildViews.Way.CHILD_MODE,
            adult=actor,
        )
    audit_record(actor=actor, action="child_views.child_mode_opened", child=pep.child, obj=views)
    return views


def clean_answer(ask: Ask, *, choice: str, words: str) -> dict:
    """The answer to one question, or ValidationError with a message by its field."""
    choice, words = (choice or "").strip(), (words or "").strip()
    if ask.type != AskType.WORDS and choice and choice not in dict(ask.options):
        raise ValidationError({"choice": "Choose one of the answers"})
    if len(words) > WORDS_LIMIT:
        raise ValidationError({"words": f"Your answer must be {WORDS_LIMIT:,} characters or fewer"})
    answer = {}
    if ask.type != AskType.WORDS and choice:
        answer["choice"] = choice
    if ask.type != AskType.CHOICE and words:
        answer["words"] = words
    return answer


@transaction.atomic
def child_views_answer(*, views: ChildViews, ask: Ask, answer: dict, actor: User | None) -> None:
    """Keep one answer as the child goes (a skipped question keeps no answer)."""
    views = ChildViews.objects.select_for_update().get(pk=views.pk)
    if views.submitted_at is not None:
        raise ValidationError("These answers have already been sent")
    if answer:
        views.answers[ask.key] = answer
    else:
        views.answers.pop(ask.key, None)
    views.save(update_fields=["answers"])
    audit_record(
        actor=actor,
        action="child_views.answered",
        child=views.pep.child,
        obj=views,
        changes={"question": ask.key, "answered": bool(answer)},
    )


@transaction.atomic
def child_views_send(*, views: ChildViews, actor: User | None) -> ChildViews:
    """The child sends their answers: they reach the PEP's child's views section, and a link
    they came by stops working."""
    views = ChildViews.objects.select_for_update().select_related("pep__child").get(pk=views.pk)
    if views.submitted_at is not None:
        raise ValidationError("These answers have already been sent")
    if not views.pep.is_in_progress:
        raise ValidationError("This PEP is no longer being written")
    views.submitted_at = timezone.now()
    views.save(update_fields=["submitted_at"])
    ChildViewsInvitation.objects.filter(response=views, used_at__isnull=True).update(
        used_at=views.submitted_at
    )
    audit_record(
        actor=actor,
        action="child_views.sent",
        child=views.pep.child,
        obj=views,
        changes={"way": views.way, "questions_answered": len(views.answers)},
    )
    return views


def _digest(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@transaction.atomic
def invitation_create(
    *, pep: Pep, actor: User, email: str = ""
) -> tuple[ChildViewsInvitation, str]:
    """A new single-use link for the young person, replacing any earlier one. Returns the
    invitation and its code, which is kept nowhere: emailed, or shown once to the social
    worker."""
    pep = Pep.objects.select_for_update().select_related("child").get(pk=pep.pk)
    refusal = invitation_refusal(user=actor, pep=pep)
    if refusal:
        raise PermissionDenied(refusal)
    now = timezone.now()
    replaced = ChildViewsInvitation.objects.filter(
        pep=pep, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    invitation = ChildViewsInvitation.objects.create(
        pep=pep,
        code_digest=_digest(code),
        delivery=ChildViewsInvitation.Delivery.EMAIL
        if email
        else ChildViewsInvitation.Delivery.CODE,
        invited_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    audit_record(
        actor=actor,
        action="child_views.invited",
        child=pep.child,
        obj=invitation,
        changes={"delivery": invitation.delivery, "replaced": replaced},
    )
    if email:
        link = f"{settings.SITE_URL}{reverse('voice:link')}?code={code}"
        expires = timezone.localtime(invitation.expires_at)
        personalisation = {
            "link": link,
            "code": format_code(code),
            "expires": f"{expires.day} {expires:%B %Y}",
            "code_page": settings.SITE_URL + reverse("voice:code"),
        }
        transaction.on_commit(
            lambda: email_send(
                kind="child_views_invitation", to=email, personalisation=personalisation
            ),
            robust=True,
        )
    return invitation, code


def _refuse(invitation: ChildViewsInvitation, reason: str) -> None:
    with transaction.atomic():
        audit_record(
            actor=None,
            action="child_views.link_refused",
            child=invitation.pep.child,
            obj=invitation,
            changes={"reason": reason},
        )


def guesses_left(ip_address: str | None) -> bool:
    since = timezone.now() - timedelta(hours=1)
    return (
        LinkAttempt.objects.filter(ip_address=ip_address, attempted_at__gte=since).count()
        < LINK_FAILURES_PER_HOUR
    )


def invitation_open(*, code: str, ip_address: str | None) -> ChildViewsInvitation:
    """The invitation this code belongs to, if it still works, with its questionnaire started.
    Raises TooManyGuesses when this address has tried too many wrong codes in the last hour,
    or LinkRefused with the reason for the young person."""
    if not guesses_left(ip_address):
        raise TooManyGuesses
    digest = _digest(code)
    invitation = (
        ChildViewsInvitation.objects.select_related("pep__child", "response")
        .filter(code_digest=digest)
        .first()
    )
    # The lookup is by the digest; this compares in constant time all the same.
    if invitation is None or not hmac.compare_digest(invitation.code_digest, digest):
        with transaction.atomic():
            LinkAttempt.objects.filter(attempted_at__lt=timezone.now() - timedelta(days=1)).delete()
            LinkAttempt.objects.create(ip_address=ip_address)
        raise LinkRefused(
            "That code does not work. Check it and try again, or ask your social worker."
        )
    reason = invitation.refusal()
    if reason:
        _refuse(invitation, reason)
        raise LinkRefused(reason)
    with transaction.atomic():
        if invitation.response is None:
            invitation.response = ChildViews.objects.create(
                pep=invitation.pep,
                questionnaire=_questionnaire_key(invitation.pep),
                way=ChildViews.Way.LINK,
                adult=invitation.invited_by,
            )
            invitation.save(update_fields=["response"])
        audit_record(
            actor=None,
            action="child_views.link_opened",
            child=invitation.pep.child,
            obj=invitation,
        )
    return invitation


def invitation_check(*, public_id, verified: list[str]) -> ChildViewsInvitation:
    """The invitation behind a question page, for a session that opened it with its code;
    otherwise LinkRefused. A session holds only the invitations its codes opened, so one
    child's link never reaches another child's questions."""
    if str(public_id) not in verified:
        raise LinkRefused("This page needs the link or code your social worker gave you.")
    invitation = (
        ChildViewsInvitation.objects.select_related("pep__child", "response")
        .filter(public_id=public_id)
        .first()
    )
    if invitation is None or invitation.response is None:
        raise LinkRefused("This page needs the link or code your social worker gave you.")
    reason = invitation.refusal()
    if reason:
        _refuse(invitation, reason)
        raise LinkRefused(reason)
    return invitation


def carer_pep_in_progress(*, user: User, pep_id: int) -> Pep:
    """A PEP being written for a child placed with this carer now; otherwise 404."""
    from django.http import Http404

    pep = (
        Pep.objects.select_related("child", "term")
        .filter(
            pk=pep_id,
            state__in=[Pep.State.DRAFT, Pep.State.SCHOOL_COMPLETE],
            child__in=children_placed_with(user=user),
        )
        .first()
    )
    if pep is None or user.role != Role.CARER:
        raise Http404("No such PEP")
    return pep


@transaction.atomic
def carer_views_save(*, pep: Pep, carer: User, answers: dict) -> CarerViews:
    """Keep the carer's answers for the PEP (changing their earlier ones), audited."""
    pep = carer_pep_in_progress(user=carer, pep_id=pep.pk)
    cleaned = {}
    problems = {}
    for question in CARER_QUESTIONS:
        value = (answers.get(question.key) or "").strip()
        if len(value) > CARER_LIMIT:
            problems[question.key] = (
                f"{question.label[:-1]} must be {CARER_LIMIT:,} characters or fewer"
            )
        if value:
            cleaned[question.key] = value
    if problems:
        raise ValidationError(problems)
    if not cleaned:
        raise ValidationError({CARER_QUESTIONS[0].key: "Answer at least one question"})
    views, created = CarerViews.objects.select_for_update().get_or_create(
        pep=pep, carer=carer, defaults={"answers": cleaned}
    )
    before = {} if created else dict(views.answers)
    views.answers, views.saved_at = cleaned, timezone.now()
    views.save(update_fields=["answers", "saved_at"])
    audit_record(
        actor=carer,
        action="carer_views.saved",
        child=pep.child,
        obj=views,
        changes={"questions": sorted(k for k in cleaned if cleaned[k] != before.get(k))},
    )
    return views
