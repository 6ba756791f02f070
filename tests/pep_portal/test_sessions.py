"""Sessions keep their 30-minute idle timeout without a database write on every request."""

from datetime import timedelta

import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from tests.accounts.factories import TEST_PASSWORD, UserFactory

SIGN_IN = reverse("accounts:sign_in")


def _session_writes(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def test_requests_within_a_minute_do_not_write_the_session(client, db):
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.post(SIGN_IN, {"username": worker.email, "password": TEST_PASSWORD})
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        assert _session_writes(client, reverse("children:caseload")) == []
    # A minute on, the expiry is pushed on: one write.
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert len(_session_writes(client, reverse("children:caseload"))) == 1
    with time_machine.travel(start + timedelta(seconds=90), tick=False):
        assert _session_writes(client, reverse("children:caseload")) == []


def test_idle_timeout_holds_even_if_the_store_still_has_the_session(client, db):
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.post(SIGN_IN, {"username": worker.email, "password": TEST_PASSWORD})
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    store = client.session.__class__
    # Pretend the store's own expiry lags: the session is still there half an hour later.
    with time_machine.travel(start + timedelta(minutes=30, seconds=1), tick=False):
        stored = store(session_key)
        stored.set_expiry(3600)
        stored.save()
        response = client.get(reverse("children:caseload"))
    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)
    assert not store(session_key).exists(session_key)


def test_signing_out_ends_the_session_for_every_copy_of_its_cookie(db):
    worker = UserFactory(role=Role.SOCIAL_WORKER)
    first = Client()
    first.post(SIGN_IN, {"username": worker.email, "password": TEST_PASSWORD})
    copy = Client()
    copy.cookies = first.cookies.__class__(first.cookies)
    assert copy.get(reverse("children:caseload")).status_code == 200
    first.post(reverse("accounts:sign_out"))
    assert copy.get(reverse("children:caseload")).status_code == 302
