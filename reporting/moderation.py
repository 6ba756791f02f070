"""Quality moderation: drawing a term's sample, the blind second rating, and the results.

The sample: each officer's signed-off PEPs of the term are sampled at the head's share (rounded
up, at least one each), from a seed kept with the round, so the same data draws the same PEPs.
Each sampled PEP goes to another officer of the Virtual School, never the one who signed it off,
spreading the work evenly.
"""

import random
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import VIRTUAL_SCHOOL_STAFF, Role, User
from audit.services import audit_record
from peps.models import Pep, QualityReview, Term
from peps.sections import Kind, sections_for

from .agreement import Agreement, agreement
from .models import ModerationRound, ModerationSample

CATEGORIES = tuple(Pep.Rating.values)


# Pure parts: which PEPs, and who rates them again.


def sample_size(count: int, share_percent: int) -> int:
    """`share_percent` of `count`, rounded up, and at least one when there is any."""
    if count <= 0:
        return 0
    return max(1, -(-count * share_percent // 100))


def draw_sample(
    peps_by_officer: dict[int, list[int]], *, share_percent: int, seed: str
) -> dict[int, list[int]]:
    """The PEP ids drawn from each officer's, reproducibly: each officer's draw depends only on
    the seed, their id and their own PEPs, not on the order or on other officers."""
    drawn = {}
    for officer, pep_ids in sorted(peps_by_officer.items()):
        pep_ids = sorted(pep_ids)
        size = sample_size(len(pep_ids), share_percent)
        if size:
            chooser = random.Random(f"{seed}:{officer}")  # noqa: S311 (reproducible by design, not secret)
            drawn[officer] = sorted(chooser.sample(pep_ids, size))
    return drawn


def assign_second_raters(samples: list[tuple[int, int]], raters: list[int]) -> dict[int, int]:
    """For (pep id, first rater id) pairs, a second rater each: never the first rater, and the
    work spread as evenly as that allows. Deterministic: ties go to the lowest id. Raises
    ValueError when nobody but the first rater could rate a PEP."""
    load: Counter = Counter({rater: 0 for rater in raters})
    first_of = dict(samples)
    assigned = {}
    for pep_id, first in sorted(samples):
        others = [rater for rater in sorted(raters) if rater != first]
        if not others:
            raise ValueError("No second rater other than the first")
        chosen = min(others, key=lambda rater: (load[rater], rater))
        load[chosen] += 1
        assigned[pep_id] = chosen
    # Taking turns can still leave one officer two or more ahead of another: move a PEP from
    # the busiest to the least busy who did not sign it off, while that evens things out.
    while True:
        busiest = max(sorted(load), key=lambda rater: load[rater])
        idlest = min(sorted(load), key=lambda rater: load[rater])
        if load[busiest] - load[idlest] < 2:
            break
        movable = [
            pep_id
            for pep_id, rater in sorted(assigned.items())
            if rater == busiest and first_of[pep_id] != idlest
        ]
        if not movable:
            break
        assigned[movable[0]] = idlest
        load[busiest] -= 1
        load[idlest] += 1
    return assigned


# Reads.


def rounds_of(*, user: User):
    return ModerationRound.objects.filter(virtual_school_id=user.virtual_school_id).select_related(
        "term", "drawn_by"
    )


def round_get_for_user(*, user: User, round_id: int) -> ModerationRound:
    """A round of the person's own Virtual School, else 404; only the head reads its results."""
    found = rounds_of(user=user).filter(pk=round_id).first()
    if found is None:
        raise Http404("No such moderation round")
    if user.role != Role.VIRTUAL_SCHOOL_HEAD:
        raise PermissionDenied
    return found


def sample_get_for_rater(*, user: User, sample_id: int) -> ModerationSample:
    """A sample of the person's own Virtual School (else 404), for its second rater (else 403)."""
    found = (
        ModerationSample.objects.select_related("round__term", "pep__child", "pep__term")
        .filter(pk=sample_id, round__virtual_school_id=user.virtual_school_id)
        .first()
    )
    if found is None:
        raise Http404("No such moderation sample")
    if found.second_rater_id != user.pk:
        raise PermissionDenied
    return found


def samples_for_rater(*, user: User):
    return (
        ModerationSample.objects.filter(
            second_rater=user, round__virtual_school_id=user.virtual_school_id
        )
        .select_related("round__term", "pep__child")
        .order_by("rated_at", "pk")
    )


def terms_to_draw(*, user: User):
    """The Virtual School's terms that have started and have no round yet."""
    drawn = ModerationRound.objects.filter(virtual_school_id=user.virtual_school_id).values("term")
    return (
        Term.objects.filter(
            virtual_school_id=user.virtual_school_id, start_date__lte=timezone.localdate()
        )
        .exclude(pk__in=drawn)
        .order_by("-start_date")
    )


def section_keys_in_order() -> list[tuple[str, str]]:
    """Every section key with its title, in the order the PEP forms show them."""
    seen: dict[str, str] = {}
    for kind in Kind:
        for section in sections_for(kind):
            seen.setdefault(section.key, section.title)
    return list(seen.items())


@dataclass
class SectionAgreement:
    key: str
    title: str
    agreement: Agreement


@dataclass
class Disagreement:
    sample: ModerationSample
    section_title: str
    first: str
    second: str


@dataclass
class RoundResults:
    samples: list[ModerationSample]
    rated: int
    sections: list[SectionAgreement]
    overall: Agreement
    disagreements: list[Disagreement]


def round_results(moderation_round: ModerationRound) -> RoundResults:
    """Per section, how far the first and second ratings of the rated samples agree, and each
    section they rated differently. A fixed number of queries whatever the sample's size."""
    samples = list(
        moderation_round.samples.select_related(
            "pep__child", "first_review", "first_rater", "second_rater"
        )
    )
    rated = [s for s in samples if s.is_rated]
    pairs: dict[str, list[tuple[str, str]]] = {}
    disagreements = []
    order = section_keys_in_order()
    titles = dict(order)
    for sample in rated:
        first = sample.first_review.section_ratings
        for key, title in order:
            if key in first and key in sample.second_ratings:
                pair = (first[key], sample.second_ratings[key])
                pairs.setdefault(key, []).append(pair)
                if pair[0] != pair[1]:
                    disagreements.append(Disagreement(sample, title, *pair))
    sections = [
        SectionAgreement(key, titles[key], agreement(pairs[key], CATEGORIES))
        for key, _ in order
        if key in pairs
    ]
    overall = agreement([p for key in pairs for p in pairs[key]], CATEGORIES)
    return RoundResults(samples, len(rated), sections, overall, disagreements)


def sections_to_rate(sample: ModerationSample) -> list:
    """The sections the first rater rated, as the PEP defines them, in the form's order."""
    keys = sample.first_review.section_ratings
    return [section for section in sections_for(sample.pep.kind) if section.key in keys]


# Writes.


@transaction.atomic
def moderation_round_draw(*, actor: User, term: Term, share_percent: int) -> ModerationRound:
    """The head draws the term's sample: each officer's signed-off PEPs at the share, each
    given to another officer to rate again."""
    if actor.role != Role.VIRTUAL_SCHOOL_HEAD or term.virtual_school_id != actor.virtual_school_id:
        raise PermissionDenied
    if not 1 <= share_percent <= 100:
        raise ValidationError({"share_percent": "Enter a share between 1% and 100%"})
    if ModerationRound.objects.filter(virtual_school_id=term.virtual_school_id, term=term).exists():
        raise ValidationError({"term": f"A sample has already been drawn for {term}"})
    reviews = {
        review.pep_id: review
        for review in QualityReview.objects.filter(
            decision=QualityReview.Decision.SIGNED_OFF,
            pep__term=term,
            pep__state=Pep.State.SIGNED_OFF,
            pep__child__virtual_school_id=term.virtual_school_id,
        ).order_by("created_at")
    }
    if not reviews:
        raise ValidationError({"term": f"No PEP of {term} has been signed off yet"})
    by_officer: dict[int, list[int]] = {}
    for pep_id, review in reviews.items():
        by_officer.setdefault(review.reviewer_id, []).append(pep_id)
    seed = f"moderation:{term.virtual_school_id}:{term.pk}"
    drawn = draw_sample(by_officer, share_percent=share_percent, seed=seed)
    raters = list(
        User.objects.filter(
            virtual_school_id=term.virtual_school_id,
            role__in=VIRTUAL_SCHOOL_STAFF,
            is_active=True,
        ).values_list("pk", flat=True)
    )
    try:
        second = assign_second_raters(
            [(pep_id, officer) for officer, ids in drawn.items() for pep_id in ids], raters
        )
    except ValueError:
        raise ValidationError(
            {"term": "A second rating needs another officer: add one under People first"}
        ) from None
    moderation_round = ModerationRound.objects.create(
        virtual_school_id=term.virtual_school_id,
        term=term,
        share_percent=share_percent,
        seed=seed,
        drawn_by=actor,
    )
    audit_record(
        actor=actor,
        action="moderation.sample_drawn",
        obj=moderation_round,
        changes={"term": [None, term.pk], "share_percent": [None, share_percent],
                 "peps": [None, sorted(second)]},
    )  # fmt: skip
    peps = Pep.objects.select_related("child").in_bulk(list(second))
    for pep_id, rater in sorted(second.items()):
        review = reviews[pep_id]
        sample = ModerationSample.objects.create(
            round=moderation_round,
            pep_id=pep_id,
            first_review=review,
            first_rater_id=review.reviewer_id,
            second_rater_id=rater,
        )
        audit_record(
            actor=actor,
            action="moderation.pep_sampled",
            child=peps[pep_id].child,
            obj=sample,
            changes={"second_rater": [None, rater]},
        )
    return moderation_round


@transaction.atomic
def moderation_second_rating_save(
    *, actor: User, sample: ModerationSample, ratings: dict[str, str]
) -> ModerationSample:
    """The second rater's rating of every section the first rater rated."""
    sample = (
        ModerationSample.objects.select_for_update()
        .select_related("first_review", "pep__child")
        .get(pk=sample.pk)
    )
    if actor.pk != sample.second_rater_id or actor.pk == sample.first_rater_id:
        raise PermissionDenied
    wanted = set(sample.first_review.section_ratings)
    given = {key: value for key, value in ratings.items() if key in wanted}
    if set(given) != wanted or any(value not in CATEGORIES for value in given.values()):
        raise ValidationError("Rate every section red, amber or green")
    before = sample.second_ratings
    sample.second_ratings = given
    sample.rated_at = timezone.now()
    sample.save(update_fields=["second_ratings", "rated_at"])
    audit_record(
        actor=actor,
        action="moderation.second_rating_saved",
        child=sample.pep.child,
        obj=sample,
        changes={"second_ratings": [before or None, given]},
    )
    return sample
