"""The signed-in person is read on every request, by one statement compiled once: a change to
them (deactivated, another role, a new password) holds from their next request."""

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.backends import AccountBackend
from accounts.models import Role
from tests.accounts.factories import UserFactory

CASELOAD = reverse("children:caseload")
SIGN_IN = reverse("accounts:sign_in")


def test_the_person_is_the_same_as_the_orm_would_read(db):
    person = UserFactory(role=Role.SOCIAL_WORKER, full_name="Priya Shah")
    read = AccountBackend().get_user(person.pk)
    assert read == person
    assert read._state.adding is False
    assert read._state.db == "default"
    for field in person._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(person, field.attname), field.name


def test_nobody_for_an_unknown_an_inactive_or_a_malformed_id(db):
    inactive = UserFactory()
    type(inactive).objects.filter(pk=inactive.pk).update(is_active=False)
    backend = AccountBackend()
    assert backend.get_user(inactive.pk) is None
    assert backend.get_user(inactive.pk + 1000) is None
    assert backend.get_user("not a number") is None


def test_one_query_reads_the_person(client, social_worker):
    client.force_login(social_worker)
    client.get(reverse("accessibility"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accessibility")).status_code == 200
    users = [q["sql"] for q in queries.captured_queries if '"accounts_user"' in q["sql"]]
    assert len(users) == 1
    assert 'WHERE "accounts_user"."id" = ' in users[0]
    # The statement compiled once, not ModelBackend's .get() (which adds LIMIT 21).
    assert "LIMIT" not in users[0]
    assert settings.AUTHENTICATION_BACKENDS[1] == "accounts.backends.AccountBackend"


def test_a_person_deactivated_while_signed_in_is_signed_out_on_their_next_request(
    client, social_worker
):
    client.force_login(social_worker)
    assert client.get(CASELOAD).status_code == 200
    social_worker.is_active = False
    social_worker.save(update_fields=["is_active"])
    response = client.get(CASELOAD)
    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)


def test_a_new_role_holds_from_the_next_request(client, social_worker):
    client.force_login(social_worker)
    assert client.get(CASELOAD).status_code == 200
    type(social_worker).objects.filter(pk=social_worker.pk).update(role=Role.VIRTUAL_SCHOOL_HEAD)
    assert client.get(CASELOAD).status_code == 403


def test_a_password_changed_elsewhere_ends_this_session(client, social_worker):
    client.force_login(social_worker)
    assert client.get(CASELOAD).status_code == 200
    social_worker.set_password("a completely different passphrase")
    social_worker.save()
    response = client.get(CASELOAD)
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
