"""The demo data for tests that start from it: seeded by `seed_demo` once in a test run, then
copied back, table by table, for each later test that asks for it.

Seeding makes 24 children with three years of PEPs and renders every signed-off copy (about
25 seconds on PostgreSQL); copying its rows and files back takes well under a second. What a
test gets is exactly what the command made earlier in the same run: the rows of every table
(the content types and permissions with them, so that every reference holds) and the files
in private storage. On another database than PostgreSQL the command simply runs each time.
"""

import io
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction

from children.models import Child
from children.signals import children_changed_in_bulk

_rows: dict[str, bytes] = {}
_files: list[Path] = []  # the folder the first seeding's private storage was copied to


def _tables() -> list[str]:
    return [
        name
        for name in connection.introspection.table_names(include_views=False)
        if name != "django_migrations"
    ]


def _quoted(table: str) -> str:
    return connection.ops.quote_name(table)


def _keep() -> None:
    with connection.cursor() as cursor:
        for table in _tables():
            buffer = io.BytesIO()
            cursor.cursor.copy_expert(f"COPY {_quoted(table)} TO STDOUT", buffer)
            _rows[table] = buffer.getvalue()
    kept = Path(tempfile.mkdtemp(prefix="pep-portal-demo-files-"))
    source = Path(settings.PRIVATE_STORAGE_ROOT)
    if source.exists():
        shutil.copytree(source, kept, dirs_exist_ok=True)
    _files.append(kept)


def _restore() -> None:
    tables = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        # Django's foreign keys are deferred: the rows may come back in any order.
        cursor.execute(f"TRUNCATE {', '.join(_quoted(t) for t in tables)}")
        for table in tables:
            if _rows.get(table):
                cursor.cursor.copy_expert(
                    f"COPY {_quoted(table)} FROM STDIN", io.BytesIO(_rows[table])
                )
        # Ids go on after the demo's. Sequences only move forward here: a test's transaction
        # rolls back its rows, not a sequence, so lowering one could collide later.
        cursor.execute(
            "SELECT s.relname, t.relname, a.attname FROM pg_class s"
            " JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass"
            " JOIN pg_class t ON t.oid = d.refobjid"
            " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid"
            " WHERE s.relkind = 'S'"
        )
        for sequence, table, column in cursor.fetchall():
            highest = f"SELECT COALESCE(MAX({_quoted(column)}), 1) FROM {_quoted(table)}"  # noqa: S608
            last = f"SELECT last_value FROM {_quoted(sequence)}"  # noqa: S608
            cursor.execute(f"SELECT setval(%s, GREATEST(({highest}), ({last})))", [sequence])
    ContentType.objects.clear_cache()
    # The rows came back by COPY, which no model signal reports.
    children_changed_in_bulk.send(sender=Child, child_ids=None)
    shutil.copytree(_files[0], Path(settings.PRIVATE_STORAGE_ROOT), dirs_exist_ok=True)


def seed_demo() -> None:
    """The state `manage.py seed_demo --force` leaves, on an empty database.

    Only a seeding that committed is kept: inside a test's transaction the work the demo's
    commits set off (rendering the signed-off copies, starting the next PEPs) never runs."""
    if connection.vendor != "postgresql":
        call_command("seed_demo", force=True)
    elif _rows:
        _restore()
    else:
        call_command("seed_demo", force=True)
        if not connection.in_atomic_block:
            _keep()
