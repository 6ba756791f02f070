"""Reads of PEPs, scoped to the person asking: a PEP is visible exactly when its child is."""

from datetime import timedelta

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from accounts.models import User
from children.access import user_has_child_permission_id
from children.selectors import (
    ChildFilters,
    caseload_for,
    children_at_schools_of,
    children_of_virtual_school,
    children_placed_with,
    children_visible_to,
    visible_among,
)
from pep_portal.kept import keeping, kept
from pep_portal.pagination import KeptRows

from .models import Pep, Reminder, SignedOffCopy


def pep_get_for_user(*, user: User, pep_id: int) -> Pep:
    """The PEP, if this person may see its child; otherwise 404 (existence is not revealed).
    What they may do with it is `peps.policy`'s to say."""
    pep = Pep.objects.select_related("child__virtual_school", "term").filter(pk=pep_id).first()
    # Asked for a missing PEP too, so that it costs what someone else's does.
    allowed = user_has_child_permission_id(user=user, child_id=pep.child_id if pep else 0)
    if pep is None or not allowed:
        raise Http404("No such PEP")
    return pep


def signed_off_pep_get_for_user(*, user: User, pep_id: int) -> Pep:
    """A signed-off PEP, for anyone who may see its child and for the carers the child is
    placed with now; otherwise 404. Carers reach nothing else of a PEP."""
    pep = (
        Pep.objects.select_related("child__virtual_school", "term", "signed_off_copy")
        .filter(pk=pep_id, state=Pep.State.SIGNED_OFF)
        .filter(
            Q(child__in=children_visible_to(user=user))
            | Q(child__in=children_placed_with(user=user))
        )
        .first()
    )
    if pep is None:
        raise Http404("No such PEP")
    return pep


def copies_owed(*, user: User) -> QuerySet[SignedOffCopy]:
    """Signed-off copies of the Virtual School's children that are not made yet, the oldest
    sign-off first: a render that keeps failing shows here.

    The Virtual School's owed copies are found first, from their own small index (a handful,
    where its children have tens of thousands of PEPs), and only their children are checked
    against the person's access. In one query the planner, which cannot know how many children
    the access rows hold, starts from them and walks every PEP of every child."""
    owed = dict(
        SignedOffCopy.objects.filter(
            rendered_at__isnull=True,
            virtual_school=user.virtual_school_id,
            pep__child__virtual_school=user.virtual_school_id,
        ).values_list("pk", "pep__child_id")
    )
    allowed = visible_among(user=user, child_ids=owed.values())
    return (
        SignedOffCopy.objects.filter(pk__in=[pk for pk, child in owed.items() if child in allowed])
        .select_related("pep__child", "pep__term")
        .order_by("created_at", "pk")
    )


def quality_assurance_queue(*, user: User) -> QuerySet[Pep]:
    """Submitted PEPs of the person's Virtual School, the longest waiting first."""
    return (
        Pep.objects.filter(
            state=Pep.State.SUBMITTED,
            child__in=children_visible_to(user=user),
            child__virtual_school=user.virtual_school_id,
        )
        .select_related("child", "term", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def quality_assurance_queue_kept(*, user: User):
    """The queue as the QA page shows it, and when it was drawn up (None if just now): with a
    shared cache, kept as its PEPs' ids in order until something in the council changes (as
    the deadlines are), so that a page of it is one query by primary key rather than a walk of
    every PEP the Virtual School's children have."""
    queue = quality_assurance_queue(user=user)
    if not keeping():
        return queue, None
    ids, counted_at = kept(
        user.virtual_school_id,
        ("quality-queue", user.pk),
        lambda: list(queue.values_list("pk", flat=True)),
    )
    return KeptRows(ids, _own_councils_peps(user).select_related("submitted_by")), counted_at


def _own_councils_peps(user: User) -> QuerySet[Pep]:
    """The rows a kept list of PEP ids is read from: within the person's own council whatever
    the cache holds, so a child moved to another Virtual School since never shows."""
    return Pep.objects.filter(child__virtual_school=user.virtual_school_id).select_related(
        "child", "term"
    )


DUE_LATER_SHOWN = 50


def dashboard_for(*, user: User, today) -> dict:
    """Due soon, overdue and upcoming PEPs of the person's own children, the social worker's
    reviews due in the next four weeks, and the person's notices that are still true.

    A Virtual School's lists (2,000 children, every one with an open PEP) are kept as their
    PEPs' ids until something in the council changes (`pep_portal.kept`), and each page of a
    list is then one query by primary key; `counted_at` says when they were drawn up."""
    if user.is_virtual_school_staff and keeping():
        found, counted_at = kept(
            user.virtual_school_id,
            ("deadlines", user.pk, today.isoformat()),
            lambda: _deadlines_drawn_up(user=user, today=today),
        )
        rows = _own_councils_peps(user)
        pages = {name: KeptRows(ids, rows) for name, ids in found["ids"].items()}
        due_later = KeptRows(found["due_later"], rows)[:]
    else:
        lists, later, figures = _deadline_lists(user=user, today=today)
        found, counted_at = figures(), None
        pages, due_later = lists, list(later[:DUE_LATER_SHOWN])
    counts = dict(found["counts"])
    total = found["children_count"]
    overdue_children = counts.pop("overdue_children")
    return {
        **pages,
        "due_later": due_later,
        "due_later_count": counts["due_later"],
        "counts": counts,
        "counted_at": counted_at,
        "children_count": total,
        "in_date_percent": round(100 * (total - overdue_children) / total) if total else None,
        "notices": list(
            Reminder.objects.live()
            .filter(recipient=user, pep__child__in=children_visible_to(user=user))
            .select_related("pep__child")
            .order_by("-created_on", "pk")[:50]
        ),
    }


def _deadline_lists(*, user: User, today):
    """The deadlines page's lists of the person's open PEPs (querysets, for a page of each at a
    time), the PEPs due later, and a function counting what the page shows."""
    if user.role == "social_worker":
        children = caseload_for(user=user)
    elif user.role == "designated_teacher":
        children = children_at_schools_of(user=user)
    else:
        children = children_of_virtual_school(user=user, filters=ChildFilters())
    if user.is_virtual_school_staff:
        in_scope, children_count = Q(child__in=children.values("pk")), children.count
    else:
        # A caseload or a school's roll is a few dozen children: found once, so that each list
        # below is a look-up by their ids rather than the access check compiled and run again.
        child_ids = list(children.values_list("pk", flat=True))
        in_scope, children_count = Q(child_id__in_array=child_ids), lambda: len(child_ids)
    open_peps = (
        Pep.objects.filter(in_scope)
        .exclude(state=Pep.State.SIGNED_OFF)
        .select_related("child", "term")
        .order_by("due_date", "pk")
    )
    soon = today + timedelta(days=28)
    in_progress = Q(state__in=[Pep.State.DRAFT, Pep.State.SCHOOL_COMPLETE])
    conditions = {
        "overdue": in_progress & Q(due_date__lt=today),
        "due_soon": in_progress & Q(due_date__gte=today, due_date__lte=soon),
        "due_later": in_progress & Q(due_date__gt=soon, term__start_date__lte=today),
        "upcoming": Q(term__start_date__gt=today),
        # A review due with the PEP is listed with the PEP already.
        "social_care_reviews": in_progress
        & Q(social_care_due_date__isnull=False, social_care_due_date__lte=soon)
        & ~Q(social_care_due_date=F("due_date")),
    }
    # The long lists, for the page to show a page of each at a time.
    lists = {
        "overdue": open_peps.filter(conditions["overdue"]),
        "due_soon": open_peps.filter(conditions["due_soon"]),
        "upcoming": open_peps.filter(conditions["upcoming"]).order_by("planned_meeting_date", "pk"),
        "social_care_reviews": open_peps.filter(conditions["social_care_reviews"]).order_by(
            "social_care_due_date", "pk"
        ),
    }
    later = open_peps.filter(conditions["due_later"])

    def figures() -> dict:
        # Every count the page shows in one pass over the open PEPs: each list's length (for
        # its pages), and the children with a PEP overdue.
        counts = open_peps.order_by().aggregate(
            **{name: Count("pk", filter=condition) for name, condition in conditions.items()},
            overdue_children=Count("child_id", distinct=True, filter=conditions["overdue"]),
        )
        return {"counts": counts, "children_count": children_count()}

    return lists, later, figures


def _deadlines_drawn_up(*, user: User, today) -> dict:
    """The Virtual School's deadlines as kept: the counts, and each list's PEPs' ids in order."""
    lists, later, figures = _deadline_lists(user=user, today=today)
    return figures() | {
        "ids": {name: list(rows.values_list("pk", flat=True)) for name, rows in lists.items()},
        "due_later": list(later.values_list("pk", flat=True)[:DUE_LATER_SHOWN]),
    }
