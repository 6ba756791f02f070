"""The Virtual School's dashboard (its staff's home) and the annual report."""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.decorators import role_required
from accounts.models import VIRTUAL_SCHOOL_STAFF, School
from audit.services import audit_record
from children.selectors import child_get_for_user, social_workers_of
from peps.selectors import pep_get_for_user

from . import services
from .annual import annual_report
from .changes import pep_changes
from .exports import annual_report_pdf, annual_report_xlsx
from .figures import dashboard as dashboard_figures
from .filters import person_terms
from .forms import AnnualReportForm, DashboardForm
from .progress import child_progress


@role_required(*VIRTUAL_SCHOOL_STAFF)
def dashboard(request):
    user = request.user
    form = DashboardForm(
        request.GET or None,
        terms=person_terms(user),
        schools=School.objects.filter(
            enrolments__child__virtual_school_id=user.virtual_school_id,
            enrolments__end_date__isnull=True,
        )
        .distinct()
        .order_by("name"),
        social_workers=social_workers_of(user.virtual_school_id),
    )
    values = form.values() if request.GET else {}
    board = dashboard_figures(user=user, values=values, today=timezone.localdate())
    return render(request, "reporting/dashboard.html", {"form": form, "board": board})


def _annual(request):
    user = request.user
    form = AnnualReportForm(request.GET or None, terms=person_terms(user))
    chosen = form.cleaned_data if form.is_valid() else {}  # a stale year falls back
    year = chosen.get("academic_year") or form.default_year()
    published = bool(chosen.get("published"))
    report = annual_report(
        virtual_school=user.virtual_school, academic_year=year, published=published
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
                     "published": [None, report.published]},
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
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )  # fmt: skip


@role_required(*VIRTUAL_SCHOOL_STAFF)
def annual_pdf(request):
    _, report = _annual(request)
    return _download(
        request, report, kind="pdf", content=annual_report_pdf(report),
        content_type="application/pdf",
    )  # fmt: skip


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
