"""`field__in_ids=subquery`: an IN over a subquery that PostgreSQL plans as a handful of index
probes.

With `field__in=subquery` PostgreSQL estimates the subquery's rows and, for a Virtual School's
2,000 children, prefers reading a whole table of the country (every current enrolment, 100,000
rows) to probing it 2,000 times, which is several times slower than the probes in practice.
`field = ANY(ARRAY(subquery))` runs the subquery once, first, and the planner then takes the
index. Other databases get a plain IN.
"""

from django.db.models import Field, ForeignObject, Lookup


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
