"""When each PEP is due, and why: the statutory clock (seeds 001 and 003), per Virtual School.

Rules, each a setting of the Virtual School (`PepSettings`) with the seeds' figure as default:
- the first PEP within 20 school days of the child entering care;
- a new PEP within 20 school days of starting at a new school;
- otherwise each term's PEP by the Virtual School's termly deadline (the 15th school day).
Entering care or a school move counts for the PEP of the term in which it happened (or the
holiday just before), and then its statutory date stands instead of the termly deadline (which
may have passed before the child was in care); if both happened, the earlier date wins.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from .calendar import CalendarIncomplete, SchoolCalendar, TermDates
from .models import Pep, PepSettings, Term

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
    window_start: date,
    entered_care: date,
    new_school: tuple[str, date] | None,
) -> Due:
    """The due date of one PEP from plain facts (the daily job gathers them in batches).

    `window_start` is the first day after the previous term ended: events from then until the
    end of this PEP's term belong to this PEP."""
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
        if pep.previous_id is None and window_start <= entered_care <= term.end_date:
            n = settings.first_pep_school_days
            events.append(
                Due(
                    calendar.add_school_days(entered_care, n),
                    f"{n} school days after entering care on {_when(entered_care)}",
                )
            )
        if new_school and window_start <= new_school[1] <= term.end_date:
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


def window_start_for(term: Term, terms_by_start: list[Term]) -> date:
    """The day after the previous term of the same Virtual School ended."""
    previous = [t for t in terms_by_start if t.start_date < term.start_date]
    return previous[-1].end_date + timedelta(days=1) if previous else term.start_date


def due_for_pep(pep: Pep) -> Due:
    """One PEP's due date, reading what it needs (for a single PEP; the job batches)."""
    child = pep.child
    virtual_school_id = child.virtual_school_id
    settings = PepSettings.objects.filter(virtual_school_id=virtual_school_id).first() or DEFAULTS
    terms = list(Term.objects.filter(virtual_school_id=virtual_school_id).order_by("start_date"))
    current = child.enrolments.filter(end_date__isnull=True).select_related("school").first()
    return due_for(
        pep=pep,
        calendar=SchoolCalendar.for_virtual_school(virtual_school_id),
        settings=settings,
        window_start=window_start_for(pep.term, terms),
        entered_care=child.date_entered_care,
        new_school=(current.school.name, current.start_date) if current else None,
    )
