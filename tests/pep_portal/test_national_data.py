"""The national data set's builder writes rows the models accept. It inserts with SQL for
speed, so a column added to a model without a database default breaks `make benchmark-data`
unless the builder learns it too: this builds a small set of the same shape to catch that."""

import pytest
from django.db import connection

from benchmarks.national_data import Sizes, build
from children.models import Child
from funding.models import Payment, PpPlusRequest
from meetings.models import Invitation, Meeting
from peps.models import Pep, Target

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the builder writes with PostgreSQL's COPY"
    ),
]

SIZES = Sizes(children=200, virtual_schools=2, schools=40, largest=120, history_years=2)


def test_a_small_national_data_set_builds_with_rows_the_models_accept():
    counts = build(SIZES, log=lambda line: None)

    assert counts["children_child"] == SIZES.children
    for table in (
        "peps_pep",
        "peps_target",
        "peps_educationrecord",
        "funding_ppplusrequest",
        "funding_payment",
        "meetings_meeting",
        "audit_auditevent",
    ):
        assert counts[table] > 0, table
    # A sample of each kind of row passes the models' own validation (choices, lengths).
    for model in (Child, Pep, Target, PpPlusRequest, Payment, Meeting, Invitation):
        for row in model.objects.order_by("?")[:20]:
            row.full_clean(validate_unique=False, validate_constraints=False)
    held = Meeting.objects.filter(recorded_at__isnull=False).first()
    assert held is not None and held.chaired_by
    assert all(i.attendance for i in held.invitations.all())
