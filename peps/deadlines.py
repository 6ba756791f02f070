"""When each PEP is due, and why: the statutory clock (seeds 001 and 003), per Virtual School.

Rules, each a setting of the Virtual School (`PepSettings`) with the seeds' figure as default:
- the first PEP within 20 school days of the child entering care;
- a new PEP within 20 school days of starting at a new school;
- otherwise each term's PEP by the Virtual School's termly deadline (the 15th school day).
Entering care or a school move counts for the first PEP made after it (after the previous PEP
was signed off; for a child's first PEP here, within the past year, so that records brought in
from elsewhere are not shown as years overdue). Its statutory date then stands instead of the
termly deadline, which may have passed before it happened; if both happened, the earlier wins.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from .calendar import CalendarIncomplete, SchoolCalendar, TermDates
from .models import Pep, PepSettings

DEFAULTS = PepSettings()


@dataclass(frozen=True)
class Due:
    day: date | None
    reason: str


def _when(day: date) -> str:
    return f"{day:%-d %B %Y}"


def due_for(
    *,
    pep: Pep,
    calendar: SchoolCalendar,
    settings: PepSettings = DEFAULTS,
    events_since: date,
    entered_care: date,
    new_school: tuple[str, date] | None,
) -> Due:
    """The due date of one PEP from plain facts (the daily job gathers them in batches).
    Events on or after `events_since` (see `events_since()`) belong to this PEP."""
    term = pep.term
    events: list[Due] = []
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
        if pep.previous_id is None and events_since <= entered_care <= term.end_date:
            n = settings.first_pep_school_days
            events.append(
                Due(
                    calendar.add_school_days(entered_care, n),
                    f"{n} school days after entering care on {_when(entered_care)}",
                )
            )
        if new_school and events_since <= new_school[1] <= term.end_date:
            n = settings.new_school_school_days
            events.append(
                Due(
                    calendar.add_school_days(new_school[1], n),
                    f"{n} school days after starting at {new_school[0]} on {_when(new_school[1])}",
                )
            )
    except CalendarIncomplete as error:
        return Due(None, str(error))
    except ValueError:  # the PEP's term is not among the Virtual School's terms any more
        return Due(None, "Add this term's dates to the Virtual School's calendar first")
    return min(events, key=lambda due: due.day) if events else termly


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def events_since(pep: Pep) -> date:
    """From when entering care or a school move belongs to this PEP: the day after the previous
    PEP was signed off, or for a first PEP, a year before its term ends."""
    previous = pep.previous if pep.previous_id else None
    if previous is not None and previous.signed_off_at is not None:
        return timezone.localtime(previous.signed_off_at).date() + timedelta(days=1)
    return pep.term.end_date - timedelta(days=365)


def due_for_pep(pep: Pep) -> Due:
    """One PEP's due date, reading what it needs (for a single PEP; the job batches)."""
    child = pep.child
    virtual_school_id = child.virtual_school_id
    settings = PepSettings.objects.filter(virtual_school_id=virtual_school_id).first() or DEFAULTS
    current = child.enrolments.filter(end_date__isnull=True).select_related("school").first()
    return due_for(
        pep=pep,
        calendar=SchoolCalendar.for_virtual_school(virtual_school_id),
        settings=settings,
        events_since=events_since(pep),
        entered_care=child.date_entered_care,
        new_school=(current.school.name, current.start_date) if current else None,
    )
