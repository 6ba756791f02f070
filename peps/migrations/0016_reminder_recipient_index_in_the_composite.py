"""The reminder's recipient loses the foreign key's own index (the (recipient, created_on)
index serves every read by recipient), dropped without locking the table; and a function that
lets the app's role refresh the reminders table's statistics, which only the owner may do."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEX = "peps_reminder_recipient_id_916c4b55"


def drop_index(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {INDEX}")


def make_index(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        f"CREATE INDEX {concurrently}IF NOT EXISTS {INDEX} ON peps_reminder (recipient_id)"
    )


# The daily job calls it (peps.clock.reminders._refresh_statistics). It runs as the tables'
# owner and does nothing but ANALYZE this one table; functions may be called by any role.
ANALYZE_FUNCTION = """
CREATE OR REPLACE FUNCTION peps_analyze_reminders() RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public
AS 'ANALYZE public.peps_reminder'
"""


def make_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ANALYZE_FUNCTION)


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS peps_analyze_reminders()")


class Migration(migrations.Migration):
    # DROP INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("peps", "0015_pep_child_term_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Only the index goes: an AlterField would also drop and re-make the foreign key,
        # checking every reminder against its user under a lock on both tables.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="reminder",
                    name="recipient",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_index, make_index)],
        ),
        migrations.RunPython(make_function, drop_function),
    ]
