"""Two lookups for filtering by a few thousand ids.

`field__in_ids=subquery`: an IN over a subquery that PostgreSQL plans as a handful of index
probes.

With `field__in=subquery` PostgreSQL estimates the subquery's rows and, for a Virtual School's
2,000 children, prefers reading a whole table of the country (every current enrolment, 100,000
rows) to probing it 2,000 times, which is several times slower than the probes in practice.
`field = ANY(ARRAY(subquery))` runs the subquery once, first, and the planner then takes the
index. Other databases get a plain IN.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Lookup
from django.db.models.lookups import In
from django.utils.functional import cached_property


class InIds(Lookup):
    lookup_name = "in_ids"
    template = "{lhs} IN {rhs}"

    def as_sql(self, compiler, connection, template=None):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return (template or self.template).format(lhs=lhs, rhs=rhs), [*lhs_params, *rhs_params]

    def as_postgresql(self, compiler, connection):
        return self.as_sql(compiler, connection, template="{lhs} = ANY(ARRAY{rhs})")


Field.register_lookup(InIds)
ForeignObject.register_lookup(InIds)  # foreign keys keep lookups of their own


class Ids(frozenset):
    """Ids for `__in_array`, which the ORM hands to the lookup whole. A list or tuple given
    to a filter is walked value by value first (each resolved as if it might be an
    expression): for a Virtual School's 2,000 children in each of the dashboard's six
    queries, that cost more than the queries did. Each id is made a whole number once, here,
    and the array PostgreSQL is sent is written once however many queries filter by it."""

    def __new__(cls, ids=()):
        return super().__new__(cls, map(int, ids))

    @cached_property
    def array(self) -> str:
        return _array(self)


def _array(ids) -> str:
    return "{" + ",".join(map(str, ids)) + "}"


class InArray(In):
    """`field__in_array=[ids]`: an IN over ids already read, sent to PostgreSQL as one array
    (`= ANY('{1,2,...}'::bigint[])`), which it parses in a fraction of the time an IN of
    thousands of parameters takes. A page that filters several queries by the same few thousand
    children reads their ids once and passes them here, rather than having each query evaluate
    who may see which child again. Other databases get a plain IN."""

    lookup_name = "in_array"

    def get_prep_lookup(self):
        # Ids are whole numbers: checked once each here (or when the Ids were made), not
        # prepared through the field.
        if isinstance(self.rhs, Ids):
            return self.rhs
        return [int(value) for value in self.rhs]

    def as_postgresql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = self.rhs.array if isinstance(self.rhs, Ids) else _array(self.rhs)
        return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, ids]


Field.register_lookup(InArray)
ForeignObject.register_lookup(InArray)
