from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from children.school_year import year_group_for
from peps import rules
from peps.sections import SECTIONS_BY_KIND, Kind, kind_for_year_group


def _facts(**overrides):
    base = {
        "year_group": 4,
        "answers": {},
        "applicable_keys": frozenset(),
        "targets": (),
        "reviews": (),
    }
    return rules.PepFacts(**{**base, **overrides})


def _target(area="academic", amount=0, criteria="x"):
    return SimpleNamespace(
        area=area, ppplus_amount=Decimal(amount), success_criteria=criteria, owner="T",
        due_by=date(2026, 12, 1),
    )  # fmt: skip


def test_every_kind_has_targets_and_a_sign_off_and_unique_keys():
    for kind, sections in SECTIONS_BY_KIND.items():
        keys = [s.key for s in sections]
        assert len(keys) == len(set(keys)), kind
        assert {"targets", "sign_off", "child_views"} <= set(keys), kind


@pytest.mark.parametrize(
    ("born", "kind"),
    [
        (date(2022, 8, 31), Kind.SCHOOL_AGE),  # 4 on 31 August 2026: Reception
        (date(2022, 9, 1), Kind.EARLY_YEARS),  # a day younger: nursery
        (date(2010, 8, 31), Kind.POST_16),  # year 12
        (date(2010, 9, 1), Kind.SCHOOL_AGE),  # year 11
    ],
)
def test_the_kind_follows_the_year_group_across_31_august(born, kind):
    assert kind_for_year_group(year_group_for(born, date(2026, 9, 2))) == kind


def test_child_voice_needs_views_or_a_reason():
    assert not rules.child_voice_recorded(_facts())
    assert rules.child_voice_recorded(_facts(answers={"child_views": {"going_well": "Art"}}))
    reason = {"child_views": {"views_not_gathered_reason": "Unwell"}}
    assert rules.child_voice_recorded(_facts(answers=reason))


def test_three_targets_need_two_academic_and_one_wellbeing():
    two_and_one = (_target(), _target(), _target("wellbeing"))
    assert rules.three_targets_with_the_right_mix(_facts(targets=two_and_one))
    assert not rules.three_targets_with_the_right_mix(_facts(targets=two_and_one[:2]))
    three_academic = (_target(), _target(), _target())
    assert not rules.three_targets_with_the_right_mix(_facts(targets=three_academic))


def test_smart_targets_and_what_does_not_apply():
    assert rules.targets_are_smart(_facts()) is None
    assert rules.targets_are_smart(_facts(targets=(_target(),)))
    assert not rules.targets_are_smart(_facts(targets=(_target(criteria=" "),)))


def test_previous_targets_reviewed():
    assert rules.previous_targets_reviewed(_facts()) is None
    done, undone = SimpleNamespace(is_done=True), SimpleNamespace(is_done=False)
    assert rules.previous_targets_reviewed(_facts(reviews=(done,)))
    assert not rules.previous_targets_reviewed(_facts(reviews=(done, undone)))


def test_tuition_needs_pp_plus_against_a_target():
    tuition = {"targets": {"tuition_arrangement": "school"}}
    assert rules.ppplus_linked_to_targets(_facts()) is None
    assert not rules.ppplus_linked_to_targets(_facts(answers=tuition, targets=(_target(),)))
    assert rules.ppplus_linked_to_targets(_facts(answers=tuition, targets=(_target(amount=50),)))


def test_transition_only_in_transition_years():
    assert rules.transition_planned(_facts()) is None
    applies = frozenset({"transition"})
    assert not rules.transition_planned(_facts(applicable_keys=applies))
    plan = {"transition": {"transition_plan": "Visits in June"}}
    assert rules.transition_planned(_facts(applicable_keys=applies, answers=plan))


def test_meeting_recorded():
    assert not rules.meeting_recorded(_facts())
    answers = {"sign_off": {"meeting_date": "2026-11-02", "attendees": "SW, DT, carer"}}
    assert rules.meeting_recorded(_facts(answers=answers))


@pytest.mark.parametrize(
    ("ratings", "threshold", "overall"),
    [
        ({"a": "green", "b": "red"}, 2, "red"),
        ({"a": "amber", "b": "amber", "c": "green"}, 2, "amber"),
        ({"a": "amber", "b": "green"}, 2, "green"),
        ({"a": "amber", "b": "green"}, 1, "amber"),
    ],
)
def test_overall_rating(ratings, threshold, overall):
    assert rules.overall_rating(ratings, amber_threshold=threshold) == overall


@pytest.mark.parametrize(
    ("ratings", "rule", "threshold", "overall"),
    [
        # Today's rule with a threshold of 3: two ambers stay green.
        (["amber", "amber", "green"], "threshold", 3, "green"),
        # St Helens: two ambers give amber, whatever the threshold says; one amber is green.
        (["amber", "amber", "green"], "st_helens", 3, "amber"),
        (["amber"] + ["green"] * 7, "st_helens", 3, "green"),
        (["red"] + ["green"] * 7, "st_helens", 3, "red"),
        # Every section green for green; one amber makes it amber.
        (["amber"] + ["green"] * 7, "all_green", 2, "amber"),
        (["green"] * 8, "all_green", 2, "green"),
        (["red", "amber"], "all_green", 2, "red"),
    ],
)
def test_overall_rating_follows_the_virtual_schools_rule(ratings, rule, threshold, overall):
    section_ratings = {f"s{i}": rating for i, rating in enumerate(ratings)}
    assert rules.overall_rating(section_ratings, rule=rule, amber_threshold=threshold) == overall


def test_each_rating_rule_is_a_setting_and_describes_itself():
    from peps.models import PepSettings

    assert set(rules.RATING_RULES) == set(PepSettings.RatingRule.values)
    assert rules.rating_rule_description("threshold", amber_threshold=3) == (
        "Any red section makes the PEP red; 3 or more ambers make it amber"
    )
    assert rules.rating_rule_description("st_helens").startswith("St Helens: any red")


def test_early_years_targets_follow_the_eyfs_areas_not_academic_and_wellbeing():
    prime, specific = _target("eyfs_cl"), _target("eyfs_maths")
    early = {"kind": "early_years"}
    assert rules.early_years_targets_follow_the_eyfs(
        _facts(**early, targets=(prime, specific, _target("eyfs_world")))
    )
    # Only specific areas: no prime area.
    assert not rules.early_years_targets_follow_the_eyfs(
        _facts(**early, targets=(specific, _target("eyfs_world"), _target("eyfs_arts")))
    )
    # The school-age mix is not what an early years PEP is judged by.
    school_mix = (_target(), _target(), _target("wellbeing"))
    assert not rules.early_years_targets_follow_the_eyfs(_facts(**early, targets=school_mix))
    assert rules.three_targets_with_the_right_mix(_facts(**early, targets=school_mix)) is None
    assert rules.early_years_targets_follow_the_eyfs(_facts(targets=school_mix)) is None
    assert rules.three_targets_with_the_right_mix(_facts(targets=school_mix))


def test_post_16_targets_include_education_training_or_employment():
    post_16 = {"kind": "post_16"}
    with_eet = (_target(), _target("eet"), _target("wellbeing"))
    without = (_target(), _target(), _target("wellbeing"))
    check = rules.post_16_targets_include_education_training_or_employment
    assert check(_facts(**post_16, targets=with_eet))
    assert not check(_facts(**post_16, targets=without))
    assert not check(_facts(**post_16, targets=with_eet[:2]))
    assert rules.three_targets_with_the_right_mix(_facts(**post_16, targets=without)) is None
    assert check(_facts(targets=without)) is None
    assert check.__doc__.strip() == (
        "At least three targets, one or more for education, training or employment"
    )


def test_every_rule_message_is_its_docstring():
    for rule in rules.QUALITY_CHECKLIST:
        assert rule.message and rule.message != rule.code
