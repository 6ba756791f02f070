"""Thin Celery tasks for PEPs: ids in, one email or one service call, their own retries."""

import secrets
from datetime import date

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, transaction
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
    """The beat job: make the day's planned school moves, then refresh due dates and record
    reminders in DAILY_JOB_PARTS parts run side by side (each a group of Virtual Schools with
    about as many open PEPs), the last part to finish sending `gather_daily_digests`; then
    forget the one-off tokens of forms sent over a week ago.

    What the parts have done is kept in the shared cache under this run's own key, so a second
    run the same day (by hand, or a redelivery) counts its own parts. A part that fails for good
    still marks itself done, so that everyone else's digests go that day; its councils'
    reminders are recorded when the job runs again. If the gathering itself is lost, beat's
    `gather-missed-digests` a few hours later makes the digests still owed."""
    # reminders enqueues this module's tasks: import it late
    from children.services import planned_school_moves_apply

    from .clock.reminders import plan_parts

    today = timezone.localdate()
    moves = planned_school_moves_apply(today=today)
    groups = plan_parts(settings.DAILY_JOB_PARTS)
    run = f"daily-job:{settings.DATABASES['default']['NAME']}:{today.isoformat()}:"
    run += secrets.token_hex(4)
    cache.set(f"{run}:reminders", 0, timeout=RUN_KEPT_SECONDS)
    for part, virtual_school_ids in enumerate(groups):
        remind_virtual_schools.delay(
            run=run,
            part=part,
            parts=len(groups),
            day=today.isoformat(),
            virtual_school_ids=virtual_school_ids,
        )
    if not groups:  # no Virtual School yet: nothing to wait for
        gather_daily_digests.delay(run=run, day=today.isoformat(), refresh=False)
    return {
        "run": run,
        "moves": moves,
        "parts": len(groups),
        "form_tokens_pruned": form_tokens_prune(),
    }


RUN_KEPT_SECONDS = 2 * 24 * 60 * 60


# A part or the gathering that met the database down is tried again: both are idempotent.
@shared_task(bind=True, autoretry_for=(OperationalError,), retry_backoff=60, max_retries=5)
def remind_virtual_schools(
    self, *, run: str, part: int, parts: int, day: str, virtual_school_ids: list[int]
) -> dict:
    """One part of the daily job: these Virtual Schools' due dates and reminders. Run again
    (a redelivery after a crash) it records nothing twice. The last part of the run to finish
    sends the digests, once."""
    from accounts.models import VirtualSchool

    from .clock.reminders import ANALYZE_AFTER, RunReport, run_virtual_schools

    def written(new: int) -> bool:
        # The run's reminders across its parts: the part that takes them to ANALYZE_AFTER
        # refreshes the statistics, once for the whole run.
        key = f"{run}:reminders"
        cache.add(key, 0, RUN_KEPT_SECONDS)  # set when the run was sent; gone if evicted
        total = cache.incr(key, new) if new else cache.get(key, 0)
        return total >= ANALYZE_AFTER and cache.add(f"{run}:analysed", True, RUN_KEPT_SECONDS)

    report = RunReport()
    retrying = False
    try:
        run_virtual_schools(
            VirtualSchool.objects.filter(pk__in=virtual_school_ids).order_by("pk"),
            today=date.fromisoformat(day),
            report=report,
            written=written,
        )
    except OperationalError:
        retrying = self.request.retries < self.max_retries  # autoretry_for: it marks then
        raise
    finally:
        # Done, or failed for good: either way the others' digests need not wait for it.
        if not retrying:
            _part_done(run=run, part=part, parts=parts, day=day)
    return {"part": part, "peps": report.peps, "reminders": report.reminders}


def _part_done(*, run: str, part: int, parts: int, day: str) -> None:
    """Mark this part done; the last of the run's parts to finish sends the digests."""
    from .clock.reminders import ANALYZE_AFTER

    cache.add(f"{run}:part:{part}", True, timeout=RUN_KEPT_SECONDS)
    # Each part marks itself before it looks, so whichever finishes last sees every mark; the
    # `add` lets only one of them send the digests if two finish together.
    finished = cache.get_many([f"{run}:part:{n}" for n in range(parts)])
    if len(finished) < parts or not cache.add(f"{run}:gathering", True, RUN_KEPT_SECONDS):
        return
    refresh = (cache.get(f"{run}:reminders") or 0) >= ANALYZE_AFTER
    try:
        gather_daily_digests.delay(run=run, day=day, refresh=refresh)
    except Exception:
        cache.delete(f"{run}:gathering")  # not sent: a redelivered part may send it
        raise


@shared_task(autoretry_for=(OperationalError,), retry_backoff=60, max_retries=5)
def gather_daily_digests(*, run: str, day: str, refresh: bool) -> dict:
    """The daily job's last step: each person's digest of the day, as often as they chose. Run
    again the same day it makes only the digests still owed (`gather-missed-digests`)."""
    from .clock.reminders import gather_digests

    digests = gather_digests(today=date.fromisoformat(day), refresh=refresh)
    cache.set(f"{run}:finished", timezone.now().isoformat(), timeout=RUN_KEPT_SECONDS)
    return {"digests": digests}


@shared_task
def gather_missed_digests() -> dict:
    """Beat's safety net, a few hours after the daily job: today's digests still owed, if the
    job's gathering was lost (a worker killed as it sent it, the cache emptied mid-run). After
    a normal day it makes none: each person's digest of the day is made once."""
    today = timezone.localdate().isoformat()
    return gather_daily_digests(run=f"daily-job:missed:{today}", day=today, refresh=False)


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
