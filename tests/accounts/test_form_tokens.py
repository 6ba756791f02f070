"""The one-off tokens of forms are kept a week, then the daily job forgets them."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from accounts.models import FormSubmission
from accounts.once import TOKENS_KEPT_FOR
from peps.tasks import send_daily_reminders
from tests.accounts.factories import FormSubmissionFactory


def test_the_daily_job_forgets_tokens_older_than_a_week_and_keeps_the_rest(db):
    now = timezone.now()
    with time_machine.travel(now - TOKENS_KEPT_FOR - timedelta(minutes=1)):
        expired = FormSubmissionFactory()
    with time_machine.travel(now - TOKENS_KEPT_FOR + timedelta(minutes=1)):
        almost = FormSubmissionFactory()
    fresh = FormSubmissionFactory()

    with time_machine.travel(now):
        result = send_daily_reminders()

    assert result["form_tokens_pruned"] == 1
    assert set(FormSubmission.objects.values_list("pk", flat=True)) == {almost.pk, fresh.pk}
    assert not FormSubmission.objects.filter(token=expired.token).exists()


def test_the_daily_job_with_no_old_tokens_forgets_none(db):
    kept = FormSubmissionFactory()
    assert send_daily_reminders()["form_tokens_pruned"] == 0
    assert FormSubmission.objects.filter(pk=kept.pk).exists()
