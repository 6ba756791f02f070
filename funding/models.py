"""Pupil Premium Plus: each Virtual School's policy, the requests against targets, the
Virtual School's decisions and the payments to schools.

There is no separate ledger table: money committed is the approved amount of each decided
request, money paid is each payment. Reports add them up, so they can never disagree.

Each request and payment also keeps the Virtual School and the child it was for, copied from the
target's PEP when it is made, so that a council's figures for a financial year are read by
index rather than through every target and PEP the council ever had. The ledger is the paying
council's: a request or payment stays with the Virtual School that decided or paid it, whatever
happens to the child later. A request also keeps the running total paid against it
(`paid_total`), added to in the same transaction, under the same lock, as each payment.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from accounts.formats import long_date, pounds

MONEY = {"max_digits": 10, "decimal_places": 2}


class FundingPolicy(models.Model):
    """What a Virtual School passes on in an academic year. Each change is a new row, so the
    history stays; the newest row for a year is the one in force."""

    virtual_school = models.ForeignKey(
        "accounts.VirtualSchool", on_delete=models.CASCADE, related_name="funding_policies"
    )
    academic_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    school_age_allowance = models.DecimalField(
        "Termly allowance per child, Reception to year 11 (£)", default=Decimal("520.00"), **MONEY,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    early_years_allowance = models.DecimalField(
        "Termly allowance per child, early years (£)", default=Decimal("0.00"), **MONEY,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    post_16_allowance = models.DecimalField(
        "Termly allowance per young person, post-16 (£)", default=Decimal("0.00"), **MONEY,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    central_share_percent = models.DecimalField(
        "Share the Virtual School keeps centrally (%)", max_digits=5, decimal_places=2,
        default=Decimal("0"), validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    national_rate = models.DecimalField(
        "National yearly rate per child, for reference (£)", default=Decimal("2630.00"), **MONEY,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    target_ceiling = models.DecimalField(
        "Most PP+ one target may ask for (£)", default=Decimal("2630.00"), **MONEY,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100000"))],
        help_text="A target asking for more is refused, so a slip of the keyboard cannot commit "
        "£99,999",
    )  # fmt: skip
    pay_only_rated_amber_or_better = models.BooleanField(
        "Pay PP+ only for a PEP rated amber or green", default=False,
        help_text="As Lancashire does: a PEP rated red, or not yet signed off, is not paid",
    )  # fmt: skip
    central_warning_from = models.DateField(
        "Warn about centrally held money not yet committed from", null=True, blank=True,
        help_text="Money held centrally and unspent by 31 March may have to be returned. Leave "
        "blank to be warned six weeks before.",
    )  # fmt: skip
    set_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["virtual_school", "-academic_year", "-set_at", "-pk"]

    def __str__(self) -> str:
        return f"PP+ policy {self.academic_year} to {self.academic_year + 1}"

    def clean(self) -> None:
        # The warning is about the 31 March inside this academic year.
        if self.central_warning_from and self.academic_year:
            start, year_end = date(self.academic_year, 9, 1), date(self.academic_year + 1, 3, 31)
            if not start <= self.central_warning_from <= year_end:
                raise ValidationError(
                    {"central_warning_from": f"Enter a date from {long_date(start)} to "
                                             f"{long_date(year_end)}"}
                )  # fmt: skip

    def allowance_for(self, kind: str) -> Decimal:
        return {
            "early_years": self.early_years_allowance,
            "school_age": self.school_age_allowance,
            "post_16": self.post_16_allowance,
        }[kind]


class PpPlusRequest(models.Model):
    """How the PP+ asked for against one target will be spent, and the Virtual School's
    decision. The amount asked for is the target's own `ppplus_amount`."""

    class Intervention(models.TextChoices):
        TUITION = "tuition", "One-to-one tuition"
        MENTORING = "mentoring", "Mentoring"
        RESOURCES = "resources", "Resources and equipment"
        THERAPY = "therapy", "Therapeutic support"
        ENRICHMENT = "enrichment", "Enrichment activities"
        STAFF_TIME = "staff_time", "Extra adult support in class"
        OTHER = "other", "Other"

    class Arranger(models.TextChoices):
        SCHOOL = "school", "The school claims the PP+ and arranges it"
        VIRTUAL_SCHOOL = "virtual_school", "The Virtual School keeps the PP+ and arranges it"

    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        PART_APPROVED = "part_approved", "Part approved"
        DECLINED = "declined", "Declined"

    target = models.OneToOneField(
        "peps.Target", on_delete=models.CASCADE, related_name="ppplus_request"
    )
    # Copied from the target's PEP when the request is made (see the module's docstring).
    virtual_school = models.ForeignKey(
        "accounts.VirtualSchool", on_delete=models.PROTECT, related_name="+"
    )
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(
        "accounts.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The school the child attended when the PP+ was asked for: it is paid there",
    )
    intervention = models.CharField(max_length=20, choices=Intervention.choices)
    tuition_arranged_by = models.CharField(max_length=20, choices=Arranger.choices, blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, default="pending")
    approved_amount = models.DecimalField(null=True, blank=True, **MONEY)
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    paid_total = models.DecimalField(default=Decimal(0), editable=False, **MONEY)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="approved_amount_not_negative",
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gte=0),
            ),
            models.CheckConstraint(
                name="paid_within_approved",
                condition=Q(paid_total=0) | Q(approved_amount__gte=models.F("paid_total")),
            ),
        ]
        indexes = [
            models.Index(fields=["virtual_school", "decided_on"], name="ppplus_request_vs_decided"),
            # The PP+ report's "not paid yet" list, newest first, read in order and stopped at
            # its first hundred rather than sorting all a council's unpaid requests.
            models.Index(
                fields=["virtual_school", "-decided_on", "-id"],
                name="ppplus_request_unpaid",
                condition=Q(
                    decision__in=["approved", "part_approved"],
                    approved_amount__gt=models.F("paid_total"),
                )
                & ~Q(tuition_arranged_by="virtual_school"),
            ),
        ]

    def __str__(self) -> str:
        return f"PP+ for {self.target}"

    @property
    def kept_centrally(self) -> bool:
        return self.tuition_arranged_by == self.Arranger.VIRTUAL_SCHOOL

    @property
    def is_committed(self) -> bool:
        return self.decision in (self.Decision.APPROVED, self.Decision.PART_APPROVED)


class PpPlusJustification(models.Model):
    """Why a PEP asks for more than the term's allowance (needed before approval)."""

    pep = models.OneToOneField("peps.Pep", on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    written_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Justification for {self.pep}"


class Payment(models.Model):
    """Money paid to the school against an approved request."""

    request = models.ForeignKey(PpPlusRequest, on_delete=models.PROTECT, related_name="payments")
    # The request's own, copied when the payment is recorded.
    virtual_school = models.ForeignKey(
        "accounts.VirtualSchool", on_delete=models.PROTECT, related_name="+"
    )
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(validators=[MinValueValidator(Decimal("0.01"))], **MONEY)
    paid_on = models.DateField()
    reference = models.CharField(max_length=60)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "pk"]
        constraints = [models.CheckConstraint(name="payment_positive", condition=Q(amount__gt=0))]
        indexes = [models.Index(fields=["virtual_school", "paid_on"], name="payment_vs_paid_on")]

    def __str__(self) -> str:
        return f"{pounds(self.amount)} on {long_date(self.paid_on)}"
