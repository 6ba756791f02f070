"""The typed education data of each PEP: one row per PEP (so per child and term) and one per
subject's attainment, so that the Virtual School's counts are database aggregates and every
PEP version keeps its own figures. Written only by `peps.education` from the PEP's answers."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q

from .calendar import Term
from .pep import Pep


class EducationRecord(models.Model):
    """What a PEP records of the child's education this term, as numbers and codes."""

    class SenStatus(models.TextChoices):
        NONE = "none", "No special educational needs"
        SEN_SUPPORT = "sen_support", "SEN support"
        EHC_PLAN = "ehc_plan", "Education, health and care (EHC) plan"

    class EetStatus(models.TextChoices):
        EDUCATION = "education", "In education"
        EMPLOYMENT = "employment", "In employment"
        TRAINING = "training", "In training or an apprenticeship"
        NEET = "neet", "Not in education, employment or training (NEET)"

    pep = models.OneToOneField(Pep, on_delete=models.CASCADE, related_name="education")
    child = models.ForeignKey(
        "children.Child", on_delete=models.CASCADE, related_name="education_records"
    )
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    # Attendance for the term so far, in sessions (two a day).
    possible_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    attended_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    authorised_absence_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    unauthorised_absence_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    attendance_percent = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="Attended / possible, or as given post-16",
    )
    persistently_absent = models.BooleanField(
        null=True, help_text="10% or more of possible sessions missed (DfE)"
    )
    severely_absent = models.BooleanField(
        null=True, help_text="50% or more of possible sessions missed (DfE)"
    )
    # Exclusions and arrangements.
    suspensions = models.PositiveSmallIntegerField(null=True, blank=True)
    suspension_days = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    permanently_excluded = models.BooleanField(null=True)
    reduced_timetable = models.BooleanField(null=True)
    alternative_provision_provider = models.CharField(max_length=200, blank=True)
    alternative_provision_hours = models.DecimalField(
        max_digits=3, decimal_places=1, null=True, blank=True
    )
    # Special educational needs.
    sen_status = models.CharField(max_length=20, choices=SenStatus.choices, blank=True)
    sen_primary_need = models.CharField(max_length=10, blank=True)
    ehc_plan_review_date = models.DateField(null=True, blank=True)
    # From the social worker's part.
    sdq_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(40)]
    )
    sdq_date = models.DateField(null=True, blank=True)
    # Post-16.
    eet_status = models.CharField(max_length=20, choices=EetStatus.choices, blank=True)
    provider = models.CharField(max_length=200, blank=True)
    course = models.CharField(max_length=200, blank=True)
    qualification_aim = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["term", "child"])]
        constraints = [
            models.CheckConstraint(
                name="education_attended_within_possible",
                condition=Q(attended_sessions__isnull=True)
                | Q(possible_sessions__isnull=False, attended_sessions__lte=F("possible_sessions")),
            ),
            models.CheckConstraint(
                name="education_attendance_percent_in_range",
                condition=Q(attendance_percent__isnull=True)
                | Q(attendance_percent__gte=0, attendance_percent__lte=100),
            ),
            models.CheckConstraint(
                name="education_sdq_in_range",
                condition=Q(sdq_score__isnull=True) | Q(sdq_score__lte=40),
            ),
            models.CheckConstraint(
                name="education_ehc_review_needs_ehc_plan",
                condition=Q(ehc_plan_review_date__isnull=True) | Q(sen_status="ehc_plan"),
            ),
        ]

    def __str__(self) -> str:
        return f"Education record of {self.pep}"


class AttainmentResult(models.Model):
    """A subject's attainment in one PEP, on the scale of the child's stage (`sections.Scale`)."""

    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="attainment")
    child = models.ForeignKey(
        "children.Child", on_delete=models.CASCADE, related_name="attainment_results"
    )
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    scale = models.CharField(max_length=20)
    subject = models.CharField(max_length=100)
    current = models.CharField(max_length=20, blank=True)
    predicted = models.CharField(max_length=20, blank=True)
    target = models.CharField(max_length=20, blank=True)
    # The grade's place on its scale (0 lowest), so "at the expected standard or above" is a
    # comparison in SQL.
    current_rank = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["term", "scale", "subject"])]
        constraints = [
            models.UniqueConstraint(fields=["pep", "subject"], name="one_result_per_subject")
        ]

    def __str__(self) -> str:
        return f"{self.subject}: {self.current}"
