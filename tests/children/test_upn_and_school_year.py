from datetime import date

import pytest
from django.core.exceptions import ValidationError

from children.school_year import academic_year_of, key_stage_for, year_group_for, year_group_label
from children.upn import upn_check_letter, validate_upn

# B801200005001 is python-stdnum's published valid example; the P UPN follows the DfE rule for a
# published body (a school census help page gets its sum wrong by one and says Q).
VALID = ["B801200005001", "b801 2000 05001", "P207000016049"]


@pytest.mark.parametrize("upn", VALID)
def test_real_upns_are_accepted(upn):
    validate_upn(upn)


@pytest.mark.parametrize(
    ("upn", "code"),
    [
        ("B207000016049", "upn_check_letter"),  # the census help page's wrong UPN
        ("Q207000016049", "upn_check_letter"),  # and its wrong correction
        ("A801200005001", "upn_check_letter"),
        ("X80120000A001", "upn_format"),  # letters only at each end
        ("Q20700001604", "upn_format"),  # 12 characters
        ("I207000016049", "upn_format"),  # I, O and S are never check letters
    ],
)
def test_wrong_upns_are_refused_with_a_reason(upn, code):
    with pytest.raises(ValidationError) as error:
        validate_upn(upn)
    assert error.value.code == code


def test_a_temporary_upn_counts_its_final_letter():
    body = "80120000501A"
    upn = upn_check_letter(body) + body
    validate_upn(upn)
    with pytest.raises(ValidationError):
        validate_upn(("A" if upn[0] != "A" else "B") + body)


@pytest.mark.parametrize(
    ("born", "on", "year_group"),
    [
        (date(2021, 8, 31), date(2026, 9, 1), 1),  # 5 on 31 August: year 1
        (date(2021, 9, 1), date(2026, 9, 1), 0),  # a day younger: Reception
        (date(2021, 9, 1), date(2026, 8, 31), -1),  # the day before: still nursery
        (date(2010, 9, 1), date(2026, 11, 22), 11),  # 15 on 31 August 2026
        (date(2010, 8, 31), date(2026, 11, 22), 12),
        (date(2012, 2, 29), date(2026, 11, 22), 10),
    ],
)
def test_year_group_is_fixed_by_age_on_31_august(born, on, year_group):
    assert year_group_for(born, on) == year_group


def test_academic_year_turns_on_1_september():
    assert academic_year_of(date(2026, 8, 31)) == 2025
    assert academic_year_of(date(2026, 9, 1)) == 2026


@pytest.mark.parametrize(
    ("year_group", "label", "stage"),
    [
        (-2, "Pre-school", "Early years"),
        (0, "Reception", "Early years"),
        (2, "Year 2", "Key stage 1"),
        (6, "Year 6", "Key stage 2"),
        (9, "Year 9", "Key stage 3"),
        (11, "Year 11", "Key stage 4"),
        (13, "Year 13", "Post-16"),
    ],
)
def test_labels_and_key_stages(year_group, label, stage):
    assert year_group_label(year_group) == label
    assert key_stage_for(year_group) == stage


def test_the_override_wins_over_the_date_of_birth(world):
    child = world.child
    child.year_group_override = 3
    assert child.year_group() == 3
