"""Plausible answers for any section, made from its definition: for the demo data and for
tests that need a PEP filled in. Everything goes through the real services."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User

from . import services, workflow
from .education import pep_scale
from .models import Pep, QualityReview, SectionAnswer, Target, TargetReview
from .progress import pep_progress
from .sections import Owner, QuestionType, Scale, Section

SAMPLE_TEXT = {
    QuestionType.TEXT: "Recorded at the PEP meeting",
    QuestionType.TEXTAREA: "Discussed at the PEP meeting and agreed by everyone present.",
}

SAMPLE_TARGETS = (
    (Target.Area.ACADEMIC, "English", "Write a paragraph of four linked sentences", "120.00"),
    (Target.Area.ACADEMIC, "Maths", "Recall the 6, 7 and 8 times tables", "260.00"),
    (Target.Area.WELLBEING, "", "Join a lunchtime club and take part each week", "0"),
)
# Early years: the EYFS areas of learning; post-16: education, training or employment.
SAMPLE_TARGETS_BY_KIND = {
    "school_age": SAMPLE_TARGETS,
    "early_years": (
        (Target.Area.EYFS_COMMUNICATION, "", "Use sentences of four or more words at snack time",
         "120.00"),
        (Target.Area.EYFS_MATHEMATICS, "", "Count up to ten objects reliably", "260.00"),
        (Target.Area.EYFS_PERSONAL, "", "Take turns in a small-group game with an adult", "0"),
    ),
    "post_16": (
        (Target.Area.ACADEMIC, "English", "Reach grade 4 in the GCSE English resit mock",
         "120.00"),
        (Target.Area.EET, "", "Apply for two apprenticeships before February", "260.00"),
        (Target.Area.WELLBEING, "", "Join a college club and take part each week", "0"),
    ),
}  # fmt: skip


# Typed answers that pass the sections' checks; `vary` moves them from child to child and term
# to term, so the demo's figures have a spread.
def _sample_measures(vary: int, on: date) -> dict:
    missed = (3, 9, 16, 40)[vary % 4]
    authorised = missed // 2
    return {
        "possible_sessions": 120,
        "attended_sessions": 120 - missed,
        "authorised_absence_sessions": authorised,
        "unauthorised_absence_sessions": missed - authorised,
        "suspensions": 1 if vary % 5 == 4 else 0,
        "suspension_days": "1.5" if vary % 5 == 4 else "0",
        "permanently_excluded": "no",
        "reduced_timetable": "no",
        "sen_status": ("none", "sen_support", "none", "ehc_plan")[vary % 4],
        "sen_primary_need": ("", "SEMH", "", "ASD")[vary % 4],
        "ehc_plan_review_date": on.replace(year=on.year + 1).isoformat() if vary % 4 == 3 else "",
        "sdq_score": 10 + (vary * 3) % 15,
        "sdq_date": on.isoformat(),
        "eet_status": "neet" if vary % 6 == 5 else "education",
        "provider": "Northshire College",
        "course": "Level 3 Business",
        "qualification_aim": "Level 3 BTEC",
        "attendance_percent": str(96 - (vary % 4) * 3) + ".5",
    }


def _sample_results(scale: Scale | None, vary: int) -> list[dict]:
    if scale is None:
        return []
    grades = [value for value, _ in scale.grades]
    if scale.named_by_school:
        subjects = ("English language", "Maths", "Combined science")
        return [
            {"subject": subject, "current": grades[(3 + vary + i) % 6],
             "predicted": grades[(4 + vary + i) % 7], "target": grades[(5 + i) % 8]}
            for i, subject in enumerate(subjects)
        ]  # fmt: skip
    results = []
    for i, (subject, _) in enumerate(scale.subjects):
        # Mostly at the expected level; one subject in three still below it.
        row = {"subject": subject, "current": grades[0 if (vary + i) % 3 == 0 else 1]}
        if any(column == "target" for column, _ in scale.columns):
            row["target"] = grades[-1]
        results.append(row)
    return results


def sample_answers(
    section: Section, *, on: date, scale: Scale | None = None, vary: int = 0
) -> dict:
    measures = _sample_measures(vary, on)
    answers = {}
    for question in section.questions:
        if question.type == QuestionType.ATTAINMENT:
            answers[question.key] = _sample_results(scale, vary)
            continue
        if question.measure and question.key in measures:
            if measures[question.key] not in ("", None):
                answers[question.key] = measures[question.key]
            continue
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
        elif question.type == QuestionType.DECIMAL:
            answers[question.key] = "1"
        else:
            answers[question.key] = "94.5"
    return answers


def _fill(pep: Pep, actor: User, owners: tuple[Owner, ...], vary: int = 0) -> None:
    scale = pep_scale(pep)
    for item in pep_progress(pep).sections:
        if item.section.owner in owners and item.section.questions:
            services.section_save(
                pep=pep,
                section_key=item.section.key,
                answers=sample_answers(
                    item.section, on=pep.term.start_date, scale=scale, vary=vary
                ),
                expected_version=item.version,
                actor=actor,
            )


def fill_school_part(pep: Pep, teacher: User, vary: int = 0) -> None:
    """Answer the school's sections, review last term's targets and set three new ones."""
    _fill(pep, teacher, (Owner.DESIGNATED_TEACHER, Owner.EITHER), vary)
    for review in pep.target_reviews.select_related("target"):
        services.target_review_save(
            review=review,
            actor=teacher,
            outcome="partly",
            evidence="Seen in class work and the teacher's assessment.",
            ppplus_impact="Small-group sessions helped." if review.target.ppplus_amount else "",
        )
    if not pep.targets.exists():
        for area, subject, description, amount in SAMPLE_TARGETS_BY_KIND[pep.kind]:
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


def say_who_arranges_tuition(pep: Pep, teacher: User, arranger: str) -> None:
    """The targets section's answer on tuition, to agree with the PP+ requests."""
    row = pep.answers.filter(section_key="targets").first()
    services.section_save(
        pep=pep,
        section_key="targets",
        answers={**(row.answers if row else {}), "tuition_arrangement": arranger},
        expected_version=row.version if row else 0,
        actor=teacher,
    )


def fill_social_worker_part(pep: Pep, social_worker: User, vary: int = 0) -> None:
    _fill(pep, social_worker, (Owner.SOCIAL_WORKER,), vary)


def complete_and_submit(pep: Pep, *, teacher: User, social_worker: User, vary: int = 0) -> Pep:
    fill_school_part(pep, teacher, vary)
    workflow.pep_complete_school_part(pep=pep, actor=teacher)
    fill_social_worker_part(pep, social_worker, vary)
    return workflow.pep_submit(pep=pep, actor=social_worker)


def all_green(pep: Pep) -> dict[str, str]:
    return {item.section.key: "green" for item in pep_progress(pep).sections}


def varied_ratings(pep: Pep, vary: int) -> dict[str, str]:
    """Green throughout, or (one PEP in three) two sections amber, which makes it amber."""
    ratings = all_green(pep)
    if vary % 3 == 1:
        for key in list(ratings)[:2]:
            ratings[key] = "amber"
    return ratings


def date_to_its_term(pep: Pep) -> None:
    """The demo's history is made today through the services; this dates a signed-off PEP
    within its own term (submitted two days before it was due, signed off a week later), so
    that its copy, its timeliness and the six-monthly review of the PEP2 read as they would
    have. The audit trail keeps the day the demo made it."""
    term = pep.term
    due = pep.due_date if pep.due_date and term.start_date < pep.due_date < term.end_date else None
    submitted = (due or term.start_date + timedelta(days=17)) - timedelta(days=2)
    day = min(submitted + timedelta(days=7), term.end_date)

    def at(on: date):
        return timezone.make_aware(datetime.combine(on, time(12)))

    today = timezone.localdate()
    Pep.objects.filter(pk=pep.pk).update(
        school_completed_at=at(submitted - timedelta(days=1)),
        submitted_at=at(submitted),
        signed_off_at=at(day),
    )
    moment = at(day)
    # The PEP2 reviewed at this sign-off, and the next PEP that carried the date forward.
    Pep.objects.filter(pk=pep.pk, pep2_reviewed_on=today).update(pep2_reviewed_on=day)
    Pep.objects.filter(previous=pep, pep2_reviewed_on=today).update(pep2_reviewed_on=day)
    QualityReview.objects.filter(pep=pep).update(created_at=moment)
    SectionAnswer.objects.filter(pep=pep).update(saved_at=moment)
    TargetReview.objects.filter(pep=pep).update(reviewed_at=moment)
    pep.refresh_from_db()
