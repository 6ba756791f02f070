"""England's school years. A child's year group is fixed by their age on 31 August.

A child aged 4 on 31 August starts Reception (year 0) that September; nursery is year -1 and the
year before it, -2. The academic year is named by the calendar year it starts in.
"""

from datetime import date

RECEPTION = 0
NURSERY = -1
PRE_NURSERY = -2


def academic_year_of(day: date) -> int:
    """The academic year containing a day: 2026 for any day from 1 Sept 2026 to 31 Aug 2027."""
    return day.year if day.month >= 9 else day.year - 1


def age_on_31_august(date_of_birth: date, academic_year: int) -> int:
    """The age that fixes the year group: age on the 31 August before the academic year starts."""
    born_after_31_august = (date_of_birth.month, date_of_birth.day) > (8, 31)
    return academic_year - date_of_birth.year - (1 if born_after_31_august else 0)


def year_group_for(date_of_birth: date, on: date) -> int:
    return age_on_31_august(date_of_birth, academic_year_of(on)) - 4


def year_group_label(year_group: int) -> str:
    if year_group == RECEPTION:
        return "Reception"
    if year_group == NURSERY:
        return "Nursery"
    if year_group < NURSERY:
        return "Pre-school"
    return f"Year {year_group}"


def key_stage_for(year_group: int) -> str:
    if year_group <= RECEPTION:
        return "Early years"
    if year_group <= 2:
        return "Key stage 1"
    if year_group <= 6:
        return "Key stage 2"
    if year_group <= 9:
        return "Key stage 3"
    if year_group <= 11:
        return "Key stage 4"
    return "Post-16"
