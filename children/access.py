"""Who may see which child. The only module that reads or writes django-guardian's tables.

Access follows the facts, and is granted and revoked in the transaction that changes them:

- the child's Virtual School staff, through their Virtual School's staff group: view, change
  and signed-off PEPs;
- the designated teachers of the child's current school, through that school's group: view;
- the allocated social worker, while the allocation is open: view;
- the carers of the current placement, while it lasts: signed-off PEPs only;
- someone a Virtual School officer names, until the grant expires or is revoked: view.

`access_sync_child` works out what the rows for one child should be and makes them so; every
service that changes a fact calls it. Nothing else writes these rows. Use the readers here,
not `user.has_perm(..., child)`: only they honour a grant's expiry at once.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User
from accounts.roles import school_staff_group_name, virtual_school_staff_group_name
from audit.services import audit_record
from pep_portal.compiled import compile_once

from .models import (
    AccessGrant,
    Child,
    ChildGroupObjectPermission,
    ChildUserObjectPermission,
    Enrolment,
    Placement,
    SocialWorkerAllocation,
)
from .signals import children_changed_in_bulk

VIEW = "view_child"
CHANGE = "change_child"
SIGNED_OFF_PEPS = "view_signed_off_peps"

VIRTUAL_SCHOOL_PERMISSIONS = (VIEW, CHANGE, SIGNED_OFF_PEPS)


@dataclass
class AccessChanges:
    """What a sync added, removed or changed, for the rebuild report."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def __iadd__(self, other: "AccessChanges") -> "AccessChanges":
        self.added += other.added
        self.removed += other.removed
        self.changed += other.changed
        return self

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def _permissions() -> dict[str, Permission]:
    rows = Permission.objects.filter(
        content_type__app_label="children",
        content_type__model="child",
        codename__in=VIRTUAL_SCHOOL_PERMISSIONS,
    )
    return {permission.codename: permission for permission in rows}


def _groups_named(names: set[str]) -> dict[str, int]:
    """The ids of these groups, creating any that do not exist yet."""
    found = dict(Group.objects.filter(name__in=names).values_list("name", "pk"))
    missing = names - found.keys()
    if missing:
        Group.objects.bulk_create([Group(name=name) for name in missing], ignore_conflicts=True)
        found.update(Group.objects.filter(name__in=missing).values_list("name", "pk"))
    return found


def wanted_rows(
    child_ids, today: date
) -> tuple[dict[int, dict[tuple[int, str], date | None]], dict[int, set[tuple[int, str]]]]:
    """The rule, for any number of children in a fixed number of queries: for each child, the
    user rows ((user id, permission) -> expiry, None while the fact lasts) and the group rows
    ((group id, permission)) the facts call for."""
    child_ids = list(child_ids)
    users: dict[int, dict[tuple[int, str], date | None]] = {pk: {} for pk in child_ids}
    for child_id, user_id in SocialWorkerAllocation.objects.filter(
        child_id__in=child_ids, end_date__isnull=True
    ).values_list("child_id", "social_worker_id"):
        users[child_id][(user_id, VIEW)] = None
    for child_id, user_id in Placement.carers.through.objects.filter(
        placement__child_id__in=child_ids, placement__end_date__isnull=True
    ).values_list("placement__child_id", "user_id"):
        users[child_id][(user_id, SIGNED_OFF_PEPS)] = None
    for child_id, user_id, expires_on in AccessGrant.objects.filter(
        child_id__in=child_ids, revoked_at__isnull=True, expires_on__gte=today
    ).values_list("child_id", "grantee_id", "expires_on"):
        key = (user_id, VIEW)
        wanted = users[child_id]
        if key in wanted and wanted[key] is None:
            continue  # a standing fact outlasts any grant
        wanted[key] = max(filter(None, [wanted.get(key), expires_on]))
    names: dict[int, dict[str, tuple[str, ...]]] = {}
    for child_id, virtual_school_id in Child.objects.filter(pk__in=child_ids).values_list(
        "pk", "virtual_school_id"
    ):
        names[child_id] = {
            virtual_school_staff_group_name(virtual_school_id): VIRTUAL_SCHOOL_PERMISSIONS
        }
    for child_id, school_id in Enrolment.objects.filter(
        child_id__in=child_ids, end_date__isnull=True
    ).values_list("child_id", "school_id"):
        names[child_id][school_staff_group_name(school_id)] = (VIEW,)
    group_ids = _groups_named({name for wanted in names.values() for name in wanted})
    groups = {
        child_id: {
            (group_ids[name], codename) for name, codes in wanted.items() for codename in codes
        }
        for child_id, wanted in names.items()
    }
    return users, groups


def access_sync_child(*, child: Child, today: date | None = None) -> AccessChanges:
    """Make the permission rows on one child match the facts. Call inside the change's
    transaction, after the fact is saved."""
    today = today or timezone.localdate()
    permissions = _permissions()
    changes = AccessChanges()

    wanted_user_rows, wanted_group_rows = wanted_rows([child.pk], today)
    wanted_users = wanted_user_rows[child.pk]
    for row in ChildUserObjectPermission.objects.filter(content_object=child).select_related(
        "permission"
    ):
        key = (row.user_id, row.permission.codename)
        if key not in wanted_users:
            row.delete()
            changes.removed.append(f"user {key[0]} {key[1]} on child {child.pk}")
        else:
            expires_on = wanted_users.pop(key)
            if row.expires_on != expires_on:
                row.expires_on = expires_on
                row.save(update_fields=["expires_on"])
                changes.changed.append(f"user {key[0]} {key[1]} on child {child.pk}")
    for (user_id, codename), expires_on in wanted_users.items():
        ChildUserObjectPermission.objects.create(
            user_id=user_id,
            permission=permissions[codename],
            content_object=child,
            expires_on=expires_on,
        )
        changes.added.append(f"user {user_id} {codename} on child {child.pk}")

    wanted_groups = wanted_group_rows[child.pk]
    for row in ChildGroupObjectPermission.objects.filter(content_object=child).select_related(
        "permission"
    ):
        key = (row.group_id, row.permission.codename)
        if key in wanted_groups:
            wanted_groups.discard(key)
        else:
            row.delete()
            changes.removed.append(f"group {key[0]} {key[1]} on child {child.pk}")
    for group_id, codename in sorted(wanted_groups):
        ChildGroupObjectPermission.objects.create(
            group_id=group_id, permission=permissions[codename], content_object=child
        )
        changes.added.append(f"group {group_id} {codename} on child {child.pk}")
    return changes


def access_sync_children(*, child_ids, today: date | None = None) -> int:
    """`access_sync_child` for many children at once (an import): the same rule, in a fixed
    number of queries and bulk writes. Call inside the change's transaction, with the children
    locked. Returns how many rows were added, removed or changed."""
    today = today or timezone.localdate()
    child_ids = list(child_ids)
    if not child_ids:
        return 0
    permissions = _permissions()
    wanted_users, wanted_groups = wanted_rows(child_ids, today)
    remove_users, update_users, remove_groups = [], [], []
    for row in ChildUserObjectPermission.objects.filter(
        content_object_id__in=child_ids
    ).select_related("permission"):
        key = (row.user_id, row.permission.codename)
        wanted = wanted_users[row.content_object_id]
        if key not in wanted:
            remove_users.append(row.pk)
            continue
        expires_on = wanted.pop(key)
        if row.expires_on != expires_on:
            row.expires_on = expires_on
            update_users.append(row)
    for row in ChildGroupObjectPermission.objects.filter(
        content_object_id__in=child_ids
    ).select_related("permission"):
        key = (row.group_id, row.permission.codename)
        wanted = wanted_groups[row.content_object_id]
        if key in wanted:
            wanted.discard(key)
        else:
            remove_groups.append(row.pk)
    ChildUserObjectPermission.objects.filter(pk__in=remove_users).delete()
    ChildGroupObjectPermission.objects.filter(pk__in=remove_groups).delete()
    ChildUserObjectPermission.objects.bulk_update(update_users, ["expires_on"])
    new_users = [
        ChildUserObjectPermission(
            user_id=user_id,
            permission=permissions[codename],
            content_object_id=child_id,
            expires_on=expires_on,
        )
        for child_id, wanted in wanted_users.items()
        for (user_id, codename), expires_on in wanted.items()
    ]
    new_groups = [
        ChildGroupObjectPermission(
            group_id=group_id, permission=permissions[codename], content_object_id=child_id
        )
        for child_id, wanted in wanted_groups.items()
        for group_id, codename in sorted(wanted)
    ]
    ChildUserObjectPermission.objects.bulk_create(new_users, batch_size=1000)
    ChildGroupObjectPermission.objects.bulk_create(new_groups, batch_size=1000)
    written = (
        len(remove_users)
        + len(remove_groups)
        + len(update_users)
        + len(new_users)
        + len(new_groups)
    )
    if written:
        children_changed_in_bulk.send(sender=Child, child_ids=child_ids)
    return written


def access_rebuild_all() -> AccessChanges:
    """Rebuild every child's rows from the facts (after an import, or to repair). Each child is
    locked in its own transaction, as the services lock it, so a change made meanwhile is not
    undone; every repair is written to the audit trail."""
    changes = AccessChanges()
    for child_id in Child.objects.order_by("pk").values_list("pk", flat=True).iterator():
        with transaction.atomic():
            child = Child.objects.select_for_update().get(pk=child_id)
            repaired = access_sync_child(child=child)
            if repaired:
                audit_record(
                    actor=None,
                    action="access.repaired",
                    child=child,
                    changes={
                        "added": [None, repaired.added],
                        "removed": [None, repaired.removed],
                        "changed": [None, repaired.changed],
                    },
                )
        changes += repaired
    return changes


def access_remove_expired(*, today: date | None = None) -> int:
    """Delete rows of grants that have expired (readers already ignore them)."""
    today = today or timezone.localdate()
    deleted, _ = ChildUserObjectPermission.objects.filter(expires_on__lt=today).delete()
    if deleted:
        children_changed_in_bulk.send(sender=Child, child_ids=None)
    return deleted


def _permission_id(codename: str) -> Subquery:
    """The permission's id as a subquery the database runs once, so that the permission rows
    are read by their (group or user, permission) index alone: joining the permission and its
    content type instead costs a probe per row, several milliseconds for a council's children."""
    return Subquery(
        Permission.objects.filter(
            codename=codename, content_type__app_label="children", content_type__model="child"
        ).values("pk")[:1]
    )


def _child_ids_with(user_id: int, codename: str, today: date) -> tuple[QuerySet, QuerySet]:
    """The ids of the children on which the user holds the permission today: through rows of
    their own (an open grant) and through their groups'. The one definition of access that
    both readers below are made from."""
    through_user = ChildUserObjectPermission.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today),
        user_id=user_id,
        permission_id=_permission_id(codename),
    ).values("content_object_id")
    through_groups = ChildGroupObjectPermission.objects.filter(
        group_id__in=User.groups.through.objects.filter(user_id=user_id).values("group_id"),
        permission_id=_permission_id(codename),
    ).values("content_object_id")
    return through_user, through_groups


def children_with_permission(*, user, codename: str = VIEW) -> QuerySet[Child]:
    """Every child on which the user holds the permission now, in one query."""
    if not user.is_authenticated or not user.is_active:
        return Child.objects.none()
    scope = _scope_rows(codename=codename)
    return Child.objects.filter(pk__in=scope.subquery(user_id=user.pk, today=timezone.localdate()))


@compile_once
def _scope_rows(user_id: int, today: date, codename: str) -> QuerySet:
    # One IN over a UNION, not two INs joined by OR: PostgreSQL semi-joins the union (a few
    # thousand ids at most) into the children's primary key, where the OR made it test every
    # child in the country against both lists. Compiled once per process: building and
    # compiling the union took longer than PostgreSQL takes to answer it for a caseload.
    through_user, through_groups = _child_ids_with(user_id, codename, today)
    return through_user.union(through_groups)


@compile_once
def _one_child_rows(user_id: int, child_id: int, today: date, codename: str) -> QuerySet:
    through_user, through_groups = _child_ids_with(user_id, codename, today)
    return through_user.filter(content_object_id=child_id).union(
        through_groups.filter(content_object_id=child_id), all=True
    )


# The largest id a bigint column holds.
BIGGEST_ID = 2**63 - 1


def user_has_child_permission_id(*, user, child_id: int, codename: str = VIEW) -> bool:
    """Whether the user holds the permission on this one child now: `children_with_permission`
    for one child. It reads that child's own rows of the two access tables by their indexes,
    where the whole scope is a union of up to a council's 2,000 ids (about 3 ms on the national
    data set), and the statement is compiled once per process (`pep_portal.compiled`), where
    the ORM took longer to build the union than PostgreSQL to answer it.

    Callers ask it whether or not the object they were asked for exists (with `child_id=0` for
    one that does not), so that neither the time nor the queries tell a missing object from
    someone else's."""
    if not user.is_authenticated or not user.is_active:
        return False
    if not 0 <= child_id <= BIGGEST_ID:
        # No child has it (the ORM would find none without asking; the database would refuse).
        child_id = 0
    statement = _one_child_rows(codename=codename)
    return bool(statement.rows(user_id=user.pk, child_id=child_id, today=timezone.localdate()))


def user_has_child_permission(*, user, child: Child, codename: str = VIEW) -> bool:
    return user_has_child_permission_id(user=user, child_id=child.pk, codename=codename)
