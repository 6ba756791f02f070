"""The Virtual School's calendar and its choices about PEPs."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from accounts.models import VirtualSchool


class Term(models.Model):
    """A school term as a Virtual School publishes it; PEPs are due termly."""

    class Name(models.TextChoices):
        AUTUMN = "autumn", "Autumn"
        SPRING = "spring", "Spring"
        SUMMER = "summer", "Summer"

    virtual_school = models.ForeignKey(
        VirtualSchool, on_delete=models.CASCADE, related_name="terms"
    )
    academic_year = models.PositiveSmallIntegerField(
        help_text="The calendar year the academic year starts in: 2026 for 2026 to 2027"
    )
    name = models.CharField(max_length=10, choices=Name.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    half_term_start = models.DateField(null=True, blank=True)
    half_term_end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["virtual_school", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["virtual_school", "academic_year", "name"], name="one_term_of_each_name"
            ),
            models.CheckConstraint(
                name="term_ends_after_it_starts", condition=Q(end_date__gt=F("start_date"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_name_display()} {self.academic_year} to {self.academic_year + 1}"


class ClosureDay(models.Model):
    """A day a Virtual School's schools are closed in term time (an INSET day, say)."""

    virtual_school = models.ForeignKey(
        VirtualSchool, on_delete=models.CASCADE, related_name="closure_days"
    )
    date = models.DateField()
    reason = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["virtual_school", "date"], name="one_closure_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.date:%-d %B %Y} {self.reason}".strip()


class PepSettings(models.Model):
    """A Virtual School's choices about PEPs, with the seeds' figures as defaults."""

    virtual_school = models.OneToOneField(
        VirtualSchool, on_delete=models.CASCADE, related_name="pep_settings"
    )
    amber_threshold = models.PositiveSmallIntegerField(
        "Ambers that make the overall rating amber",
        validators=[MinValueValidator(1)],
        default=2,
        help_text="Any red section makes the whole PEP red; this many ambers make it amber",
    )
    # Statutory and local timescales (seeds 001 and 003), in school days unless named otherwise.
    first_pep_school_days = models.PositiveSmallIntegerField(
        "First PEP due, school days after entering care",
        validators=[MinValueValidator(1)],
        default=20,
    )
    new_school_school_days = models.PositiveSmallIntegerField(
        "New PEP due, school days after starting at a new school",
        validators=[MinValueValidator(1)],
        default=20,
    )
    termly_deadline_school_day = models.PositiveSmallIntegerField(
        "Each term's PEP due by this school day of the term",
        validators=[MinValueValidator(1)],
        default=15,
    )
    reminder_school_days = models.PositiveSmallIntegerField(
        "Remind this many school days before a PEP is due", default=5
    )
    quality_assurance_days = models.PositiveSmallIntegerField(
        "Remind the Virtual School after a PEP waits this many days for quality assurance",
        validators=[MinValueValidator(1)],
        default=10,
    )
    escalation_school_days = models.PositiveSmallIntegerField(
        "Escalate to the Virtual School head a PEP overdue by this many school days",
        validators=[MinValueValidator(1)],
        default=10,
    )
    social_care_review_months = models.PositiveSmallIntegerField(
        "Review the social worker's part (PEP2) at least every this many months",
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        default=6,
    )

    # Publishing the annual report (issue 12): small counts could identify a child.
    publication_small_count = models.PositiveSmallIntegerField(
        "Published reports: the smallest count shown",
        validators=[
            MinValueValidator(2, "Enter a threshold of 2 or more: 1 would suppress nothing"),
            MaxValueValidator(20, "Enter a threshold of 20 or fewer"),
        ],
        default=5,
        help_text="A count from 1 to one below this reads \u201cfewer than\u201d this number "
        "(5: \u201cfewer than 5\u201d). Councils use 5 or 6, by local policy.",
    )
    publication_suppression_by_default = models.BooleanField(
        "Prepare the annual report for publication unless told otherwise",
        default=False,
        help_text="Whether the annual report opens with small counts suppressed",
    )

    class Meta:
        verbose_name = verbose_name_plural = "PEP settings"
        constraints = [
            models.CheckConstraint(
                name="publication_small_count_in_range",
                condition=Q(publication_small_count__gte=2, publication_small_count__lte=20),
            )
        ]

    def __str__(self) -> str:
        return f"PEP settings of {self.virtual_school}"
