"""What changed since last term: a PEP beside the child's previous signed-off PEP, so that a
Virtual School officer no longer reads two PDFs side by side."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from children.models import Enrolment, Placement
from peps.documents.printing import answer_text
from peps.education import pep_scale
from peps.models import AttainmentResult, EducationRecord, Pep, Target
from peps.sections import QuestionType, sections_for

from .progress import SCALES, Grade, movement_words


@dataclass(frozen=True)
class AnswerChange:
    section: str
    question: str
    before: str
    after: str


@dataclass(frozen=True)
class Movement:
    """One measure then and now, with the change in words."""

    label: str
    before: str
    after: str
    change: str


@dataclass(frozen=True)
class TargetOutcome:
    target: Target
    outcome: str
    evidence: str


@dataclass(frozen=True)
class Comparison:
    pep: Pep
    previous: Pep | None
    answers: list[AnswerChange]
    previous_targets: list[TargetOutcome]
    new_targets: list[Target]
    attendance: list[Movement]
    attainment: list[Movement]
    circumstances: list[Movement]  # school, placement, SEN


def previous_signed_off(pep: Pep) -> Pep | None:
    return (
        Pep.objects.filter(child=pep.child_id, state=Pep.State.SIGNED_OFF, version__lt=pep.version)
        .select_related("term", "signed_off_by")
        .order_by("-version")
        .first()
    )


def _as_of(pep: Pep) -> date:
    """The day a PEP speaks for: its sign-off, or today while it is still being written."""
    if pep.signed_off_at is None:
        return timezone.localdate()
    return timezone.localtime(pep.signed_off_at).date()


def _answers(previous: Pep, pep: Pep) -> list[AnswerChange]:
    before = {row.section_key: row.answers for row in previous.answers.all()}
    after = {row.section_key: row.answers for row in pep.answers.all()}
    old_scale, new_scale = pep_scale(previous), pep_scale(pep)
    changes = []
    for section in sections_for(pep.kind):
        for question in section.questions:
            old = answer_text(question, before.get(section.key, {}).get(question.key), old_scale)
            new = answer_text(question, after.get(section.key, {}).get(question.key), new_scale)
            if question.type == QuestionType.ATTAINMENT:
                continue  # shown as attainment movement, subject by subject
            if not new.strip() and not pep.is_locked:
                continue  # not answered yet: nothing has changed until it is
            if old.strip() != new.strip():
                changes.append(AnswerChange(section.title, question.label, old, new))
    return changes


def _percent(value) -> str:
    return f"{value}%" if value is not None else "Not recorded"


def _number(value) -> str:
    return str(value) if value is not None else "Not recorded"


def _yes_no(value) -> str:
    return {True: "Yes", False: "No"}.get(value, "Not recorded")


def _difference(before, after, unit: str = "") -> str:
    if before is None or after is None:
        return ""
    change = after - before
    if change > 0:
        return f"Up {change}{unit}"
    if change < 0:
        return f"Down {-change}{unit}"
    return "No change"


def _attendance(before: EducationRecord | None, after: EducationRecord | None) -> list[Movement]:
    def get(record, name):
        return getattr(record, name) if record is not None else None

    rows = []
    b, a = get(before, "attendance_percent"), get(after, "attendance_percent")
    rows.append(
        Movement("Attendance", _percent(b), _percent(a), _difference(b, a, " percentage points"))
    )
    b, a = get(before, "persistently_absent"), get(after, "persistently_absent")
    rows.append(
        Movement("Persistently absent (10% or more missed)", _yes_no(b), _yes_no(a),
                 "" if b == a or None in (a, b) else ("Now persistently absent" if a else
                                                      "No longer persistently absent"))
    )  # fmt: skip
    b, a = get(before, "suspensions"), get(after, "suspensions")
    rows.append(Movement("Suspensions", _number(b), _number(a), _difference(b, a)))
    b, a = get(before, "suspension_days"), get(after, "suspension_days")
    rows.append(Movement("Days of suspension", _number(b), _number(a), _difference(b, a)))
    b, a = get(before, "permanently_excluded"), get(after, "permanently_excluded")
    rows.append(Movement("Permanently excluded", _yes_no(b), _yes_no(a), ""))
    b, a = get(before, "reduced_timetable"), get(after, "reduced_timetable")
    rows.append(Movement("Reduced timetable", _yes_no(b), _yes_no(a), ""))
    return rows


def _attainment(previous: Pep, pep: Pep) -> list[Movement]:
    results = AttainmentResult.objects.filter(pep__in=[previous.pk, pep.pk])
    before = {r.subject.casefold(): r for r in results if r.pep_id == previous.pk}
    after = {r.subject.casefold(): r for r in results if r.pep_id == pep.pk}
    rows = []
    for key in list(after) + [k for k in before if k not in after]:
        old, new = before.get(key), after.get(key)
        scale = SCALES.get((new or old).scale)
        if scale is None:
            continue

        def grade(result, scale=scale):
            if result is None:
                return None
            label = scale.grade_label(result.current)
            # A grade on another stage's scale (year 6 to year 7) cannot be compared.
            rank = result.current_rank if result.scale == scale.key else None
            return Grade(term=None, grade=result.current, label=label, rank=rank)

        g_old, g_new = grade(old), grade(new)
        rows.append(
            Movement(
                scale.subject_label((new or old).subject),
                g_old.label if g_old else "Not recorded",
                g_new.label if g_new else "Not recorded",
                movement_words(g_old, g_new) if g_old and g_new else "",
            )
        )
    return rows


def _on(periods, day: date):
    return [p for p in periods if p.start_date <= day and (p.end_date is None or p.end_date > day)]


def _circumstances(previous: Pep, pep: Pep, before_record, after_record) -> list[Movement]:
    then, now = _as_of(previous), _as_of(pep)
    enrolments = list(Enrolment.objects.filter(child=pep.child_id).select_related("school"))
    placements = list(Placement.objects.filter(child=pep.child_id))

    def schools(day):
        return ", ".join(e.school.name for e in _on(enrolments, day)) or "None recorded"

    def placement(day):
        return ", ".join(p.get_placement_type_display() for p in _on(placements, day)) or (
            "None recorded"
        )

    moved_school = [e for e in enrolments if then < e.start_date <= now]
    moved_home = [p for p in placements if then < p.start_date <= now]
    rows = [
        Movement("School", schools(then), schools(now),
                 f"{len(moved_school)} change{'s' if len(moved_school) != 1 else ''} of school"
                 if moved_school else "No change"),
        Movement("Placement", placement(then), placement(now),
                 f"{len(moved_home)} new placement{'s' if len(moved_home) != 1 else ''}"
                 if moved_home else "No change"),
    ]  # fmt: skip
    sen = dict(EducationRecord.SenStatus.choices)

    def sen_text(record):
        if record is None or not record.sen_status:
            return "Not recorded"
        text = sen[record.sen_status]
        return f"{text} ({record.sen_primary_need})" if record.sen_primary_need else text

    b, a = sen_text(before_record), sen_text(after_record)
    change = "" if "Not recorded" in (a, b) else "No change" if a == b else "Changed"
    rows.append(Movement("Special educational needs", b, a, change))
    return rows


def pep_changes(*, pep: Pep) -> Comparison:
    """The comparison of a PEP (one the person may already see) with the child's previous
    signed-off PEP, or an empty one when there is none."""
    previous = previous_signed_off(pep)
    if previous is None:
        return Comparison(pep, None, [], [], [], [], [], [])
    records = {r.pep_id: r for r in EducationRecord.objects.filter(pep__in=[previous, pep])}
    before, after = records.get(previous.pk), records.get(pep.pk)
    reviews = {
        r.target_id: r for r in pep.target_reviews.all()
    }  # reviewed in this PEP (or a later one)
    outcomes = []
    for target in previous.targets.select_related("review"):
        review = reviews.get(target.pk) or getattr(target, "review", None)
        outcomes.append(
            TargetOutcome(
                target=target,
                outcome=review.get_outcome_display() if review and review.outcome else
                "Not reviewed yet",
                evidence=review.evidence if review else "",
            )
        )  # fmt: skip
    return Comparison(
        pep=pep,
        previous=previous,
        answers=_answers(previous, pep),
        previous_targets=outcomes,
        new_targets=list(pep.targets.all()),
        attendance=_attendance(before, after),
        attainment=_attainment(previous, pep),
        circumstances=_circumstances(previous, pep, before, after),
    )
