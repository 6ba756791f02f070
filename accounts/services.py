"""Every write to people and organisations goes through these functions."""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import (
    ROLES_IN_A_VIRTUAL_SCHOOL,
    ROLES_WITHOUT_A_VIRTUAL_SCHOOL,
    Role,
    School,
    SchoolMembership,
    User,
    VirtualSchool,
)
from .roles import group_name, school_staff_group_name, virtual_school_staff_group_name


def _check_organisation(*, role: str, virtual_school: VirtualSchool | None, schools) -> None:
    if role in ROLES_IN_A_VIRTUAL_SCHOOL and virtual_school is None:
        raise ValidationError({"virtual_school": "Choose the Virtual School this person works for"})
    if role in ROLES_WITHOUT_A_VIRTUAL_SCHOOL and virtual_school is not None:
        raise ValidationError(
            {"virtual_school": f"A {Role(role).label.lower()} does not belong to a Virtual School"}
        )
    if schools and role != Role.DESIGNATED_TEACHER:
        raise ValidationError({"schools": "Only designated teachers are linked to schools"})


def user_sync_groups(*, user: User) -> None:
    """Put the user in exactly the groups that follow from their role and organisations.

    The role's group carries model permissions; the Virtual School staff group and each
    school's designated-teacher group carry object permissions on children (children/access.py).
    """
    names = [group_name(user.role)]
    if user.is_virtual_school_staff and user.virtual_school_id:
        names.append(virtual_school_staff_group_name(user.virtual_school_id))
    if user.role == Role.DESIGNATED_TEACHER:
        names += [
            school_staff_group_name(s)
            for s in user.school_memberships.values_list("school_id", flat=True)
        ]
    user.groups.set([Group.objects.get_or_create(name=name)[0] for name in names])


@transaction.atomic
def user_create(
    *,
    email: str,
    full_name: str,
    role: str,
    password: str | None = None,
    virtual_school: VirtualSchool | None = None,
    schools: Iterable[School] = (),
) -> User:
    schools = list(schools)
    _check_organisation(role=role, virtual_school=virtual_school, schools=schools)
    user = User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name,
        role=role,
        virtual_school=virtual_school,
        is_staff=role == Role.SYSTEM_ADMINISTRATOR,
    )
    for school in schools:
        SchoolMembership.objects.create(user=user, school=school)
    user_sync_groups(user=user)
    return user
