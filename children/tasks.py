"""Thin Celery tasks: take ids, call a service or send one email, own the retry policy."""

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from pep_portal.emails import email_send

from .access import access_remove_expired
from .models import SocialWorkerAllocation


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def email_new_social_worker(*, allocation_id: int) -> None:
    """Tell a social worker a child was added to their caseload. The email names no child:
    the details are behind sign-in."""
    allocation = SocialWorkerAllocation.objects.select_related("social_worker").get(
        pk=allocation_id
    )
    if allocation.end_date is not None:
        return  # transferred again before this ran
    link = settings.SITE_URL + reverse("children:detail", kwargs={"child_id": allocation.child_id})
    email_send(
        kind="caseload_transfer",
        to=allocation.social_worker.email,
        personalisation={"name": allocation.social_worker.get_short_name(), "link": link},
    )


@shared_task
def remove_expired_access() -> int:
    """Housekeeping: delete the permission rows of expired grants (readers ignore them already)."""
    return access_remove_expired()


@shared_task
def apply_planned_school_moves() -> int:
    """Just after midnight: planned school moves whose day has come happen, so access moves to
    the new school's designated teachers at the start of that day."""
    from .services import planned_school_moves_apply  # services enqueue these tasks

    return planned_school_moves_apply()
