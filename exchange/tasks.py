"""Thin Celery tasks: the check and the apply of an import, each idempotent (a repeated
delivery finds the run's state has moved on and does nothing)."""

from celery import shared_task


@shared_task
def import_check(*, run_id: int) -> None:
    from .services import import_check as check  # services enqueue these tasks

    check(run_id=run_id)


@shared_task
def import_apply(*, run_id: int) -> None:
    from .services import import_apply as apply

    apply(run_id=run_id)
