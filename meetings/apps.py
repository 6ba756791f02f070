from django.apps import AppConfig
from django.db import transaction


def _plan_next_meeting(sender, pep, next_pep, **kwargs):
    """On sign-off, give next term's PEP a provisional meeting date (seed 004), in a task."""
    if next_pep is None:
        return
    from .tasks import plan_next_meeting

    transaction.on_commit(
        lambda: plan_next_meeting.delay(signed_off_pep_id=pep.pk, next_pep_id=next_pep.pk),
        robust=True,
    )


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = "PEP meetings"

    def ready(self):
        from peps.signals import pep_signed_off

        pep_signed_off.connect(_plan_next_meeting, dispatch_uid="meetings_plan_next")
