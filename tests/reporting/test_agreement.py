"""Percentage agreement and Cohen's kappa, against worked examples, and the sample's rules."""

import pytest

from reporting.agreement import agreement
from reporting.moderation import assign_second_raters, draw_sample, sample_size

YES_NO = ("yes", "no")
RAG = ("red", "amber", "green")


def _two_by_two(both_yes: int, yes_no: int, no_yes: int, both_no: int):
    return (
        [("yes", "yes")] * both_yes
        + [("yes", "no")] * yes_no
        + [("no", "yes")] * no_yes
        + [("no", "no")] * both_no
    )


@pytest.mark.parametrize(
    ("table", "percent", "chance", "kappa"),
    [
        # Wikipedia, "Cohen's kappa", simple example: p_o 0.7, p_e 0.5, kappa 0.4.
        ((20, 5, 10, 15), 70, 0.5, 0.4),
        # Wikipedia's two tables with the same p_o (0.6) and different kappas.
        ((45, 15, 25, 15), 60, 0.54, 0.1304),
        ((25, 35, 5, 35), 60, 0.46, 0.2593),
    ],
)
def test_kappa_matches_the_published_examples(table, percent, chance, kappa):
    result = agreement(_two_by_two(*table), YES_NO)
    assert result.rated == sum(table)
    assert result.percent == pytest.approx(percent)
    assert result.chance == pytest.approx(chance)
    assert result.kappa == pytest.approx(kappa, abs=5e-5)


def test_kappa_over_three_rating_categories():
    # Worked by hand: 12 PEPs, 9 rated alike (p_o 0.75). First rater: 3 red, 3 amber, 6 green;
    # second: 2 red, 6 amber, 4 green; p_e = (3x2 + 3x6 + 6x4) / 144 = 1/3;
    # kappa = (0.75 - 1/3) / (2/3) = 0.625.
    pairs = (
        [("red", "red")] * 2
        + [("amber", "amber")] * 3
        + [("green", "green")] * 4
        + [("red", "amber")]
        + [("green", "amber")] * 2
    )
    result = agreement(pairs, RAG)
    assert (result.rated, result.agreed) == (12, 9)
    assert result.percent == 75
    assert result.chance == pytest.approx(1 / 3)
    assert result.kappa == pytest.approx(0.625)


def test_complete_systematic_disagreement_is_minus_one():
    result = agreement([("red", "green"), ("green", "red")], RAG)
    assert result.percent == 0
    assert result.kappa == pytest.approx(-1)


def test_when_chance_agreement_is_certain_kappa_is_defined_as_one():
    """Both raters rated every PEP green: p_e is 1 and the formula is 0/0."""
    result = agreement([("green", "green")] * 4, RAG)
    assert result.chance == 1
    assert result.chance_is_certain
    assert result.kappa == 1
    assert result.percent == 100


def test_nothing_rated_has_no_kappa():
    result = agreement([], RAG)
    assert (result.rated, result.kappa, result.percent) == (0, None, None)


def test_a_rating_outside_the_categories_is_refused():
    with pytest.raises(ValueError, match="gold"):
        agreement([("gold", "green")], RAG)


@pytest.mark.parametrize(
    ("count", "share", "size"), [(0, 10, 0), (1, 10, 1), (3, 10, 1), (10, 10, 1), (11, 10, 2),
                                 (12, 25, 3), (5, 100, 5)]
)  # fmt: skip
def test_sample_size_is_the_share_rounded_up_and_at_least_one(count, share, size):
    assert sample_size(count, share) == size


def test_the_sample_is_reproducible_and_each_officers_own():
    peps = {7: list(range(100, 130)), 3: list(range(200, 205)), 9: []}
    first = draw_sample(peps, share_percent=10, seed="moderation:1:2")
    again = draw_sample(dict(reversed(list(peps.items()))), share_percent=10, seed="moderation:1:2")
    assert first == again
    assert {officer: len(ids) for officer, ids in first.items()} == {7: 3, 3: 1}
    assert set(first[7]) <= set(peps[7]) and set(first[3]) <= set(peps[3])
    # Another officer's PEPs do not change this officer's draw.
    alone = draw_sample({7: peps[7]}, share_percent=10, seed="moderation:1:2")
    assert alone[7] == first[7]


def test_second_raters_are_never_the_first_and_share_the_work():
    samples = [(1, 10), (2, 10), (3, 10), (4, 20), (5, 20), (6, 30)]
    assigned = assign_second_raters(samples, [10, 20, 30])
    assert all(assigned[pep] != first for pep, first in samples)
    loads = sorted(list(assigned.values()).count(r) for r in (10, 20, 30))
    assert loads == [2, 2, 2]


def test_no_second_rater_when_the_first_is_the_only_officer():
    with pytest.raises(ValueError):
        assign_second_raters([(1, 10)], [10])
