"""PEP meeting pages. Meetings are seen by whoever may see the child; only the allocated social
worker, who chairs them, arranges, changes, cancels and records them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.govuk_forms import raise_on_form
from accounts.models import Role, User
from accounts.once import SubmittedTwice, submit_once, submitted_twice
from children.selectors import carers_of
from pep_portal.kept_posts import keeps_post_after_sign_out, kept_post
from peps.policy import capacity_for
from peps.selectors import pep_get_for_user

from . import selectors, services
from .forms import ActionDropForm, ActionForm, InviteesForm, RecordForm, ScheduleForm, WhenWhereForm
from .models import Invitation


def _require_chair(request, pep) -> None:
    if pep.is_locked or not capacity_for(user=request.user, pep=pep).social_worker:
        raise PermissionDenied


def _suggested_invitees(pep) -> dict:
    child = pep.child
    suggested = {}
    teacher = User.objects.filter(
        role=Role.DESIGNATED_TEACHER,
        is_active=True,
        school_memberships__school__enrolments__child=child,
        school_memberships__school__enrolments__end_date__isnull=True,
    ).first()
    if teacher:
        suggested[Invitation.Role.DESIGNATED_TEACHER] = (teacher.full_name, teacher.email)
    carer = carers_of(child=child).first()
    if carer:
        suggested[Invitation.Role.CARER] = (carer.full_name, carer.email)
    return suggested


def _page(request, template, **context):
    return render(request, f"meetings/{template}.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def schedule(request, pep_id):
    pep = pep_get_for_user(user=request.user, pep_id=pep_id)
    _require_chair(request, pep)
    form = ScheduleForm(
        request.POST or kept_post(request),
        suggested=_suggested_invitees(pep),
        open_meeting=services.open_meeting_of(pep),
    )
    if request.method == "POST" and form.is_valid():

        def arrange():
            meeting = services.meeting_schedule(
                pep=pep,
                actor=request.user,
                starts_at=form.starts_at(),
                duration_minutes=form.cleaned_data["duration_minutes"],
                mode=form.cleaned_data["mode"],
                location=form.cleaned_data["location"],
                online_link=form.cleaned_data["online_link"],
                invitees=form.invitees(),
                allow_holiday=form.cleaned_data["allow_holiday"],
                another_confirmed=form.cleaned_data.get("another_confirmed", False),
            )
            return reverse("meetings:detail", args=[meeting.pk])

        try:
            url = submit_once(form=form, user=request.user, change=arrange)
        except SubmittedTwice as twice:
            return submitted_twice(request, twice)
        except ValidationError as error:
            raise_on_form(form, _on_fields(error))
        else:
            messages.success(request, "The meeting is arranged and the invitations have been sent")
            return redirect(url)
    return _page(request, "form", form=form, pep=pep, title="Arrange the PEP meeting")


def _on_fields(error: ValidationError) -> ValidationError:
    """The service names `starts_at`; the form asks for a day and a time."""
    if hasattr(error, "error_dict") and "starts_at" in error.error_dict:
        error.error_dict["day"] = error.error_dict.pop("starts_at")
    return error


@login_required
def detail(request, meeting_id):
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    can_close = capacity_for(user=request.user, pep=meeting.pep).social_worker
    is_chair = (
        not meeting.pep.is_locked and capacity_for(user=request.user, pep=meeting.pep).social_worker
    )
    return _page(
        request,
        "detail",
        meeting=meeting,
        pep=meeting.pep,
        took_part=meeting.took_part(),
        actions=meeting.actions.all(),
        follow_up=selectors.actions_to_follow_up(meeting),
        is_chair=is_chair,
        can_close=can_close,
        has_started=meeting.starts_at <= timezone.now(),
        action_form=ActionForm() if is_chair else None,
    )


@login_required
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def change(request, meeting_id):
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    _require_chair(request, meeting.pep)
    local = timezone.localtime(meeting.starts_at)
    initial = {
        "day": local.date(),
        "start_time": local.strftime("%H:%M"),
        "duration_minutes": meeting.duration_minutes,
        "mode": meeting.mode,
        "location": meeting.location,
        "online_link": meeting.online_link,
    }
    form = WhenWhereForm(request.POST or kept_post(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_reschedule(
                meeting=meeting,
                actor=request.user,
                starts_at=form.starts_at(),
                duration_minutes=form.cleaned_data["duration_minutes"],
                mode=form.cleaned_data["mode"],
                location=form.cleaned_data["location"],
                online_link=form.cleaned_data["online_link"],
                allow_holiday=form.cleaned_data["allow_holiday"],
            )
        except ValidationError as error:
            raise_on_form(form, _on_fields(error))
        else:
            messages.success(request, "The meeting has changed and everyone's calendar updated")
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return _page(request, "form", form=form, pep=meeting.pep, title="Change the meeting")


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, meeting_id):
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    _require_chair(request, meeting.pep)
    if request.method == "POST":
        try:
            services.meeting_cancel(meeting=meeting, actor=request.user)
        except ValidationError as error:
            messages.info(request, error.messages[0])
        else:
            messages.success(request, "The meeting is cancelled and everyone has been told")
        return redirect("meetings:detail", meeting_id=meeting.pk)
    return _page(request, "cancel", meeting=meeting, pep=meeting.pep)


@login_required
@require_http_methods(["GET", "POST"])
def record(request, meeting_id):
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    _require_chair(request, meeting.pep)
    carer = carers_of(child=meeting.pep.child).first()
    form = RecordForm(
        request.POST or None,
        meeting=meeting,
        child_name=meeting.pep.child.display_name,
        carer_name=carer.full_name if carer else "",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_record(
                meeting=meeting,
                actor=request.user,
                chaired_by=form.cleaned_data["chaired_by"],
                took_part=form.took_part(),
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, "The meeting's record has been saved")
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return _page(request, "form", form=form, pep=meeting.pep, title="Record the meeting")


@login_required
@require_POST
def action_add(request, meeting_id):
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    _require_chair(request, meeting.pep)
    form = ActionForm(request.POST)
    if form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "submission_token"}

        def add():
            services.meeting_action_add(meeting=meeting, actor=request.user, **fields)
            return reverse("meetings:detail", args=[meeting.pk])

        try:
            submit_once(form=form, user=request.user, change=add)
        except SubmittedTwice as twice:
            return submitted_twice(request, twice)
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, "The action has been added")
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return _page(request, "form", form=form, pep=meeting.pep, title="Add an action")


def _back_to(request, action) -> str:
    """The meeting page the action was closed from (the next meeting's review), if the person
    may see it, else the meeting it was agreed at."""
    meeting_id = request.POST.get("back_to") or request.GET.get("back_to")
    if meeting_id and meeting_id.isdigit():
        try:
            return reverse(
                "meetings:detail",
                args=[selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id).pk],
            )
        except Http404:
            pass
    return reverse("meetings:detail", args=[action.meeting_id])


def _require_social_worker(request, action) -> None:
    if not capacity_for(user=request.user, pep=action.meeting.pep).social_worker:
        raise PermissionDenied


@login_required
@require_POST
def action_done(request, action_id):
    action = selectors.action_get_for_user(user=request.user, action_id=action_id)
    _require_social_worker(request, action)
    try:
        services.meeting_action_close(action=action, actor=request.user, state="done")
    except ValidationError as error:
        messages.info(request, error.messages[0])
    else:
        messages.success(request, f"Marked as done: {action.description}")
    return redirect(_back_to(request, action))


@login_required
@require_http_methods(["GET", "POST"])
def action_drop(request, action_id):
    action = selectors.action_get_for_user(user=request.user, action_id=action_id)
    _require_social_worker(request, action)
    form = ActionDropForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_action_close(
                action=action,
                actor=request.user,
                state="dropped",
                dropped_reason=form.cleaned_data["dropped_reason"],
            )
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, f"Dropped: {action.description}")
            return redirect(_back_to(request, action))
    return _page(
        request,
        "action_drop",
        form=form,
        action=action,
        pep=action.meeting.pep,
        back_to=request.POST.get("back_to") or request.GET.get("back_to", ""),
        back_url=_back_to(request, action),
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitees(request, meeting_id):
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    _require_chair(request, meeting.pep)
    # Bound on every POST: clearing every row is a choice to refuse, not an empty form.
    data = request.POST if request.method == "POST" else None
    form = InviteesForm(data, invitations=meeting.current_invitations())
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_change_invitees(
                meeting=meeting, actor=request.user, invitees=form.invitees()
            )
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(
                request, "Who is invited has changed, and those added or taken off have been told"
            )
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return _page(request, "form", form=form, pep=meeting.pep, title="Change who is invited")


@login_required
def calendar_file(request, meeting_id):
    """The meeting's .ics for whoever may see the meeting, written to the audit trail."""
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    ics = services.meeting_calendar_download(meeting=meeting, actor=request.user)
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="pep-meeting.ics"'
    return response
