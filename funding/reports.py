"""The Virtual School's PP+ figures for a financial year, in a fixed number of queries.

Money is committed on the day a request is decided and paid on the payment's date; each lands
in the financial year (April to March) of that day, so a term that spans 31 March splits as its
money did.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import VirtualSchool
from children.models import Child
from children.school_year import academic_year_of

from .models import Payment, PpPlusRequest
from .services import policy_for

COMMITTED = [PpPlusRequest.Decision.APPROVED, PpPlusRequest.Decision.PART_APPROVED]
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


def with_paid(requests):
    """Each request with `paid`: everything ever paid against it (whatever the year)."""
    paid = (
        Payment.objects.filter(request=OuterRef("pk"))
        .values("request")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=10, decimal_places=2)
    return requests.annotate(
        paid=Coalesce(Subquery(paid, output_field=money), Value(Decimal(0)), output_field=money)
    )


def committed_requests(virtual_school: VirtualSchool, financial_year: int):
    start, end = year_bounds(financial_year)
    return PpPlusRequest.objects.filter(
        target__pep__child__virtual_school=virtual_school,
        decision__in=COMMITTED,
        decided_on__range=(start, end),
    )


def payments(virtual_school: VirtualSchool, financial_year: int):
    start, end = year_bounds(financial_year)
    return Payment.objects.filter(
        request__target__pep__child__virtual_school=virtual_school, paid_on__range=(start, end)
    )


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


def funding_report(*, virtual_school: VirtualSchool, financial_year: int, today: date) -> dict:
    requests = committed_requests(virtual_school, financial_year)
    paid = payments(virtual_school, financial_year)
    central = Q(tuition_arranged_by=PpPlusRequest.Arranger.VIRTUAL_SCHOOL)
    totals = requests.aggregate(
        committed=Sum("approved_amount"),
        central=Sum("approved_amount", filter=central),
        schools=Sum("approved_amount", filter=~central),
        count=Count("pk"),
    )
    paid_total = _money(paid.aggregate(total=Sum("amount"))["total"])
    # What remains is per request: approved less everything paid on it, in any year.
    to_schools = with_paid(requests.filter(~central))
    still_to_pay = _money(to_schools.aggregate(left=Sum(F("approved_amount") - F("paid")))["left"])
    by_school = [
        Row(name or "No school recorded", _money(total), _money(paid_on_them), count)
        for _, name, total, paid_on_them, count in to_schools.values("school_id", "school__name")
        .annotate(total=Sum("approved_amount"), paid_on_them=Sum("paid"), count=Count("pk"))
        .order_by("school__name", "school_id")
        .values_list("school_id", "school__name", "total", "paid_on_them", "count")
    ]
    by_term = [
        Row(f"{name.title()} {year} to {year + 1}", _money(total), count=count)
        for name, year, start, total, count in requests.values(
            "target__pep__term__name", "target__pep__term__academic_year",
            "target__pep__term__start_date",
        )
        .annotate(total=Sum("approved_amount"), count=Count("pk"))
        .order_by("target__pep__term__start_date")
        .values_list("target__pep__term__name", "target__pep__term__academic_year",
                     "target__pep__term__start_date", "total", "count")
    ]  # fmt: skip
    labels = dict(PpPlusRequest.Intervention.choices)
    by_intervention = [
        Row(labels[kind], _money(total), count=count)
        for kind, total, count in requests.values("intervention")
        .annotate(total=Sum("approved_amount"), count=Count("pk"))
        .order_by("-total")
        .values_list("intervention", "total", "count")
    ]
    by_child = [
        Row(f"{first} {last} ({council_id})", _money(total), count=count)
        for first, last, council_id, total, count in requests.values(
            "target__pep__child__legal_first_name", "target__pep__child__legal_last_name",
            "target__pep__child__council_child_id",
        )
        .annotate(total=Sum("approved_amount"), count=Count("pk"))
        .order_by("target__pep__child__legal_last_name")
        .values_list("target__pep__child__legal_first_name", "target__pep__child__legal_last_name",
                     "target__pep__child__council_child_id", "total", "count")
    ]  # fmt: skip
    committed = _money(totals["committed"])
    schools = _money(totals["schools"])
    _, year_end = year_bounds(financial_year)
    policy = policy_for(virtual_school_id=virtual_school.pk, academic_year=academic_year_of(today))
    split = top_slice(
        virtual_school=virtual_school, financial_year=financial_year,
        central=_money(totals["central"]), schools=schools,
    )  # fmt: skip
    warn_from = warning_from(virtual_school=virtual_school, financial_year=financial_year)
    return {
        "financial_year": financial_year,
        "committed": committed,
        "central": _money(totals["central"]),
        "schools": schools,
        "paid": paid_total,
        "to_pay": still_to_pay,
        "requests": totals["count"],
        "by_school": by_school,
        "by_term": by_term,
        "by_intervention": by_intervention,
        "by_child": by_child,
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
    rows = []
    for request in (
        committed_requests(virtual_school, financial_year)
        .select_related("school", "target__pep__child", "target__pep__term")
        .order_by("decided_on", "pk")
    ):
        rows.append([
            "Committed", request.decided_on, request.target.pep.child.council_child_id,
            request.school.name if request.school else "", str(request.target.pep.term),
            request.get_intervention_display(),
            "Virtual School" if request.kept_centrally else "School", request.approved_amount, "",
        ])  # fmt: skip
    for payment in payments(virtual_school, financial_year).select_related(
        "request__school", "request__target__pep__child", "request__target__pep__term"
    ):
        request = payment.request
        rows.append([
            "Paid", payment.paid_on, request.target.pep.child.council_child_id,
            request.school.name if request.school else "", str(request.target.pep.term),
            request.get_intervention_display(), "School", payment.amount, payment.reference,
        ])  # fmt: skip
    return rows


LEDGER_HEADINGS = ["Entry", "Date", "Council child ID", "School", "Term", "Intervention",
                   "Held by", "Amount (£)", "Payment reference"]  # fmt: skip
