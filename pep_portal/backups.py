"""Backups that can be proven: the database (pg_dump) and every private document, with a
manifest of SHA-256 hashes that a restore checks before it changes anything.

A backup is a folder `pep-portal-<UTC time>/` holding `database.dump` (pg_dump's custom
format, without owners or grants, so it restores under any owner), `documents/` (each file of
the private storage under its own name) and `manifest.json`. A restore goes into a fresh,
empty database only: it checks every hash, restores the database, puts the documents back,
then checks every signed-off copy the database records against its stored hash.
"""

import hashlib
import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.db import connection

MANIFEST = "manifest.json"
DUMP = "database.dump"


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def _pg_environment() -> tuple[list[str], dict]:
    if connection.vendor != "postgresql":
        raise BackupError("Backups need PostgreSQL (DATABASE_URL); SQLite is for the demo only")
    db = settings.DATABASES["default"]
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return args, env


def _storage_files(storage, folder: str = "") -> list[str]:
    folders, files = storage.listdir(folder)
    names = [f"{folder}/{name}" if folder else name for name in files]
    for sub in folders:
        names += _storage_files(storage, f"{folder}/{sub}" if folder else sub)
    return sorted(names)


def backup_create(*, into: Path, now: datetime | None = None) -> Path:
    from peps.documents.storage import private_storage

    now = now or datetime.now(UTC)
    target = Path(into) / f"pep-portal-{now:%Y%m%dT%H%M%SZ}"
    (target / "documents").mkdir(parents=True)
    args, env = _pg_environment()
    dump = target / DUMP
    result = subprocess.run(  # noqa: S603 - pg_dump, with arguments from the settings
        [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(dump),
            *args,
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        shutil.rmtree(target)
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    storage = private_storage()
    documents = []
    for name in _storage_files(storage):
        destination = target / "documents" / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, destination.open("wb") as out:
            shutil.copyfileobj(source, out)
        documents.append(
            {"name": name, "sha256": _sha256(destination), "size": destination.stat().st_size}
        )
    manifest = {
        "created_at": now.isoformat(),
        "database": {"file": DUMP, "sha256": _sha256(dump), "size": dump.stat().st_size},
        "documents": documents,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return target


def backup_verify(source: Path) -> dict:
    """The manifest, once every file in it matches its hash; raises naming any that do not."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{source} has no readable {MANIFEST}") from error
    problems = []
    entries = [(source / manifest["database"]["file"], manifest["database"]["sha256"])]
    entries += [(source / "documents" / d["name"], d["sha256"]) for d in manifest["documents"]]
    for path, expected in entries:
        if not path.is_file():
            problems.append(f"{path.relative_to(source)} is missing")
        elif _sha256(path) != expected:
            problems.append(f"{path.relative_to(source)} does not match its hash")
    if problems:
        raise BackupError("The backup is damaged: " + "; ".join(problems))
    return manifest


def backup_restore(*, source: Path) -> dict:
    """Restore a verified backup into this (fresh, empty) database and private storage."""
    from peps.documents.storage import private_storage
    from peps.models import SignedOffCopy

    source = Path(source)
    manifest = backup_verify(source)
    args, env = _pg_environment()
    if connection.introspection.table_names():
        raise BackupError(
            "The database is not empty: restore into a fresh database (createdb), then run "
            "the restore again"
        )
    result = subprocess.run(  # noqa: S603 - pg_restore, with arguments from the settings
        [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", *args,
         str(source / manifest["database"]["file"])],
        env=env,
        capture_output=True,
        text=True,
    )  # fmt: skip
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    connection.close()  # see the restored tables
    storage = private_storage()
    for document in manifest["documents"]:
        name = document["name"]
        if storage.exists(name):
            with storage.open(name, "rb") as existing:
                if hashlib.sha256(existing.read()).hexdigest() == document["sha256"]:
                    continue
            raise BackupError(f"The private storage already holds a different {name}")
        with (source / "documents" / name).open("rb") as handle:
            saved = storage.save(name, File(handle))
        if saved != name:
            raise BackupError(f"The private storage renamed {name} to {saved}")
    checked = 0
    for copy in SignedOffCopy.objects.exclude(file_name="").order_by("pk"):
        with storage.open(copy.file_name, "rb") as handle:
            if hashlib.sha256(handle.read()).hexdigest() != copy.sha256:
                raise BackupError(f"The restored copy of PEP {copy.pep_id} does not match")
        checked += 1
    return {"documents": len(manifest["documents"]), "copies_checked": checked}
