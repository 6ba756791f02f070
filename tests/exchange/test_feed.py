"""The day-to-day feed: the facts PEP Portal keeps, one row a child."""

from datetime import date

import pytest

from children.models import Child
from exchange import feed
from exchange.csvfiles import FileRefused
from exchange.plans import PlanChanged, plan_apply, plan_build
from tests.accounts.factories import SchoolFactory
from tests.exchange.files import csv_file, upn

COLUMNS = ",".join(feed.COLUMNS)


def _row(**values) -> str:
    row = {
        "council_child_id": "F1", "legal_first_name": "Noah", "legal_last_name": "Williams",
        "preferred_name": "", "date_of_birth": "14/03/2014", "gender": "male", "upn": upn(7),
        "legal_status": "full_care_order", "date_entered_care": "01/05/2023",
        "date_left_care": "", "social_worker_email": "", "allocated_from": "",
        "placement_type": "", "placement_start": "", "carer_emails": "", "school_urn": "",
        "school_start": "",
    } | values  # fmt: skip
    return ",".join(row[column] for column in feed.COLUMNS)


def _parse(*rows):
    return feed.parse(feed=csv_file("feed.csv", COLUMNS, *rows))


def test_a_second_run_changes_nothing_and_a_change_is_applied(virtual_school, social_worker,
                                                               carer, school):  # fmt: skip
    row = _row(social_worker_email=social_worker.email.upper(), allocated_from="01/05/2023",
               placement_type="kinship", placement_start="01/05/2023", carer_emails=carer.email,
               school_urn=school.urn, school_start="04/09/2023")  # fmt: skip
    plan_apply(virtual_school=virtual_school, parsed=_parse(row), actor=None)
    again = plan_build(virtual_school=virtual_school, parsed=_parse(row))
    assert again.counts["unchanged"] == 1 and not again.refused
    moved = SchoolFactory()
    row = _row(preferred_name="Noah W", social_worker_email=social_worker.email,
               allocated_from="01/05/2023", placement_type="kinship",
               placement_start="01/05/2023", carer_emails=carer.email, school_urn=moved.urn,
               school_start="05/01/2026")  # fmt: skip
    (entry,) = plan_build(virtual_school=virtual_school, parsed=_parse(row)).entries
    assert entry.action == "change"
    assert entry.changes[0] == "preferred name: (none) → Noah W"
    plan_apply(virtual_school=virtual_school, parsed=_parse(row), actor=None)
    child = Child.objects.get(council_child_id="F1")
    assert child.preferred_name == "Noah W"
    assert child.enrolments.get(end_date__isnull=True).school == moved
    assert child.enrolments.get(school=school).end_date == date(2026, 1, 5)


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"legal_first_name": ""}, "legal_first_name is empty"),
        ({"date_of_birth": "2014-03-14"}, "date_of_birth '2014-03-14' is not a date written"),
        ({"gender": "boy"}, "gender 'boy' is not one of: female, male, another, not_recorded"),
        ({"upn": "A" + upn(7)[1:]}, "This UPN's check letter is wrong"),
        ({"date_left_care": "01/01/2023"}, "date_left_care is before date_entered_care"),
        ({"social_worker_email": "not-an-email", "allocated_from": "01/05/2023"},
         "social_worker_email 'not-an-email' is not an email address"),
        ({"carer_emails": "a@example.org"}, "carer_emails is given without a placement_type"),
    ],
)  # fmt: skip
def test_each_bad_row_is_refused_with_its_line(values, reason):
    parsed = _parse(_row(council_child_id="F0"), _row(**values))
    assert not [c for c in parsed.children if c.council_child_id == "F1"]
    (refusal,) = parsed.refused
    assert (refusal.file, refusal.line, refusal.child) == ("feed.csv", 3, "F1")
    assert reason in refusal.reason


def test_people_and_schools_must_exist(virtual_school, carer, school):
    row = _row(social_worker_email=carer.email, allocated_from="01/05/2023",
               placement_type="foster_care", placement_start="01/05/2023",
               carer_emails="nobody@example.org")  # fmt: skip
    plan = plan_build(virtual_school=virtual_school, parsed=_parse(row))
    assert [r.reason for r in plan.refused] == ["nobody@example.org is not a carer's account "
                                                "in PEP Portal"]  # fmt: skip
    row = _row(social_worker_email=carer.email, allocated_from="01/05/2023")
    plan = plan_build(virtual_school=virtual_school, parsed=_parse(row))
    assert plan.refused[0].reason == f"{carer.email} is not a social worker of {virtual_school}"


def test_a_repeated_child_and_wrong_columns():
    parsed = _parse(_row(), _row())
    assert parsed.refused[0].reason == "council_child_id F1 is also on line 2"
    with pytest.raises(FileRefused, match="SCHOOL_START is missing"):
        feed.parse(feed=csv_file("feed.csv", COLUMNS.replace(",school_start", ""), _row()[:-1]))


def test_the_apply_stops_when_the_records_changed_since_the_check(virtual_school):
    checked = plan_build(virtual_school=virtual_school, parsed=_parse(_row()))
    plan_apply(virtual_school=virtual_school, parsed=_parse(_row()), actor=None)
    with pytest.raises(PlanChanged):
        plan_apply(virtual_school=virtual_school, parsed=_parse(_row()), actor=None,
                   fingerprint=checked.fingerprint)  # fmt: skip
