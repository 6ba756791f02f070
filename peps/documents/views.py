"""Downloads: the signed-off copy, a draft of a PEP in progress, the blank forms, and My PEP. Each
fetches through a selector (404 for no access), asks `peps.policy` where it must, and writes
the download to the audit trail through `peps.documents.copies`."""

import logging
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.text import slugify

from accounts.decorators import role_required
from accounts.govuk_forms import raise_on_form
from accounts.models import Role

from .. import policy, selectors
from ..models import Pep
from ..sections import Kind
from . import copies
from . import my_pep as my_pep_module
from .forms import ChildFriendlyLinesForm
from .printing import RenderFailed

logger = logging.getLogger(__name__)


def _file_name(pep: Pep, suffix: str = "") -> str:
    """Named by the council's ID, as exports are: a file name is seen by more than its reader."""
    return f"{slugify(f'PEP {pep.child.council_child_id} version {pep.version} {suffix}')}.pdf"


def _pdf(pdf: bytes, file_name: str) -> FileResponse:
    response = FileResponse(
        BytesIO(pdf), as_attachment=True, filename=file_name, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _about(request, pep: Pep | None, **context) -> dict:
    """A page about a PEP's PDF. Whoever reached it but a carer may see the child, so the PEP
    too; a carer has no PEP page to go back to."""
    return {
        "pep": pep,
        "child": pep.child if pep else None,
        "back_to_pep": pep is not None and request.user.role != Role.CARER,
        **context,
    }


def _failed(request, pep: Pep | None = None):
    return render(request, "peps/pdf_failed.html", _about(request, pep), status=503)


@login_required
def signed_off_copy(request, pep_id):
    pep = selectors.signed_off_pep_get_for_user(user=request.user, pep_id=pep_id)
    copy = getattr(pep, "signed_off_copy", None)
    if copy is None or not copy.is_ready:
        capacity = policy.capacity_for(user=request.user, pep=pep)
        return render(
            request,
            "peps/copy_not_ready.html",
            _about(request, pep, copy=copy, show_failure=capacity.virtual_school),
        )
    try:
        pdf = copies.signed_off_copy_download(copy=copy, actor=request.user)
    except OSError as error:
        # The row says the copy is stored, but storage cannot give back what it was given.
        logger.error("The signed-off copy of PEP %s cannot be served: %r", pep.pk, error)
        return _failed(request, pep)
    return _pdf(pdf, _file_name(pep))


@login_required
def draft(request, pep_id):
    pep = selectors.pep_get_for_user(user=request.user, pep_id=pep_id)
    if pep.is_locked:
        return redirect("peps:signed_off_copy", pep_id=pep.pk)
    if not policy.can_download_draft(policy.capacity_for(user=request.user, pep=pep), pep):
        raise PermissionDenied
    try:
        pdf = copies.pep_draft_download(pep=pep, actor=request.user)
    except RenderFailed:
        return _failed(request, pep)
    return _pdf(pdf, _file_name(pep, "draft"))


@role_required(*policy.BLANK_FORM_ROLES)
def blank_form(request, kind):
    if kind not in {k.value for k in Kind}:
        raise Http404("No such kind of PEP")
    try:
        pdf = copies.blank_form_download(kind=kind, actor=request.user)
    except RenderFailed:
        return _failed(request)
    return _pdf(pdf, f"blank-{slugify(Kind(kind).label)}.pdf")


@login_required
def my_pep(request, pep_id):
    """My PEP on screen, for the people who may see the child, with the child-friendly line of
    each target for those who wrote the PEP to improve."""
    pep = selectors.pep_get_for_user(user=request.user, pep_id=pep_id)
    if not pep.is_locked:
        raise Http404("My PEP is made from a signed-off PEP")
    context = my_pep_module.my_pep_context(pep)
    can_edit = my_pep_module.can_edit_lines(user=request.user, pep=pep)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = None
    if can_edit:
        form = ChildFriendlyLinesForm(
            request.POST or None, targets=context["targets"], name=context["name"]
        )
        if request.method == "POST" and form.is_valid():
            try:
                changed = my_pep_module.child_friendly_lines_save(
                    pep=pep, actor=request.user, lines=form.lines()
                )
            except ValidationError as error:
                raise_on_form(form, error)
            else:
                messages.success(
                    request, "The lines have been saved" if changed else "Nothing had changed"
                )
                return redirect("peps:my_pep", pep_id=pep.pk)
    return render(
        request,
        "peps/my_pep.html",
        {**context, "form": form},
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


@login_required
def my_pep_pdf(request, pep_id):
    """My PEP as a PDF: for anyone who may see the child, and the carers the child lives with."""
    pep = selectors.signed_off_pep_get_for_user(user=request.user, pep_id=pep_id)
    try:
        pdf = my_pep_module.my_pep_download(pep=pep, actor=request.user)
    except RenderFailed:
        return _failed(request, pep)
    return _pdf(pdf, f"{slugify(f'My PEP {pep.child.council_child_id} version {pep.version}')}.pdf")
