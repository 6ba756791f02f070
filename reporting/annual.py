"""The Virtual School head's annual report for an academic year: the tables councils publish
for their corporate parenting board, from the typed PEP data, in a fixed number of queries.

The cohort is every child the Virtual School looked after at some point in the year. Yearly
attendance adds up each child's sessions over the year's terms (the latest PEP of each term),
as the DfE counts absence. Attainment is each child's latest recorded in the year. Where the
report will be published, a count below the Virtual School's threshold (5 unless it sets
another, `PepSettings.publication_small_count`) reads "fewer than N".
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from accounts.models import VirtualSchool
from children.models import Child
from children.school_year import key_stage_for, year_group_for
from funding.models import PpPlusRequest
from peps.models import AttainmentResult, EducationRecord, Pep, Term
from peps.sections import ENGLISH_SUBJECTS, GOOD_LEVEL_OF_DEVELOPMENT_AREAS, MATHS_SUBJECTS

from .conditions import in_area, term_peps, with_a_school
from .periods import year_bounds, year_label

SMALL_COUNT = 5  # the default; each Virtual School sets its own in its PEP settings
KEY_STAGE_ORDER = (
    "Early years", "Key stage 1", "Key stage 2", "Key stage 3", "Key stage 4", "Post-16",
)  # fmt: skip
COMMITTED = (PpPlusRequest.Decision.APPROVED, PpPlusRequest.Decision.PART_APPROVED)


@dataclass(frozen=True)
class Cell:
    """A number as the report prints it: suppressed below the threshold when published."""

    value: int | Decimal | None
    suppressed: bool = False
    percent_of: int | None = None
    threshold: int = SMALL_COUNT

    def __str__(self) -> str:
        if self.value is None:
            return "–"
        if self.suppressed:
            return f"fewer than {self.threshold}"
        return f"{self.value}"

    @property
    def percent(self) -> str:
        if self.suppressed or self.value is None or not self.percent_of:
            return "–"
        return f"{round(100 * self.value / self.percent_of)}%"


@dataclass
class Table:
    title: str
    headings: list[str]
    rows: list[list] = field(default_factory=list)  # first item a label, the rest Cells or text
    note: str = ""


@dataclass
class AnnualReport:
    virtual_school: VirtualSchool
    academic_year: int
    published: bool
    tables: list[Table]
    small_count: int = SMALL_COUNT

    @property
    def year_label(self) -> str:
        return year_label(self.academic_year)


def _cell(value, small_below: int, of: int | None = None) -> Cell:
    """`small_below` is the publication threshold, or 0 when nothing is suppressed."""
    small = isinstance(value, int) and 0 < value < small_below
    return Cell(value, suppressed=small, percent_of=of, threshold=small_below)


def annual_report(
    *,
    virtual_school: VirtualSchool,
    academic_year: int,
    published: bool,
    small_count: int = SMALL_COUNT,
) -> AnnualReport:
    """The year's tables; when `published`, counts from 1 to `small_count` - 1 are suppressed."""
    small_below = small_count if published else 0
    start, end = year_bounds(academic_year)
    terms = list(
        Term.objects.filter(virtual_school=virtual_school, academic_year=academic_year).order_by(
            "start_date"
        )
    )
    children = Child.objects.filter(
        virtual_school=virtual_school, date_entered_care__lte=end
    ).exclude(date_left_care__lt=start)
    # Each child's key stage in that year (from the date of birth, or the override).
    stage_of: dict[int, str] = {}
    for pk, born, override in children.values_list("pk", "date_of_birth", "year_group_override"):
        year_group = override if override is not None else year_group_for(born, start)
        stage_of[pk] = key_stage_for(year_group)
    cohort_ids = list(stage_of)
    tables = [
        _cohort(children, stage_of, virtual_school, small_below),
        *_timeliness_and_quality(terms, cohort_ids, small_below),
        _attendance_by_stage(terms, stage_of, small_below),
        _attainment(terms, children, start, small_below),
        _destinations(terms, cohort_ids, small_below),
        *_ppplus(terms, cohort_ids),
    ]
    return AnnualReport(virtual_school, academic_year, published, tables, small_count)


def _cohort(children, stage_of, virtual_school, small_below) -> Table:
    by_stage = defaultdict(int)
    for stage in stage_of.values():
        by_stage[stage] += 1
    total = len(stage_of)
    areas = children.aggregate(
        inside=Count("pk", filter=in_area(virtual_school)),
        outside=Count("pk", filter=with_a_school(virtual_school) & ~in_area(virtual_school)),
    )
    table = Table("The children looked after", ["", "Children", "Share"])
    for stage in KEY_STAGE_ORDER:
        cell = _cell(by_stage.get(stage, 0), small_below, total)
        table.rows.append([stage, cell, cell.percent])
    table.rows.append(["All children", _cell(total, small_below), ""])
    for label, value in (("At a school in the council's area", areas["inside"]),
                         ("At a school out of the area", areas["outside"])):  # fmt: skip
        cell = _cell(value, small_below, total)
        table.rows.append([label, cell, cell.percent])
    table.note = "Key stage in that academic year; school as now recorded."
    return table


def _timeliness_and_quality(terms, cohort_ids, small_below) -> list[Table]:
    peps = Pep.objects.filter(term__in=terms, child_id__in=cohort_ids)
    on_time = Q(submitted_at__date__lte=F("due_date"))
    rows = {
        row["term"]: row
        for row in peps.values("term").annotate(
            due=Count("pk", filter=Q(due_date__isnull=False)),
            on_time=Count("pk", filter=on_time),
            first=Count("pk", filter=Q(previous__isnull=True, due_date__isnull=False)),
            first_on_time=Count("pk", filter=Q(previous__isnull=True) & on_time),
            red=Count("pk", filter=Q(state="signed_off", overall_rating="red")),
            amber=Count("pk", filter=Q(state="signed_off", overall_rating="amber")),
            green=Count("pk", filter=Q(state="signed_off", overall_rating="green")),
        )
    }
    timeliness = Table(
        "PEP timeliness",
        ["Term", "PEPs due", "Completed by the due date", "Share", "First PEPs",
         "First PEPs within the timescale"],
    )  # fmt: skip
    quality = Table("PEP quality", ["Term", "Red", "Amber", "Green"])
    for term in terms:
        row = rows.get(term.pk, {})
        due, done = row.get("due", 0), row.get("on_time", 0)
        done_cell = _cell(done, small_below, due)
        timeliness.rows.append([
            str(term), _cell(due, small_below), done_cell, done_cell.percent,
            _cell(row.get("first", 0), small_below),
            _cell(row.get("first_on_time", 0), small_below),
        ])  # fmt: skip
        quality.rows.append(
            [str(term)] + [_cell(row.get(r, 0), small_below) for r in ("red", "amber", "green")]
        )
    timeliness.note = (
        "Completed: submitted to the Virtual School by the PEP's due date (20 school days after "
        "entering care or starting at a new school, or the termly deadline)."
    )
    quality.note = "Signed-off PEPs by their overall rating."
    return [timeliness, quality]


def _attendance_by_stage(terms, stage_of, small_below) -> Table:
    records = latest_records(terms).filter(child_id__in=list(stage_of))
    sums = defaultdict(lambda: defaultdict(int))
    rows = records.values_list(
        "child_id", "possible_sessions", "attended_sessions", "authorised_absence_sessions",
        "unauthorised_absence_sessions", "suspensions", "permanently_excluded",
    )  # fmt: skip
    for child_id, possible, attended, missed_a, missed_u, suspensions, excluded in rows:
        child = sums[child_id]
        if possible and attended is not None:
            child["possible"] += possible
            child["attended"] += attended
            child["missed"] += max((missed_a or 0) + (missed_u or 0), possible - attended)
        child["suspensions"] += suspensions or 0
        child["excluded"] |= bool(excluded)
    by_stage = defaultdict(lambda: defaultdict(int))
    for child_id, child in sums.items():
        stage = by_stage[stage_of[child_id]]
        if child["possible"]:
            stage["recorded"] += 1
            stage["possible"] += child["possible"]
            stage["attended"] += child["attended"]
            stage["persistent"] += child["missed"] * 10 >= child["possible"]
            stage["severe"] += child["missed"] * 2 >= child["possible"]
        stage["suspended"] += child["suspensions"] > 0
        stage["suspensions"] += child["suspensions"]
        stage["excluded"] += child["excluded"]
    table = Table(
        "Attendance, absence, suspensions and exclusions",
        ["Key stage", "Attendance recorded", "Attendance", "Persistent absence",
         "Severe absence", "Children suspended", "Suspensions", "Permanent exclusions"],
    )  # fmt: skip
    for name in KEY_STAGE_ORDER:
        stage = by_stage.get(name, {})
        recorded = stage.get("recorded", 0)
        rate = (
            f"{Decimal(stage['attended'] * 100 / stage['possible']).quantize(Decimal('0.1'))}%"
            if stage.get("possible")
            else "–"
        )
        persistent = _cell(stage.get("persistent", 0), small_below, recorded)
        severe = _cell(stage.get("severe", 0), small_below, recorded)
        table.rows.append([
            name, _cell(recorded, small_below), rate,
            f"{persistent} ({persistent.percent})", f"{severe} ({severe.percent})",
            _cell(stage.get("suspended", 0), small_below),
            _cell(stage.get("suspensions", 0), small_below),
            _cell(stage.get("excluded", 0), small_below),
        ])  # fmt: skip
    table.note = (
        "Sessions added up over the year's terms. Persistent absence: 10% or more of possible "
        "sessions missed; severe absence: 50% or more (DfE)."
    )
    return table


def _attainment(terms, children, start: date, small_below) -> Table:
    """EYFS good level of development (Reception), the expected standard in reading, writing
    and maths (year 6), grade 4 or above in English and maths (year 11)."""
    year_of: dict[int, int] = {
        pk: override if override is not None else year_group_for(born, start)
        for pk, born, override in children.values_list("pk", "date_of_birth", "year_group_override")
    }
    wanted = [pk for pk, year in year_of.items() if year in (0, 6, 11)]
    latest: dict[int, tuple] = {}
    results = defaultdict(dict)
    for child_id, pep_id, version, subject, rank in (
        AttainmentResult.objects.filter(term__in=terms, child_id__in=wanted)
        .order_by("child_id", "pep__version")
        .values_list("child_id", "pep_id", "pep__version", "subject", "current_rank")
    ):
        if latest.get(child_id, (None, -1))[1] < version:
            latest[child_id] = (pep_id, version)
            results[child_id] = {}
        results[child_id][subject.strip().casefold()] = rank
    measures = {
        0: ("EYFS: a good level of development", _good_level),
        6: ("Key stage 2: the expected standard in reading, writing and maths", _ks2_expected),
        11: ("Key stage 4: grade 4 or above in English and maths", _ks4_basics),
    }
    table = Table("Attainment", ["Measure", "Children assessed", "Meeting it", "Share"])
    for year, (label, meets) in measures.items():
        assessed = [child for child, y in year_of.items() if y == year and results.get(child)]
        met = sum(1 for child in assessed if meets(results[child]))
        cell = _cell(met, small_below, len(assessed))
        table.rows.append([label, _cell(len(assessed), small_below), cell, cell.percent])
    table.note = "Each child's latest attainment recorded in a PEP this year (teacher assessment)."
    return table


def latest_records(terms):
    """The typed data of each child's latest PEP of each of these terms."""
    latest = Q(pk__in=[])
    for term in terms:
        latest |= Q(pep__in=term_peps(term))
    return EducationRecord.objects.filter(latest)


def _good_level(results: dict) -> bool:
    return all((results.get(area) or 0) >= 1 for area in GOOD_LEVEL_OF_DEVELOPMENT_AREAS)


def _ks2_expected(results: dict) -> bool:
    return all((results.get(subject) or 0) >= 1 for subject in ("reading", "writing", "maths"))


def _ks4_basics(results: dict) -> bool:
    def best(names):
        return max((results.get(name) or -1 for name in names), default=-1)

    return best(ENGLISH_SUBJECTS) >= 3 and best(MATHS_SUBJECTS) >= 3  # rank 3 is grade 4


def _destinations(terms, cohort_ids, small_below) -> Table:
    latest = {}
    for child_id, status in (
        latest_records(terms)
        .filter(child_id__in=cohort_ids)
        .exclude(eet_status="")
        .order_by("child_id", "term__start_date", "pep__version")
        .values_list("child_id", "eet_status")
    ):
        latest[child_id] = status
    counts = defaultdict(int)
    for status in latest.values():
        counts[status] += 1
    total = len(latest)
    table = Table("Post-16 education, employment or training", ["", "Young people", "Share"])
    for status, label in EducationRecord.EetStatus.choices:
        cell = _cell(counts.get(status, 0), small_below, total)
        table.rows.append([label, cell, cell.percent])
    table.note = "Each young person's latest status recorded in a PEP this year."
    return table


def _ppplus(terms, cohort_ids) -> list[Table]:
    requests = PpPlusRequest.objects.filter(
        decision__in=COMMITTED, target__pep__term__in=terms, target__pep__child_id__in=cohort_ids
    )
    labels = dict(PpPlusRequest.Intervention.choices)
    by_intervention = Table("Pupil Premium Plus by intervention", ["Intervention", "Committed"])
    for kind, total in (
        requests.values("intervention").annotate(total=Sum("approved_amount")).order_by("-total")
        .values_list("intervention", "total")
    ):  # fmt: skip
        by_intervention.rows.append([labels.get(kind, kind), total])
    names = {term.pk: str(term) for term in terms}
    by_term = Table("Pupil Premium Plus by term", ["Term", "Committed"])
    for term_id, total in (
        requests.values("target__pep__term").annotate(total=Sum("approved_amount"))
        .order_by("target__pep__term__start_date").values_list("target__pep__term", "total")
    ):  # fmt: skip
        by_term.rows.append([names[term_id], total])
    by_term.note = "Approved for the PEPs of each term (money, not children: never suppressed)."
    return [by_intervention, by_term]
