"""Which term and academic year a figure is about."""

from datetime import date

from children.school_year import academic_year_of
from peps.models import Term


def terms_of(virtual_school_id: int) -> list[Term]:
    return list(Term.objects.filter(virtual_school_id=virtual_school_id).order_by("start_date"))


def term_now(terms: list[Term], today: date) -> Term | None:
    """The term a day falls in; in a holiday, the one just ended (its figures are complete);
    before the first term, the first."""
    past = [term for term in terms if term.start_date <= today]
    return past[-1] if past else (terms[0] if terms else None)


def academic_years(terms: list[Term]) -> list[int]:
    return sorted({term.academic_year for term in terms}, reverse=True)


def year_label(academic_year: int) -> str:
    return f"{academic_year} to {academic_year + 1}"


def year_bounds(academic_year: int) -> tuple[date, date]:
    return date(academic_year, 9, 1), date(academic_year + 1, 8, 31)


def year_of(day: date) -> int:
    return academic_year_of(day)
