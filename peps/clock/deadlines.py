"""When each PEP is due, and why: the statutory clock (seeds 001 and 003), per Virtual School.

Each figure is a setting of the Virtual School (`PepSettings`), with the seeds' figure as default:
- each term's PEP by the Virtual School's termly deadline (the 15th school day of the term);
- the first PEP within 20 school days of the child entering care;
- a new PEP within 20 school days of starting at a new school.

Which date is in force when more than one applies (the rule for an overdue PEP):
1. A PEP starts with its term's deadline. For a child's first PEP that begins when they enter
   care: a termly deadline already past on that day never applied to them.
2. Entering care and each school move are taken in date order. Each sets its own date, which
   replaces the date in force unless that date is earlier and still ahead on the day of the event
   (then it stands: the PEP was due anyway).
3. A date that had passed when a new event happened is replaced, and the PEP says both: "Was due
   22 September 2026 (overdue); starting at Hill School on 1 December 2026 makes it due by
   12 January 2027". The missed date stays in the audit trail of due dates.
Entering care counts for the child's first PEP only, and a school move for the PEP open after it
(from the day after the previous PEP was signed off; for a first PEP here, within the past year,
so that records brought in from elsewhere are not shown as years overdue).

Events before the calendar: when entering care or a move falls before the first term the Virtual
School has entered, the school days since are unknown. No date is invented: the PEP says the term
dates are missing, and the termly deadline is used meanwhile. A date that needs terms after the
last one entered cannot be given at all until they are added.

A child who has left care has no PEP due.

The social worker's part has its own review date (seed 001: "reviewed at least every 6 months or
when there are changes to the education setting"): six months after its last review, brought
forward to 20 school days after a change of school or of alternative provision. Post-16, the
pathway plan replaces the PEP2, and its own review date is the one shown and reminded.
"""

from calendar import monthrange
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from ..models import Pep, PepSettings
from ..sections import PEP2_SECTION_KEYS, Kind
from .calendar import CalendarIncomplete, CalendarStartsLater, SchoolCalendar, TermDates

DEFAULTS = PepSettings()


@dataclass(frozen=True)
class Due:
    day: date | None
    reason: str


def _when(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(frozen=True)
class _Event:
    day: date
    what: str  # "entering care", "starting at Hill School"
    school_days: int


def due_for(
    *,
    pep: Pep,
    calendar: SchoolCalendar,
    settings: PepSettings = DEFAULTS,
    events_since: date,
    entered_care: date,
    new_schools: Sequence[tuple[str, date]] = (),
    left_care: date | None = None,
    today: date | None = None,
) -> Due:
    """The due date of one PEP from plain facts (the daily job gathers them in batches).
    `new_schools` are (school name, start date) of the child's enrolments; those on or after
    `events_since` (see `events_since()`) belong to this PEP."""
    today = today or timezone.localdate()
    if left_care is not None and left_care <= today:
        return Due(None, f"Left care on {_when(left_care)}: no PEP is due")
    term = pep.term
    try:
        nth = settings.termly_deadline_school_day
        term_dates = TermDates(
            term.start_date, term.end_date, term.half_term_start, term.half_term_end
        )
        termly = Due(
            calendar.nth_school_day_of_term(term_dates, nth),
            f"The Virtual School's deadline: the {_ordinal(nth)} school day of the "
            f"{term.get_name_display().lower()} term",
        )
    except CalendarIncomplete as error:
        return Due(None, str(error))
    except ValueError:  # the PEP's term is not among the Virtual School's terms any more
        return Due(None, "Add this term's dates to the Virtual School's calendar first")

    first_pep_event = pep.previous_id is None and events_since <= entered_care <= term.end_date
    events = []
    if first_pep_event:
        events.append(_Event(entered_care, "entering care", settings.first_pep_school_days))
    for name, start in new_schools:
        after = entered_care if first_pep_event else events_since
        if after <= start <= term.end_date and not (first_pep_event and start == entered_care):
            events.append(_Event(start, f"starting at {name}", settings.new_school_school_days))
    events.sort(key=lambda event: event.day)

    in_force: Due | None = termly
    if first_pep_event and termly.day < entered_care:
        in_force = None  # that deadline passed before the child was in care
    notes = []
    for event in events:
        try:
            day = calendar.add_school_days(event.day, event.school_days)
        except CalendarStartsLater:
            notes.append(
                f"{event.what[0].upper()}{event.what[1:]} on {_when(event.day)} is before the "
                "first term dates entered: add the earlier terms to count "
                f"{event.school_days} school days from it"
            )
            continue
        except CalendarIncomplete as error:
            return Due(None, str(error))
        own = Due(day, f"{event.school_days} school days after {event.what} on {_when(event.day)}")
        if in_force is None or in_force.day is None:
            in_force = own
        elif in_force.day < event.day:
            in_force = Due(
                day,
                f"Was due {_when(in_force.day)} (overdue); {event.what} on "
                f"{_when(event.day)} makes it due by {_when(day)}, "
                f"{event.school_days} school days later",
            )
        elif in_force.day <= day:
            continue  # the earlier date still stands
        else:
            in_force = own
    if in_force is None:  # only an event the calendar cannot count from
        in_force = termly
    if notes:
        if in_force is termly:
            notes.append("until then the termly deadline applies")
        return Due(in_force.day, f"{in_force.reason}. " + "; ".join(notes))
    return in_force


def events_since(pep: Pep) -> date:
    """From when entering care or a school move belongs to this PEP: the day after the previous
    PEP was signed off, or for a first PEP, a year before its term ends."""
    previous = pep.previous if pep.previous_id else None
    return events_since_from(pep.term.end_date, previous.signed_off_at if previous else None)


def events_since_from(term_end: date, previous_signed_off_at: datetime | None) -> date:
    """`events_since` from the PEP's term's end and when its previous PEP was signed off (the
    daily job reads that with the PEP, rather than the previous PEP whole)."""
    if previous_signed_off_at is not None:
        return timezone.localtime(previous_signed_off_at).date() + timedelta(days=1)
    return term_end - timedelta(days=365)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day if it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def social_care_due_for(
    *,
    pep: Pep,
    calendar: SchoolCalendar,
    settings: PepSettings = DEFAULTS,
    pep_due: Due,
    reviewed_in_this_pep: bool,
    new_schools: Sequence[tuple[str, date]] = (),
    provision_changes: Sequence[date] = (),
    pathway_plan: dict | None = None,
) -> Due:
    """When the social worker's part must next be reviewed: the PEP2 of a school-age PEP, the
    pathway plan of a post-16 one. Early years PEPs review every section each term."""
    if pep.kind == Kind.POST_16:
        return _pathway_plan_due(pathway_plan or {}, settings)
    if pep.kind != Kind.SCHOOL_AGE:
        return Due(None, "")
    if reviewed_in_this_pep:
        return Due(None, "Reviewed in this PEP")
    last = pep.pep2_reviewed_on
    if last is None:
        return Due(pep_due.day, "Not reviewed yet: it is due with this PEP")
    months = settings.social_care_review_months
    due = Due(add_months(last, months), f"{months} months after its last review on {_when(last)}")
    changes = [(f"starting at {name}", start) for name, start in new_schools if start > last]
    changes += [
        ("a change of alternative provision", day) for day in provision_changes if day > last
    ]
    for what, day in changes:
        n = settings.new_school_school_days
        try:
            sooner = calendar.add_school_days(day, n)
        except CalendarIncomplete:
            continue  # the six-monthly date stands until the calendar can count it
        if sooner < due.day:
            due = Due(sooner, f"Brought forward: {n} school days after {what} on {_when(day)}")
    return due


def _pathway_plan_due(answers: dict, settings: PepSettings) -> Due:
    """The pathway plan's next review: as the social worker entered it, or six months after its
    last review."""
    next_review = _as_date(answers.get("pathway_plan_next_review"))
    if next_review is not None:
        return Due(next_review, "The pathway plan's next review, as its social worker recorded it")
    reviewed = _as_date(answers.get("pathway_plan_reviewed_on"))
    if reviewed is None:
        return Due(None, "Enter the pathway plan's review dates in the pathway plan section")
    months = settings.social_care_review_months
    return Due(
        add_months(reviewed, months),
        f"{months} months after the pathway plan's last review on {_when(reviewed)}",
    )


def _as_date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def pep2_reviewed_in(answer_rows) -> bool:
    """Whether the social worker has reviewed the PEP2 in this PEP: its sections saved here,
    none still as carried forward from the last PEP. `answer_rows`: (section key, carried)."""
    saved = {key: carried for key, carried in answer_rows if key in PEP2_SECTION_KEYS}
    return {"case_details", "care_placement"} <= saved.keys() and not any(saved.values())


def due_for_pep(pep: Pep, *, today: date | None = None) -> tuple[Due, Due]:
    """One PEP's due date and its social worker's review date, reading what they need (for a
    single PEP; the daily job gathers the same facts in batches)."""
    child = pep.child
    today = today or timezone.localdate()
    if child.date_left_care is not None and child.date_left_care <= today:
        gone = Due(None, f"Left care on {_when(child.date_left_care)}: no PEP is due")
        return gone, gone
    virtual_school_id = child.virtual_school_id
    settings = PepSettings.objects.filter(virtual_school_id=virtual_school_id).first() or DEFAULTS
    calendar = SchoolCalendar.for_virtual_school(virtual_school_id)
    since = events_since(pep)
    recent = min(since, pep.pep2_reviewed_on or since)
    schools = [
        (name, start)
        for name, start in child.enrolments.filter(start_date__gte=recent).values_list(
            "school__name", "start_date"
        )
    ]
    due = due_for(
        pep=pep,
        calendar=calendar,
        settings=settings,
        events_since=since,
        entered_care=child.date_entered_care,
        new_schools=schools,
        left_care=child.date_left_care,
        today=today,
    )
    rows = {key: (carried, answers) for key, carried, answers in pep.answers.values_list(
        "section_key", "carried_forward", "answers"
    )}  # fmt: skip
    social_care = social_care_due_for(
        pep=pep,
        calendar=calendar,
        settings=settings,
        pep_due=due,
        reviewed_in_this_pep=pep2_reviewed_in((k, c) for k, (c, _) in rows.items()),
        new_schools=schools,
        provision_changes=list(
            child.enrolments.filter(attendance_pattern_changed_on__isnull=False).values_list(
                "attendance_pattern_changed_on", flat=True
            )
        ),
        pathway_plan=rows.get("pathway_plan", (False, {}))[1],
    )
    return due, social_care
