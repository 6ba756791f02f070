"""How far a PEP has got: per section and overall, from its answers, targets and reviews."""

from dataclasses import dataclass

from .models import Pep
from .rules import SCHOOL_PART_GATE, PepFacts, child_voice_recorded, failing
from .sections import PEP2_SECTION_KEYS, Kind, Owner, Section, sections_for
from .signals import pep_child_views_given, pep_ppplus_facts

NOT_STARTED = "Not started"
IN_PROGRESS = "In progress"
COMPLETED = "Completed"
REVIEW_NEEDED = "Review needed"
CARRIED_FORWARD = "Carried forward"


@dataclass(frozen=True)
class SectionProgress:
    section: Section
    answered: int
    mandatory: int
    complete: bool
    status: str
    carried_forward: bool
    version: int

    @property
    def owner_label(self) -> str:
        return self.section.owner.label


@dataclass(frozen=True)
class PepProgress:
    facts: PepFacts
    sections: tuple[SectionProgress, ...]

    @property
    def answered(self) -> int:
        return sum(s.answered for s in self.sections)

    @property
    def mandatory(self) -> int:
        return sum(s.mandatory for s in self.sections)

    def owned_by(self, *owners: Owner) -> tuple[SectionProgress, ...]:
        return tuple(s for s in self.sections if s.section.owner in owners)

    @property
    def school_incomplete(self) -> tuple[SectionProgress, ...]:
        return tuple(
            s for s in self.owned_by(Owner.DESIGNATED_TEACHER, Owner.EITHER) if not s.complete
        )

    @property
    def social_worker_incomplete(self) -> tuple[SectionProgress, ...]:
        return tuple(s for s in self.owned_by(Owner.SOCIAL_WORKER) if not s.complete)

    def get(self, key: str) -> SectionProgress | None:
        return next((s for s in self.sections if s.section.key == key), None)


def _filled(value) -> bool:
    if isinstance(value, list):  # attainment: at least one subject with a grade now
        return any(isinstance(row, dict) and row.get("current") for row in value)
    return value not in (None, "") and str(value).strip() != ""


def pep_facts(pep: Pep) -> PepFacts:
    return _gather(pep)[0]


def _gather(pep: Pep) -> tuple[PepFacts, dict]:
    """Everything the rules and the progress need, in four queries (the PP+ facts in one)."""
    rows = {row.section_key: row for row in pep.answers.all()}
    answers = {key: row.answers for key, row in rows.items()}
    year_group = pep.child.year_group(on=pep.term.start_date)
    applicable = frozenset(s.key for s in sections_for(pep.kind) if s.applies(year_group, answers))
    return PepFacts(
        kind=pep.kind,
        year_group=year_group,
        answers=answers,
        applicable_keys=applicable,
        targets=tuple(pep.targets.all()),
        # With each target's PP+ request (funding's relation), which the review line shows.
        reviews=tuple(pep.target_reviews.select_related("target__ppplus_request")),
        ppplus=tuple(
            fact for _, facts in pep_ppplus_facts.send(sender=Pep, pep=pep) for fact in facts
        ),
        child_words=any(given for _, given in pep_child_views_given.send(sender=Pep, pep=pep)),
    ), rows


def pep2_review_due(pep: Pep) -> bool:
    """Six months since the PEP2 was reviewed (decided when the PEP was made), or a change of
    school since then (which can happen any time)."""
    if pep.pep2_review_due or pep.pep2_reviewed_on is None:
        return True
    return pep.child.enrolments.filter(start_date__gt=pep.pep2_reviewed_on).exists()


def pep_progress(pep: Pep) -> PepProgress:
    facts, rows = _gather(pep)
    carried_counts = pep.kind == Kind.SCHOOL_AGE and not pep2_review_due(pep)
    sections = []
    for section in sections_for(pep.kind):
        if section.key not in facts.applicable_keys:
            continue
        row = rows.get(section.key)
        answers = facts.answers.get(section.key, {})
        mandatory = len(section.mandatory_questions)
        answered = sum(1 for q in section.mandatory_questions if _filled(answers.get(q.key)))
        complete = answered == mandatory
        if section.key == "child_views":
            mandatory, answered = 1, int(child_voice_recorded(facts))
            complete = bool(answered)
        if section.has_targets:
            complete = complete and not failing(SCHOOL_PART_GATE, facts)
        carried = bool(row and row.carried_forward)
        if carried and not (carried_counts and section.key in PEP2_SECTION_KEYS):
            status, complete = REVIEW_NEEDED, False
        elif carried and complete:
            status = CARRIED_FORWARD
        elif complete:
            status = COMPLETED
        elif row is None and not (section.has_targets and facts.targets):
            status = NOT_STARTED
        else:
            status = IN_PROGRESS
        sections.append(
            SectionProgress(
                section=section,
                answered=answered,
                mandatory=mandatory,
                complete=complete,
                status=status,
                carried_forward=carried,
                version=row.version if row else 0,
            )
        )
    return PepProgress(facts=facts, sections=tuple(sections))
