"""Plausible answers for any section, made from its definition: for the demo data and for
tests that need a PEP filled in. Everything goes through the real services."""

from datetime import date
from decimal import Decimal

from accounts.models import User

from . import services, workflow
from .models import Pep, Target
from .progress import pep_progress
from .sections import Owner, QuestionType, Section

SAMPLE_TEXT = {
    QuestionType.TEXT: "Recorded at the PEP meeting",
    QuestionType.TEXTAREA: "Discussed at the PEP meeting and agreed by everyone present.",
}

SAMPLE_TARGETS = (
    (Target.Area.ACADEMIC, "English", "Write a paragraph of four linked sentences", "120.00"),
    (Target.Area.ACADEMIC, "Maths", "Recall the 6, 7 and 8 times tables", "260.00"),
    (Target.Area.WELLBEING, "", "Join a lunchtime club and take part each week", "0"),
)


def sample_answers(section: Section, *, on: date) -> dict:
    answers = {}
    for question in section.questions:
        if question.type == QuestionType.DATE and not question.mandatory:
            continue  # e.g. the next meeting's date: left for a provisional one to be set
        if question.type in SAMPLE_TEXT:
            answers[question.key] = SAMPLE_TEXT[question.type]
        elif question.type == QuestionType.YES_NO:
            answers[question.key] = "no"
        elif question.choices:
            answers[question.key] = question.choices[-1 if question.key == "neet_risk" else 0][0]
        elif question.type == QuestionType.DATE:
            answers[question.key] = on.isoformat()
        elif question.type == QuestionType.NUMBER:
            answers[question.key] = 1
        else:
            answers[question.key] = "94.5"
    return answers


def _fill(pep: Pep, actor: User, owners: tuple[Owner, ...]) -> None:
    for item in pep_progress(pep).sections:
        if item.section.owner in owners and item.section.questions:
            services.section_save(
                pep=pep,
                section_key=item.section.key,
                answers=sample_answers(item.section, on=pep.term.start_date),
                expected_version=item.version,
                actor=actor,
            )


def fill_school_part(pep: Pep, teacher: User) -> None:
    """Answer the school's sections, review last term's targets and set three new ones."""
    _fill(pep, teacher, (Owner.DESIGNATED_TEACHER, Owner.EITHER))
    for review in pep.target_reviews.select_related("target"):
        services.target_review_save(
            review=review,
            actor=teacher,
            outcome="partly",
            evidence="Seen in class work and the teacher's assessment.",
            ppplus_impact="Small-group sessions helped." if review.target.ppplus_amount else "",
        )
    if not pep.targets.exists():
        for area, subject, description, amount in SAMPLE_TARGETS:
            services.target_save(
                pep=pep,
                actor=teacher,
                area=area,
                subject=subject,
                description=description,
                baseline="Not yet secure",
                success_criteria="Shown in three pieces of work",
                actions="Weekly small-group sessions with the class teacher",
                owner="Class teacher",
                due_by=pep.term.end_date,
                ppplus_amount=Decimal(amount),
            )


def fill_social_worker_part(pep: Pep, social_worker: User) -> None:
    _fill(pep, social_worker, (Owner.SOCIAL_WORKER,))


def complete_and_submit(pep: Pep, *, teacher: User, social_worker: User) -> Pep:
    fill_school_part(pep, teacher)
    workflow.pep_complete_school_part(pep=pep, actor=teacher)
    fill_social_worker_part(pep, social_worker)
    return workflow.pep_submit(pep=pep, actor=social_worker)


def all_green(pep: Pep) -> dict[str, str]:
    return {item.section.key: "green" for item in pep_progress(pep).sections}
