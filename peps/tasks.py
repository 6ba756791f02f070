"""Thin Celery tasks for PEPs: ids in, one email or one service call, their own retries."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from accounts.models import User

from .models import QualityReview


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def email_pep_returned(*, review_id: int) -> None:
    """Tell the social worker and the designated teachers that a PEP was returned. The email
    names no child: the reason and the sections are behind sign-in."""
    review = QualityReview.objects.select_related("pep__child").get(pk=review_id)
    child = review.pep.child
    recipients = set(
        User.objects.filter(
            allocations__child=child, allocations__end_date__isnull=True, is_active=True
        ).values_list("email", flat=True)
    ) | set(
        User.objects.filter(
            school_memberships__school__enrolments__child=child,
            school_memberships__school__enrolments__end_date__isnull=True,
            is_active=True,
        ).values_list("email", flat=True)
    )
    if not recipients:
        return
    link = settings.SITE_URL + reverse("peps:overview", kwargs={"pep_id": review.pep_id})
    send_mail(
        subject="A PEP has been returned for amendments",
        message=(
            "The Virtual School has returned a Personal Education Plan you work on, with what "
            f"needs to change.\n\nSee what to do: {link}\n\nPEP Portal\n"
        ),
        from_email=None,
        recipient_list=sorted(recipients),
    )
