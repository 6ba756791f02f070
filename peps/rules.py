"""The business rules of a good PEP. Each is a small named check whose docstring is what the
person sees; a check answers True (met), False (not met) or None (does not apply here). The
designated teacher's completion gate, the pre-check before submitting and the Virtual School's
quality checklist are lists of them."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from accounts.formats import pounds

from .models import Target


@dataclass(frozen=True)
class PpPlusFact:
    """One target's PP+ request as the rules see it (given by the funding app)."""

    target: str  # how the person recognises the target: its own words, shortened
    amount: Decimal
    decided: bool
    tuition_arranged_by: str = ""  # "school" or "virtual_school" for tuition; else ""

    @property
    def label(self) -> str:
        return f"“{self.target}” ({pounds(self.amount)})"


@dataclass(frozen=True)
class PepFacts:
    """What the rules look at, gathered once (see `progress.pep_facts`)."""

    year_group: int
    answers: dict[str, dict]
    applicable_keys: frozenset[str]
    targets: tuple[Target, ...]
    reviews: tuple  # TargetReview rows of the previous PEP's targets
    ppplus: tuple[PpPlusFact, ...] = ()  # one for each target that asks for PP+
    kind: str = "school_age"  # early_years, school_age or post_16
    child_words: bool = False  # the child sent their own answers to a questionnaire


@dataclass(frozen=True)
class Rule:
    code: str
    check: Callable[[PepFacts], bool | None]

    @property
    def message(self) -> str:
        return " ".join((self.check.__doc__ or self.code).split())


def _answer(facts: PepFacts, section: str, question: str) -> str:
    value = facts.answers.get(section, {}).get(question)
    return str(value).strip() if value not in (None, "") else ""


def child_voice_recorded(facts: PepFacts) -> bool:
    """The child's views are recorded, or why they could not be gathered"""
    views = ("going_well", "help_wanted", "aspirations", "views_not_gathered_reason")
    return facts.child_words or any(_answer(facts, "child_views", key) for key in views)


def previous_targets_reviewed(facts: PepFacts) -> bool | None:
    """Every target from the last PEP is reviewed, with its outcome and evidence"""
    if not facts.reviews:
        return None
    return all(review.is_done for review in facts.reviews)


def three_targets_with_the_right_mix(facts: PepFacts) -> bool | None:
    """At least three targets: two or more academic, and one or more for wellbeing or social
    skills"""
    if facts.kind != "school_age":
        return None
    academic = sum(1 for t in facts.targets if t.area == Target.Area.ACADEMIC)
    wellbeing = sum(1 for t in facts.targets if t.area == Target.Area.WELLBEING)
    return len(facts.targets) >= 3 and academic >= 2 and wellbeing >= 1


def early_years_targets_follow_the_eyfs(facts: PepFacts) -> bool | None:
    """At least three targets in the early years foundation stage's areas of learning, one or
    more in a prime area: communication and language, physical development, or personal,
    social and emotional development"""
    if facts.kind != "early_years":
        return None
    areas = [t.area for t in facts.targets]
    return (
        len(areas) >= 3
        and all(area in Target.EYFS_AREAS for area in areas)
        and any(area in Target.PRIME_AREAS for area in areas)
    )


def post_16_targets_include_education_training_or_employment(facts: PepFacts) -> bool | None:
    """At least three targets, one or more for education, training or employment"""
    if facts.kind != "post_16":
        return None
    return len(facts.targets) >= 3 and any(t.area == Target.Area.EET for t in facts.targets)


def targets_are_smart(facts: PepFacts) -> bool | None:
    """Each target has success criteria, someone responsible and a date to be achieved by"""
    if not facts.targets:
        return None
    return all(t.success_criteria.strip() and t.owner.strip() and t.due_by for t in facts.targets)


def ppplus_linked_to_targets(facts: PepFacts) -> bool | None:
    """PP+ for tuition is requested against a target, never as general spending"""
    tuition = _answer(facts, "targets", "tuition_arrangement")
    if tuition in ("", "no_tuition"):
        return None
    return sum((t.ppplus_amount for t in facts.targets), Decimal(0)) > 0


def ppplus_requests_decided(facts: PepFacts) -> bool | None:
    """Every PP+ request is decided (approved, part-approved or declined) before sign-off"""
    if not facts.ppplus:
        return None
    return all(fact.decided for fact in facts.ppplus)


def tuition_arrangement_agrees(facts: PepFacts) -> bool | None:
    """Who arranges tuition in the targets section is the same as in each PP+ request for
    tuition"""
    tuition = [fact for fact in facts.ppplus if fact.tuition_arranged_by]
    if not tuition:
        return None
    said = _answer(facts, "targets", "tuition_arrangement")
    return all(fact.tuition_arranged_by == said for fact in tuition)


def meeting_not_in_the_future(facts: PepFacts) -> bool | None:
    """The PEP meeting has been held: its date is not in the future"""
    held = _answer(facts, "sign_off", "meeting_date")
    if not held:
        return None
    try:
        return date.fromisoformat(held) <= timezone.localdate()
    except ValueError:
        return None


def meeting_recorded(facts: PepFacts) -> bool:
    """The meeting's date and who attended are recorded"""
    return bool(
        _answer(facts, "sign_off", "meeting_date") and _answer(facts, "sign_off", "attendees")
    )


def transition_planned(facts: PepFacts) -> bool | None:
    """A transition plan is recorded, as the child is moving into Reception, year 7 or on from
    year 11"""
    if "transition" not in facts.applicable_keys:
        return None
    return bool(_answer(facts, "transition", "transition_plan"))


def _rules(*checks) -> tuple[Rule, ...]:
    return tuple(Rule(check.__name__, check) for check in checks)


# The designated teacher cannot complete the school's part unless these hold.
SCHOOL_PART_GATE = _rules(
    three_targets_with_the_right_mix,
    early_years_targets_follow_the_eyfs,
    post_16_targets_include_education_training_or_employment,
    targets_are_smart,
    previous_targets_reviewed,
)

# The quality checklist, also shown to both professionals before they submit.
QUALITY_CHECKLIST = _rules(
    child_voice_recorded,
    previous_targets_reviewed,
    three_targets_with_the_right_mix,
    early_years_targets_follow_the_eyfs,
    post_16_targets_include_education_training_or_employment,
    targets_are_smart,
    ppplus_linked_to_targets,
    tuition_arrangement_agrees,
    ppplus_requests_decided,
    meeting_recorded,
    transition_planned,
)


# The Virtual School cannot sign off while a money question is open.
SIGN_OFF_GATE = _rules(
    ppplus_requests_decided, tuition_arrangement_agrees, meeting_not_in_the_future
)


def failing(rules: tuple[Rule, ...], facts: PepFacts) -> list[Rule]:
    """The rules that are not met (a rule that does not apply is not failing)."""
    return [rule for rule in rules if rule.check(facts) is False]


class RatingRule:
    """How a Virtual School turns section ratings into the PEP's overall rating (a setting).
    Each rule is a small function whose docstring is what the Virtual School is shown."""

    THRESHOLD = "threshold"
    ST_HELENS = "st_helens"
    ALL_GREEN = "all_green"


def _threshold(ratings: list[str], amber_threshold: int) -> str:
    """Any red section makes the PEP red; the number of ambers you choose makes it amber"""
    if "red" in ratings:
        return "red"
    return "amber" if ratings.count("amber") >= amber_threshold else "green"


def _st_helens(ratings: list[str], amber_threshold: int) -> str:
    """St Helens: any red section makes the PEP red, two or more ambers make it amber, and
    otherwise it is green"""
    return _threshold(ratings, 2)


def _all_green(ratings: list[str], amber_threshold: int) -> str:
    """Any red section makes the PEP red; it is green only when every section is green, and
    otherwise amber"""
    if "red" in ratings:
        return "red"
    return "green" if all(r == "green" for r in ratings) else "amber"


RATING_RULES = {
    RatingRule.THRESHOLD: _threshold,
    RatingRule.ST_HELENS: _st_helens,
    RatingRule.ALL_GREEN: _all_green,
}


def rating_rule_description(rule: str, *, amber_threshold: int = 2) -> str:
    text = " ".join((RATING_RULES[rule].__doc__ or "").split())
    if rule == RatingRule.THRESHOLD:
        plural = "s make" if amber_threshold != 1 else " makes"
        text = text.replace(
            "the number of ambers you choose makes it amber",
            f"{amber_threshold} or more amber{plural} it amber",
        )
    return text


def overall_rating(
    section_ratings: dict[str, str], *, rule: str = RatingRule.THRESHOLD, amber_threshold: int = 2
) -> str:
    """The overall rating by the Virtual School's rule (today's threshold rule by default)."""
    return RATING_RULES[rule](list(section_ratings.values()), amber_threshold)
