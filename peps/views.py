"""PEP pages. Each fetches through `pep_get_for_user` (404 for no access) and asks
`peps.policy` what this person may do (403 for see-but-not-act); writes go to services."""

from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import role_required
from accounts.govuk_forms import raise_on_form
from accounts.models import VIRTUAL_SCHOOL_STAFF, Role
from accounts.once import SubmittedTwice, submit_once, submitted_twice
from children.selectors import child_get_for_user
from pep_portal.kept_posts import keeps_post_after_sign_out, kept_post
from pep_portal.pagination import paged_lists

from . import policy, selectors, services, workflow
from .education import pep_scale
from .forms import (
    CommentForm,
    KindForm,
    ReminderPreferenceForm,
    ReturnForm,
    SectionForm,
    SignOffForm,
    TargetForm,
    TargetReviewForm,
)
from .models import Pep, PepSettings, QualityReview, ReminderPreference
from .progress import pep_progress
from .rules import QUALITY_CHECKLIST, rating_rule_description
from .sections import section_for


def _checklist(progress):
    return [(rule.message, rule.check(progress.facts)) for rule in QUALITY_CHECKLIST]


def _render_overview(request, pep: Pep, *, action_errors=(), kind_form=None, status=200):
    capacity = policy.capacity_for(user=request.user, pep=pep)
    progress = pep_progress(pep)
    last_review = pep.quality_reviews.select_related("reviewer").first()
    context = {
        "pep": pep,
        "child": pep.child,
        "progress": progress,
        "school_sections": progress.owned_by("designated_teacher", "either"),
        "social_worker_sections": progress.owned_by("social_worker"),
        "checklist": _checklist(progress),
        "capacity": capacity,
        "can_complete_school_part": policy.can_complete_school_part(capacity, pep),
        "can_submit": policy.can_submit(capacity, pep),
        "can_quality_assure": policy.can_quality_assure(capacity, pep),
        "can_download_draft": policy.can_download_draft(capacity, pep),
        "can_print_blank": policy.can_print_blank(request.user),
        "copy": getattr(pep, "signed_off_copy", None) if pep.is_locked else None,
        "kind_form": kind_form
        or (
            KindForm(initial={"kind": pep.kind}) if policy.can_change_kind(capacity, pep) else None
        ),
        "returned": last_review
        if last_review
        and last_review.decision == QualityReview.Decision.RETURNED
        and pep.state != Pep.State.SUBMITTED
        else None,
        "signed_off_review": last_review if pep.is_locked else None,
        "action_errors": list(action_errors),
        # The meetings app builds on this one: reached through the relation, not imported.
        "meetings": list(pep.meetings.all()),
    }
    # So do attachments and the child's and carers' views: the page shows them through the PEP's
    # relations, read here in the view rather than one query each while the template renders.
    prefetch_related_objects([pep], "attachments", "carer_views", "child_views_responses")
    return render(request, "peps/overview.html", context, status=status)


@login_required
def overview(request, pep_id):
    return _render_overview(request, selectors.pep_get_for_user(user=request.user, pep_id=pep_id))


@login_required
@require_POST
def pep_start(request, child_id):
    child = child_get_for_user(user=request.user, child_id=child_id)
    try:
        pep = services.pep_start(child=child, actor=request.user)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
        return redirect("children:detail", child_id=child.pk)
    messages.success(request, "The PEP has been started")
    return redirect("peps:overview", pep_id=pep.pk)


@login_required
@require_POST
def change_kind(request, pep_id):
    pep = selectors.pep_get_for_user(user=request.user, pep_id=pep_id)
    if not policy.can_change_kind(policy.capacity_for(user=request.user, pep=pep), pep):
        raise PermissionDenied
    form = KindForm(request.POST)
    if form.is_valid():
        try:
            services.pep_change_kind(pep=pep, actor=request.user, kind=form.cleaned_data["kind"])
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, "The kind of PEP has been changed")
            return redirect("peps:overview", pep_id=pep.pk)
    return _render_overview(request, pep, kind_form=form)


def _section_or_404(pep: Pep, section_key: str):
    section = section_for(pep.kind, section_key)
    if section is None or pep_progress(pep).get(section_key) is None:
        raise Http404("No such section in this PEP")
    return section


@login_required
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def section(request, pep_id, section_key):
    pep = selectors.pep_get_for_user(user=request.user, pep_id=pep_id)
    section = _section_or_404(pep, section_key)
    return _section_page(request, pep, section)


def _section_page(request, pep, section, *, comment_form=None):
    capacity = policy.capacity_for(user=request.user, pep=pep)
    can_edit = policy.can_edit_section(capacity, pep, section)
    row = pep.answers.filter(section_key=section.key).first()
    saved = row.answers if row else {}
    form = None
    conflict = locked = False
    posting_answers = request.method == "POST" and comment_form is None
    scale = pep_scale(pep)
    if can_edit:
        form = SectionForm(
            request.POST if posting_answers else kept_post(request),
            section=section,
            answers=saved,
            version=row.version if row else 0,
            scale=scale,
        )
    elif posting_answers:
        if not policy.can_edit_section(capacity, _as_draft(pep), section):
            raise PermissionDenied
        # They could change this section when they opened it; the PEP has moved on since
        # (the school's part completed, sent to the Virtual School). Show their answers back.
        locked = True
        form = _locked_form(request, section, saved, row, scale)
    if posting_answers and not locked and form.is_valid():
        try:
            services.section_save(
                pep=pep,
                section_key=section.key,
                answers=form.answers(),
                expected_version=form.cleaned_data["version"],
                actor=request.user,
            )
        except services.EditConflict as error:
            # Show their input again, now against the saved version, so saving again works.
            # The section may never have been saved (a stale or forged version on a new one).
            conflict = True
            row = pep.answers.filter(section_key=section.key).first()
            saved = row.answers if row else {}
            current = row.version if row else 0
            data = request.POST.copy()
            data["version"] = current
            form = SectionForm(data, section=section, answers=saved, version=current, scale=scale)
            form.is_valid()
            form.add_error(None, error)
        except PermissionDenied:  # the PEP moved on between the check above and the save
            locked = True
            form = _locked_form(request, section, saved, row, scale)
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, f"{section.title}: saved")
            return redirect("peps:overview", pep_id=pep.pk)
    context = {
        "pep": pep,
        "child": pep.child,
        "section": section,
        "form": form,
        "conflict": conflict,
        "locked": locked,
        "saved": [(q, saved.get(q.key)) for q in section.questions],
        "scale": scale,
        "comments": pep.comments.filter(section_key=section.key).select_related("author"),
        "comment_form": comment_form
        or (CommentForm() if policy.can_comment(capacity, pep) else None),
    }
    if section.has_targets:
        progress = pep_progress(pep)
        context.update(
            targets=progress.facts.targets,
            reviews=progress.facts.reviews,
            can_edit_targets=can_edit,
        )
    return render(request, "peps/section.html", context, status=409 if locked else 200)


SECTION_LOCKED = (
    "This section can no longer be changed: the PEP moved on after you opened it. Your "
    "answers have not been saved; they are below for you to copy."
)


def _as_draft(pep: Pep) -> Pep:
    """The PEP as if it were still a draft: whether someone could change a section at all."""
    draft = copy(pep)
    draft.state = Pep.State.DRAFT
    return draft


def _locked_form(request, section, saved, row, scale) -> SectionForm:
    form = SectionForm(
        request.POST, section=section, answers=saved, version=row.version if row else 0,
        scale=scale,
    )  # fmt: skip
    form.is_valid()
    form.add_error(None, SECTION_LOCKED)
    return form


@login_required
@require_POST
def comment_add(request, pep_id, section_key):
    pep = selectors.pep_get_for_user(user=request.user, pep_id=pep_id)
    section = _section_or_404(pep, section_key)
    if not policy.can_comment(policy.capacity_for(user=request.user, pep=pep), pep):
        raise PermissionDenied
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _section_page(request, pep, section, comment_form=form)
    services.section_comment_add(
        pep=pep, section_key=section.key, actor=request.user, text=form.cleaned_data["text"]
    )
    messages.success(request, "Your comment has been added")
    return redirect("peps:section", pep_id=pep.pk, section_key=section.key)


def _targets_page(pep: Pep) -> str:
    return reverse("peps:section", kwargs={"pep_id": pep.pk, "section_key": "targets"})


def _require_target_editing(request, pep: Pep) -> None:
    capacity = policy.capacity_for(user=request.user, pep=pep)
    if not policy.can_edit_section(capacity, pep, section_for(pep.kind, "targets")):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def target_edit(request, pep_id, target_id=None):
    pep = selectors.pep_get_for_user(user=request.user, pep_id=pep_id)
    target = get_object_or_404(pep.targets, pk=target_id) if target_id else None
    targets = section_for(pep.kind, "targets")
    capacity = policy.capacity_for(user=request.user, pep=pep)
    locked = not policy.can_edit_section(capacity, pep, targets)
    if locked and not (
        request.method == "POST" and policy.can_edit_section(capacity, _as_draft(pep), targets)
    ):
        raise PermissionDenied
    form = TargetForm(request.POST or kept_post(request), instance=target, kind=pep.kind)
    if locked:
        # The PEP moved on while they typed: their target is shown back, not saved.
        form.is_valid()
        form.add_error(None, TARGETS_LOCKED)
    elif request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "submission_token"}

        def save():
            services.target_save(pep=pep, actor=request.user, target=target, **fields)
            return _targets_page(pep)

        try:
            submit_once(form=form, user=request.user, change=save)
        except SubmittedTwice as twice:
            return submitted_twice(request, twice)
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, "The target has been saved")
            return redirect(_targets_page(pep))
    title = "Change the target" if target else "Add a target"
    return render(
        request,
        "peps/form_page.html",
        {"form": form, "pep": pep, "title": title, "back": _targets_page(pep)},
        status=409 if locked else 200,
    )


TARGETS_LOCKED = (
    "The targets can no longer be changed: the PEP moved on after you opened this page. This "
    "target has not been saved; it is below for you to copy."
)


@login_required
@require_http_methods(["GET", "POST"])
def target_delete(request, pep_id, target_id):
    pep = selectors.pep_get_for_user(user=request.user, pep_id=pep_id)
    target = get_object_or_404(pep.targets, pk=target_id)
    _require_target_editing(request, pep)
    if request.method == "POST":
        try:
            services.target_delete(pep=pep, actor=request.user, target=target)
        except ValidationError as error:
            messages.info(request, error.messages[0])
        else:
            messages.success(request, "The target has been removed")
        return redirect(_targets_page(pep))
    return render(request, "peps/target_delete.html", {"pep": pep, "target": target})


@login_required
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def target_review(request, pep_id, review_id):
    pep = selectors.pep_get_for_user(user=request.user, pep_id=pep_id)
    review = get_object_or_404(pep.target_reviews.select_related("target"), pk=review_id)
    _require_target_editing(request, pep)
    initial = {
        "outcome": review.outcome,
        "evidence": review.evidence,
        "ppplus_impact": review.ppplus_impact,
    }
    form = TargetReviewForm(request.POST or kept_post(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_review_save(review=review, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, "The review has been saved")
            return redirect(_targets_page(pep))
    return render(
        request,
        "peps/form_page.html",
        {
            "form": form,
            "pep": pep,
            "title": "Review a previous target",
            "back": _targets_page(pep),
            "target": review.target,
        },
    )


def _transition(request, pep_id, service, success: str):
    pep = selectors.pep_get_for_user(user=request.user, pep_id=pep_id)
    try:
        service(pep=pep, actor=request.user)
    except workflow.TransitionNotAllowed as error:
        return _render_overview(request, pep, action_errors=[str(error)], status=409)
    except ValidationError as error:
        return _render_overview(request, pep, action_errors=error.messages)
    messages.success(request, success)
    return redirect("peps:overview", pep_id=pep.pk)


@login_required
@require_POST
def complete_school_part(request, pep_id):
    return _transition(
        request,
        pep_id,
        workflow.pep_complete_school_part,
        "The school's part is complete. The social worker has been asked to complete theirs.",
    )


@login_required
@require_POST
def submit(request, pep_id):
    return _transition(
        request, pep_id, workflow.pep_submit, "The PEP has been sent to the Virtual School"
    )


def _quality_page(request, pep, *, sign_off_form=None, return_form=None, status=200):
    progress = pep_progress(pep)
    sections = [s.section for s in progress.sections]
    return render(
        request,
        "peps/quality.html",
        {
            "pep": pep,
            "child": pep.child,
            "progress": progress,
            "checklist": _checklist(progress),
            "rating_rule": _rating_rule(pep),
            "sign_off_form": sign_off_form or SignOffForm(sections=sections),
            "return_form": return_form or ReturnForm(sections=sections),
            "form": sign_off_form if sign_off_form and sign_off_form.errors else return_form,
        },
        status=status,
    )


def _rating_rule(pep: Pep) -> str:
    settings_row = (
        PepSettings.objects.filter(virtual_school=pep.child.virtual_school_id).first()
        or PepSettings()
    )
    return rating_rule_description(
        settings_row.rating_rule, amber_threshold=settings_row.amber_threshold
    )


def _quality_pep(request, pep_id) -> Pep:
    pep = selectors.pep_get_for_user(user=request.user, pep_id=pep_id)
    capacity = policy.capacity_for(user=request.user, pep=pep)
    if not capacity.virtual_school:
        raise PermissionDenied
    if not policy.can_quality_assure(capacity, pep):
        raise workflow.TransitionNotAllowed("This PEP is not waiting for quality assurance")
    return pep


@login_required
@require_http_methods(["GET", "POST"])
def quality_assurance(request, pep_id):
    try:
        pep = _quality_pep(request, pep_id)
    except workflow.TransitionNotAllowed as error:
        pep = selectors.pep_get_for_user(user=request.user, pep_id=pep_id)
        return _render_overview(request, pep, action_errors=[str(error)], status=409)
    if request.method == "GET":
        return _quality_page(request, pep)
    sections = [s.section for s in pep_progress(pep).sections]
    form = SignOffForm(request.POST, sections=sections)
    if form.is_valid():
        try:
            review = workflow.pep_sign_off(
                pep=pep,
                actor=request.user,
                section_ratings=form.ratings(),
                feedback=form.cleaned_data["feedback"],
            )
        except workflow.TransitionNotAllowed as error:
            return _render_overview(request, pep, action_errors=[str(error)], status=409)
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(
                request, f"The PEP has been signed off, rated {review.get_overall_rating_display()}"
            )
            return redirect("peps:overview", pep_id=pep.pk)
    return _quality_page(request, pep, sign_off_form=form)


@login_required
@require_POST
def return_for_amendments(request, pep_id):
    try:
        pep = _quality_pep(request, pep_id)
    except workflow.TransitionNotAllowed as error:
        pep = selectors.pep_get_for_user(user=request.user, pep_id=pep_id)
        return _render_overview(request, pep, action_errors=[str(error)], status=409)
    form = ReturnForm(request.POST, sections=[s.section for s in pep_progress(pep).sections])
    if form.is_valid():
        try:
            workflow.pep_return_for_amendments(
                pep=pep,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                section_keys=form.cleaned_data["sections"],
            )
        except workflow.TransitionNotAllowed as error:
            return _render_overview(request, pep, action_errors=[str(error)], status=409)
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, "The PEP has been returned. Its social worker and "
                             "designated teacher have been emailed.")  # fmt: skip
            return redirect("peps:quality_queue")
    return _quality_page(request, pep, return_form=form)


@role_required(*VIRTUAL_SCHOOL_STAFF)
def quality_assurance_queue(request):
    """The PEPs waiting, and the signed-off copies not made yet, a page of each at a time: a
    council can have hundreds waiting at the end of a term."""
    queue, counted_at = selectors.quality_assurance_queue_kept(user=request.user)
    lists = {"peps": queue, "owed": selectors.copies_owed(user=request.user)}
    context = paged_lists(request, lists, per_page=QUEUE_PER_PAGE) | {"counted_at": counted_at}
    return render(request, "peps/quality_queue.html", context)


QUEUE_PER_PAGE = 50


@role_required(Role.SOCIAL_WORKER, Role.DESIGNATED_TEACHER, *VIRTUAL_SCHOOL_STAFF)
def deadlines(request):
    context = selectors.dashboard_for(user=request.user, today=timezone.localdate())
    # A Virtual School has hundreds overdue and upcoming: each list shows a page at a time.
    lists = {name: context[name] for name in DEADLINE_LISTS}
    context |= paged_lists(request, lists, per_page=DEADLINES_PER_PAGE, counts=context["counts"])
    return render(request, "peps/deadlines.html", context)


DEADLINES_PER_PAGE = 50
DEADLINE_LISTS = ("overdue", "due_soon", "social_care_reviews", "upcoming")


@role_required(Role.SOCIAL_WORKER, Role.DESIGNATED_TEACHER, *VIRTUAL_SCHOOL_STAFF)
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def reminder_preference(request):
    current = ReminderPreference.objects.filter(user=request.user).first()
    form = ReminderPreferenceForm(
        request.POST or kept_post(request),
        initial={"frequency": current.frequency if current else "daily"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reminder_preference_set(
                user=request.user, frequency=form.cleaned_data["frequency"]
            )
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, "Your choice of reminder emails has been saved")
            return redirect("peps:deadlines")
    return render(request, "peps/reminder_preference.html", {"form": form})
