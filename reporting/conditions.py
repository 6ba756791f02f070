"""The conditions behind the Virtual School's figures, each a filter on children.

Each figure on the dashboard is a count of the children that meet one of these, and the same
condition filters the Virtual School's list, so following a figure always shows exactly the
children it counts. A child's PEP "in the term" is the latest version of its PEP for that term.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, F, OuterRef, Q

from accounts.models import VirtualSchool
from children.models import Enrolment
from peps.models import EducationRecord, Pep, Term


def in_care_during(term: Term) -> Q:
    return Q(date_entered_care__lte=term.end_date) & (
        Q(date_left_care__isnull=True) | Q(date_left_care__gte=term.start_date)
    )


def term_peps(term: Term):
    """Each child's latest PEP for the term: the one with no later version for the term.

    An anti-join rather than a subquery per PEP for its child's latest version, so the database
    reads the term's PEPs once however many children the Virtual School has.
    """
    later = Pep.objects.filter(child=OuterRef("child"), term=term, version__gt=OuterRef("version"))
    return Pep.objects.filter(term=term).filter(~Exists(later))


def terms_peps(terms):
    """Each child's latest PEP for each of these terms, as `term_peps` for one term."""
    later = Pep.objects.filter(
        child=OuterRef("child"), term=OuterRef("term"), version__gt=OuterRef("version")
    )
    return Pep.objects.filter(term__in=terms).filter(~Exists(later))


def _has_pep(virtual_school_id: int, **lookups) -> Q:
    """A child of the Virtual School with a PEP (any term) matching the lookups. A correlated
    EXISTS, one index probe per child, rather than a list of every such PEP in the country (or
    of the Virtual School's, which needs a join to children and a parallel scan)."""
    return Q(virtual_school_id=virtual_school_id) & Q(
        Exists(Pep.objects.filter(child=OuterRef("pk"), **lookups))
    )


def _at_school(**lookups) -> Exists:
    """The child's current school matches the lookups: one index probe per child, where a list
    of the Virtual School's current enrolments reads every enrolment in the country."""
    return Exists(Enrolment.objects.filter(child=OuterRef("pk"), end_date__isnull=True, **lookups))


def term_records(term: Term):
    """The typed education data of each child's latest PEP for the term. A record's term is its
    PEP's (`peps.education` copies it); filtering on it too reads the term's records by index
    rather than every record in the country."""
    return EducationRecord.objects.filter(term=term, pep__in=term_peps(term))


def _children_with(queryset) -> Q:
    return Q(pk__in=queryset.values("child"))


def pep_in_state(term: Term, state: str) -> Q:
    return _children_with(term_peps(term).filter(state=state))


def pep_rated(term: Term, rating: str) -> Q:
    return _children_with(term_peps(term).filter(state=Pep.State.SIGNED_OFF, overall_rating=rating))


def in_area(virtual_school: VirtualSchool) -> Q:
    """The child's current school is in the council's own area."""
    return Q(virtual_school_id=virtual_school.pk) & Q(
        _at_school(school__council=virtual_school.council)
    )


def with_a_school(virtual_school: VirtualSchool) -> Q:
    return Q(virtual_school_id=virtual_school.pk) & Q(_at_school())


def without_a_school(virtual_school: VirtualSchool) -> Q:
    return Q(virtual_school_id=virtual_school.pk) & ~Q(_at_school())


AREAS: dict[str, tuple[str, Callable[[VirtualSchool], Q]]] = {
    "in": ("At a school in the council's area", in_area),
    "out": ("At a school out of the area", lambda vs: with_a_school(vs) & ~in_area(vs)),
    "none": ("No school recorded", without_a_school),
}


@dataclass(frozen=True)
class Figure:
    """A number on the dashboard: the children for whom `condition(term, today)` holds."""

    label: str
    condition: Callable[[Term, date], Q]


# Conditions on the child's open PEP (a child has at most one: `one_open_pep_per_child`), as
# lookups on it, so that the dashboard can count its children's open PEPs in one pass where a
# condition on each child probes its open PEP once for every figure.
OPEN_PEP_LOOKUPS: dict[str, Callable[[date], dict]] = {
    "overdue": lambda today: {
        "state__in": [Pep.State.DRAFT, Pep.State.SCHOOL_COMPLETE],
        "due_date__lt": today,
    },
    "waiting_qa": lambda today: {"state": Pep.State.SUBMITTED},
}


def _with_open_pep(key: str) -> Callable[[Term, date], Q]:
    return lambda term, today: _has_pep(term.virtual_school_id, **OPEN_PEP_LOOKUPS[key](today))


# Conditions on the term's PEP and on its education record, named once: the list filters its
# children by them (below), and the dashboard counts the children over those rows by them.
FIRST_PEP = Q(previous__isnull=True, due_date__isnull=False)  # the child's first PEP here
SUBMITTED_IN_TIME = Q(submitted_at__date__lte=F("due_date"))
PEP_CONDITIONS = {
    "first_pep_on_time": FIRST_PEP & SUBMITTED_IN_TIME,
    "first_pep_late": FIRST_PEP & ~SUBMITTED_IN_TIME,
}
# As lookups on the record, so that the dashboard can count them from the PEP's side too.
RECORD_LOOKUPS = {
    "persistent_absence": {"persistently_absent": True},
    "severe_absence": {"severely_absent": True},
    "suspended": {"suspensions__gt": 0},
    "permanently_excluded": {"permanently_excluded": True},
    "neet": {"eet_status": "neet"},
}
RECORD_CONDITIONS = {key: Q(**lookups) for key, lookups in RECORD_LOOKUPS.items()}


def _with_term_pep(key: str) -> Callable[[Term, date], Q]:
    return lambda term, today: _children_with(term_peps(term).filter(PEP_CONDITIONS[key]))


def _with_term_record(key: str) -> Callable[[Term, date], Q]:
    return lambda term, today: _children_with(term_records(term).filter(RECORD_CONDITIONS[key]))


FIGURES: dict[str, Figure] = {
    "overdue": Figure("PEP overdue now", _with_open_pep("overdue")),
    "waiting_qa": Figure("Waiting for quality assurance", _with_open_pep("waiting_qa")),
    "first_pep_on_time": Figure(
        "First PEP submitted within its timescale", _with_term_pep("first_pep_on_time")
    ),
    "first_pep_late": Figure(
        "First PEP late or not yet submitted", _with_term_pep("first_pep_late")
    ),
    "persistent_absence": Figure(
        "Persistent absence (10% or more missed)", _with_term_record("persistent_absence")
    ),
    "severe_absence": Figure(
        "Severe absence (50% or more missed)", _with_term_record("severe_absence")
    ),
    "suspended": Figure("Suspended this term", _with_term_record("suspended")),
    "permanently_excluded": Figure(
        "Permanently excluded this term", _with_term_record("permanently_excluded")
    ),
    "neet": Figure("Post-16: not in education, employment or training", _with_term_record("neet")),
}
