"""Forms that create something do it once, however many times the same form is posted.

Each such form carries a one-off token (`OnceOnlyForm`), which a browser always sends back.
The view runs its service through `submit_once`, which records the token in the same
transaction as the change: PostgreSQL's unique index makes a concurrent post of the same token
wait for the first, then fail, and the second post is sent where the first one went instead of
changing anything. A post refused for bad input rolls the token back with everything else, so
the corrected form can be sent.

A token is kept for a week (`TOKENS_KEPT_FOR`), then the daily job forgets it: a form page can
only be sent again within the session that showed it (signing in again gives a new CSRF
token, which the old page lacks), and no session lasts that long.
"""

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone

from .models import FormSubmission, User

TOKENS_KEPT_FOR = timedelta(days=7)


class SubmittedTwice(Exception):
    """This form was already sent; `url` is where the first post went."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


def _token_field() -> forms.UUIDField:
    out_of_date = "This page was out of date. Check your answers and send them again"
    # Not required: a client that sends no token (a script) is served as before, unprotected.
    return forms.UUIDField(
        widget=forms.HiddenInput,
        initial=uuid.uuid4,
        required=False,
        error_messages={"invalid": out_of_date},
    )


class OnceOnlyForm:
    """Mixed into a form (first among its bases): the hidden one-off token, a new one each
    time the blank form is shown."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission_token"] = _token_field()

    def full_clean(self):
        super().full_clean()
        # A hidden field has nowhere to show its message: put it at the top of the form.
        if self.is_bound and "submission_token" in self._errors:
            errors = self._errors.pop("submission_token")
            self._errors.setdefault(
                NON_FIELD_ERRORS, self.error_class(error_class="nonfield")
            ).extend(errors)


def submit_once(*, form: OnceOnlyForm, user: User, change: Callable[[], str]) -> str:
    """Run `change` (which makes the change and returns the page to go to next) unless this
    form's token was used already; then raise SubmittedTwice with the first post's page."""
    token = form.cleaned_data.get("submission_token")
    if token is None:
        return change()
    with transaction.atomic():
        try:
            with transaction.atomic():
                FormSubmission.objects.create(token=token, user=user)
        except IntegrityError:
            earlier = FormSubmission.objects.filter(token=token, user=user).first()
            raise SubmittedTwice(earlier.outcome_url if earlier else "") from None
        url = change()
        FormSubmission.objects.filter(token=token).update(outcome_url=url)
        return url


def submitted_twice(request, twice: SubmittedTwice):
    """The answer to a second post of the same form: where the first went, saying so."""
    messages.info(request, "This form had already been sent, so nothing was saved twice")
    return redirect(twice.url or "home")


def form_tokens_prune(*, now: datetime | None = None) -> int:
    """Forget the tokens of forms sent longer ago than `TOKENS_KEPT_FOR` (the daily job); the
    number forgotten."""
    cutoff = (now or timezone.now()) - TOKENS_KEPT_FOR
    deleted, _ = FormSubmission.objects.filter(submitted_at__lt=cutoff).delete()
    return deleted
