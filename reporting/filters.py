"""The filters the Virtual School's list and dashboard share. They are registered with the
children app's list (`children.selectors.register_list_filter`), so a figure on the dashboard
links to that list with the same filters and shows exactly the children it counts."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils import timezone

from accounts.models import User, VirtualSchool
from children.selectors import ListFilter, register_list_filter
from peps.models import Pep, Term

from .conditions import AREAS, FIGURES, in_care_during, pep_in_state, pep_rated
from .periods import term_now, terms_of, year_label


def person_terms(user: User) -> list[Term]:
    """The person's Virtual School's terms, read once for the request (the list's filters and
    the dashboard each ask)."""
    if not (user and user.virtual_school_id):
        return []
    if getattr(user, "_reporting_terms", None) is None:
        user._reporting_terms = terms_of(user.virtual_school_id)
    return user._reporting_terms


def _term_choices(user: User) -> list[tuple[str, str]]:
    return [(str(term.pk), str(term)) for term in reversed(person_terms(user))]


def chosen_term(user: User, values: dict, today: date | None = None) -> Term | None:
    """The term chosen, or the term now (see `periods.term_now`)."""
    terms = person_terms(user)
    chosen = next((t for t in terms if str(t.pk) == str(values.get("term") or "")), None)
    return chosen or term_now(terms, today or timezone.localdate())


def _virtual_school(user: User) -> VirtualSchool:
    return user.virtual_school


def _in_term(value: str, user: User, values: dict) -> Q:
    term = chosen_term(user, values)
    return in_care_during(term) if term else Q()


def _state(value: str, user: User, values: dict) -> Q:
    term = chosen_term(user, values)
    return pep_in_state(term, value) if term else Q(pk__in=[])


def _rating(value: str, user: User, values: dict) -> Q:
    term = chosen_term(user, values)
    return pep_rated(term, value) if term else Q(pk__in=[])


def _area(value: str, user: User, values: dict) -> Q:
    return AREAS[value][1](_virtual_school(user)) if value in AREAS else Q()


def _figure(value: str, user: User, values: dict) -> Q:
    term = chosen_term(user, values)
    if value not in FIGURES or term is None:
        return Q()
    return FIGURES[value].condition(term, timezone.localdate())


LIST_FILTERS = (
    ListFilter("term", "In care during the term", _term_choices, _in_term),
    ListFilter("pep_state", "The term's PEP", lambda user: Pep.State.choices, _state),
    ListFilter("qa_rating", "Quality rating", lambda user: Pep.Rating.choices, _rating),
    ListFilter("area", "School's area", lambda user: [(k, v[0]) for k, v in AREAS.items()], _area),
    ListFilter("figure", "Figure", lambda user: [(k, f.label) for k, f in FIGURES.items()],
               _figure),
)  # fmt: skip


def register_list_filters() -> None:
    for list_filter in LIST_FILTERS:
        register_list_filter(list_filter)


@dataclass
class DashboardChoice:
    """What the dashboard is about: an academic year's term, and the list's own filters."""

    term: Term | None
    academic_year: int | None
    values: dict[str, str] = field(default_factory=dict)  # as the list takes them

    @property
    def year_label(self) -> str:
        return year_label(self.academic_year) if self.academic_year is not None else ""
