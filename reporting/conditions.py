"""The conditions behind the Virtual School's figures, each a filter on children.

Each figure on the dashboard is a count of the children that meet one of these, and the same
condition filters the Virtual School's list, so following a figure always shows exactly the
children it counts. A child's PEP "in the term" is the latest version of its PEP for that term.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import F, OuterRef, Q, Subquery

from accounts.models import VirtualSchool
from children.models import Enrolment
from peps.models import EducationRecord, Pep, Term


def in_care_during(term: Term) -> Q:
    return Q(date_entered_care__lte=term.end_date) & (
        Q(date_left_care__isnull=True) | Q(date_left_care__gte=term.start_date)
    )


def term_peps(term: Term):
    """Each child's latest PEP for the term."""
    latest = (
        Pep.objects.filter(child=OuterRef("child"), term=term)
        .order_by("-version")
        .values("version")[:1]
    )
    return Pep.objects.filter(term=term, version=Subquery(latest))


def term_records(term: Term):
    """The typed education data of each child's latest PEP for the term."""
    return EducationRecord.objects.filter(pep__in=term_peps(term))


def _children_with(queryset) -> Q:
    return Q(pk__in=queryset.values("child"))


def pep_in_state(term: Term, state: str) -> Q:
    return _children_with(term_peps(term).filter(state=state))


def pep_rated(term: Term, rating: str) -> Q:
    return _children_with(term_peps(term).filter(state=Pep.State.SIGNED_OFF, overall_rating=rating))


def in_area(virtual_school: VirtualSchool) -> Q:
    """The child's current school is in the council's own area."""
    return _children_with(
        Enrolment.objects.filter(end_date__isnull=True, school__council=virtual_school.council)
    )


def with_a_school() -> Q:
    return _children_with(Enrolment.objects.filter(end_date__isnull=True))


AREAS: dict[str, tuple[str, Callable[[VirtualSchool], Q]]] = {
    "in": ("At a school in the council's area", in_area),
    "out": ("At a school out of the area", lambda vs: with_a_school() & ~in_area(vs)),
    "none": ("No school recorded", lambda vs: ~with_a_school()),
}


@dataclass(frozen=True)
class Figure:
    """A number on the dashboard: the children for whom `condition(term, today)` holds."""

    label: str
    condition: Callable[[Term, date], Q]


def _overdue(term: Term, today: date) -> Q:
    return _children_with(
        Pep.objects.filter(
            state__in=[Pep.State.DRAFT, Pep.State.SCHOOL_COMPLETE], due_date__lt=today
        )
    )


def _first_pep(term: Term, *, on_time: bool) -> Q:
    """First PEPs (a child's first here) of the term, submitted by their due date or not."""
    first = term_peps(term).filter(previous__isnull=True, due_date__isnull=False)
    done_in_time = Q(submitted_at__date__lte=F("due_date"))
    return _children_with(first.filter(done_in_time) if on_time else first.exclude(done_in_time))


FIGURES: dict[str, Figure] = {
    "overdue": Figure("PEP overdue now", _overdue),
    "waiting_qa": Figure(
        "Waiting for quality assurance",
        lambda term, today: _children_with(Pep.objects.filter(state=Pep.State.SUBMITTED)),
    ),
    "first_pep_on_time": Figure(
        "First PEP submitted within its timescale",
        lambda term, today: _first_pep(term, on_time=True),
    ),
    "first_pep_late": Figure(
        "First PEP late or not yet submitted", lambda term, today: _first_pep(term, on_time=False)
    ),
    "persistent_absence": Figure(
        "Persistent absence (10% or more missed)",
        lambda term, today: _children_with(term_records(term).filter(persistently_absent=True)),
    ),
    "severe_absence": Figure(
        "Severe absence (50% or more missed)",
        lambda term, today: _children_with(term_records(term).filter(severely_absent=True)),
    ),
    "suspended": Figure(
        "Suspended this term",
        lambda term, today: _children_with(term_records(term).filter(suspensions__gt=0)),
    ),
    "permanently_excluded": Figure(
        "Permanently excluded this term",
        lambda term, today: _children_with(term_records(term).filter(permanently_excluded=True)),
    ),
    "neet": Figure(
        "Post-16: not in education, employment or training",
        lambda term, today: _children_with(term_records(term).filter(eet_status="neet")),
    ),
}
