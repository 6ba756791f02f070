"""The Virtual School's dashboard (its staff's home), the annual report and moderation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.decorators import role_required
from accounts.govuk_forms import raise_on_form
from accounts.models import VIRTUAL_SCHOOL_STAFF, Role
from audit.services import audit_record
from children.selectors import (
    child_get_for_user,
    schools_attended_by_children_of,
    social_workers_of,
)
from pep_portal.kept_posts import keeps_post_after_sign_out, kept_post
from pep_portal.spreadsheets import XLSX
from peps.education import pep_scale
from peps.models import PepSettings
from peps.selectors import pep_get_for_user

from . import moderation as moderation_rules
from . import services
from .annual import SMALL_COUNT, annual_report
from .cached import kept_figures
from .changes import pep_changes
from .exports import annual_report_pdf, annual_report_xlsx
from .figures import dashboard as dashboard_figures
from .filters import person_terms
from .forms import AnnualReportForm, DashboardForm, DrawSampleForm, SecondRatingForm
from .progress import child_progress


@role_required(*VIRTUAL_SCHOOL_STAFF)
def dashboard(request):
    user = request.user
    form = DashboardForm(
        request.GET or None,
        terms=person_terms(user),
        schools=schools_attended_by_children_of(user.virtual_school_id),
        social_workers=social_workers_of(user.virtual_school_id),
    )
    values = form.values() if request.GET else {}
    today = timezone.localdate()
    board, counted_at = kept_figures(
        virtual_school_id=user.virtual_school_id, user_id=user.pk, values=values, today=today,
        count=lambda: dashboard_figures(user=user, values=values, today=today),
    )  # fmt: skip
    return render(
        request, "reporting/dashboard.html",
        {"form": form, "board": board, "counted_at": counted_at},
    )  # fmt: skip


def _annual(request):
    """The report as asked for. Until someone chooses (the form always sends its year), it is
    prepared for publication if the Virtual School's settings say so, with their threshold."""
    user = request.user
    settings_row = PepSettings.objects.filter(virtual_school_id=user.virtual_school_id).first()
    small_count = settings_row.publication_small_count if settings_row else SMALL_COUNT
    form = AnnualReportForm(request.GET or None, terms=person_terms(user), small_count=small_count)
    chosen = form.cleaned_data if form.is_valid() else {}  # a stale year falls back
    year = chosen.get("academic_year") or form.default_year()
    if "academic_year" in request.GET:
        published = bool(chosen.get("published"))
    else:
        published = bool(settings_row and settings_row.publication_suppression_by_default)
    report = annual_report(
        virtual_school=user.virtual_school,
        academic_year=year,
        published=published,
        small_count=small_count,
    )
    return form, report


@role_required(*VIRTUAL_SCHOOL_STAFF)
def annual(request):
    form, report = _annual(request)
    return render(request, "reporting/annual_report.html", {"form": form, "report": report})


def _download(request, report, *, kind: str, content: bytes, content_type: str):
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="report.annual_downloaded",
            changes={"academic_year": [None, report.academic_year], "format": [None, kind],
                     "published": [None, report.published],
                     "small_count": [None, report.small_count if report.published else None]},
        )  # fmt: skip
    response = HttpResponse(content, content_type=content_type)
    name = f"annual-report-{report.academic_year}-{report.academic_year + 1}"
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@role_required(*VIRTUAL_SCHOOL_STAFF)
def annual_xlsx(request):
    _, report = _annual(request)
    return _download(
        request, report, kind="xlsx", content=annual_report_xlsx(report),
        content_type=XLSX,
    )  # fmt: skip


@role_required(*VIRTUAL_SCHOOL_STAFF)
def annual_pdf(request):
    _, report = _annual(request)
    return _download(
        request, report, kind="pdf", content=annual_report_pdf(report),
        content_type="application/pdf",
    )  # fmt: skip


@role_required(*VIRTUAL_SCHOOL_STAFF)
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def moderation(request):
    """The rounds of moderation and, for the head, drawing the next; for each officer, the PEPs
    they are asked to rate again."""
    user = request.user
    is_head = user.role == Role.VIRTUAL_SCHOOL_HEAD
    if request.method == "POST" and not is_head:
        raise PermissionDenied
    form = None
    if is_head:
        form = DrawSampleForm(
            request.POST or kept_post(request), terms=moderation_rules.terms_to_draw(user=user)
        )
        if request.method == "POST" and form.is_valid():
            try:
                drawn = moderation_rules.moderation_round_draw(
                    actor=user,
                    term=form.cleaned_data["term"],
                    share_percent=form.cleaned_data["share_percent"],
                )
            except ValidationError as error:
                raise_on_form(form, error)
            else:
                messages.success(request, f"{drawn.samples.count()} PEPs drawn for {drawn.term}")
                return redirect("reporting:moderation_round", round_id=drawn.pk)
    return render(
        request,
        "reporting/moderation.html",
        {
            "form": form,
            "rounds": moderation_rules.rounds_of(user=user) if is_head else [],
            "to_rate": moderation_rules.samples_for_rater(user=user),
        },
    )


@role_required(Role.VIRTUAL_SCHOOL_HEAD)
def moderation_round(request, round_id):
    found = moderation_rules.round_get_for_user(user=request.user, round_id=round_id)
    results = moderation_rules.round_results(found)
    return render(request, "reporting/moderation_round.html", {"round": found, "results": results})


@role_required(*VIRTUAL_SCHOOL_STAFF)
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def moderation_rate(request, sample_id):
    """The blind second rating: the PEP's sections and answers, never the first ratings."""
    sample = moderation_rules.sample_get_for_rater(user=request.user, sample_id=sample_id)
    sections = moderation_rules.sections_to_rate(sample)
    form = SecondRatingForm(
        request.POST or kept_post(request), sections=sections, initial_ratings=sample.second_ratings
    )
    if request.method == "POST" and form.is_valid():
        try:
            moderation_rules.moderation_second_rating_save(
                actor=request.user, sample=sample, ratings=form.ratings()
            )
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, f"Your ratings of {sample.pep.child.display_name}\u2019s "
                             "PEP have been saved")  # fmt: skip
            return redirect("reporting:moderation")
    pep = sample.pep
    answers = {row.section_key: row.answers for row in pep.answers.all()}
    scale = pep_scale(pep)
    shown = [
        {
            "section": section,
            "saved": [(q, answers.get(section.key, {}).get(q.key)) for q in section.questions],
            "targets": list(pep.targets.all()) if section.has_targets else [],
        }
        for section in sections
    ]
    return render(
        request,
        "reporting/moderation_rate.html",
        {"sample": sample, "pep": pep, "shown": shown, "scale": scale, "form": form},
    )


@login_required
def progress(request, child_id):
    """Anyone who may see the child (carers may not: they see signed-off PEPs only)."""
    child = child_get_for_user(user=request.user, child_id=child_id)
    services.child_progress_record_view(actor=request.user, child=child)
    return render(request, "reporting/child_progress.html", {"child": child,
                  "progress": child_progress(child=child)})  # fmt: skip


@login_required
def changes(request, pep_id):
    """What changed since the child's previous signed-off PEP, for anyone who may see the
    child."""
    pep = pep_get_for_user(user=request.user, pep_id=pep_id)
    services.pep_changes_record_view(actor=request.user, pep=pep)
    return render(request, "reporting/pep_changes.html", {"pep": pep, "child": pep.child,
                  "comparison": pep_changes(pep=pep)})  # fmt: skip
