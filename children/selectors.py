"""Reads of children, always scoped to the person asking."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Role, School, User
from pep_portal.kept import keeping, kept
from pep_portal.lookups import Ids

from .access import (
    CHANGE,
    SIGNED_OFF_PEPS,
    VIEW,
    children_with_permission,
    user_has_child_permission_id,
)
from .models import Child, Enrolment, Placement, SocialWorkerAllocation
from .school_year import academic_year_of
from .upn import upn_normalise

KEY_STAGES = {
    "Early years": range(-2, 1),
    "Key stage 1": range(1, 3),
    "Key stage 2": range(3, 7),
    "Key stage 3": range(7, 10),
    "Key stage 4": range(10, 12),
    "Post-16": range(12, 15),
}


def children_visible_to(*, user: User) -> QuerySet[Child]:
    return children_with_permission(user=user, codename=VIEW)


def visible_among(*, user: User, child_ids) -> set[int]:
    """Which of these children the person may see. For lists found first by an index of their
    own (copies owed, unpaid requests), where one query starting from the access rows would
    walk every row of every child the person can see."""
    visible = children_visible_to(user=user).filter(pk__in_array=set(child_ids))
    return set(visible.values_list("pk", flat=True))


def child_get_for_user(*, user: User, child_id: int, to_change: bool = False) -> Child:
    """The child, if this person may see them: 404 if not (existence is not revealed), 403 if
    they may see but `to_change` and they may not change the record."""
    # Access first, by the id asked for: a missing child and someone else's cost the same.
    if not user_has_child_permission_id(user=user, child_id=child_id):
        raise Http404("No such child")
    child = Child.objects.select_related("virtual_school").filter(pk=child_id).first()
    if child is None:
        raise Http404("No such child")
    if to_change and not user_has_child_permission_id(
        user=user, child_id=child.pk, codename=CHANGE
    ):
        raise PermissionDenied
    return child


def with_current_details(children: QuerySet[Child]) -> QuerySet[Child]:
    """Each child's current school, social worker and open PEP, in three queries for any
    number of children. (The PEP model belongs to the peps app, which builds on this one: it is
    reached through its relation to Child rather than imported.)"""
    pep_model = Child._meta.get_field("peps").related_model
    return children.select_related("virtual_school").prefetch_related(
        Prefetch(
            "peps",
            queryset=pep_model.objects.exclude(state="signed_off"),
            to_attr="open_peps",
        ),
        Prefetch(
            "enrolments",
            queryset=Enrolment.objects.filter(end_date__isnull=True).select_related("school"),
            to_attr="current_enrolments",
        ),
        Prefetch(
            "allocations",
            queryset=SocialWorkerAllocation.objects.filter(end_date__isnull=True).select_related(
                "social_worker"
            ),
            to_attr="current_allocations",
        ),
    )


def caseload_for(*, user: User) -> QuerySet[Child]:
    """The children allocated to this social worker now (`with_row_details` for the list)."""
    return children_visible_to(user=user).filter(
        allocations__social_worker=user, allocations__end_date__isnull=True
    )


def children_at_schools_of(*, user: User) -> QuerySet[Child]:
    """Children on roll now at the teacher's schools, whichever council looks after them."""
    return (
        children_visible_to(user=user)
        .filter(enrolments__school__memberships__user=user, enrolments__end_date__isnull=True)
        .select_related("virtual_school")
        .distinct()
    )


# What a row of a list of children shows of the child's open PEP (`_pep_cell.html`).
ROW_PEP_FIELDS = ("id", "child_id", "kind", "state", "due_date", "due_reason",
                  "social_care_due_date")  # fmt: skip


def with_row_details(children, *, placements: bool = False) -> list[Child]:
    """The children (a queryset or a page of one), each with what a row of a list shows:
    `open_peps` (PEP objects with ROW_PEP_FIELDS), `school_names`, `social_worker_names` and,
    with `placements`, `placement_types` (their labels).

    One query for any number of children, reading those columns and no more, where the three
    prefetches of `with_current_details` (which the export keeps, for whole objects) built
    three querysets and a model object for every school, enrolment, allocation and person:
    about 2 ms of a caseload page's 15 on the national data set."""
    children = list(children)
    if not children:
        return children
    pep_model = Child._meta.get_field("peps").related_model
    ids = [child.pk for child in children]
    if connection.vendor == "postgresql":
        condition, params = "= ANY(%s::bigint[])", [Ids(ids).array]
    else:
        condition, params = f"IN ({', '.join(['%s'] * len(ids))})", ids
    tables = {
        key: connection.ops.quote_name(model._meta.db_table)
        for key, model in [("pep", pep_model), ("enrolment", Enrolment), ("school", School),
                           ("allocation", SocialWorkerAllocation), ("user", User),
                           ("placement", Placement)]
    }  # fmt: skip
    parts = [
        f"""SELECT 'pep', p.child_id, p.id, p.kind, p.state, p.due_date, p.due_reason,
              p.social_care_due_date
            FROM {tables["pep"]} p WHERE p.child_id {condition} AND p.state <> 'signed_off'""",  # noqa: S608
        f"""SELECT 'school', e.child_id, e.id, s.name, NULL, NULL, NULL, NULL
            FROM {tables["enrolment"]} e JOIN {tables["school"]} s ON s.id = e.school_id
            WHERE e.child_id {condition} AND e.end_date IS NULL""",  # noqa: S608
        f"""SELECT 'social_worker', a.child_id, a.id, COALESCE(NULLIF(u.full_name, ''), u.email),
              NULL, NULL, NULL, NULL
            FROM {tables["allocation"]} a JOIN {tables["user"]} u ON u.id = a.social_worker_id
            WHERE a.child_id {condition} AND a.end_date IS NULL""",  # noqa: S608
    ]
    if placements:
        parts.append(
            f"""SELECT 'placement', l.child_id, l.id, l.placement_type, NULL, NULL, NULL, NULL
                FROM {tables["placement"]} l WHERE l.child_id {condition} AND l.end_date IS NULL"""  # noqa: S608
        )
    # The tables' names come from the models (S608 above); the ids are parameters.
    found = defaultdict(list)
    with connection.cursor() as cursor:
        # Within a child, the newest first (a second current school or social worker).
        cursor.execute(" UNION ALL ".join(parts) + " ORDER BY 1, 2, 3 DESC", params * len(parts))
        rows = cursor.fetchall()
    labels = dict(Placement.PlacementType.choices)
    for what, child_id, pk, text, *rest in rows:
        if what == "pep":
            state, due_date, due_reason, social_care_due_date = rest
            values = (pk, child_id, text, state, _as_date(due_date), due_reason,
                      _as_date(social_care_due_date))  # fmt: skip
            pep = pep_model.from_db(connection.alias, ROW_PEP_FIELDS, values)
            found["pep", child_id].append(pep)
        elif what == "placement":
            found[what, child_id].append(labels.get(text, text))
        else:
            found[what, child_id].append(text)
    for child in children:
        child.open_peps = found["pep", child.pk]
        child.school_names = found["school", child.pk]
        child.social_worker_names = found["social_worker", child.pk]
        if placements:
            child.placement_types = found["placement", child.pk]
    return children


def _as_date(value):
    """A date read by a raw query: SQLite returns a UNION's dates as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def children_placed_with(*, user: User) -> QuerySet[Child]:
    """Children placed with this carer now (carers see their signed-off PEPs, nothing else)."""
    return children_with_permission(user=user, codename=SIGNED_OFF_PEPS).filter(
        placements__carers=user, placements__end_date__isnull=True
    )


def carers_of(*, child) -> QuerySet[User]:
    """The carers a child (or a child's id) is placed with now, with accounts in use."""
    return User.objects.filter(
        role=Role.CARER, is_active=True, placements__child=child, placements__end_date__isnull=True
    ).distinct()


def with_signed_off_peps(children: QuerySet[Child]) -> QuerySet[Child]:
    """Each child's signed-off PEPs, newest first, with their stored copies, in two queries for
    any number of children (reached through the relations, as in `with_current_details`)."""
    pep_model = Child._meta.get_field("peps").related_model
    return children.prefetch_related(
        Prefetch(
            "peps",
            queryset=pep_model.objects.filter(state="signed_off")
            .select_related("term", "signed_off_copy")
            .order_by("-version"),
            to_attr="signed_off_peps",
        )
    )


def with_next_meeting(children) -> list[Child]:
    """Each child with `next_meeting` (the soonest PEP meeting arranged and not cancelled, or
    None) and, when none is arranged, `provisional_meeting_date` (the open PEP's planned date):
    two queries for any number of children. Reached through the relations, as the meetings app
    sits above this one."""
    children = list(children)
    pep_model = Child._meta.get_field("peps").related_model
    meeting_model = pep_model._meta.get_field("meetings").related_model
    ids = [child.pk for child in children]
    soonest = {}
    for meeting in (
        meeting_model.objects.filter(
            pep__child_id__in=ids, cancelled_at__isnull=True, starts_at__gt=timezone.now()
        )
        .select_related("pep")
        .order_by("starts_at")
    ):
        soonest.setdefault(meeting.pep.child_id, meeting)
    planned = dict(
        pep_model.objects.filter(
            child_id__in=ids,
            planned_meeting_date__gte=timezone.localdate(),
        )
        .exclude(state="signed_off")
        .order_by("-planned_meeting_date")
        .values_list("child_id", "planned_meeting_date")
    )
    for child in children:
        child.next_meeting = soonest.get(child.pk)
        child.provisional_meeting_date = None if child.next_meeting else planned.get(child.pk)
    return children


def with_documents_shared_with_carers(children: QuerySet[Child]) -> QuerySet[Child]:
    """Each child's documents the Virtual School shared with carers, newest first, in one query
    for any number of children (the attachments app builds on this one: reached through its
    relation)."""
    attachment_model = Child._meta.get_field("attachments").related_model
    return children.prefetch_related(
        Prefetch(
            "attachments",
            queryset=attachment_model.objects.filter(shared_with_carers=True),
            to_attr="shared_documents",
        )
    )


def with_peps_being_written(children: QuerySet[Child]) -> QuerySet[Child]:
    """Each child's PEP being written (at most one), for the carer to give their views on
    before the meeting: one query for any number of children."""
    pep_model = Child._meta.get_field("peps").related_model
    return children.prefetch_related(
        Prefetch(
            "peps",
            queryset=pep_model.objects.filter(
                state__in=["draft", "school_complete"]
            ).select_related("term"),
            to_attr="peps_being_written",
        )
    )


def children_reviewed_by(*, user: User) -> QuerySet[Child]:
    """Children a live explicit grant lets this person read."""
    today = timezone.localdate()
    return (
        children_visible_to(user=user)
        .filter(
            access_grants__grantee=user,
            access_grants__revoked_at__isnull=True,
            access_grants__expires_on__gte=today,
        )
        .distinct()
    )


def born_in_year_group(year_groups, *, today: date | None = None) -> Q:
    """Children in any of these year groups now, by date of birth or by override."""
    academic_year = academic_year_of(today or timezone.localdate())
    by_birth = Q(pk__in=[])
    for year_group in year_groups:
        first = date(academic_year - 5 - year_group, 9, 1)
        last = date(academic_year - 4 - year_group, 8, 31)
        by_birth |= Q(date_of_birth__range=(first, last))
    return Q(year_group_override__in=list(year_groups)) | (
        Q(year_group_override__isnull=True) & by_birth
    )


@dataclass(frozen=True)
class ListFilter:
    """A filter of the Virtual School's list that an app built on this one adds (the state of
    the term's PEP, a dashboard figure such as persistent absence). This app knows only its
    label, its choices and the condition it puts on children, so the list stays one page
    while the apps above decide what their filters mean."""

    key: str
    label: str
    choices: Callable[[User], list[tuple[str, str]]]
    condition: Callable[[str, User, dict[str, str]], Q]  # (value, person, every value) -> Q


LIST_FILTERS: dict[str, ListFilter] = {}


def register_list_filter(list_filter: ListFilter) -> None:
    """Called from an app's `AppConfig.ready`; registering a key again replaces it."""
    LIST_FILTERS[list_filter.key] = list_filter


@dataclass
class ChildFilters:
    search: str = ""
    school_id: int | None = None
    social_worker_id: int | None = None
    year_group: int | None = None
    key_stage: str = ""
    sen_status: str = ""
    # Values of the registered filters, by key (see `ListFilter`).
    extra: dict[str, str] = field(default_factory=dict)


def children_of_virtual_school(*, user: User, filters: ChildFilters) -> QuerySet[Child]:
    """The Virtual School's list: its children, searched and filtered (a page of them then
    given what a row shows by `with_row_details`). Every child here is the person's own
    Virtual School's, and no row shows it: it is not joined."""
    return virtual_school_children_matching(user=user, filters=filters)


def virtual_school_children_matching(*, user: User, filters: ChildFilters) -> QuerySet[Child]:
    """The Virtual School's children that the list's search and filters keep (the dashboard
    counts these)."""
    children = children_visible_to(user=user).filter(virtual_school=user.virtual_school_id)
    for term in filters.search.split()[:5]:  # a name, a UPN or an ID needs no more words
        children = children.filter(
            Q(legal_first_name__icontains=term)
            | Q(legal_last_name__icontains=term)
            | Q(preferred_name__icontains=term)
            | Q(upn=upn_normalise(term))
            | Q(council_child_id__iexact=term)
        )
    if filters.school_id:
        children = children.filter(
            enrolments__school_id=filters.school_id, enrolments__end_date__isnull=True
        )
    if filters.social_worker_id:
        children = children.filter(
            allocations__social_worker_id=filters.social_worker_id,
            allocations__end_date__isnull=True,
        )
    if filters.year_group is not None:
        children = children.filter(born_in_year_group([filters.year_group]))
    if filters.key_stage in KEY_STAGES:
        children = children.filter(born_in_year_group(KEY_STAGES[filters.key_stage]))
    if filters.sen_status:
        children = children.filter(sen_status=filters.sen_status)
    for key, value in filters.extra.items():
        if value and key in LIST_FILTERS:
            children = children.filter(LIST_FILTERS[key].condition(value, user, filters.extra))
    return children


def schools_attended_by_children_of(virtual_school_id: int) -> QuerySet[School]:
    """The schools the Virtual School's children attend now, for its list's school filter:
    one pass over its own children's current enrolments (a semi-join), not a DISTINCT over
    every school's enrolments."""
    children = Child.objects.filter(virtual_school_id=virtual_school_id).values("pk")
    attended = Enrolment.objects.filter(child_id__in_ids=children, end_date__isnull=True).values(
        "school_id"
    )
    if not keeping():
        return School.objects.filter(pk__in=attended).order_by("name")
    # Kept as ids until an enrolment, child or school of the council changes: finding them is
    # most of the list page's database time (8 ms for 2,000 children), looking them up by id
    # a fraction of it.
    ids, _ = kept(
        virtual_school_id,
        ("schools-attended",),
        lambda: sorted(set(attended.values_list("school_id", flat=True))),
    )
    return School.objects.filter(pk__in_array=ids).order_by("name")


def social_workers_of(virtual_school_id: int) -> QuerySet[User]:
    return User.objects.filter(
        role=Role.SOCIAL_WORKER, virtual_school_id=virtual_school_id, is_active=True
    )


def child_history(*, child: Child) -> dict:
    """Education history, social workers, placements and grants of a child (already allowed)."""
    return {
        "enrolments": child.enrolments.select_related("school").prefetch_related(
            "school__memberships__user"
        ),
        "allocations": child.allocations.select_related("social_worker"),
        "placements": child.placements.prefetch_related("carers"),
        "grants": child.access_grants.select_related(
            "grantee", "granted_by", "exception_approved_by"
        ),
        # Every PEP version (the peps app's model, reached through its relation to Child).
        "peps": list(child.peps.select_related("term", "signed_off_copy")),
    }
