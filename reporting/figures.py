"""The Virtual School dashboard's figures, as database aggregates in a fixed number of queries.

The cohort is the Virtual School's list with the dashboard's filters
(`virtual_school_children_matching`, which the list is made from), and each count is of the
children meeting one of `conditions.FIGURES`, so every figure links to the list showing exactly
those children.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Avg, BooleanField, Count, ExpressionWrapper, Min, Q, Sum
from django.urls import reverse

from accounts.models import User
from children.models import Child
from children.selectors import (
    KEY_STAGES,
    ChildFilters,
    born_in_year_group,
    virtual_school_children_matching,
)
from funding.models import Payment, PpPlusRequest
from funding.services import financial_year_of
from pep_portal.lookups import Ids
from peps.models import Pep, Term

from .conditions import (
    AREAS,
    FIGURES,
    OPEN_PEP_LOOKUPS,
    PEP_CONDITIONS,
    RECORD_LOOKUPS,
    in_area,
    in_care_during,
    term_peps,
    terms_peps,
    with_a_school,
)
from .filters import chosen_term, person_terms
from .periods import year_label

# The list's own filters that the dashboard offers, and carries into every link.
DASHBOARD_KEYS = ("term", "pep_state", "qa_rating", "key_stage", "social_worker", "school", "area")
COMMITTED = (PpPlusRequest.Decision.APPROVED, PpPlusRequest.Decision.PART_APPROVED)


@dataclass(frozen=True)
class Count_:
    """One figure: how many, of how many, and the list of the children behind it."""

    label: str
    count: int
    of: int | None = None
    link: str = ""

    @property
    def percent(self) -> int | None:
        return round(100 * self.count / self.of) if self.of else None


@dataclass
class Dashboard:
    term: Term | None
    terms: list[Term]
    academic_year: int | None
    values: dict[str, str]
    cohort: Count_ | None = None
    key_stages: list[Count_] = field(default_factory=list)
    areas: list[Count_] = field(default_factory=list)
    compliance: list[Count_] = field(default_factory=list)
    waiting_longest_days: int | None = None
    ratings: list[tuple[Term, list[Count_]]] = field(default_factory=list)
    attendance: list[Count_] = field(default_factory=list)
    average_attendance: Decimal | None = None
    attendance_recorded: int = 0
    exclusions: list[Count_] = field(default_factory=list)
    suspension_days: Decimal | None = None
    post_16: list[Count_] = field(default_factory=list)
    ppplus: dict = field(default_factory=dict)

    @property
    def year_label(self) -> str:
        return year_label(self.academic_year) if self.academic_year is not None else ""


def _list_link(values: dict[str, str], list_url: str = "", **more) -> str:
    query = {k: v for k, v in {**values, **more}.items() if v not in (None, "")}
    return (list_url or reverse("children:virtual_school_children")) + "?" + urlencode(query)


def child_filters(values: dict[str, str]) -> ChildFilters:
    """The list's filters from the dashboard's values (ids already checked by the form)."""
    extra = {key: values.get(key, "") for key in ("term", "pep_state", "qa_rating", "area")}
    return ChildFilters(
        key_stage=values.get("key_stage", ""),
        school_id=int(values["school"]) if values.get("school") else None,
        social_worker_id=int(values["social_worker"]) if values.get("social_worker") else None,
        extra=extra,
    )


def dashboard(*, user: User, values: dict[str, str], today: date) -> Dashboard:
    term = chosen_term(user, values, today)
    terms = person_terms(user)
    values = {**values, "term": str(term.pk) if term else ""}
    board = Dashboard(
        term=term, terms=terms, academic_year=term.academic_year if term else None, values=values
    )
    if term is None:
        return board
    # The cohort's ids are read once (who may see which child is the costly part) and every
    # figure's query filters by them.
    ids, of_rated = _cohort(user, values, term)
    cohort = Child.objects.filter(pk__in_array=ids)
    stages = {name: born_in_year_group(years, today=today) for name, years in KEY_STAGES.items()}
    virtual_school = user.virtual_school
    # Where the children's schools are: every child of the cohort is the Virtual School's, and
    # a school in the council's area is a school, so the list's three areas are counted from
    # two conditions (out of the area = at a school less in the area; none = the rest), where
    # counting each read every child's current school four times.
    at_school = {"in": in_area(virtual_school), "school": with_a_school(virtual_school)}
    # Three passes: the children (their age and school), their open PEPs, and the term's PEPs
    # of those children with their typed education data. A figure about a PEP or its record is
    # a count of distinct children there, where a condition on each child would probe its PEPs
    # once for every figure.
    counts = cohort.aggregate(
        total=Count("pk"),
        **{f"stage_{i}": Count("pk", filter=q) for i, q in enumerate(stages.values())},
        **{f"area_{key}": Count("pk", filter=q) for key, q in at_school.items()},
    )
    counts["area_out"] = counts["area_school"] - counts["area_in"]
    counts["area_none"] = counts["total"] - counts["area_school"]
    children = lambda condition=None: Count("child", distinct=True, filter=condition)  # noqa: E731
    open_peps = (
        Pep.objects.filter(child_id__in_array=ids)
        .exclude(state=Pep.State.SIGNED_OFF)
        .aggregate(
            **{f"figure_{key}": children(Q(**on(today))) for key, on in OPEN_PEP_LOOKUPS.items()},
            waiting_since=Min("submitted_at", filter=Q(state=Pep.State.SUBMITTED)),
        )
    )
    # The record of the term's PEP (one a PEP), joined to it, where reading the records by
    # themselves found the term's latest PEPs a second time.
    record = lambda key: Q(  # noqa: E731
        **{f"education__{lookup}": value for lookup, value in RECORD_LOOKUPS[key].items()}
    )
    with_record = Q(education__isnull=False)
    peps = (
        term_peps(term)
        .filter(child_id__in_array=ids)
        .aggregate(
            in_term=children(),
            signed_off=children(Q(state=Pep.State.SIGNED_OFF)),
            **{f"figure_{key}": children(q) for key, q in PEP_CONDITIONS.items()},
            average=Avg("education__attendance_percent"),
            recorded=Count("education", filter=Q(education__attendance_percent__isnull=False)),
            suspension_days=Sum("education__suspension_days"),
            post_16=Count("education", filter=with_record & ~Q(education__eet_status="")),
            **{f"figure_{key}": children(record(key)) for key in RECORD_LOOKUPS},
        )
    )
    counts |= open_peps | peps
    total = counts["total"]
    list_url = reverse("children:virtual_school_children")
    link = lambda **more: _list_link(values, list_url, **more)  # noqa: E731
    board.cohort = Count_("Children in care during the term", total, link=link())
    board.key_stages = [
        Count_(name, counts[f"stage_{i}"], total, link(key_stage=name))
        for i, name in enumerate(stages)
    ]
    board.areas = [
        Count_(label, counts[f"area_{key}"], total, link(area=key))
        for key, (label, _) in AREAS.items()
    ]
    figure = lambda key, of: Count_(  # noqa: E731
        FIGURES[key].label, counts[f"figure_{key}"], of, link(figure=key)
    )
    overdue = counts["figure_overdue"]
    first_pep_total = counts["figure_first_pep_on_time"] + counts["figure_first_pep_late"]
    board.compliance = [
        Count_("With an in-date PEP", total - overdue, total, link()),
        figure("overdue", total),
        Count_("The term's PEP signed off", counts["signed_off"], counts["in_term"],
               link(pep_state=Pep.State.SIGNED_OFF)),
        figure("waiting_qa", total),
        figure("first_pep_on_time", first_pep_total),
        figure("first_pep_late", first_pep_total),
    ]  # fmt: skip
    waiting_since = open_peps["waiting_since"]
    board.waiting_longest_days = (today - waiting_since.date()).days if waiting_since else None
    board.ratings = _ratings(values, terms, term, of_rated)

    board.average_attendance = (
        Decimal(peps["average"]).quantize(Decimal("0.1")) if peps["average"] is not None else None
    )
    board.attendance_recorded = peps["recorded"]
    board.attendance = [
        figure("persistent_absence", peps["recorded"]),
        figure("severe_absence", peps["recorded"]),
    ]
    board.exclusions = [figure("suspended", total), figure("permanently_excluded", total)]
    board.suspension_days = peps["suspension_days"]
    board.post_16 = [figure("neet", peps["post_16"])]
    board.ppplus = _ppplus(ids, term, virtual_school_id=user.virtual_school_id)
    return board


# Filters read against the chosen term's PEP: with one of them the year's ratings, which count
# every term, cannot be told from the cohort's own read.
TERM_PEP_FILTERS = ("pep_state", "qa_rating")


def _cohort(user, values, term) -> tuple[Ids, Q]:
    """The cohort's ids, and which children the year's ratings count (the same filters without
    "in care during the term"), in one read where the filters allow: the ratings then probe
    the year's PEPs by an array the planner can count, rather than by the access check as a
    subquery it expects a dozen rows from (16 against 4 ms for 2,000 children)."""
    rated = virtual_school_children_matching(
        user=user, filters=child_filters({**values, "term": ""})
    ).order_by()
    if any(values.get(key) for key in TERM_PEP_FILTERS):
        chosen = virtual_school_children_matching(user=user, filters=child_filters(values))
        return Ids(chosen.order_by().values_list("pk", flat=True)), Q(child__in=rated.values("pk"))
    in_term = ExpressionWrapper(in_care_during(term), output_field=BooleanField())
    rows = list(rated.annotate(in_term=in_term).values_list("pk", "in_term"))
    rated_ids = Ids(pk for pk, _ in rows)
    return Ids(pk for pk, during in rows if during), Q(child_id__in_array=rated_ids)


def _ratings(values, terms, term, of_rated: Q) -> list[tuple[Term, list[Count_]]]:
    """Quality ratings of each term of the academic year: signed-off PEPs by overall rating."""
    year_terms = [t for t in terms if t.academic_year == term.academic_year]
    list_url = reverse("children:virtual_school_children")
    # One pass over the year's signed-off PEPs (the latest of each child's for its term), where
    # a count per term and rating read the term's PEPs once for each.
    counts = {
        (term_id, rating): n
        for term_id, rating, n in terms_peps(year_terms)
        .filter(of_rated, state=Pep.State.SIGNED_OFF)
        .values_list("term_id", "overall_rating")
        .annotate(n=Count("child", distinct=True))
        .order_by()
    }
    return [
        (
            t,
            [
                Count_(
                    label,
                    counts.get((t.pk, rating), 0),
                    link=_list_link(values, list_url, term=str(t.pk), qa_rating=rating),
                )
                for rating, label in Pep.Rating.choices
            ],
        )
        for t in year_terms
    ]


def _ppplus(ids: Ids, term: Term, *, virtual_school_id: int) -> dict:
    """PP+ the Virtual School committed and paid in the financial year the term starts in, for
    these children: read from the ledger's own Virtual School, child and date."""
    year = financial_year_of(term.start_date)
    start, end = date(year, 4, 1), date(year + 1, 3, 31)
    committed = PpPlusRequest.objects.filter(
        virtual_school_id=virtual_school_id,
        decided_on__range=(start, end),
        decision__in=COMMITTED,
        child_id__in_array=ids,
    ).aggregate(total=Sum("approved_amount"), count=Count("pk"))
    paid = Payment.objects.filter(
        virtual_school_id=virtual_school_id,
        paid_on__range=(start, end),
        child_id__in_array=ids,
    ).aggregate(total=Sum("amount"))
    return {
        "financial_year": f"April {year} to March {year + 1}",
        "committed": committed["total"] or Decimal(0),
        "requests": committed["count"],
        "paid": paid["total"] or Decimal(0),
    }
