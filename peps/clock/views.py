"""The Virtual School's calendar pages: its terms and closure days."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.decorators import role_required
from accounts.govuk_forms import raise_on_form
from accounts.models import VIRTUAL_SCHOOL_STAFF, Role
from pep_portal.kept_posts import keeps_post_after_sign_out, kept_post

from ..forms import ClosureDayForm, TermForm
from ..models import ClosureDay, PepSettings, Term
from . import services as calendar_services
from .forms import SETTING_FIELDS, PepSettingsForm


@role_required(*VIRTUAL_SCHOOL_STAFF)
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def calendar(request):
    virtual_school = request.user.virtual_school
    closure_form = ClosureDayForm(request.POST or kept_post(request))
    if request.method == "POST" and closure_form.is_valid():
        try:
            calendar_services.closure_day_add(
                actor=request.user,
                virtual_school=virtual_school,
                day=closure_form.cleaned_data["day"],
                reason=closure_form.cleaned_data["reason"],
            )
        except ValidationError as error:
            raise_on_form(closure_form, error)
        else:
            messages.success(request, "The closure day has been added")
            return redirect("peps:calendar")
    return render(
        request,
        "peps/calendar.html",
        {
            "terms": Term.objects.filter(virtual_school=virtual_school).order_by("start_date"),
            "closures": ClosureDay.objects.filter(virtual_school=virtual_school),
            "form": closure_form,
        },
    )


@role_required(*VIRTUAL_SCHOOL_STAFF)
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def term_edit(request, term_id=None):
    virtual_school = request.user.virtual_school
    term = get_object_or_404(Term, pk=term_id, virtual_school=virtual_school) if term_id else None
    initial = {f: getattr(term, f) for f in calendar_services.TERM_FIELDS} if term else {}
    form = TermForm(request.POST or kept_post(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            calendar_services.term_save(
                actor=request.user, virtual_school=virtual_school, term=term, **form.cleaned_data
            )
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, "The term has been saved")
            return redirect("peps:calendar")
    title = f"Change the term: {term}" if term else "Add a term"
    return render(request, "peps/term_form.html", {"form": form, "title": title})


@role_required(Role.VIRTUAL_SCHOOL_HEAD)
@require_http_methods(["GET", "POST"])
@keeps_post_after_sign_out
def pep_settings(request):
    virtual_school = request.user.virtual_school
    current = PepSettings.objects.filter(virtual_school=virtual_school).first() or PepSettings()
    form = PepSettingsForm(
        request.POST or kept_post(request),
        initial={name: getattr(current, name) for name in SETTING_FIELDS},
    )
    if request.method == "POST" and form.is_valid():
        try:
            calendar_services.pep_settings_set(
                actor=request.user, virtual_school=virtual_school, **form.cleaned_data
            )
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, "The PEP settings have been saved")
            return redirect("peps:settings")
    return render(request, "peps/settings.html", {"form": form})
