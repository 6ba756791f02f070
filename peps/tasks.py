"""Thin Celery tasks for PEPs: ids in, one email or one service call, their own retries."""

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.once import form_tokens_prune
from pep_portal.emails import email_send

from .documents.printing import RenderFailed
from .models import Digest, QualityReview


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
    for address in sorted(recipients):
        email_send(kind="pep_returned", to=address, personalisation={"link": link})


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_digest(*, digest_id: int) -> None:
    """Send one person their reminders in one email, once, each with a link to its PEP. The
    email names no child: who it is about is behind sign-in."""
    with transaction.atomic():
        digest = Digest.objects.select_for_update().select_related("recipient").get(pk=digest_id)
        if digest.sent_at is not None:
            return
        # Only what is still true: a PEP signed off since the digest was made drops out.
        reminders = list(
            digest.reminders.live().select_related("pep").order_by("kind", "occasion", "pk")
        )
        if not reminders:
            return
        lines = [
            f"{reminder.get_kind_display()} ({reminder.occasion:%-d %B %Y}): "
            f"{settings.SITE_URL}{reverse('peps:overview', kwargs={'pep_id': reminder.pep_id})}"
            for reminder in reminders
        ]
        email_send(
            kind="pep_reminders",
            to=digest.recipient.email,
            personalisation={
                "name": digest.recipient.get_short_name(),
                "how_many": f"{len(reminders)} PEP{'s need' if len(reminders) != 1 else ' needs'}",
                "reminders": lines,
                "link": settings.SITE_URL + reverse("peps:deadlines"),
                "preferences": settings.SITE_URL + reverse("peps:reminder_preference"),
            },
        )
        digest.sent_at = timezone.now()
        digest.save(update_fields=["sent_at"])


@shared_task
def send_daily_reminders() -> dict:
    """The beat job: refresh due dates and send the day's digests, then forget the one-off
    tokens of forms sent over a week ago."""
    # reminders enqueues this module's tasks: import it late
    from .clock.reminders import run_daily_reminders

    report = run_daily_reminders()
    return {
        "peps": report.peps,
        "reminders": report.reminders,
        "digests": report.digests,
        "form_tokens_pruned": form_tokens_prune(),
    }


@shared_task(autoretry_for=(RenderFailed, OSError), retry_backoff=60, max_retries=3)
def render_signed_off_copy(*, pep_id: int) -> None:
    """Render a signed-off PEP once and store it. A failure is recorded on the copy (for the
    Virtual School to see) and retried here, then by `render_missing_copies`. If its worker
    is killed mid-render, the broker delivers it again (acks_late) and the copy records that
    the render was interrupted."""
    # copies enqueues this module's tasks: import it late
    from .documents.copies import signed_off_copy_render

    signed_off_copy_render(pep_id=pep_id)


@shared_task
def render_missing_copies() -> int:
    """The ten-minute job: render again every signed-off copy still owed."""
    from .documents.copies import signed_off_copies_retry

    return signed_off_copies_retry()


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def email_carers_copy_ready(*, copy_id: int) -> None:
    """Tell the child's carers, once, that the signed-off copy can be downloaded."""
    from .documents.copies import carers_tell_copy_ready

    carers_tell_copy_ready(copy_id=copy_id)
