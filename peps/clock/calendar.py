"""School-day arithmetic for the statutory PEP timescales, which are counted in school days.

A school day is a weekday inside one of the Virtual School's terms that is not in the term's
half-term break, not a bank holiday in England and not one of the Virtual School's closure days.

Counting follows the statutory guidance: the day of the event is day 0 and day 1 is the first
school day strictly after it, whether or not the event itself fell on a school day. So an event in
a holiday counts from the first school day after the holiday.

Nothing is assumed about days outside the terms entered. Counting from an event before the first
term entered raises CalendarStartsLater (the school days in the gap are unknown, unless the gap
is only weekends and bank holidays), and an answer that needs a day after the last term entered
raises CalendarIncomplete: no date can be given until the Virtual School enters those terms.

The arithmetic is pure Python over a sorted list of school days (as date ordinals) built once, so
every question is a binary search and a daily job over every child in care stays cheap. Only
`SchoolCalendar.for_virtual_school` touches the database.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class TermDates:
    """One term's dates, both ends inclusive; the half term counts only when both ends are set."""

    start_date: date
    end_date: date
    half_term_start: date | None = None
    half_term_end: date | None = None


class CalendarIncomplete(Exception):
    """The answer needs days outside the term dates the Virtual School has entered."""


class CalendarStartsLater(CalendarIncomplete):
    """The answer counts from a day before the first term the Virtual School has entered."""


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def england_bank_holidays(first_year: int, last_year: int) -> set[date]:
    """England's bank holidays, computed by the `holidays` package (no network)."""
    import holidays

    years = range(first_year, last_year + 1)
    return set(holidays.country_holidays("GB", subdiv="ENG", years=years))


class SchoolCalendar:
    """The school days of one Virtual School, answering every question in O(log n)."""

    def __init__(
        self,
        terms: Iterable[TermDates],
        closure_days: Iterable[date] = (),
        bank_holidays: Iterable[date] | None = None,
    ) -> None:
        self.terms: tuple[TermDates, ...] = tuple(sorted(terms, key=lambda t: t.start_date))
        for term in self.terms:
            if term.end_date < term.start_date:
                raise ValueError(
                    f"A term cannot end ({_long(term.end_date)}) before it starts "
                    f"({_long(term.start_date)})"
                )
        if bank_holidays is None:
            bank_holidays = (
                england_bank_holidays(
                    min(t.start_date.year for t in self.terms) - 1,  # the gap before the first term
                    max(t.end_date.year for t in self.terms),
                )
                if self.terms
                else ()
            )
        not_school = {d.toordinal() for d in bank_holidays} | {d.toordinal() for d in closure_days}

        days: set[int] = set()
        for term in self.terms:
            break_days = range(0)
            if term.half_term_start is not None and term.half_term_end is not None:
                break_days = range(
                    term.half_term_start.toordinal(), term.half_term_end.toordinal() + 1
                )
            for ordinal in range(term.start_date.toordinal(), term.end_date.toordinal() + 1):
                # Ordinal 1 (1 January of year 1) was a Monday, so this is date.weekday().
                weekday = (ordinal - 1) % 7
                if weekday < 5 and ordinal not in break_days and ordinal not in not_school:
                    days.add(ordinal)
        self._days: list[int] = sorted(days)
        self._not_school = not_school
        self._first = min((t.start_date for t in self.terms), default=None)
        self._last = max((t.end_date for t in self.terms), default=None)

    @classmethod
    def for_virtual_school(cls, virtual_school_id: int) -> SchoolCalendar:
        """The calendar from the terms and closure days a Virtual School has entered."""
        from ..models import Term

        terms = [
            TermDates(*row)
            for row in Term.objects.filter(virtual_school_id=virtual_school_id).values_list(
                "start_date", "end_date", "half_term_start", "half_term_end"
            )
        ]
        try:
            from ..models import ClosureDay
        except (ImportError, AttributeError):
            closure_days: list[date] = []
        else:
            closure_days = list(
                ClosureDay.objects.filter(virtual_school_id=virtual_school_id).values_list(
                    "date", flat=True
                )
            )
        return cls(terms, closure_days=closure_days)

    @property
    def first_day(self) -> date:
        """The start of the earliest term entered."""
        if self._first is None:
            raise self._no_terms()
        return self._first

    @property
    def last_day(self) -> date:
        """The end of the latest term entered."""
        if self._last is None:
            raise self._no_terms()
        return self._last

    def is_school_day(self, day: date) -> bool:
        if day > self.last_day:
            raise CalendarIncomplete(
                f"Cannot tell whether {_long(day)} is a school day: {self._past_the_end()}"
            )
        ordinal = day.toordinal()
        i = bisect_left(self._days, ordinal)
        return i < len(self._days) and self._days[i] == ordinal

    def next_school_day(self, day: date) -> date:
        """The first school day strictly after `day`."""
        return self.add_school_days(day, 1)

    def add_school_days(self, event: date, n: int) -> date:
        """The nth school day after `event`: day 0 is the event, day 1 the next school day."""
        if n < 0:
            raise ValueError(f"Cannot count back {-n} school days; n must be 0 or more")
        if n == 0:
            return event
        self._refuse_before_first_term(event, what=f"count {n} school days from {_long(event)}")
        i = bisect_right(self._days, event.toordinal()) + n - 1
        if i >= len(self._days):
            raise CalendarIncomplete(
                f"Cannot count {n} school day{'' if n == 1 else 's'} from {_long(event)}: "
                f"{self._past_the_end()}"
            )
        return date.fromordinal(self._days[i])

    def school_days_between(self, start: date, end: date) -> int:
        """How many school days d there are with start < d <= end (0 if end <= start)."""
        if end <= start:
            return 0
        if end > self.last_day:
            raise CalendarIncomplete(
                f"Cannot count the school days from {_long(start)} to {_long(end)}: "
                f"{self._past_the_end()}"
            )
        return bisect_right(self._days, end.toordinal()) - bisect_right(
            self._days, start.toordinal()
        )

    def nth_school_day_of_term(self, term: TermDates, n: int) -> date:
        """The nth school day of `term`, the first school day of the term being n=1."""
        if n < 1:
            raise ValueError(f"The first school day of a term is n=1, not n={n}")
        if term not in self.terms:
            raise ValueError(
                f"The term from {_long(term.start_date)} to {_long(term.end_date)} "
                "is not one of this calendar's terms"
            )
        lo = bisect_left(self._days, term.start_date.toordinal())
        hi = bisect_right(self._days, term.end_date.toordinal())
        if lo + n - 1 >= hi:
            raise CalendarIncomplete(
                f"The term from {_long(term.start_date)} to {_long(term.end_date)} has only "
                f"{hi - lo} school days, so it has no school day {n}: count on into the next "
                "term instead, adding its term dates first if they are not there yet."
            )
        return date.fromordinal(self._days[lo + n - 1])

    def _refuse_before_first_term(self, day: date, *, what: str) -> None:
        """Raise CalendarStartsLater if a weekday that is not a bank holiday lies between `day`
        and the first term entered: whether it was a school day is unknown."""
        first = self.first_day
        if day >= first:
            return
        gap = range(day.toordinal() + 1, first.toordinal())
        if any((o - 1) % 7 < 5 and o not in self._not_school for o in gap):
            raise CalendarStartsLater(
                f"The term dates before {_long(first)} are missing, so PEP Portal cannot {what}. "
                f"Add the dates of the terms from {day:%B %Y} to the Virtual School's calendar."
            )

    def _past_the_end(self) -> str:
        """The second half of a CalendarIncomplete message: why, and what to enter."""
        return (
            f"the calendar ends on {_long(self.last_day)}, the last day of the last term the "
            "Virtual School has entered. Add the term dates for the terms after "
            f"{_long(self.last_day)} first."
        )

    @staticmethod
    def _no_terms() -> CalendarIncomplete:
        return CalendarIncomplete(
            "The Virtual School has not entered any term dates yet: add the term dates for this "
            "academic year first."
        )
