"""Every write to people and organisations goes through these functions."""

import hashlib
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_changes, audit_record

from .models import (
    ROLES_IN_A_VIRTUAL_SCHOOL,
    ROLES_WITHOUT_A_VIRTUAL_SCHOOL,
    ApiToken,
    PasswordResetRequest,
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


# --- Invitations, changes, two-factor resets and password resets ---------------------------

EDITABLE = ("full_name", "role", "virtual_school", "is_active")


def _school_ids(user: User) -> list[int]:
    return sorted(user.school_memberships.values_list("school_id", flat=True))


@transaction.atomic
def user_invite(
    *,
    actor: User,
    email: str,
    full_name: str,
    role: str,
    virtual_school: VirtualSchool | None = None,
    schools: Iterable[School] = (),
) -> User:
    """Add a person with no password and email them a link to choose one (or, where their
    council signs them in, a link to sign in). Their role, council and schools are audited."""
    from .tasks import send_invitation

    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": "Someone already has an account with this email address"})
    user = user_create(
        email=email,
        full_name=full_name.strip(),
        role=role,
        virtual_school=virtual_school,
        schools=schools,
    )
    audit_record(
        actor=actor,
        action="user.invited",
        obj=user,
        changes={
            "role": [None, role],
            "virtual_school": [None, virtual_school.pk if virtual_school else None],
            "schools": [None, _school_ids(user)],
        },
    )
    transaction.on_commit(
        lambda: send_invitation.delay(user_id=user.pk, inviter_id=actor.pk), robust=True
    )
    return user


@transaction.atomic
def user_invite_again(*, actor: User, user: User) -> None:
    from .tasks import send_invitation

    audit_record(actor=actor, action="user.invited_again", obj=user)
    transaction.on_commit(
        lambda: send_invitation.delay(user_id=user.pk, inviter_id=actor.pk), robust=True
    )


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    full_name: str,
    role: str,
    virtual_school: VirtualSchool | None,
    schools: Iterable[School],
    is_active: bool,
) -> User:
    """Change a person's name, role, council, schools or whether they may sign in. Their
    groups (and so their access to children) follow at once; each change is audited."""
    user = User.objects.select_for_update().get(pk=user.pk)
    schools = list(schools)
    _check_organisation(role=role, virtual_school=virtual_school, schools=schools)
    before = {name: getattr(user, name) for name in EDITABLE} | {"schools": _school_ids(user)}
    user.full_name, user.role, user.virtual_school = full_name.strip(), role, virtual_school
    user.is_active = is_active
    user.is_staff = role == Role.SYSTEM_ADMINISTRATOR or user.is_superuser
    user.full_clean(exclude=["password"])
    user.save()
    SchoolMembership.objects.filter(user=user).exclude(school__in=schools).delete()
    for school in schools:
        SchoolMembership.objects.get_or_create(user=user, school=school)
    user_sync_groups(user=user)
    after = {name: getattr(user, name) for name in EDITABLE} | {"schools": _school_ids(user)}
    changes = audit_changes(before, after)
    if changes:
        audit_record(actor=actor, action="user.changed", obj=user, changes=changes)
    return user


@transaction.atomic
def user_two_factor_reset(*, actor: User, user: User) -> int:
    """A lost phone: remove the person's authenticator app and recovery codes, so they set up
    a new one at their next sign-in. Audited, and the person is told by email."""
    from . import two_factor
    from .tasks import send_two_factor_reset_notice

    removed = two_factor.devices_remove(user=user)
    audit_record(
        actor=actor, action="two_factor.reset", obj=user, changes={"devices": [removed, 0]}
    )
    transaction.on_commit(
        lambda: send_two_factor_reset_notice.delay(user_id=user.pk, actor_id=actor.pk),
        robust=True,
    )
    return removed


def _digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class TooManyResets(Exception):
    """Too many password resets were asked for from this client address."""


@transaction.atomic
def password_reset_request(*, email: str, ip_address: str | None) -> bool:
    """Record a request and, within the limits, send the link by a task (so the page takes
    as long whether or not the address has an account). Returns whether one was sent; raises
    TooManyResets when this client has asked too often (the same for any address)."""
    from .tasks import send_password_reset

    since = timezone.now() - timedelta(hours=1)
    recent = PasswordResetRequest.objects.filter(requested_at__gte=since)
    PasswordResetRequest.objects.filter(
        requested_at__lt=timezone.now() - timedelta(days=1)
    ).delete()
    if (
        ip_address
        and recent.filter(ip_address=ip_address).count() >= settings.PASSWORD_RESETS_PER_ADDRESS
    ):
        raise TooManyResets
    digest = _digest(email)
    too_many = recent.filter(email_digest=digest).count() >= settings.PASSWORD_RESETS_PER_EMAIL
    PasswordResetRequest.objects.create(email_digest=digest, ip_address=ip_address)
    if too_many:
        return False
    transaction.on_commit(lambda: send_password_reset.delay(email=email.strip().lower()))
    return True


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User | None = None) -> ApiToken:
    """The social-care system's token stops working at once; its calls stay in the audit."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoked", obj=token)
    return token
