"""Queries the ORM compiles once per process, then runs again with other values.

Building a query's SQL is Python work, and for a query with subqueries (the access check's
union over two permission tables) it costs more than PostgreSQL takes to answer it. A query
on the path of every page is written as a queryset as usual, with a placeholder value where
each request's value goes; `compile_once` compiles it the first time, remembers which of the
statement's parameters were placeholders, and after that only swaps them. The statement stays
the ORM's own, so it cannot drift from the queryset it was made from, and its rows are read
with the ORM's own converters for each column (SQLite's dates and times, say), as the queryset
would read them.

Placeholders are values no real parameter takes: negative ids and a date in 1901. The query
is given those its function names as arguments, and compiling refuses a statement in which
one of them is missing (a value the ORM folded into the SQL, or dropped).
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

# The placeholders a query may use, by name: each request's value goes where one was compiled.
PLACEHOLDERS = {
    "user_id": -900_000_001,
    "child_id": -900_000_002,
    "today": date(1901, 1, 2),
}


@dataclass(frozen=True)
class Statement:
    sql: str
    params: tuple
    # Which of `params` take a value on each run: their position, and the placeholder's name.
    slots: tuple[tuple[int, str], ...]
    alias: str
    # The selected columns' attribute names (for `Model.from_db`), and the ORM's converters
    # for the columns that have any: {position: (converters, expression)}.
    columns: tuple[str, ...]
    converters: dict

    def params_for(self, **values) -> list:
        missing = {name for _, name in self.slots} - values.keys()
        if missing:
            raise TypeError(f"no value for {', '.join(sorted(missing))}")
        connection = connections[self.alias]
        params = list(self.params)
        for position, name in self.slots:
            value = values[name]
            if type(value) is not type(PLACEHOLDERS[name]):
                # A datetime for a date would reach SQLite unconverted and compare as text.
                expected, given = type(PLACEHOLDERS[name]).__name__, type(value).__name__
                raise TypeError(f"{name} must be {expected}, not {given}")
            params[position] = _as_compiled(connection, value)
        return params

    def rows(self, **values) -> list[tuple]:
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params_for(**values))
            rows = cursor.fetchall()
        if not self.converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for position, (converters, expression) in self.converters.items():
                for converter in converters:
                    row[position] = converter(row[position], expression, connection)
            converted.append(tuple(row))
        return converted

    def subquery(self, **values) -> RawSQL:
        """The statement as a subquery of another queryset: `filter(pk__in=...)`."""
        # The SQL is the ORM's own compile; every value goes as a parameter.
        return RawSQL(self.sql, self.params_for(**values))  # noqa: S611


def _as_compiled(connection, value):
    """A value as the ORM hands it to the database driver (SQLite takes dates as text)."""
    if type(value) is date:
        return connection.ops.adapt_datefield_value(value)
    return value


def compile_once(build: Callable[..., QuerySet]) -> Callable[..., Statement]:
    """Wrap `build(...) -> QuerySet`, whose arguments are placeholders (by their names in
    PLACEHOLDERS) and the statement's shape (anything else: hashable, a codename, say), so that
    it is compiled once per shape and database."""
    uses = [name for name in inspect.signature(build).parameters if name in PLACEHOLDERS]

    @lru_cache(maxsize=64)
    def statement(alias: str = DEFAULT_DB_ALIAS, **shape) -> Statement:
        connection = connections[alias]
        queryset = build(**{name: PLACEHOLDERS[name] for name in uses}, **shape)
        compiler = queryset.query.get_compiler(alias)
        sql, params = compiler.as_sql()
        selected = [expression for expression, _, _ in compiler.select[: compiler.col_count]]
        compiled = {_as_compiled(connection, PLACEHOLDERS[name]): name for name in uses}
        slots = tuple(
            (position, compiled[param])
            for position, param in enumerate(params)
            if isinstance(param, int | str | date) and param in compiled
        )
        missing = set(uses) - {name for _, name in slots}
        if missing:
            raise ValueError(f"{build.__qualname__} compiled without {', '.join(sorted(missing))}")
        return Statement(
            sql=sql,
            params=tuple(params),
            slots=slots,
            alias=alias,
            columns=tuple(getattr(getattr(e, "target", None), "attname", "") for e in selected),
            converters=compiler.get_converters(selected),
        )

    return statement
