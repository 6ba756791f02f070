"""Documents attached to a child or a PEP: the child's list, attaching one, sharing it with
carers, and the download. Each fetches through a selector (404 for no access) and each write or
download goes through `attachments.services` (which writes the audit trail)."""

import logging
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from accounts.govuk_forms import raise_on_form
from accounts.models import Role
from accounts.once import SubmittedTwice, submit_once, submitted_twice
from children.selectors import child_get_for_user
from peps.models import Pep

from . import selectors, services
from .forms import AttachmentForm

logger = logging.getLogger(__name__)


def _open_pep(child):
    return child.peps.exclude(state=Pep.State.SIGNED_OFF).select_related("term").first()


@login_required
def child_documents(request, child_id):
    child = child_get_for_user(user=request.user, child_id=child_id)
    return render(
        request,
        "attachments/child_documents.html",
        {
            "child": child,
            "attachments": selectors.attachments_of_child(child=child),
            "can_attach": services.can_attach(user=request.user, child=child),
            "can_share": services.can_share(user=request.user, child=child),
        },
    )


@login_required
def attach(request, child_id):
    child = child_get_for_user(user=request.user, child_id=child_id)
    if not services.can_attach(user=request.user, child=child):
        raise PermissionDenied
    open_pep = _open_pep(child)
    initial = {}
    if open_pep is not None and request.GET.get("pep") == str(open_pep.pk):
        initial["attach_to"] = str(open_pep.pk)
    form = AttachmentForm(
        request.POST or None, request.FILES or None, open_pep=open_pep, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]

        def change() -> str:
            attachment = services.attachment_add(
                actor=request.user,
                child=child,
                pep=form.pep,
                kind=form.cleaned_data["kind"],
                document_date=form.cleaned_data["document_date"],
                description=form.cleaned_data["description"],
                original_name=upload.name,
                data=upload.read(),
            )
            return reverse("attachments:child_documents", args=[child.pk]) + (
                f"#document-{attachment.pk}"
            )

        try:
            url = submit_once(form=form, user=request.user, change=change)
        except SubmittedTwice as twice:
            return submitted_twice(request, twice)
        except ValidationError as error:
            raise_on_form(form, error)
        else:
            messages.success(request, "The document was checked for viruses and attached")
            return redirect(url)
    return render(
        request,
        "attachments/attach.html",
        {"child": child, "form": form, "open_pep": open_pep},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def share(request, attachment_id):
    attachment = selectors.attachment_get_for_user(user=request.user, attachment_id=attachment_id)
    shared = request.POST.get("shared") == "yes"
    services.attachment_share(actor=request.user, attachment=attachment, shared=shared)
    messages.success(
        request,
        f"{attachment.title} is {'now shared with' if shared else 'no longer shown to'} "
        "the child's carers",
    )
    return redirect(
        reverse("attachments:child_documents", args=[attachment.child_id])
        + f"#document-{attachment.pk}"
    )


@login_required
def download(request, attachment_id):
    attachment = selectors.attachment_get_for_user(user=request.user, attachment_id=attachment_id)
    try:
        data = services.attachment_download(attachment=attachment, actor=request.user)
    except OSError as error:
        logger.error("Attachment %s cannot be served: %r", attachment.pk, error)
        return render(
            request,
            "attachments/unavailable.html",
            {"child": attachment.child, "back": request.user.role != Role.CARER},
            status=503,
        )
    # Named by the council's child ID and the type, never by the child's name or the name it
    # was uploaded with.
    name = slugify(
        f"{attachment.child.council_child_id} {attachment.get_kind_display()} "
        f"{attachment.document_date:%Y-%m-%d} {attachment.pk}"
    )
    response = FileResponse(
        BytesIO(data),
        as_attachment=True,
        filename=f"{name}.{attachment.extension}",
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
