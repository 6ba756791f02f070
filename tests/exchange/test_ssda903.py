"""The SSDA903 return: what each file says about a child, and what an import does with it."""

from datetime import date

import pytest

from audit.models import AuditEvent
from children.access import children_with_permission
from children.models import Child, Placement
from exchange import ssda903
from exchange.csvfiles import FileRefused
from exchange.plans import PlanRefused, plan_apply, plan_build
from tests.accounts.factories import SchoolFactory
from tests.children.factories import ChildFactory, EnrolmentFactory
from tests.exchange.files import csv_file, episodes, header, two_children, upn


def _apply(virtual_school, files, actor=None, **kwargs):
    return plan_apply(virtual_school=virtual_school, parsed=ssda903.parse(**files), actor=actor,
                      **kwargs)  # fmt: skip


def test_the_return_maps_to_each_childs_record(virtual_school, school, vs_officer):
    plan = _apply(virtual_school, two_children(school.urn), actor=vs_officer)
    assert plan.counts == {"create": 2, "change": 0, "unchanged": 0, "refused_rows": 0,
                           "refused_children": 0}  # fmt: skip
    a1 = Child.objects.get(council_child_id="A1")
    assert a1.virtual_school == virtual_school
    assert (a1.date_of_birth, a1.gender, a1.upn) == (date(2014, 3, 14), "female", upn(1))
    # The first DECOM of the current period of care; LS of the latest episode.
    assert a1.date_entered_care == date(2023, 5, 1)
    assert a1.legal_status == Child.LegalStatus.FULL_CARE_ORDER
    assert a1.date_left_care is None
    placement = a1.placements.get()
    # U4 with a private provider is an agency's foster carer, from the move on 10 January.
    assert placement.placement_type == Placement.PlacementType.AGENCY_FOSTER_CARE
    assert (placement.start_date, placement.end_date) == (date(2024, 1, 10), None)
    enrolment = a1.enrolments.get()
    assert (enrolment.school, enrolment.start_date) == (school, date(2023, 5, 1))
    a2 = Child.objects.get(council_child_id="A2")
    # Left care: the latest episode ended. An Ofsted URN (SC...) is the home's, not a school.
    assert a2.date_left_care == date(2025, 4, 4)
    assert a2.legal_status == Child.LegalStatus.SECTION_20
    assert a2.placements.get().end_date == date(2025, 4, 4)
    assert not a2.enrolments.exists()
    # Access follows the facts: the Virtual School's staff and the school's teachers.
    assert set(children_with_permission(user=vs_officer)) == {a1, a2}
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"child.created", "placement.started", "enrolment.started", "import.applied"} <= actions
    assert AuditEvent.objects.filter(action="child.created", actor=vs_officer).count() == 2


def test_a_second_run_of_the_same_files_changes_nothing(virtual_school, school):
    _apply(virtual_school, two_children(school.urn))
    events = AuditEvent.objects.count()
    plan = _apply(virtual_school, two_children(school.urn))
    assert plan.counts["unchanged"] == 2 and plan.counts["create"] == plan.counts["change"] == 0
    assert Child.objects.count() == 2 and Placement.objects.count() == 2
    assert AuditEvent.objects.count() == events + 1  # only the run itself is recorded


def test_an_existing_child_is_changed_on_the_councils_id(virtual_school, school):
    child = ChildFactory(virtual_school=virtual_school, council_child_id="A1",
                         legal_first_name="Ava", legal_last_name="Thompson",
                         date_of_birth=date(2014, 3, 14), upn="",
                         legal_status=Child.LegalStatus.SECTION_20)  # fmt: skip
    other = SchoolFactory()
    EnrolmentFactory(child=child, school=other, start_date=date(2023, 1, 9))
    plan = plan_build(virtual_school=virtual_school,
                      parsed=ssda903.parse(**two_children(school.urn)))  # fmt: skip
    (entry,) = plan.of("change")
    assert entry.council_child_id == "A1"
    assert "legal status: section_20 → full_care_order" in entry.changes
    assert any("current school ends on 1 May 2023" in change for change in entry.changes)
    _apply(virtual_school, two_children(school.urn))
    child.refresh_from_db()
    # Names are not in the return: the ones PEP Portal holds stay.
    assert (child.legal_first_name, child.legal_status) == ("Ava", "full_care_order")
    assert child.enrolments.get(end_date__isnull=True).school == school
    assert child.enrolments.get(school=other).end_date == date(2023, 5, 1)


def test_another_councils_child_with_the_same_id_is_not_touched(virtual_school, school):
    elsewhere = ChildFactory(council_child_id="A1", date_of_birth=date(2011, 1, 1))
    _apply(virtual_school, two_children(school.urn))
    elsewhere.refresh_from_db()
    assert elsewhere.date_of_birth == date(2011, 1, 1)
    assert Child.objects.filter(council_child_id="A1").count() == 2


def test_uasc_and_oc2_files(virtual_school, school):
    files = two_children(school.urn) | {
        "uasc": csv_file("uasc.csv", "CHILD,SEX,DOB,DUC", "A2,1,02/02/2010,01/01/2025"),
        "oc2": csv_file("oc2.csv", "CHILD,SEX,DOB,SDQ_SCORE,SDQ_REASON", "A1,2,14/03/2014,17,"),
    }
    _apply(virtual_school, files)
    a1, a2 = Child.objects.order_by("council_child_id")
    assert (a1.sdq_score, a1.is_uasc) == (17, False)
    assert (a2.is_uasc, a2.uasc_ceased_on) == (True, date(2025, 1, 1))


def _refusals(files) -> list[tuple[str, int, str]]:
    parsed = ssda903.parse(**files)
    return [(r.file, r.line, r.reason) for r in parsed.refused]


GOOD_HEADER = "A1,2,14/03/2014,WBRI,,,"
BAD_UPN = "B" + upn(1)[1:]
BAD_ROWS = [
    ("A1,2,2014-03-14,WBRI,,,", None,
     ("header.csv", 2, "DOB '2014-03-14' is not a date written dd/mm/yyyy")),
    ("A1,2,31/02/2014,WBRI,,,", None, ("header.csv", 2, "DOB '31/02/2014' is not a real date")),
    (f"A1,2,14/03/2014,WBRI,{BAD_UPN},,", None,
     ("header.csv", 2, f"UPN {BAD_UPN}: This UPN's check letter is wrong: check each "
                       "character against the school's record")),
    ("A1,3,14/03/2014,WBRI,,,", None,
     ("header.csv", 2, "SEX '3' is not 1 (male) or 2 (female)")),
    (GOOD_HEADER, "A1,01/05/2023,S,C2,N1,U4,PR1,01/04/2023,E11,,,,",
     ("episodes.csv", 2,
      "The episode ends (DEC 01/04/2023) before it starts (DECOM 01/05/2023)")),
    (GOOD_HEADER, "A1,01/05/2023,S,C9,N1,U4,PR1,,,,,,",
     ("episodes.csv", 2, "LS 'C9' is not a legal status code of the SSDA903 return")),
    (GOOD_HEADER, "A9,01/05/2023,S,C2,N1,U4,PR1,,,,,,",
     ("episodes.csv", 2, "CHILD 'A9' is not in the header file")),
]  # fmt: skip


@pytest.mark.parametrize(("header_row", "episode_row", "expected"), BAD_ROWS)
def test_each_bad_row_is_named_with_its_line_and_reason(header_row, episode_row, expected):
    rows = [episode_row] if episode_row else ["A1,01/05/2023,S,C2,N1,U4,PR1,,,,,,"]
    assert expected in _refusals({"header": header(header_row), "episodes": episodes(*rows)})


def test_a_child_repeated_with_conflicting_dates_of_birth_is_refused_on_both_lines():
    refused = _refusals({
        "header": header("A1,2,14/03/2014,WBRI,,,", "A1,2,15/03/2014,WBRI,,,"),
        "episodes": episodes("A1,01/05/2023,S,C2,N1,U4,PR1,,,,,,"),
    })  # fmt: skip
    assert [(file, line) for file, line, _ in refused] == [("header.csv", 2), ("header.csv", 3)]
    assert "repeated with a different date of birth from line 2" in refused[1][2]


def test_a_urn_that_is_not_a_school_is_refused_and_nothing_is_saved(virtual_school, school):
    files = two_children("999999")
    plan = plan_build(virtual_school=virtual_school, parsed=ssda903.parse(**files))
    assert [(r.file, r.line, r.child, r.reason) for r in plan.refused] == [
        ("episodes.csv", 4, "A1", "URN 999999 is not a school in PEP Portal's register")
    ]
    with pytest.raises(PlanRefused):
        _apply(virtual_school, files)
    assert not Child.objects.exists()
    # Choosing to skip the refused rows applies the rest, and the audit trail says so.
    _apply(virtual_school, files, skip_refused=True)
    assert list(Child.objects.values_list("council_child_id", flat=True)) == ["A2"]
    event = AuditEvent.objects.get(action="import.applied")
    assert event.changes["skipped_refused_rows"] == [None, True]
    assert "URN 999999" in event.changes["refused"][1][0]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"CHILD;SEX;DOB\n1;2;3\n", "This is not a CSV file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "This is not a CSV file"),
        (b"CHILD,SEX,BIRTH\nA1,2,14/03/2014\n", "DOB, ETHNIC, UPN, MOTHER, MC_DOB are missing"),
        (b"", "The file is empty"),
        (b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n" + b"A" * (6 * 1024 * 1024), "is 6 MB"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(content, reason):
    with pytest.raises(FileRefused) as refused:
        ssda903.parse(header=("header.csv", content), episodes=episodes())
    assert refused.value.name == "header.csv"
    assert reason in refused.value.reason


def test_the_period_of_care_starts_after_the_last_break(virtual_school):
    files = {
        "header": header("A1,2,14/03/2014,WBRI,,,"),
        "episodes": episodes(
            "A1,01/02/2020,S,V2,N1,U4,PR1,01/06/2020,E11,,,,",  # went home
            "A1,01/03/2022,S,C1,N1,U4,PR1,01/06/2022,X1,,,,",
            "A1,01/06/2022,L,C2,N1,U4,PR1,,,,,,",
        ),
    }
    (child,) = ssda903.parse(**files).children
    assert child.fields["date_entered_care"] == "2022-03-01"
    assert child.placement["start_date"] == "2022-03-01"


def test_an_import_that_changes_no_access_still_renews_the_councils_kept_figures(
    virtual_school, school, settings
):
    """The import writes children and periods in bulk (no model signals): the Virtual School's
    kept figures and school filter are renewed whether or not anyone's access changed."""
    from pep_portal.kept import kept_key

    settings.DASHBOARD_FIGURES_SECONDS = 600
    _apply(virtual_school, two_children(school.urn))
    Child.objects.filter(council_child_id="A1").update(legal_status=Child.LegalStatus.SECTION_20)
    before = kept_key(virtual_school.pk, "dashboard")
    assert kept_key(virtual_school.pk, "dashboard") == before  # nothing changed meanwhile
    plan = _apply(virtual_school, two_children(school.urn))
    assert plan.counts["change"] == 1
    assert Child.objects.get(council_child_id="A1").legal_status == "full_care_order"
    assert kept_key(virtual_school.pk, "dashboard") != before
