"""A child's education term by term: attendance, exclusions and attainment from the typed rows
of their PEPs, and how each has moved since the child came into care. Two queries, however
many terms the child has."""

from dataclasses import dataclass, field
from decimal import Decimal

from children.models import Child
from peps.models import AttainmentResult, EducationRecord, Pep
from peps.sections import EYFS_SCALE, GCSE_SCALE, KEY_STAGE_SCALE, Scale

SCALES = {scale.key: scale for scale in (EYFS_SCALE, KEY_STAGE_SCALE, GCSE_SCALE)}


@dataclass(frozen=True)
class Bar:
    """One bar of a server-drawn chart: its share of the chart's width, its label, and the
    value written beside it."""

    label: str
    percent: Decimal | int | None
    value: str = ""


BAR_AREA = 220  # of the chart's 320 units: the rest is for the value beside the longest bar
ROW_HEIGHT = 40


@dataclass(frozen=True)
class DrawnBar:
    label: str
    value: str
    width: int
    label_y: int
    bar_y: int
    value_x: int
    value_y: int


def drawn(bars: list[Bar]) -> dict:
    """Coordinates for `_labelled_bars.html`: a label above each bar, its value after it, in a
    viewBox that scales as one (so the text keeps its shape)."""
    rows = []
    for i, bar in enumerate(bars):
        width = round(BAR_AREA * min(max(float(bar.percent or 0), 0), 100) / 100)
        top = i * ROW_HEIGHT
        rows.append(DrawnBar(bar.label, bar.value, width, top + 14, top + 20, width + 6, top + 32))
    return {"bars": rows, "height": max(len(bars) * ROW_HEIGHT, ROW_HEIGHT)}


@dataclass(frozen=True)
class TermRecord:
    """What the PEP kept for a term: the signed-off one if there is one, else the latest."""

    term: object
    pep: Pep
    record: EducationRecord

    @property
    def missed_sessions(self) -> int | None:
        possible, attended = self.record.possible_sessions, self.record.attended_sessions
        return possible - attended if possible is not None and attended is not None else None


@dataclass(frozen=True)
class Grade:
    term: object
    grade: str
    label: str
    rank: int | None


@dataclass
class SubjectHistory:
    scale: Scale
    subject: str
    grades: list[Grade] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.scale.subject_label(self.subject)

    @property
    def bars(self) -> list[Bar]:
        top = len(self.scale.grades)
        return [
            Bar(
                str(g.term),
                round(100 * (g.rank + 1) / top) if g.rank is not None else 0,
                g.label,
            )
            for g in self.grades
        ]

    @property
    def chart(self) -> dict:
        return drawn(self.bars)

    @property
    def movement(self) -> str:
        return movement_words(self.grades[0], self.grades[-1]) if len(self.grades) > 1 else ""


def movement_words(first: Grade, last: Grade) -> str:
    """Up, down or the same on the scale, in words."""
    if first.rank is None or last.rank is None:
        return ""
    if last.rank > first.rank:
        return f"Up from {first.label} to {last.label}"
    if last.rank < first.rank:
        return f"Down from {first.label} to {last.label}"
    return f"The same: {last.label}"


@dataclass(frozen=True)
class Trend:
    """From the first term recorded in this period of care to the latest."""

    first: TermRecord
    last: TermRecord
    attendance_first: TermRecord | None
    attendance_last: TermRecord | None
    attendance_change: Decimal | None
    suspensions: int
    suspension_days: Decimal
    terms_persistently_absent: int

    @property
    def attendance_words(self) -> str:
        change = self.attendance_change
        if change is None:
            return ""
        if change > 0:
            return f"up {change} percentage points"
        if change < 0:
            return f"down {-change} percentage points"
        return "no change"


@dataclass
class ChildProgress:
    child: Child
    terms: list[TermRecord]
    subjects: list[SubjectHistory]
    trend: Trend | None

    @property
    def attendance_chart(self) -> dict:
        return drawn(
            [
                Bar(
                    str(t.term),
                    t.record.attendance_percent,
                    f"{t.record.attendance_percent}%"
                    if t.record.attendance_percent is not None
                    else "not recorded",
                )
                for t in self.terms
            ]
        )

    @property
    def suspension_chart(self) -> dict:
        """Days of suspension, against the most in any term (so the longest bar is full)."""
        days = [t.record.suspension_days or Decimal(0) for t in self.terms]
        most = max(days, default=0)
        return drawn(
            [
                Bar(str(t.term), round(100 * d / most) if most else 0, f"{d} days")
                for t, d in zip(self.terms, days, strict=True)
            ]
        )

    @property
    def any_exclusions(self) -> bool:
        return any(
            t.record.suspensions or t.record.permanently_excluded or t.record.reduced_timetable
            for t in self.terms
        )


def _term_records(child: Child) -> list[TermRecord]:
    """One PEP a term, the oldest term first: a signed-off version before any other, then the
    latest version (a PEP restarted in the same term)."""
    records = EducationRecord.objects.filter(child=child).select_related("pep", "term")
    chosen: dict[int, EducationRecord] = {}
    for record in records:
        held = chosen.get(record.term_id)
        signed = record.pep.state == Pep.State.SIGNED_OFF
        if held is None or (signed, record.pep.version) > (
            held.pep.state == Pep.State.SIGNED_OFF,
            held.pep.version,
        ):
            chosen[record.term_id] = record
    ordered = sorted(chosen.values(), key=lambda r: r.term.start_date)
    return [TermRecord(term=r.term, pep=r.pep, record=r) for r in ordered]


def _subjects(terms: list[TermRecord]) -> list[SubjectHistory]:
    """Each subject's grade now, term by term. A child who moves from key stage 2 to GCSEs
    has a history on each scale."""
    term_of = {t.pep.pk: t.term for t in terms}
    results = AttainmentResult.objects.filter(pep__in=list(term_of)).order_by("pk")
    subjects: dict[tuple[str, str], SubjectHistory] = {}
    for result in sorted(results, key=lambda r: (term_of[r.pep_id].start_date, r.pk)):
        scale = SCALES.get(result.scale)
        if scale is None:
            continue
        key = (result.scale, result.subject.casefold())
        history = subjects.setdefault(key, SubjectHistory(scale=scale, subject=result.subject))
        history.grades.append(
            Grade(
                term=term_of[result.pep_id],
                grade=result.current,
                label=scale.grade_label(result.current),
                rank=result.current_rank,
            )
        )
    return list(subjects.values())


def _trend(child: Child, terms: list[TermRecord]) -> Trend | None:
    in_care = [t for t in terms if t.term.end_date >= child.date_entered_care]
    if not in_care:
        return None
    first, last = in_care[0], in_care[-1]
    recorded = [t for t in in_care if t.record.attendance_percent is not None]
    change = None
    if len(recorded) > 1:
        change = recorded[-1].record.attendance_percent - recorded[0].record.attendance_percent
    return Trend(
        first=first,
        last=last,
        attendance_first=recorded[0] if recorded else None,
        attendance_last=recorded[-1] if recorded else None,
        attendance_change=change,
        suspensions=sum(t.record.suspensions or 0 for t in in_care),
        suspension_days=sum((t.record.suspension_days or Decimal(0) for t in in_care), Decimal(0)),
        terms_persistently_absent=sum(1 for t in in_care if t.record.persistently_absent),
    )


def child_progress(*, child: Child) -> ChildProgress:
    """The child's progress (the child is one the person may already see)."""
    terms = _term_records(child)
    return ChildProgress(
        child=child, terms=terms, subjects=_subjects(terms), trend=_trend(child, terms)
    )
