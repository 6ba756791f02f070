"""The dashboard's figures, kept in the shared cache until something they count changes.

Counting a council of 2,000 children takes a dozen queries; the figures change only when a
child, their school, social worker or access, a PEP, an education record, a term, a PP+ request
or payment, or a person of that Virtual School changes. Each Virtual School has a generation in
the cache, and the figures are kept under the generation they were counted in. Every such
change gives the Virtual School a new generation twice: when it is made, and again when its
transaction commits, so figures counted meanwhile from the old rows are never read again.

A change made without the models' signals (a bulk update) calls `figures_changed` itself,
naming its Virtual Schools or, for the country, none; and nothing is kept longer than
`DASHBOARD_FIGURES_SECONDS`, so a change missed would last minutes, not days. The page says when
its figures were counted. With no shared cache (no REDIS_URL) nothing is kept, since a change
in one process could not reach another's memory.
"""

import hashlib
import secrets
from collections.abc import Callable, Iterable
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone


def _scope() -> str:
    # Two databases on one Redis (a benchmark's two data sets, a staging copy) keep apart.
    return f"figures:{settings.DATABASES['default']['NAME']}"


def _country_key() -> str:
    return f"{_scope()}:generation"


# Fields saved alone that no figure reads.
UNCOUNTED = {"last_login", "password"}


def _vs_key(virtual_school_id: int) -> str:
    return f"{_scope()}:generation:{virtual_school_id}"


def keeping() -> bool:
    return settings.DASHBOARD_FIGURES_SECONDS > 0


def _renew(keys: list[str]) -> None:
    cache.set_many({key: secrets.token_hex(8) for key in keys}, timeout=None)


def figures_changed(virtual_school_ids: Iterable[int | None] | None = None) -> None:
    """The figures of these Virtual Schools (of every one, given None) are out of date: now,
    and again once the transaction commits."""
    if not keeping():
        return
    if virtual_school_ids is None:
        keys = [_country_key()]
    else:
        keys = sorted({_vs_key(pk) for pk in virtual_school_ids if pk is not None})
        if not keys:
            return
    _renew(keys)
    transaction.on_commit(lambda: _renew(keys))


def _generations(virtual_school_id: int) -> tuple[str, str]:
    keys = [_country_key(), _vs_key(virtual_school_id)]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        # First use, or evicted: a new generation, so nothing kept before can be read.
        for key in missing:
            cache.add(key, secrets.token_hex(8), timeout=None)
        found = cache.get_many(keys)
    return found.get(keys[0], ""), found.get(keys[1], "")


def kept_figures(
    *,
    virtual_school_id: int,
    user_id: int,
    values: dict[str, str],
    today: date,
    count: Callable[[], object],
) -> tuple[object, datetime]:
    """The figures and when they were counted: from the cache if nothing they count has
    changed since, or counted now. They are kept for each person (who may see which child is
    theirs) and each choice of filters."""
    if not keeping():
        return count(), timezone.now()
    country, own = _generations(virtual_school_id)
    chosen = "&".join(f"{key}={values[key]}" for key in sorted(values))
    digest = hashlib.sha256(chosen.encode()).hexdigest()[:16]
    key = f"{_scope()}:{virtual_school_id}:{user_id}:{today.isoformat()}:{digest}:{country}:{own}"
    kept = cache.get(key)
    if kept is not None:
        return kept
    kept = (count(), timezone.now())
    cache.set(key, kept, timeout=settings.DASHBOARD_FIGURES_SECONDS)
    return kept


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
    from funding.models import Payment, PpPlusRequest
    from peps.models import EducationRecord, Pep, Term

    own = lambda instance: [instance.virtual_school_id]  # noqa: E731
    through_child = {
        Enrolment: _of_child,
        SocialWorkerAllocation: _of_child,
        Pep: _of_child,
        EducationRecord: _of_child,
        ChildUserObjectPermission: lambda instance: _of_child(instance, "content_object"),
        ChildGroupObjectPermission: lambda instance: _of_child(instance, "content_object"),
    }
    which = {Child: own, Term: own, PpPlusRequest: own, Payment: own, User: own, **through_child}
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
