"""PP+ pages: a PEP's requests, the Virtual School's decisions and payments, the report and
finance's exports. Access follows the PEP's child; decisions and money are the Virtual School's."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.decorators import role_required
from accounts.govuk_forms import raise_on_form
from accounts.models import VIRTUAL_SCHOOL_STAFF, Role
from audit.services import audit_record
from children.school_year import academic_year_of
from children.selectors import children_visible_to
from pep_portal.kept import kept
from pep_portal.kept_posts import keeps_post_after_sign_out, kept_post
from pep_portal.pagination import paged_lists
from pep_portal.spreadsheets import Sheet, csv_response, xlsx_response
from peps.policy import can_edit_section, capacity_for
from peps.sections import section_for
from peps.selectors import pep_get_for_user

from . import reports, services
from .forms import DecisionForm, JustificationForm, PaymentForm, PolicyForm, RequestForm
from .models import FundingPolicy, PpPlusJustification, PpPlusRequest


def _pep_page(request, pep, *, justification_form=None, status=200):
    capacity = capacity_for(user=request.user, pep=pep)
    targets = list(pep.targets.filter(ppplus_amount__gt=0).select_related("ppplus_request"))
    allowance = services.allowance_for(pep)
    total = sum((t.ppplus_amount for t in targets), Decimal(0))
    justification = PpPlusJustification.objects.filter(pep=pep).first()
    can_request = not pep.is_locked and can_edit_section(
        capacity, pep, section_for(pep.kind, "targets")
    )
    return render(
        request,
        "funding/pep.html",
        {
            "pep": pep,
            "child": pep.child,
            "targets": targets,
            "allowance": allowance,
            "total": total,
            "over": total > allowance,
            "over_by": total - allowance,
            "justification": justification,
            "can_request": can_request,
            "can_decide": capacity.virtual_school and pep.state == "submitted",
            "form": justification_form
            or (
                JustificationForm(initial={"text": justification.text if justification else ""})
                if can_request
                else None
            ),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def pep_funding(request, pep_id):
    pep = pep_get_for_user(user=request.user, pep_id=pep_id)
    if request.method == "GET":
        return _pep_page(request, pep)
    form = JustificationForm(request.POST)
    if form.is_valid():
        try:
            services.ppplus_justification_save(
                pep=pep, actor=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, "The reason has been saved")
            return redirect("funding:pep", pep_id=pep.pk)
    return _pep_page(request, pep, justification_form=form)


def _target(pep, target_id):
    return get_object_or_404(pep.targets.select_related("ppplus_request"), pk=target_id)


def _existing(target):
    try:
        return target.ppplus_request
    except PpPlusRequest.DoesNotExist:
        return None


@login_required
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def request_edit(request, pep_id, target_id):
    pep = pep_get_for_user(user=request.user, pep_id=pep_id)
    target = _target(pep, target_id)
    if not can_edit_section(
        capacity_for(user=request.user, pep=pep), pep, section_for(pep.kind, "targets")
    ):
        raise PermissionDenied
    existing = _existing(target)
    initial = (
        {"intervention": existing.intervention, "tuition_arranged_by": existing.tuition_arranged_by}
        if existing
        else {}
    )
    form = RequestForm(request.POST or kept_post(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.ppplus_request_save(target=target, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, "The PP+ request has been saved")
            return redirect("funding:pep", pep_id=pep.pk)
    return render(
        request,
        "funding/form.html",
        {"form": form, "pep": pep, "target": target, "title": "What the PP+ pays for"},
    )


@login_required
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def decide(request, pep_id, target_id):
    pep = pep_get_for_user(user=request.user, pep_id=pep_id)
    target = _target(pep, target_id)
    ppplus = _existing(target)
    capacity = capacity_for(user=request.user, pep=pep)
    if not capacity.virtual_school:
        raise PermissionDenied
    if ppplus is None or pep.state != "submitted":
        messages.info(request, "This request cannot be decided now")
        return redirect("funding:pep", pep_id=pep.pk)
    form = DecisionForm(request.POST or kept_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.ppplus_decide(
                request=ppplus,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                approved_amount=form.cleaned_data["approved_amount"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, "The decision has been saved")
            return redirect("funding:pep", pep_id=pep.pk)
    return render(
        request,
        "funding/form.html",
        {"form": form, "pep": pep, "target": target, "title": "Decide the PP+ request"},
    )


def _financial_year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = 0
    return year if 2000 <= year <= 2100 else services.financial_year_of(timezone.localdate())


@role_required(*VIRTUAL_SCHOOL_STAFF)
def report(request):
    year = _financial_year(request)
    user, today = request.user, timezone.localdate()

    def count():
        figures = reports.funding_report(
            virtual_school=user.virtual_school, financial_year=year, today=today
        )
        return figures, *reports.unpaid_visible_to(user)

    # Kept until a request, payment, policy, child or term of the Virtual School changes.
    (figures, unpaid, unpaid_count), counted_at = kept(
        user.virtual_school_id, ("ppplus", user.pk, year, today.isoformat()), count
    )
    context = {
        **figures,
        "counted_at": counted_at,
        "intervention_bars": reports.bars(figures["by_intervention"]),
        "term_bars": reports.bars(figures["by_term"]),
        "years": range(year - 2, year + 2),
        "unpaid": unpaid,
        "unpaid_count": unpaid_count,
    }
    # A council's year has hundreds of schools and children: a page of each at a time (the
    # ledger has every row).
    lists = {name: figures[name] for name in ("by_school", "by_child")}
    context |= paged_lists(request, lists, per_page=REPORT_ROWS_PER_PAGE)
    return render(request, "funding/report.html", context)


REPORT_ROWS_PER_PAGE = 50


def _export_rows(request, year):
    rows = reports.ledger_rows(virtual_school=request.user.virtual_school, financial_year=year)
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="ppplus.ledger_downloaded",
            changes={"financial_year": [None, year], "rows": [None, len(rows)]},
        )
    return rows


def _ledger(request, year) -> Sheet:
    """The year's commitments and payments, with their totals and the top-slice as values."""
    rows = _export_rows(request, year)
    amount = reports.LEDGER_HEADINGS.index("Amount (£)")

    def total(label, amount_value):
        row = [None] * len(reports.LEDGER_HEADINGS)
        row[0], row[amount] = label, amount_value
        return row

    totals = [
        total(f"Total {entry.lower()}", sum((r[amount] for r in rows if r[0] == entry), Decimal(0)))
        for entry in ("Committed", "Paid")
    ]
    totals += [
        total(label, value)
        for label, value in reports.ledger_summary(
            virtual_school=request.user.virtual_school, financial_year=year
        )
    ]
    return Sheet(
        title=f"PP+ {year} to {year + 1}",
        headings=reports.LEDGER_HEADINGS,
        rows=rows,
        totals=totals,
    )


@role_required(*VIRTUAL_SCHOOL_STAFF)
def export_csv(request):
    year = _financial_year(request)
    return csv_response(_ledger(request, year), file_name=f"pp-plus-ledger-{year}.csv")


@role_required(*VIRTUAL_SCHOOL_STAFF)
def export_xlsx(request):
    year = _financial_year(request)
    return xlsx_response([_ledger(request, year)], file_name=f"pp-plus-ledger-{year}.xlsx")


@role_required(*VIRTUAL_SCHOOL_STAFF)
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def payment_add(request, request_id):
    ppplus = get_object_or_404(
        PpPlusRequest.objects.select_related("target__pep__child", "school"),
        pk=request_id,
        target__pep__child__in=children_visible_to(user=request.user),
        target__pep__child__virtual_school=request.user.virtual_school,
    )
    form = PaymentForm(request.POST or kept_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_record(request=ppplus, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, "The payment has been recorded")
            return redirect("funding:report")
    return render(
        request,
        "funding/form.html",
        {"form": form, "ppplus": ppplus, "title": "Record a payment to the school"},
    )


@role_required(Role.VIRTUAL_SCHOOL_HEAD)
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def policy(request):
    virtual_school = request.user.virtual_school
    year = academic_year_of(timezone.localdate())
    current = services.policy_for(virtual_school_id=virtual_school.pk, academic_year=year)
    initial = {name: getattr(current, name) for name in PolicyForm.Meta.fields}
    initial["academic_year"] = year
    form = PolicyForm(request.POST or kept_post(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.funding_policy_set(
                actor=request.user, virtual_school=virtual_school, **form.cleaned_data
            )
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, "The PP+ policy has been saved")
            return redirect("funding:policy")
    history = FundingPolicy.objects.filter(virtual_school=virtual_school).select_related("set_by")
    return render(request, "funding/policy.html", {"form": form, "history": history})
