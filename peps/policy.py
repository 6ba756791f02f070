"""Who may do what to a PEP: one policy, from the section's owner, the PEP's state and the
person's part in this child's life. Views and services both ask it; nothing else decides."""

from dataclasses import dataclass

from accounts.models import VIRTUAL_SCHOOL_STAFF, Role, User

from .models import Pep
from .sections import Owner, Section

EDITABLE_BY_SOCIAL_WORKER = {Pep.State.DRAFT, Pep.State.SCHOOL_COMPLETE}
EDITABLE_BY_SCHOOL = {Pep.State.DRAFT}


@dataclass(frozen=True)
class Capacity:
    """What a person is to the PEP's child, now."""

    social_worker: bool = False
    designated_teacher: bool = False
    virtual_school: bool = False


def capacity_for(*, user: User, pep: Pep) -> Capacity:
    return capacity_for_child(user=user, child=pep.child)


def capacity_for_child(*, user: User, child) -> Capacity:
    """Read from the same facts that grant access (children/access.py): the open allocation,
    the current school's designated teachers, the child's Virtual School."""
    social_worker = (
        user.role == Role.SOCIAL_WORKER
        and child.allocations.filter(end_date__isnull=True, social_worker=user).exists()
    )
    designated_teacher = (
        user.role == Role.DESIGNATED_TEACHER
        and child.enrolments.filter(end_date__isnull=True, school__memberships__user=user).exists()
    )
    virtual_school = user.is_virtual_school_staff and user.virtual_school_id == (
        child.virtual_school_id
    )
    return Capacity(social_worker, designated_teacher, virtual_school)


def can_edit_section(capacity: Capacity, pep: Pep, section: Section) -> bool:
    school = capacity.designated_teacher and pep.state in EDITABLE_BY_SCHOOL
    social = capacity.social_worker and pep.state in EDITABLE_BY_SOCIAL_WORKER
    if section.owner == Owner.DESIGNATED_TEACHER:
        return school
    if section.owner == Owner.SOCIAL_WORKER:
        return social
    # The child's views belong to the school's part: once that is complete, nobody changes them
    # (the social worker's submit does not check the school's sections again).
    return pep.state == Pep.State.DRAFT and (capacity.designated_teacher or capacity.social_worker)


def can_comment(capacity: Capacity, pep: Pep) -> bool:
    return capacity.virtual_school and not pep.is_locked


def can_complete_school_part(capacity: Capacity, pep: Pep) -> bool:
    return capacity.designated_teacher and pep.state == Pep.State.DRAFT


def can_submit(capacity: Capacity, pep: Pep) -> bool:
    return capacity.social_worker and pep.state == Pep.State.SCHOOL_COMPLETE


def can_quality_assure(capacity: Capacity, pep: Pep) -> bool:
    return capacity.virtual_school and pep.state == Pep.State.SUBMITTED


def can_change_kind(capacity: Capacity, pep: Pep) -> bool:
    return capacity.virtual_school and pep.state == Pep.State.DRAFT


def can_download_draft(capacity: Capacity, pep: Pep) -> bool:
    """The people who write and assure a PEP may print it in progress; readers (a reviewing
    officer) and carers have the signed-off copy only."""
    return not pep.is_locked and (
        capacity.social_worker or capacity.designated_teacher or capacity.virtual_school
    )


# Blank forms name no child: anyone who holds PEP meetings or assures them may print one.
BLANK_FORM_ROLES = (Role.SOCIAL_WORKER, Role.DESIGNATED_TEACHER, *VIRTUAL_SCHOOL_STAFF)


def can_print_blank(user: User) -> bool:
    return user.role in BLANK_FORM_ROLES
