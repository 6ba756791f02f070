"""A backup restored into a fresh database serves a signed-off copy, byte for byte; a damaged
backup is refused before anything is changed."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from peps.models import SignedOffCopy

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL"),
]


def _database_url(name: str) -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


def _manage(*args, env: dict, stdin: str | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env={**clean, "DEBUG": "true", **env}, input=stdin,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def fresh_database():
    name = f"{settings.DATABASES['default']['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_fresh_database_and_serves_the_signed_off_copy(
    tmp_path, signed_off_pep, world, fresh_database
):
    copy = SignedOffCopy.objects.get(pep=signed_off_pep)
    assert copy.is_ready
    call_command("backup", str(tmp_path / "backups"))
    (backup,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((backup / "manifest.json").read_text())
    assert [d["name"] for d in manifest["documents"]] == [copy.file_name]

    restored_storage = tmp_path / "restored-private"
    env = {"DATABASE_URL": _database_url(fresh_database),
           "PRIVATE_STORAGE_ROOT": str(restored_storage)}  # fmt: skip
    result = _manage("restore", str(backup), env=env)
    assert result.returncode == 0, result.stderr
    assert "1 signed-off copies match their hashes" in result.stdout

    # Sign in on the restored service as the child's carer and download the copy.
    script = (
        "from django.test import Client\n"
        "from accounts.models import User\n"
        "import hashlib, sys\n"
        "client = Client()\n"
        f"client.force_login(User.objects.get(email={world.carer.email!r}))\n"
        f"response = client.get({reverse('peps:signed_off_copy', args=[signed_off_pep.pk])!r})\n"
        'body = b"".join(response.streaming_content)\n'
        "print(response.status_code, hashlib.sha256(body).hexdigest())\n"
    )
    result = _manage("shell", env={**env, "ALLOWED_HOSTS": "testserver"}, stdin=script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["200", copy.sha256]


def test_a_damaged_backup_is_refused_before_anything_changes(tmp_path, signed_off_pep):
    copy = SignedOffCopy.objects.get(pep=signed_off_pep)
    call_command("backup", str(tmp_path / "backups"))
    (backup,) = (tmp_path / "backups").iterdir()
    # Into this (not empty) database: refused, and nothing is touched.
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", str(backup))
    document = backup / "documents" / copy.file_name
    document.write_bytes(document.read_bytes() + b"altered")
    # The hashes are checked first of all.
    with pytest.raises(CommandError, match=f"documents/{copy.file_name} does not match its hash"):
        call_command("restore", str(backup))
    (backup / "database.dump").unlink()
    with pytest.raises(CommandError, match="database.dump is missing"):
        call_command("restore", str(backup))
    assert SignedOffCopy.objects.get(pep=signed_off_pep).is_ready
