"""'My PEP': a one-page summary of a signed-off PEP for the child, in plain words: what they
are working on (each target in a child-friendly line the adults write), who is helping and
how, what the Pupil Premium Plus pays for, and when the next meeting is.

It is made from the signed-off PEP each time it is asked for (its lines can be improved after
sign-off, so it is not a record to keep), printed by the same renderer as the PEP (tagged
PDF/UA-1, only the print folder's files), and each download is in the audit trail."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string

from accounts.models import User
from audit.services import audit_record

from .. import policy
from ..models import ChildFriendlyLine, Pep, Target
from . import printing

TEMPLATE = "peps/print/my_pep.html"
LINE_MAX = ChildFriendlyLine._meta.get_field("text").max_length

# Each area of a target, as a child would name it.
AREA_WORDS = {
    Target.Area.WELLBEING: "Feeling good and getting on with people",
    Target.Area.EYFS_COMMUNICATION: "Talking and listening",
    Target.Area.EYFS_PHYSICAL: "Moving and using my body",
    Target.Area.EYFS_PERSONAL: "Feeling good and making friends",
    Target.Area.EYFS_LITERACY: "Stories, reading and mark making",
    Target.Area.EYFS_MATHEMATICS: "Numbers and shapes",
    Target.Area.EYFS_WORLD: "Finding out about the world",
    Target.Area.EYFS_ARTS: "Making things, music and pretend play",
    Target.Area.EET: "What I do next: college, training or work",
}


@dataclass(frozen=True)
class MyTarget:
    target: Target
    heading: str
    line: str
    written: bool  # False: the target's own words stand in until someone writes the line
    helper: str
    how: str
    pays_for: str


def can_edit_lines(*, user: User, pep: Pep) -> bool:
    """The people who wrote and assured the PEP: its social worker, designated teacher and
    Virtual School, once it is signed off."""
    capacity = policy.capacity_for(user=user, pep=pep)
    return pep.is_locked and (
        capacity.social_worker or capacity.designated_teacher or capacity.virtual_school
    )


def _heading(target: Target) -> str:
    if target.area == Target.Area.ACADEMIC:
        return target.subject or "Learning"
    return AREA_WORDS.get(target.area, target.get_area_display())


def _pays_for(target: Target) -> str:
    request = getattr(target, "ppplus_request", None)
    if request is None or not request.is_committed:
        return ""
    return request.get_intervention_display()


def my_targets(pep: Pep) -> list[MyTarget]:
    targets = pep.targets.select_related("child_friendly_line", "ppplus_request")
    result = []
    for target in targets:
        line = getattr(target, "child_friendly_line", None)
        result.append(
            MyTarget(
                target=target,
                heading=_heading(target),
                line=line.text if line else target.description,
                written=line is not None,
                helper=target.owner,
                how=target.actions,
                pays_for=_pays_for(target),
            )
        )
    return result


def my_pep_context(pep: Pep) -> dict:
    child = pep.child
    targets = my_targets(pep)
    answers = pep.answers.filter(section_key="sign_off").values_list("answers", flat=True).first()
    return {
        "pep": pep,
        "child": child,
        "name": child.preferred_name or child.legal_first_name or "you",
        "targets": targets,
        "pays_for": sorted({t.pays_for for t in targets if t.pays_for}),
        **printing.next_meeting(pep, answers or {}),
    }


def my_pep_pdf(pep: Pep) -> bytes:
    try:
        html = render_to_string(TEMPLATE, my_pep_context(pep))
    except Exception as error:
        raise printing.RenderFailed(
            f"The My PEP template failed: {type(error).__name__}"
        ) from error
    return printing.html_to_pdf(html)


def my_pep_download(*, pep: Pep, actor: User) -> bytes:
    """My PEP for a signed-off PEP, made now; the download is in the audit trail."""
    pdf = my_pep_pdf(pep)
    with transaction.atomic():
        audit_record(actor=actor, action="pep.my_pep_downloaded", child=pep.child, obj=pep)
    return pdf


def child_friendly_lines_save(*, pep: Pep, actor: User, lines: dict[int, str]) -> int:
    """Save the child-friendly line of each target given (target id -> words; empty words
    remove the line, so the target's own words stand in again). Returns how many changed."""
    if not can_edit_lines(user=actor, pep=pep):
        raise PermissionDenied
    targets = {target.pk: target for target in pep.targets.select_related("child_friendly_line")}
    unknown = set(lines) - set(targets)
    if unknown:
        raise ValidationError("A target given is not one of this PEP's")
    changed = {}
    with transaction.atomic():
        for target_id, text in lines.items():
            text = " ".join(text.split())
            if len(text) > LINE_MAX:
                raise ValidationError({f"line_{target_id}": f"Use {LINE_MAX} characters or fewer"})
            line = getattr(targets[target_id], "child_friendly_line", None)
            old = line.text if line else ""
            if old == text:
                continue
            if not text:
                line.delete()
            elif line is None:
                ChildFriendlyLine.objects.create(target_id=target_id, text=text, written_by=actor)
            else:
                line.text, line.written_by = text, actor
                line.save(update_fields=["text", "written_by", "written_at"])
            changed[str(target_id)] = [old, text]
        if changed:
            audit_record(
                actor=actor,
                action="pep.my_pep_lines_saved",
                child=pep.child,
                obj=pep,
                changes=changed,
            )
    return len(changed)
