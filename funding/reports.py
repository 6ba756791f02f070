"""The Virtual School's PP+ figures for a financial year, in a fixed number of queries.

Money is committed on the day a request is decided and paid on the payment's date; each lands
in the financial year (April to March) of that day, so a term that spans 31 March splits as its
money did.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from accounts.models import School, VirtualSchool
from children.models import Child
from children.school_year import academic_year_of
from children.selectors import visible_among
from peps.models import Term

from .models import Payment, PpPlusRequest
from .services import policy_for

COMMITTED = [PpPlusRequest.Decision.APPROVED, PpPlusRequest.Decision.PART_APPROVED]
VIRTUAL_SCHOOL = PpPlusRequest.Arranger.VIRTUAL_SCHOOL
WARNING_DAYS = 42  # six weeks before 31 March


@dataclass(frozen=True)
class Row:
    label: str
    committed: Decimal
    paid: Decimal = Decimal(0)
    count: int = 0

    @property
    def to_pay(self) -> Decimal:
        return self.committed - self.paid


def year_bounds(financial_year: int) -> tuple[date, date]:
    return date(financial_year, 4, 1), date(financial_year + 1, 3, 31)


def _money(value) -> Decimal:
    return value or Decimal(0)


def committed_requests(virtual_school: VirtualSchool, financial_year: int):
    """The requests the Virtual School committed in the year, by its own `(virtual_school,
    decided_on)` index."""
    start, end = year_bounds(financial_year)
    return PpPlusRequest.objects.filter(
        virtual_school=virtual_school, decided_on__range=(start, end), decision__in=COMMITTED
    )


def payments(virtual_school: VirtualSchool, financial_year: int):
    start, end = year_bounds(financial_year)
    return Payment.objects.filter(virtual_school=virtual_school, paid_on__range=(start, end))


def unpaid_requests(virtual_school: VirtualSchool | int):
    """Money approved for schools, in any year, that is not all paid yet: newest decision first
    (by its own partial index, `ppplus_request_unpaid`)."""
    return (
        PpPlusRequest.objects.filter(virtual_school=virtual_school, decision__in=COMMITTED)
        .exclude(tuition_arranged_by=PpPlusRequest.Arranger.VIRTUAL_SCHOOL)
        .filter(approved_amount__gt=F("paid_total"))
        .order_by("-decided_on", "-pk")
    )


UNPAID_SHOWN = 100


def unpaid_visible_to(user) -> tuple[list[PpPlusRequest], int]:
    """The newest `UNPAID_SHOWN` of the unpaid requests of the person's Virtual School whose
    children they may see, and how many there are in all.

    The Virtual School's unpaid requests come first from their own index (a few thousand
    ids), then only their children are checked against the person's access: in one query
    the planner, which cannot know how many children the access rows hold, starts from them
    and joins and sorts every unpaid request before keeping a hundred."""
    rows = list(unpaid_requests(user.virtual_school_id).values_list("pk", "child_id"))
    allowed = visible_among(user=user, child_ids=(child for _, child in rows))
    visible = [pk for pk, child in rows if child in allowed]
    shown = (
        PpPlusRequest.objects.filter(pk__in=visible[:UNPAID_SHOWN])
        .select_related("school", "child")
        .order_by("-decided_on", "-pk")
    )
    return list(shown), len(visible)


def school_age_children_in_care(virtual_school: VirtualSchool, on: date) -> int:
    """Children of the Virtual School in care on the day, Reception to year 11: those the
    national PP+ rate is paid for. The year group is fixed by age on 31 August (or the Virtual
    School's override for a child out of their age group)."""
    year = academic_year_of(on)
    born = Q(date_of_birth__range=(date(year - 16, 9, 1), date(year - 4, 8, 31)))
    return (
        Child.objects.filter(virtual_school=virtual_school, date_entered_care__lte=on)
        .filter(Q(date_left_care__isnull=True) | Q(date_left_care__gte=on))
        .filter(
            (Q(year_group_override__isnull=True) & born) | Q(year_group_override__range=(0, 11))
        )
        .count()
    )


@dataclass(frozen=True)
class TopSlice:
    """The year's grant split by the policy's central share: what the Virtual School keeps and
    what is left to pass to schools, against what each has committed."""

    children: int
    grant: Decimal
    percent: Decimal
    central_committed: Decimal
    schools_committed: Decimal

    @property
    def percent_label(self) -> str:
        return f"{self.percent.normalize():f}"

    @property
    def central(self) -> Decimal:
        return (self.grant * self.percent / 100).quantize(Decimal("0.01"))

    @property
    def for_schools(self) -> Decimal:
        return self.grant - self.central

    @property
    def central_uncommitted(self) -> Decimal:
        return max(self.central - self.central_committed, Decimal(0))

    @property
    def schools_left(self) -> Decimal:
        return max(self.for_schools - self.schools_committed, Decimal(0))


def top_slice(
    *, virtual_school: VirtualSchool, financial_year: int, central: Decimal, schools: Decimal
) -> TopSlice:
    policy = policy_for(virtual_school_id=virtual_school.pk, academic_year=financial_year)
    start, _ = year_bounds(financial_year)
    children = school_age_children_in_care(virtual_school, start)
    return TopSlice(
        children=children,
        grant=policy.national_rate * children,
        percent=policy.central_share_percent,
        central_committed=central,
        schools_committed=schools,
    )


def warning_from(*, virtual_school: VirtualSchool, financial_year: int) -> date:
    """The day the 31 March warning starts: the Virtual School's date, or six weeks before."""
    policy = policy_for(virtual_school_id=virtual_school.pk, academic_year=financial_year)
    _, year_end = year_bounds(financial_year)
    return policy.central_warning_from or year_end - timedelta(days=WARNING_DAYS)


def _term_label(name: str, year: int) -> str:
    return f"{name.title()} {year} to {year + 1}"


def _add(rows: dict, key, label: str, committed, paid=Decimal(0), count: int = 0) -> None:
    """Add to the running [label, committed, paid, count] of one row (made a `Row` at the end:
    a council's year has thousands of groups to add up)."""
    row = rows.get(key)
    if row is None:
        rows[key] = [label, committed, paid, count]
    else:
        row[1] += committed
        row[2] += paid
        row[3] += count


def _rows(rows: dict, keys) -> list[Row]:
    return [Row(*rows[key]) for key in keys]


def funding_report(*, virtual_school: VirtualSchool, financial_year: int, today: date) -> dict:
    """The year's figures from one grouped pass over its committed requests (by school, term,
    intervention and child at once), rolled up here; and the payments' total.

    The pass groups by ids only: the names of the schools, children and terms come afterwards
    from their own tables, for the few hundred in the year, where joining them into the pass
    made the database hash every school and child in the country."""
    groups = list(
        committed_requests(virtual_school, financial_year)
        .values_list("tuition_arranged_by", "intervention", "school_id", "target__pep__term_id",
                     "child_id")
        .annotate(total=Sum("approved_amount"), paid=Sum("paid_total"), count=Count("pk"))
        .order_by()
    )  # fmt: skip
    school_names = dict(
        School.objects.filter(pk__in={g[2] for g in groups} - {None}).values_list("pk", "name")
    )
    children = {
        pk: (first, last, council_id)
        for pk, first, last, council_id in Child.objects.filter(
            pk__in_array={g[4] for g in groups}
        ).values_list("pk", "legal_first_name", "legal_last_name", "council_child_id")
    }
    terms = {
        pk: (start, _term_label(name, year))
        for pk, start, name, year in Term.objects.filter(pk__in={g[3] for g in groups}).values_list(
            "pk", "start_date", "name", "academic_year"
        )
    }
    labels = dict(PpPlusRequest.Intervention.choices)
    committed = central = schools = still_to_pay = Decimal(0)
    count = 0
    by_school, by_term, by_intervention, by_child = {}, {}, {}, {}
    for arranger, intervention, school_id, term_id, child_id, total, paid_on_them, n in groups:
        total, paid_on_them = _money(total), _money(paid_on_them)
        committed += total
        count += n
        if arranger == PpPlusRequest.Arranger.VIRTUAL_SCHOOL:
            central += total
        else:
            schools += total
            # What remains is per request: approved less everything paid on it, in any year.
            still_to_pay += total - paid_on_them
            name = school_names.get(school_id)
            _add(by_school, (name is None, name or "", school_id or 0),
                 name or "No school recorded", total, paid_on_them, n)  # fmt: skip
        start, term_label = terms[term_id]
        _add(by_term, start, term_label, total, count=n)
        _add(by_intervention, intervention, labels[intervention], total, count=n)
        first, last, council_id = children[child_id]
        _add(by_child, (last, first, council_id, child_id),
             f"{first} {last} ({council_id})", total, count=n)  # fmt: skip
    paid_total = _money(
        payments(virtual_school, financial_year).aggregate(total=Sum("amount"))["total"]
    )
    _, year_end = year_bounds(financial_year)
    policy = policy_for(virtual_school_id=virtual_school.pk, academic_year=academic_year_of(today))
    split = top_slice(
        virtual_school=virtual_school, financial_year=financial_year, central=central,
        schools=schools,
    )  # fmt: skip
    warn_from = warning_from(virtual_school=virtual_school, financial_year=financial_year)
    return {
        "financial_year": financial_year,
        "committed": committed,
        "central": central,
        "schools": schools,
        "paid": paid_total,
        "to_pay": still_to_pay,
        "requests": count,
        "by_school": _rows(by_school, sorted(by_school)),
        "by_term": _rows(by_term, sorted(by_term)),
        "by_intervention": sorted(
            _rows(by_intervention, by_intervention), key=lambda row: -row.committed
        ),
        "by_child": _rows(by_child, sorted(by_child)),
        "policy": policy,
        "year_end": year_end,
        "top_slice": split,
        "warning_from": warn_from,
        "near_year_end": warn_from <= today <= year_end
        and (still_to_pay > 0 or split.central_uncommitted > 0 or split.central_committed > 0),
    }


def bars(rows: list[Row]) -> list[tuple[Row, int]]:
    """Each row with its bar length in percent of the largest, for the server-drawn chart."""
    largest = max((row.committed for row in rows), default=Decimal(0))
    return [(row, int(row.committed * 100 / largest) if largest else 0) for row in rows]


def ledger_summary(*, virtual_school: VirtualSchool, financial_year: int) -> list[list]:
    """The year's top-slice for the foot of finance's exports: label and amount."""
    central = Q(tuition_arranged_by=PpPlusRequest.Arranger.VIRTUAL_SCHOOL)
    totals = committed_requests(virtual_school, financial_year).aggregate(
        central=Sum("approved_amount", filter=central),
        schools=Sum("approved_amount", filter=~central),
    )
    split = top_slice(
        virtual_school=virtual_school, financial_year=financial_year,
        central=_money(totals["central"]), schools=_money(totals["schools"]),
    )  # fmt: skip
    return [
        [f"Grant ({split.children} children at the national rate)", split.grant],
        [f"Kept centrally ({split.percent_label}%)", split.central],
        ["Centrally held, not yet committed", split.central_uncommitted],
        ["To pass to schools", split.for_schools],
        ["Left to pass to schools, not yet committed", split.schools_left],
    ]


def ledger_rows(*, virtual_school: VirtualSchool, financial_year: int) -> list[list]:
    """One row for each commitment and each payment in the year, for finance's exports.
    Children are named by the council's ID only."""
    labels = dict(PpPlusRequest.Intervention.choices)
    rows = [
        ["Committed", decided_on, council_id, school or "", _term_label(term, year),
         labels[intervention], "Virtual School" if arranger == VIRTUAL_SCHOOL else "School",
         amount, ""]
        for decided_on, council_id, school, term, year, intervention, arranger, amount in (
            committed_requests(virtual_school, financial_year)
            .order_by("decided_on", "pk")
            .values_list(
                "decided_on", "child__council_child_id", "school__name",
                "target__pep__term__name", "target__pep__term__academic_year", "intervention",
                "tuition_arranged_by", "approved_amount",
            )
        )
    ]  # fmt: skip
    rows += [
        ["Paid", paid_on, council_id, school or "", _term_label(term, year), labels[intervention],
         "School", amount, reference]
        for paid_on, council_id, school, term, year, intervention, amount, reference in (
            payments(virtual_school, financial_year)
            .order_by("paid_on", "pk")
            .values_list(
                "paid_on", "child__council_child_id", "request__school__name",
                "request__target__pep__term__name", "request__target__pep__term__academic_year",
                "request__intervention", "amount", "reference",
            )
        )
    ]  # fmt: skip
    return rows


LEDGER_HEADINGS = ["Entry", "Date", "Council child ID", "School", "Term", "Intervention",
                   "Held by", "Amount (£)", "Payment reference"]  # fmt: skip
