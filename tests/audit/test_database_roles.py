"""The web and worker connect as a role that does not own the audit table: it may INSERT and
SELECT there, and nothing else; elsewhere it reads and writes as the app needs."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from psycopg2 import errors

from audit.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="roles need PostgreSQL"),
]


@pytest.fixture
def app_role(monkeypatch):
    role = f"pep_app_test_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("APP_DATABASE_PASSWORD", "app-role-password")
    call_command("grant_app_role", role=role)
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


def _connect(role):
    db = settings.DATABASES["default"]
    return psycopg2.connect(
        host=db["HOST"], port=db["PORT"] or 5432, dbname=db["NAME"], user=role,
        password="app-role-password",
    )  # fmt: skip


def _refused(conn, sql: str, error=errors.InsufficientPrivilege) -> bool:
    with conn.cursor() as cursor:
        try:
            cursor.execute(sql)
        except error:
            conn.rollback()
            return True
    conn.rollback()
    return False


def test_the_app_role_may_only_insert_and_select_on_the_audit_trail(app_role):
    AuditEvent.objects.create(action="test.before", changes={})
    conn = _connect(app_role)
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "INSERT INTO audit_auditevent (occurred_at, actor_role, action, object_type, "
                "object_id, changes) VALUES (now(), '', 'test.by_app_role', '', '', '{}')"
            )
            cursor.execute("SELECT count(*) FROM audit_auditevent")
            assert cursor.fetchone()[0] == 2
        conn.commit()
        assert _refused(conn, "UPDATE audit_auditevent SET action = 'rewritten'")
        assert _refused(conn, "DELETE FROM audit_auditevent")
        assert _refused(conn, "TRUNCATE audit_auditevent")
        assert _refused(conn, "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL")
        assert _refused(conn, "DROP TRIGGER audit_event_append_only ON audit_auditevent")
        assert _refused(conn, "CREATE TABLE audit_copy (id int)")
        # Elsewhere it works as the app needs.
        with conn.cursor() as cursor:
            cursor.execute("UPDATE accounts_user SET full_name = full_name")
            cursor.execute("DELETE FROM django_session")
        conn.commit()
    finally:
        conn.close()
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {
        "test.before",
        "test.by_app_role",
    }


def test_the_service_runs_as_the_app_role(app_role, virtual_school):
    """A real service (an invitation: a user, their groups, an audit event) as the app role."""
    from tests.accounts.factories import UserFactory

    head = UserFactory(role="vs_head", virtual_school=virtual_school)
    db = settings.DATABASES["default"]
    url = f"postgres://{app_role}:app-role-password@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    script = (
        "from accounts.models import User\n"
        "from accounts.services import user_invite\n"
        f"head = User.objects.get(pk={head.pk})\n"
        "user_invite(actor=head, email='new@example.org', full_name='New Person',\n"
        "            role='social_worker', virtual_school=head.virtual_school)\n"
        "print('invited')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "shell"],
        cwd=ROOT, env={**env, "DEBUG": "true", "DATABASE_URL": url, "REDIS_URL": ""},
        input=script, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert AuditEvent.objects.filter(action="user.invited", actor=head).exists()


def test_tables_made_by_later_migrations_are_granted_too(app_role):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE later_table (id int)")
    try:
        conn = _connect(app_role)
        with conn.cursor() as cursor:
            cursor.execute("INSERT INTO later_table VALUES (1)")
        conn.commit()
        conn.close()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE later_table")


def test_the_app_role_refreshes_the_reminders_statistics_through_the_owners_function(app_role):
    """The daily job analyses the reminders table; only its owner may, so the app's role calls
    the function the migration made. ANALYZE of its own is skipped with a warning."""
    conn = _connect(app_role)
    try:
        with conn.cursor() as cursor:
            cursor.execute("ANALYZE peps_reminder")
            assert any("only table or database owner" in n for n in conn.notices)
            conn.notices.clear()
            cursor.execute("SELECT peps_analyze_reminders()")
            assert conn.notices == []
        conn.commit()
    finally:
        conn.close()
