"""Which changes renew which Virtual School's kept figures (`pep_portal.kept`), and the
dashboard's own: a child, their school, social worker or access, a PEP, an education record, a
term, a PP+ request, payment or funding policy, or a person of that Virtual School.
"""

import hashlib
from collections.abc import Callable
from datetime import date, datetime

from pep_portal.kept import figures_changed, keeping, kept

# Fields saved alone that no figure reads.
UNCOUNTED = {"last_login", "password"}


def dashboard_parts(*, user_id: int, values: dict[str, str], today: date) -> tuple:
    chosen = "&".join(f"{key}={values[key]}" for key in sorted(values))
    return (
        "dashboard",
        user_id,
        today.isoformat(),
        hashlib.sha256(chosen.encode()).hexdigest()[:16],
    )


def kept_figures(
    *,
    virtual_school_id: int,
    user_id: int,
    values: dict[str, str],
    today: date,
    count: Callable[[], object],
) -> tuple[object, datetime]:
    """The dashboard's figures, kept for each person (who may see which child is theirs) and
    each choice of filters."""
    parts = dashboard_parts(user_id=user_id, values=values, today=today)
    return kept(virtual_school_id, parts, count)


def _of_children(child_ids) -> list[int]:
    from children.models import Child

    return list(
        Child.objects.filter(pk__in=list(child_ids))
        .order_by()
        .values_list("virtual_school_id", flat=True)
        .distinct()
    )


def _of_child(instance, field: str = "child") -> list[int]:
    child = instance._state.fields_cache.get(field)
    if child is not None:
        return [child.virtual_school_id]
    child_id = getattr(instance, f"{field}_id")
    return _of_children([child_id]) if child_id else []


def connect() -> None:
    """Renew a Virtual School's generation whenever a row its figures count is saved or
    deleted."""
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from accounts.models import School, User
    from children.models import (
        Child,
        ChildGroupObjectPermission,
        ChildUserObjectPermission,
        Enrolment,
        SocialWorkerAllocation,
    )
    from children.signals import children_changed_in_bulk
    from funding.models import FundingPolicy, Payment, PpPlusRequest
    from peps.models import EducationRecord, Pep, Term

    own = lambda instance: [instance.virtual_school_id]  # noqa: E731

    def child_councils(instance) -> list:
        # The council joined and, after a move, the council left.
        return [instance.virtual_school_id, getattr(instance, "_loaded_virtual_school_id", None)]

    through_child = {
        Enrolment: _of_child,
        SocialWorkerAllocation: _of_child,
        Pep: _of_child,
        EducationRecord: _of_child,
        ChildUserObjectPermission: lambda instance: _of_child(instance, "content_object"),
        ChildGroupObjectPermission: lambda instance: _of_child(instance, "content_object"),
    }
    which = {
        Child: child_councils, Term: own, PpPlusRequest: own, Payment: own, User: own,
        FundingPolicy: own, **through_child,
    }  # fmt: skip
    for model, of in which.items():

        def changed(sender, instance, of=of, update_fields=None, **kwargs):
            # Signing in writes the person's last_login, which no figure reads.
            if keeping() and not (update_fields and set(update_fields) <= UNCOUNTED):
                figures_changed(of(instance))

        uid = f"reporting.cached.{model._meta.label}"
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)

    def everywhere(sender, **kwargs):
        # A school's name is in every council's filter; a group's people reach children of
        # any council.
        figures_changed(None)

    post_save.connect(everywhere, sender=School, weak=False, dispatch_uid="reporting.school")
    post_delete.connect(everywhere, sender=Group, weak=False, dispatch_uid="reporting.group")
    m2m_changed.connect(everywhere, sender=User.groups.through, weak=False,
                        dispatch_uid="reporting.groups")  # fmt: skip

    def in_bulk(sender, child_ids=None, virtual_school_ids=None, **kwargs):
        if not keeping():
            return
        if virtual_school_ids is not None:
            figures_changed(virtual_school_ids)
        else:
            figures_changed(None if child_ids is None else _of_children(child_ids))

    children_changed_in_bulk.connect(in_bulk, weak=False, dispatch_uid="reporting.bulk")
