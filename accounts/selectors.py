"""Reads of people, scoped to who is asking."""

from django.db.models import QuerySet

from .models import ROLES_IN_A_VIRTUAL_SCHOOL, Role, User

PEOPLE_MANAGERS = (Role.SYSTEM_ADMINISTRATOR, Role.VIRTUAL_SCHOOL_HEAD)


def people_for_user(*, user: User) -> QuerySet[User]:
    """An administrator manages everyone; a Virtual School head the staff of their own
    Virtual School; nobody else anyone."""
    people = User.objects.select_related("virtual_school").order_by("full_name")
    if user.role == Role.SYSTEM_ADMINISTRATOR:
        return people
    if user.role == Role.VIRTUAL_SCHOOL_HEAD and user.virtual_school_id:
        return people.filter(
            virtual_school_id=user.virtual_school_id, role__in=ROLES_IN_A_VIRTUAL_SCHOOL
        )
    return people.none()
