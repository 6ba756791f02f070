"""The typed education data of a PEP, kept in step with its answers.

`peps/sections.py` declares which questions are measures and the attainment scale of each
stage; this module checks attainment answers against their scale and copies the measures into
the PEP's `EducationRecord` and `AttainmentResult` rows, in the transaction of every save, so
that the Virtual School's figures are aggregates over rows and each PEP keeps its own.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from .models import AttainmentResult, EducationRecord, Pep
from .sections import Question, QuestionType, Scale, Section, scale_for, sections_for

SUBJECT_MAX_LENGTH = 100


def pep_scale(pep: Pep) -> Scale | None:
    return scale_for(pep.kind, pep.child.year_group(on=pep.term.start_date))


def field_name(question_key: str, row: str | int, column: str) -> str:
    """The form field of one cell of an attainment question (errors are keyed the same)."""
    return f"{question_key}__{row}__{column}"


def attainment_problems(question: Question, scale: Scale | None, value) -> dict[str, str]:
    """What is wrong with an attainment answer: grades off the scale, a grade with no subject,
    a subject named twice, a subject with no grade now."""
    if value in (None, "", []):
        return {}
    if scale is None or not isinstance(value, list):
        return {question.key: "This PEP does not record attainment by subject"}
    problems: dict[str, str] = {}
    fixed = dict(scale.subjects)
    seen: set[str] = set()
    for index, result in enumerate(value):
        if not isinstance(result, dict):
            return {question.key: "Enter the attainment again"}
        subject = str(result.get("subject", "")).strip()
        row = subject if fixed else index
        grades = {column: str(result.get(column, "") or "") for column, _ in scale.columns}
        if fixed and subject not in fixed:
            problems[question.key] = f"{subject or 'A subject'} is not on this scale"
            continue
        if not fixed:
            if not subject and any(grades.values()):
                problems[field_name(question.key, row, "subject")] = "Enter the subject"
            elif len(subject) > SUBJECT_MAX_LENGTH:
                problems[field_name(question.key, row, "subject")] = (
                    f"Keep the subject under {SUBJECT_MAX_LENGTH} characters"
                )
            elif subject.casefold() in seen:
                problems[field_name(question.key, row, "subject")] = (
                    f"{subject} is entered twice: keep it in one row"
                )
            seen.add(subject.casefold())
        for column, label in scale.columns:
            grade = grades[column]
            if grade and scale.rank(grade) is None:
                problems[field_name(question.key, row, column)] = (
                    f"Choose a grade on the scale for {label.lower()}"
                )
        if subject and not grades["current"] and any(grades.values()):
            problems[field_name(question.key, row, "current")] = (
                f"Enter the grade now for {scale.subject_label(subject)}"
            )
    return problems


def attainment_text(scale: Scale | None, value) -> str:
    """An attainment answer as lines a person reads: "Reading: now At the expected standard,
    by the end of the year Greater depth"."""
    if scale is None or not isinstance(value, list):
        return ""
    lines = []
    for result in value:
        grades = [
            f"{label.lower()} {scale.grade_label(result[column])}"
            for column, label in scale.columns
            if result.get(column)
        ]
        lines.append(f"{scale.subject_label(result.get('subject', ''))}: {', '.join(grades)}")
    return "\n".join(lines)


def section_problems(pep: Pep, section: Section, answers: dict) -> dict[str, str]:
    """Everything a save of these answers would break, keyed by question (or cell)."""
    problems = section.problems(answers, pep.term)
    for question in section.questions:
        if question.type == QuestionType.ATTAINMENT:
            value = answers.get(question.key)
            problems.update(attainment_problems(question, pep_scale(pep), value))
    return problems


def _typed(question: Question, value):
    if value in (None, ""):
        return "" if question.type in (QuestionType.TEXT, QuestionType.CHOICE) else None
    if question.type == QuestionType.YES_NO:
        return value == "yes"
    if question.type == QuestionType.NUMBER:
        return int(value)
    if question.type in (QuestionType.DECIMAL, QuestionType.PERCENT):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    if question.type == QuestionType.DATE:
        return date.fromisoformat(value) if isinstance(value, str) else value
    return str(value)


def _derived_attendance(values: dict) -> dict:
    """The attendance percentage, and persistent (10% or more missed) and severe (50% or more)
    absence, as the DfE defines them."""
    possible, attended = values.get("possible_sessions"), values.get("attended_sessions")
    if possible and attended is not None:
        missed = (values.get("authorised_absence_sessions") or 0) + (
            values.get("unauthorised_absence_sessions") or 0
        )
        missed = max(missed, possible - attended)
        percent = (Decimal(attended) * 100 / possible).quantize(Decimal("0.1"))
        return {
            "attendance_percent": percent,
            "persistently_absent": missed * 10 >= possible,
            "severely_absent": missed * 2 >= possible,
        }
    percent = values.get("attendance_percent")
    if percent is not None:  # post-16: the percentage as the provider gives it
        missed = 100 - percent
        return {"persistently_absent": missed >= 10, "severely_absent": missed >= 50}
    return {"attendance_percent": None, "persistently_absent": None, "severely_absent": None}


def education_record_sync(*, pep: Pep, applicable_keys: frozenset[str] | None = None) -> None:
    """Make the PEP's typed rows match its answers. Runs in the caller's transaction."""
    from .progress import pep_facts  # progress reads the rules, which read the models

    facts = pep_facts(pep)
    applicable = applicable_keys if applicable_keys is not None else facts.applicable_keys
    values: dict = {}
    results: list[dict] = []
    for section in sections_for(pep.kind):
        if section.key not in applicable:
            continue
        answers = facts.answers.get(section.key, {})
        for question in section.questions:
            if question.measure:
                values[question.key] = _typed(question, answers.get(question.key))
            elif question.type == QuestionType.ATTAINMENT:
                results = answers.get(question.key) or []
    values.update(_derived_attendance(values))
    EducationRecord.objects.update_or_create(
        pep=pep, defaults={"child_id": pep.child_id, "term_id": pep.term_id, **values}
    )
    scale = pep_scale(pep)
    AttainmentResult.objects.filter(pep=pep).delete()
    if scale is not None:
        AttainmentResult.objects.bulk_create(
            AttainmentResult(
                pep=pep,
                child_id=pep.child_id,
                term_id=pep.term_id,
                scale=scale.key,
                subject=str(result["subject"]).strip(),
                current=result.get("current", "") or "",
                predicted=result.get("predicted", "") or "",
                target=result.get("target", "") or "",
                current_rank=scale.rank(result.get("current", "") or ""),
            )
            for result in results
            if str(result.get("subject", "")).strip() and result.get("current")
        )
