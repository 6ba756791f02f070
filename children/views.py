"""Pages about children. Every child is fetched through `child_get_for_user`; every write goes
through `children.services`."""

from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import role_required
from accounts.govuk_forms import raise_on_form
from accounts.models import VIRTUAL_SCHOOL_STAFF, Role, School, User
from accounts.once import SubmittedTwice, submit_once, submitted_twice
from audit import descriptions
from audit.models import AuditEvent
from pep_portal.kept_posts import keeps_post_after_sign_out, kept_post

from . import selectors, services
from .access import CHANGE, user_has_child_permission
from .forms import (
    AccessGrantForm,
    AttendanceChangeForm,
    ChildForm,
    ChildSearchForm,
    EndDateForm,
    EnrolmentForm,
    PlacementForm,
    TransferForm,
)
from .models import Child

PAGE_SIZE = 25


@role_required(Role.SOCIAL_WORKER)
def caseload(request):
    children = selectors.with_row_details(selectors.caseload_for(user=request.user))
    return render(request, "children/caseload.html", {"children": children})


@role_required(Role.DESIGNATED_TEACHER)
def school_children(request):
    schools = request.user.schools.all()
    children = selectors.with_row_details(selectors.children_at_schools_of(user=request.user))
    return render(
        request, "children/school_children.html", {"schools": schools, "children": children}
    )


@role_required(*VIRTUAL_SCHOOL_STAFF)
def virtual_school_children(request):
    virtual_school_id = request.user.virtual_school_id
    form = ChildSearchForm(
        request.GET,
        schools=selectors.schools_attended_by_children_of(virtual_school_id),
        social_workers=selectors.social_workers_of(virtual_school_id),
        key_stages=list(selectors.KEY_STAGES),
        extra_filters=selectors.LIST_FILTERS.values(),
        user=request.user,
    )
    # Each filter that is valid applies; an invalid one (a stale link, say) is left out alone.
    form.is_valid()
    data = form.cleaned_data
    filters = selectors.ChildFilters(
        search=data.get("search", ""),
        school_id=data["school"].pk if data.get("school") else None,
        social_worker_id=data["social_worker"].pk if data.get("social_worker") else None,
        year_group=data.get("year_group"),
        key_stage=data.get("key_stage", ""),
        sen_status=data.get("sen_status", ""),
        extra={key: data.get(key, "") for key in selectors.LIST_FILTERS},
    )
    children = selectors.children_of_virtual_school(user=request.user, filters=filters)
    page = Paginator(children, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_row_details(page.object_list, placements=True)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "children/virtual_school_children.html",
        {"form": form, "page": page, "children": page.object_list, "query": query.urlencode()},
    )


@role_required(Role.CARER)
def carer_home(request):
    children = selectors.with_next_meeting(
        selectors.with_peps_being_written(
            selectors.with_documents_shared_with_carers(
                selectors.with_signed_off_peps(selectors.children_placed_with(user=request.user))
            )
        )
    )
    return render(request, "children/carer_home.html", {"children": children})


@role_required(Role.REVIEWING_OFFICER)
def reviewing(request):
    children = selectors.with_row_details(selectors.children_reviewed_by(user=request.user))
    return render(request, "children/reviewing.html", {"children": children})


@login_required
def child_detail(request, child_id):
    child = selectors.child_get_for_user(user=request.user, child_id=child_id)
    services.child_record_view(actor=request.user, child=child)
    can_change = user_has_child_permission(user=request.user, child=child, codename=CHANGE)
    history = selectors.child_history(child=child)
    holds_case = any(
        a.is_current and a.social_worker_id == request.user.pk for a in history["allocations"]
    )
    peps = history["peps"]
    context = {
        "child": child,
        "can_change": can_change,
        "can_start_pep": (can_change or holds_case)
        and not any(p.state != "signed_off" for p in peps),
        "planned_moves": child.planned_moves.filter(
            enrolment__isnull=True, cancelled_at__isnull=True
        ).select_related("school"),
        **history,
    }
    return render(request, "children/child_detail.html", context)


def _form_page(request, *, form, title, heading, child=None, back=None, intro=""):
    return render(
        request,
        "children/form_page.html",
        {
            "form": form,
            "title": title,
            "heading": heading,
            "child": child,
            "back": back,
            "intro": intro,
        },
    )


def _saved(request, child: Child, message: str):
    messages.success(request, message)
    return redirect("children:detail", child_id=child.pk)


@role_required(*VIRTUAL_SCHOOL_STAFF)
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def child_create(request):
    form = ChildForm(request.POST or kept_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            child = services.child_create(
                actor=request.user, virtual_school=request.user.virtual_school, **form.cleaned_data
            )
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            return _saved(request, child, f"{child.display_name} has been added")
    return _form_page(
        request,
        form=form,
        title="Add a child",
        heading="Add a child",
        back=reverse("children:virtual_school_children"),
        intro="Add a child your council looks after. Then record their school, social worker "
        "and placement.",
    )


@login_required
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def child_edit(request, child_id):
    child = selectors.child_get_for_user(user=request.user, child_id=child_id, to_change=True)
    if request.method == "GET":
        services.child_record_view(actor=request.user, child=child)
    # The form works on a copy: the service re-reads and locks the row it changes.
    form = ChildForm(request.POST or kept_post(request), instance=copy(child))
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.child_update(actor=request.user, child=child, **fields)
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            return _saved(request, child, "The child's details have been saved")
    return _form_page(
        request,
        form=form,
        title="Change the child's details",
        heading="Change the child's details",
        child=child,
    )


@login_required
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def enrolment_add(request, child_id):
    child = selectors.child_get_for_user(user=request.user, child_id=child_id, to_change=True)
    has_current = child.enrolments.filter(end_date__isnull=True).exists()
    form = EnrolmentForm(request.POST or kept_post(request), has_current=has_current)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        planned = data["start_date"] > timezone.localdate() and data["end_date"] is None
        try:
            if planned and (data.get("replaces_current") or not has_current):
                move = services.school_move_plan(
                    actor=request.user, child=child, school=data["school"],
                    start_date=data["start_date"], year_group=data["year_group"],
                    attendance_pattern=data["attendance_pattern"],
                )  # fmt: skip
            else:
                services.enrolment_start(actor=request.user, child=child, **data)
                move = None
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            if move is not None:
                return _saved(
                    request, child,
                    f"The move to {move.school.name} is planned for "
                    f"{move.start_date:%-d %B %Y}. Its designated teachers see the child from "
                    "that day.",
                )  # fmt: skip
            return _saved(request, child, "The school has been recorded")
    return _form_page(
        request,
        form=form,
        title="Add a school",
        heading="Add a school",
        child=child,
        intro="For a move known in advance, give the start date at the new school and tick "
        "that it is a school move: nothing changes until that day.",
    )


@login_required
@require_POST
def school_move_cancel(request, child_id, move_id):
    child = selectors.child_get_for_user(user=request.user, child_id=child_id, to_change=True)
    move = get_object_or_404(child.planned_moves.select_related("school"), pk=move_id)
    try:
        services.school_move_cancel(actor=request.user, move=move)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
        return redirect("children:detail", child_id=child.pk)
    return _saved(request, child, f"The planned move to {move.school.name} has been cancelled")


@login_required
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def enrolment_attendance(request, child_id, enrolment_id):
    child = selectors.child_get_for_user(user=request.user, child_id=child_id, to_change=True)
    enrolment = get_object_or_404(
        child.enrolments.select_related("school").filter(end_date__isnull=True), pk=enrolment_id
    )
    form = AttendanceChangeForm(
        request.POST or kept_post(request),
        initial={"attendance_pattern": enrolment.attendance_pattern},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_change_attendance(
                actor=request.user, enrolment=enrolment, **form.cleaned_data
            )
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            return _saved(request, child, "How the child attends has been changed")
    return _form_page(
        request,
        form=form,
        title="Change how the child attends",
        heading=f"How does the child attend {enrolment.school.name} now?",
        child=child,
        intro="A reduced timetable or alternative provision starting or ending brings the "
        "review of the social worker's part of the PEP forward.",
    )


@login_required
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def enrolment_end(request, child_id, enrolment_id):
    child = selectors.child_get_for_user(user=request.user, child_id=child_id, to_change=True)
    enrolment = get_object_or_404(child.enrolments.select_related("school"), pk=enrolment_id)
    form = EndDateForm(request.POST or kept_post(request), button="End the enrolment")
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_end(actor=request.user, enrolment=enrolment, **form.cleaned_data)
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            return _saved(request, child, f"The child has left {enrolment.school.name}")
    return _form_page(
        request,
        form=form,
        title="End the enrolment",
        heading=f"When did the child leave {enrolment.school.name}?",
        child=child,
    )


@login_required
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def transfer_case(request, child_id):
    child = selectors.child_get_for_user(user=request.user, child_id=child_id, to_change=True)
    current = child.allocations.filter(end_date__isnull=True).select_related("social_worker")
    current = current.first()
    social_workers = selectors.social_workers_of(child.virtual_school_id)
    if current is not None:
        social_workers = social_workers.exclude(pk=current.social_worker_id)
    form = TransferForm(request.POST or kept_post(request), social_workers=social_workers)
    if request.method == "POST" and form.is_valid():
        try:
            allocation = services.child_transfer_case(
                actor=request.user, child=child, social_worker=form.cleaned_data["social_worker"]
            )
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            return _saved(
                request, child, f"The case has been transferred to {allocation.social_worker}"
            )
    intro = (
        f"The case is held by {current.social_worker}. They lose access to the child's record "
        "as soon as you transfer it; the new social worker is emailed."
        if current
        else "No social worker holds the case. The social worker you choose is emailed."
    )
    return _form_page(
        request,
        form=form,
        title="Transfer the case",
        heading="Transfer the case to another social worker",
        child=child,
        intro=intro,
    )


@login_required
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def placement_add(request, child_id):
    child = selectors.child_get_for_user(user=request.user, child_id=child_id, to_change=True)
    has_current = child.placements.filter(end_date__isnull=True).exists()
    form = PlacementForm(request.POST or kept_post(request), has_current=has_current)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def start():
            services.placement_start(
                actor=request.user,
                child=child,
                placement_type=data["placement_type"],
                carers=form.carers(),
                start_date=data["start_date"],
                replaces_current=data.get("replaces_current", False),
            )
            return reverse("children:detail", args=[child.pk])

        try:
            submit_once(form=form, user=request.user, change=start)
        except SubmittedTwice as twice:
            return submitted_twice(request, twice)
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            return _saved(request, child, "The placement has been recorded")
    return _form_page(
        request, form=form, title="Add a placement", heading="Add a placement", child=child
    )


@login_required
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def placement_end(request, child_id, placement_id):
    child = selectors.child_get_for_user(user=request.user, child_id=child_id, to_change=True)
    placement = get_object_or_404(child.placements, pk=placement_id)
    form = EndDateForm(request.POST or kept_post(request), button="End the placement")
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_end(actor=request.user, placement=placement, **form.cleaned_data)
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            return _saved(request, child, "The placement has ended")
    return _form_page(
        request,
        form=form,
        title="End the placement",
        heading="When did the placement end?",
        child=child,
        intro="Its carers stop seeing the child's PEPs at once.",
    )


@login_required
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def access_grant_add(request, child_id):
    child = selectors.child_get_for_user(user=request.user, child_id=child_id, to_change=True)
    form = AccessGrantForm(
        request.POST or kept_post(request),
        may_approve_exceptions=services.may_approve_grant_exceptions(
            actor=request.user, child=child
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.access_grant_create(
                actor=request.user, child=child, **form.cleaned_data
            )
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            return _saved(
                request,
                child,
                f"{grant.grantee} can read the record until {grant.expires_on:%-d %B %Y}",
            )
    return _form_page(
        request,
        form=form,
        title="Give someone access",
        heading="Give someone read-only access",
        child=child,
        intro="For example, the independent reviewing officer before a care plan review, or a "
        "colleague a designated teacher delegates to.",
    )


@login_required
@require_http_methods(["POST"])
def access_grant_revoke(request, child_id, grant_id):
    child = selectors.child_get_for_user(user=request.user, child_id=child_id, to_change=True)
    grant = get_object_or_404(child.access_grants.select_related("grantee"), pk=grant_id)
    try:
        services.access_grant_revoke(actor=request.user, grant=grant)
    except ValidationError as error:
        messages.info(request, error.messages[0])
        return redirect("children:detail", child_id=child.pk)
    return _saved(request, child, f"{grant.grantee} can no longer read the record")


# Changes that record a person or a school by id, shown by name.
_PERSON_FIELDS = {"social_worker", "grantee", "carers", "designated_teacher", "chair"}
_SCHOOL_FIELDS = {"school", "to_school", "from_school"}


def _ids(events, fields) -> set[int]:
    found = set()
    for event in events:
        for field, values in event.changes.items():
            if field in fields:
                for value in values:
                    found.update(v for v in (value if isinstance(value, list) else [value])
                                 if isinstance(v, int))  # fmt: skip
    return found


def _history_rows(events) -> list[dict]:
    """Each event as a sentence, with its changes in words."""
    people = dict(User.objects.filter(pk__in=_ids(events, _PERSON_FIELDS)).values_list(
        "pk", "full_name"))  # fmt: skip
    schools = dict(School.objects.filter(pk__in=_ids(events, _SCHOOL_FIELDS)).values_list(
        "pk", "name"))  # fmt: skip
    roles = dict(Role.choices)
    rows = []
    for event in events:
        changes = []
        for field, values in event.changes.items():
            names = (
                people if field in _PERSON_FIELDS else schools if field in _SCHOOL_FIELDS else None
            )
            old, new = (
                (list(values) + [None, None])[:2] if isinstance(values, list) else (None, values)
            )
            changes.append({
                "field": descriptions.field_label(field),
                "old": descriptions.value_text(old, names),
                "new": descriptions.value_text(new, names),
                "was_empty": old in (None, "", []),
            })  # fmt: skip
        rows.append({
            "when": event.occurred_at,
            "sentence": descriptions.describe_event(
                actor_name=str(event.actor) if event.actor else None, action=event.action
            ),
            "role": roles.get(event.actor_role, ""),
            "changes": changes,
        })  # fmt: skip
    return rows


@login_required
def child_audit(request, child_id):
    """The child's history, for Virtual School officers and heads."""
    child = selectors.child_get_for_user(user=request.user, child_id=child_id, to_change=True)
    if request.user.role not in VIRTUAL_SCHOOL_STAFF:
        raise PermissionDenied
    events = AuditEvent.objects.filter(child=child).select_related("actor")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "children/child_audit.html",
        {"child": child, "page": page, "rows": _history_rows(list(page))},
    )
