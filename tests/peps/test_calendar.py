"""School-day arithmetic over three realistic English academic years, 2025-26 to 2027-28.

The calendar uses England's real bank holidays (`bank_holidays=None`), so the worked examples
also check that the `holidays` package gives the dates the statutory guidance means.
"""

from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from peps.clock.calendar import CalendarIncomplete, CalendarStartsLater, SchoolCalendar, TermDates
from tests.peps.factories import TermFactory

AUTUMN_2025 = TermDates(
    date(2025, 9, 3), date(2025, 12, 19), date(2025, 10, 27), date(2025, 10, 31)
)
SPRING_2026 = TermDates(date(2026, 1, 5), date(2026, 3, 27), date(2026, 2, 16), date(2026, 2, 20))
# Published as Tuesday to Friday because the Monday, 25 May, is the Spring bank holiday: so the
# bank holiday falls in term and only the bank-holiday rule keeps it from being a school day.
SUMMER_2026 = TermDates(date(2026, 4, 13), date(2026, 7, 22), date(2026, 5, 26), date(2026, 5, 29))
AUTUMN_2026 = TermDates(
    date(2026, 9, 2), date(2026, 12, 18), date(2026, 10, 26), date(2026, 10, 30)
)
# A fixed two-week spring break (5 to 16 April) while Easter 2027 is early, so Good Friday
# (26 March) and Easter Monday (29 March) fall in term.
SPRING_2027 = TermDates(date(2027, 1, 4), date(2027, 4, 2), date(2027, 2, 15), date(2027, 2, 19))
SUMMER_2027 = TermDates(date(2027, 4, 19), date(2027, 7, 21), date(2027, 5, 31), date(2027, 6, 4))
AUTUMN_2027 = TermDates(
    date(2027, 9, 2), date(2027, 12, 17), date(2027, 10, 25), date(2027, 10, 29)
)
SPRING_2028 = TermDates(date(2028, 1, 4), date(2028, 3, 31), date(2028, 2, 14), date(2028, 2, 18))
# Starts on Easter Monday (Easter Day is 16 April 2028), so its first school day is the Tuesday.
SUMMER_2028 = TermDates(date(2028, 4, 17), date(2028, 7, 21), date(2028, 5, 29), date(2028, 6, 2))

TERMS = (
    AUTUMN_2025,
    SPRING_2026,
    SUMMER_2026,
    AUTUMN_2026,
    SPRING_2027,
    SUMMER_2027,
    AUTUMN_2027,
    SPRING_2028,
    SUMMER_2028,
)
# INSET days: the Monday after the October 2026 half term and the Monday after February 2027's.
CLOSURE_DAYS = (date(2026, 11, 2), date(2027, 2, 22))

CALENDAR = SchoolCalendar(TERMS, closure_days=CLOSURE_DAYS, bank_holidays=None)

# Written out by hand from gov.uk's list rather than taken from the `holidays` package, so the
# oracle below checks the package too.
ENGLAND_BANK_HOLIDAYS = {
    date(2025, 12, 25),
    date(2025, 12, 26),
    date(2026, 1, 1),
    date(2026, 4, 3),
    date(2026, 4, 6),
    date(2026, 5, 4),
    date(2026, 5, 25),
    date(2026, 8, 31),
    date(2026, 12, 25),
    date(2026, 12, 28),
    date(2027, 1, 1),
    date(2027, 3, 26),
    date(2027, 3, 29),
    date(2027, 5, 3),
    date(2027, 5, 31),
    date(2027, 8, 30),
    date(2027, 12, 27),
    date(2027, 12, 28),
    date(2028, 1, 3),
    date(2028, 4, 14),
    date(2028, 4, 17),
    date(2028, 5, 1),
    date(2028, 5, 29),
}


def is_school_day_by_hand(day: date) -> bool:
    """The definition, checked day by day, to hold the bisect-based calendar to."""
    in_a_term = any(
        t.start_date <= day <= t.end_date and not (t.half_term_start <= day <= t.half_term_end)
        for t in TERMS
    )
    return (
        in_a_term
        and day.weekday() < 5
        and day not in ENGLAND_BANK_HOLIDAYS
        and day not in CLOSURE_DAYS
    )


def add_school_days_by_hand(event: date, n: int) -> date:
    day = event
    while n:
        day += timedelta(days=1)
        if is_school_day_by_hand(day):
            n -= 1
    return day


days_in_range = st.dates(min_value=CALENDAR.first_day, max_value=CALENDAR.last_day)
counts = st.integers(min_value=0, max_value=60)


def add_or_reject(event: date, n: int) -> date:
    try:
        return CALENDAR.add_school_days(event, n)
    except CalendarIncomplete:
        assume(False)
        raise


@settings(max_examples=200, deadline=None)
@given(days_in_range, counts)
def test_counting_the_days_added_gives_back_the_number_added(event, n):
    due = add_or_reject(event, n)

    assert CALENDAR.school_days_between(event, due) == n


@settings(max_examples=200, deadline=None)
@given(days_in_range, counts.filter(lambda n: n >= 1))
def test_a_due_date_is_always_a_school_day_and_matches_counting_by_hand(event, n):
    due = add_or_reject(event, n)

    assert due.weekday() < 5
    assert due not in ENGLAND_BANK_HOLIDAYS
    assert due not in CLOSURE_DAYS
    assert any(t.start_date <= due <= t.end_date for t in TERMS)
    assert not any(t.half_term_start <= due <= t.half_term_end for t in TERMS)
    assert due == add_school_days_by_hand(event, n)


@settings(max_examples=200, deadline=None)
@given(days_in_range)
def test_the_next_school_day_is_the_first_school_day_after(day):
    following = add_or_reject(day, 1)

    assert following == CALENDAR.next_school_day(day)
    assert following > day
    assert CALENDAR.is_school_day(following)
    between = (day + timedelta(days=k) for k in range(1, (following - day).days))
    assert not any(is_school_day_by_hand(d) for d in between)


@settings(max_examples=200, deadline=None)
@given(days_in_range, counts)
def test_more_school_days_always_lands_later(event, n):
    later = add_or_reject(event, n + 1)

    assert CALENDAR.add_school_days(event, n) < later


@settings(max_examples=200, deadline=None)
@given(days_in_range)
def test_is_school_day_matches_the_definition(day):
    assert CALENDAR.is_school_day(day) == is_school_day_by_hand(day)


def test_the_event_day_itself_is_day_0():
    assert CALENDAR.add_school_days(date(2026, 12, 10), 0) == date(2026, 12, 10)


def test_across_christmas():
    # After Thursday 10 December 2026 the autumn term has 6 school days left (11, 14 to 18 Dec).
    # Spring starts Monday 4 January 2027, so days 7 to 20 are 4 to 8, 11 to 15 and 18 to 21
    # January. The bank holidays of 25 and 28 December and 1 January fall in the holiday.
    assert CALENDAR.add_school_days(date(2026, 12, 10), 20) == date(2027, 1, 21)


def test_across_easter_when_good_friday_and_easter_monday_are_in_term():
    # From Monday 22 March 2027: 23, 24, 25 March are days 1 to 3; Good Friday 26 and Easter
    # Monday 29 March are skipped, so 30 March, 31 March, 1 and 2 April are days 4 to 7. After the
    # spring break (5 to 16 April) summer starts Monday 19 April: days 8, 9 and 10 are 19 to 21.
    assert CALENDAR.add_school_days(date(2027, 3, 22), 5) == date(2027, 3, 31)
    assert CALENDAR.add_school_days(date(2027, 3, 22), 10) == date(2027, 4, 21)
    assert CALENDAR.is_school_day(date(2027, 3, 26)) is False
    assert CALENDAR.is_school_day(date(2027, 3, 29)) is False


def test_across_easter_2028_when_the_summer_term_starts_on_easter_monday():
    # Spring 2028 ends Friday 31 March, so from Wednesday 29 March days 1 and 2 are 30 and 31
    # March. Summer is published from Monday 17 April, Easter Monday, so day 3 is Tuesday 18th.
    assert CALENDAR.add_school_days(date(2028, 3, 29), 3) == date(2028, 4, 18)
    assert CALENDAR.nth_school_day_of_term(SUMMER_2028, 1) == date(2028, 4, 18)


def test_across_a_half_term():
    # October half term 2025 is 27 to 31 October. From Friday 24 October, the last day before it,
    # day 1 is Monday 3 November and day 5 Friday 7 November.
    assert CALENDAR.add_school_days(date(2025, 10, 24), 1) == date(2025, 11, 3)
    assert CALENDAR.add_school_days(date(2025, 10, 24), 5) == date(2025, 11, 7)


def test_an_event_in_half_term_counts_from_the_first_school_day_after_it():
    # Half term 2025 is 27 to 31 October: from Wednesday 29 October, or from Saturday 25th at the
    # start of the break, day 1 is the first school day after it, Monday 3 November.
    assert CALENDAR.next_school_day(date(2025, 10, 29)) == date(2025, 11, 3)
    assert CALENDAR.next_school_day(date(2025, 10, 25)) == date(2025, 11, 3)


def test_a_child_entering_care_in_august_counts_from_the_first_day_of_the_autumn_term():
    # 10 August 2026 is in the summer holiday (as is the bank holiday of 31 August). Autumn
    # starts Wednesday 2 September: days 1 to 3 are 2 to 4 September, 7 to 25 September are
    # days 4 to 18, so day 20 is Tuesday 29 September.
    assert CALENDAR.add_school_days(date(2026, 8, 10), 1) == date(2026, 9, 2)
    assert CALENDAR.add_school_days(date(2026, 8, 10), 20) == date(2026, 9, 29)


def test_the_15th_school_day_of_a_term():
    # Autumn 2025 starts Wednesday 3 September: 3 to 5 September are days 1 to 3, 8 to 12 days
    # 4 to 8, 15 to 19 days 9 to 13, so day 15 is Tuesday 23 September.
    assert CALENDAR.nth_school_day_of_term(AUTUMN_2025, 15) == date(2025, 9, 23)
    # Spring 2027 starts on a Monday, so its 15th school day ends the third week.
    assert CALENDAR.nth_school_day_of_term(SPRING_2027, 15) == date(2027, 1, 22)


def test_a_closure_day_is_skipped():
    # Half term is 26 to 30 October 2026 and Monday 2 November is an INSET day, so from Friday
    # 23 October day 1 is Tuesday 3 November; without the INSET day it would be the Monday.
    assert CALENDAR.is_school_day(date(2026, 11, 2)) is False
    assert CALENDAR.add_school_days(date(2026, 10, 23), 1) == date(2026, 11, 3)
    without_inset = SchoolCalendar(TERMS, bank_holidays=None)
    assert without_inset.add_school_days(date(2026, 10, 23), 1) == date(2026, 11, 2)


def test_the_may_bank_holidays_are_skipped_in_term():
    # Early May bank holiday, Monday 4 May 2026: from Friday 1 May day 1 is Tuesday 5 May.
    assert CALENDAR.add_school_days(date(2026, 5, 1), 1) == date(2026, 5, 5)
    # Spring bank holiday, Monday 25 May 2026, is in term (the half term is published as 26 to
    # 29 May): from Friday 22 May day 1 is Monday 1 June.
    assert CALENDAR.is_school_day(date(2026, 5, 25)) is False
    assert CALENDAR.add_school_days(date(2026, 5, 22), 1) == date(2026, 6, 1)
    # May 2026 after the 1st: 5 to 8, 11 to 15, 18 to 22 May, then the bank holiday and half term.
    assert CALENDAR.school_days_between(date(2026, 5, 1), date(2026, 5, 31)) == 14


def test_school_days_between_is_zero_unless_end_is_after_start():
    assert CALENDAR.school_days_between(date(2026, 5, 5), date(2026, 5, 5)) == 0
    assert CALENDAR.school_days_between(date(2026, 5, 6), date(2026, 5, 5)) == 0


def test_counting_past_the_last_term_asks_for_the_next_terms_dates():
    # Summer 2028 ends Friday 21 July, the last day the calendar knows.
    assert CALENDAR.add_school_days(date(2028, 7, 20), 1) == date(2028, 7, 21)

    with pytest.raises(CalendarIncomplete) as raised:
        CALENDAR.add_school_days(date(2028, 7, 20), 2)

    assert str(raised.value) == (
        "Cannot count 2 school days from 20 July 2028: the calendar ends on 21 July 2028, the last "
        "day of the last term the Virtual School has entered. Add the term dates for the terms "
        "after 21 July 2028 first."
    )


def test_other_questions_past_the_last_term_say_what_to_add():
    for ask in (
        lambda: CALENDAR.is_school_day(date(2028, 9, 4)),
        lambda: CALENDAR.next_school_day(date(2028, 7, 21)),
        lambda: CALENDAR.school_days_between(date(2028, 7, 1), date(2028, 9, 30)),
    ):
        with pytest.raises(CalendarIncomplete, match="after 21 July 2028 first"):
            ask()


def test_no_count_starts_before_the_first_term_entered():
    # Whether the weekdays of August 2025 were school days is unknown without the previous
    # year's terms: a count from 1 August is refused rather than treating the gap as holiday.
    with pytest.raises(CalendarStartsLater, match="term dates before 3 September 2025"):
        CALENDAR.next_school_day(date(2025, 8, 1))
    assert CALENDAR.is_school_day(date(2025, 8, 1)) is False
    assert CALENDAR.next_school_day(date(2025, 9, 3)) == date(2025, 9, 4)


def test_a_term_with_fewer_school_days_than_asked_for():
    with pytest.raises(CalendarIncomplete, match="has no school day 200"):
        CALENDAR.nth_school_day_of_term(SUMMER_2028, 200)


def test_a_calendar_with_no_terms_asks_for_term_dates():
    empty = SchoolCalendar([])

    with pytest.raises(CalendarIncomplete, match="not entered any term dates yet"):
        empty.add_school_days(date(2026, 9, 1), 20)


@pytest.mark.django_db
def test_for_virtual_school_reads_that_schools_terms_in_at_most_two_queries(
    django_assert_max_num_queries,
):
    # Autumn 2026, 2 September to 18 December, half term 26 to 30 October.
    term = TermFactory()
    TermFactory(start_date=date(2027, 1, 4), end_date=date(2027, 3, 26))  # another school's

    with django_assert_max_num_queries(2):
        calendar = SchoolCalendar.for_virtual_school(term.virtual_school_id)

    assert (calendar.first_day, calendar.last_day) == (date(2026, 9, 2), date(2026, 12, 18))
    assert calendar.add_school_days(date(2026, 9, 1), 1) == date(2026, 9, 2)
    assert calendar.is_school_day(date(2026, 10, 27)) is False


@pytest.mark.django_db
def test_for_virtual_school_skips_that_schools_closure_days():
    from peps import models

    closure_day = getattr(models, "ClosureDay", None)
    if closure_day is None:
        pytest.skip("peps.models.ClosureDay does not exist yet")
    term = TermFactory()
    closure_day.objects.create(
        virtual_school=term.virtual_school, date=date(2026, 11, 2), reason="INSET"
    )

    calendar = SchoolCalendar.for_virtual_school(term.virtual_school_id)

    assert calendar.add_school_days(date(2026, 10, 23), 1) == date(2026, 11, 3)


@pytest.mark.django_db
def test_for_virtual_school_works_without_the_closure_day_model(
    monkeypatch, django_assert_max_num_queries
):
    from peps import models

    monkeypatch.delattr(models, "ClosureDay", raising=False)
    term = TermFactory()

    with django_assert_max_num_queries(1):
        calendar = SchoolCalendar.for_virtual_school(term.virtual_school_id)

    assert calendar.add_school_days(date(2026, 10, 23), 1) == date(2026, 11, 2)
