"""Make (or update) the database role the web, worker and beat processes connect as.

Run as the owner of the tables (the role migrations run as), after every `migrate`. The app
role may read and write every table but the audit trail, where it may only INSERT and SELECT;
it owns nothing, so it cannot disable the audit table's trigger, truncate it, or change the
schema. Tables that later migrations create are granted the same way by default privileges.
"""

import os
import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg2 import sql

AUDIT_TABLE = "audit_auditevent"


class Command(BaseCommand):
    help = "Create or update the app's database role (APP_DATABASE_USER / _PASSWORD)."

    def add_arguments(self, parser):
        parser.add_argument("--role", default=os.environ.get("APP_DATABASE_USER", "pep_portal_app"))

    def handle(self, *args, role, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles need PostgreSQL")
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
            raise CommandError("The role name must be lower-case letters, digits and _")
        password = os.environ.get("APP_DATABASE_PASSWORD", "")
        name = sql.Identifier(role)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_database()")
            owner, database = cursor.fetchone()
            if owner == role:
                raise CommandError("Run this as the tables' owner, not as the app's role")
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                if not password:
                    raise CommandError("Set APP_DATABASE_PASSWORD to create the role")
                cursor.execute(sql.SQL("CREATE ROLE {} LOGIN").format(name))
            cursor.execute(
                sql.SQL(
                    "ALTER ROLE {} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION LOGIN"
                ).format(name)
            )
            if password:
                cursor.execute(
                    sql.SQL("ALTER ROLE {} PASSWORD {}").format(name, sql.Literal(password))
                )
            statements = [
                "GRANT CONNECT ON DATABASE {db} TO {role}",
                "GRANT USAGE ON SCHEMA public TO {role}",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
                "REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {audit} FROM {role}",
                "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
                "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
                "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
                "GRANT USAGE, SELECT ON SEQUENCES TO {role}",
            ]
            for statement in statements:
                cursor.execute(
                    sql.SQL(statement).format(
                        db=sql.Identifier(database),
                        role=name,
                        owner=sql.Identifier(owner),
                        audit=sql.Identifier(AUDIT_TABLE),
                    )
                )
        self.stdout.write(
            f"{role} may use every table but {AUDIT_TABLE}, where it may only INSERT and SELECT."
        )
