from datetime import date

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import VirtualSchool

from .school_year import key_stage_for, year_group_for, year_group_label
from .upn import validate_upn


class Child(models.Model):
    """A child looked after by a council, whose Virtual School owns their PEPs."""

    class Gender(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        ANOTHER = "another", "Another gender"
        NOT_RECORDED = "not_recorded", "Not recorded"

    class LegalStatus(models.TextChoices):
        SECTION_20 = "section_20", "Accommodated by agreement (section 20)"
        INTERIM_CARE_ORDER = "interim_care_order", "Interim care order"
        FULL_CARE_ORDER = "full_care_order", "Full care order"
        PLACEMENT_ORDER = "placement_order", "Placement order"
        EMERGENCY_PROTECTION = "emergency_protection", "Emergency protection order"
        REMAND = "remand", "Remanded to local authority accommodation"

    class SenStatus(models.TextChoices):
        NONE = "none", "No special educational needs"
        SEN_SUPPORT = "sen_support", "SEN support"
        EHC_PLAN = "ehc_plan", "Education, health and care (EHC) plan"

    virtual_school = models.ForeignKey(
        VirtualSchool, on_delete=models.PROTECT, related_name="children"
    )
    legal_first_name = models.CharField("Legal first name", max_length=100)
    legal_last_name = models.CharField("Legal last name", max_length=100)
    preferred_name = models.CharField(
        "Preferred name",
        max_length=100,
        blank=True,
        help_text="The name the child likes to be called, if different",
    )
    date_of_birth = models.DateField("Date of birth")
    gender = models.CharField(max_length=20, choices=Gender.choices)
    upn = models.CharField(
        "Unique Pupil Number (UPN)",
        max_length=13,
        blank=True,
        validators=[validate_upn],
        help_text="13 characters, starting with the check letter. Leave blank if none is issued.",
    )
    council_child_id = models.CharField(
        "Council's child ID", max_length=40, help_text="The ID in the council's social care system"
    )
    date_entered_care = models.DateField("Date entered care")
    date_left_care = models.DateField("Date left care", null=True, blank=True)
    legal_status = models.CharField(max_length=30, choices=LegalStatus.choices)
    sen_status = models.CharField(
        "Special educational needs", max_length=20, choices=SenStatus.choices, default="none"
    )
    ehc_plan_review_date = models.DateField("EHC plan annual review date", null=True, blank=True)
    year_group_override = models.SmallIntegerField(
        "Year group, if educated out of their age group",
        null=True,
        blank=True,
        help_text="Leave blank to use the year group that follows from the date of birth",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        verbose_name_plural = "children"
        constraints = [
            models.UniqueConstraint(
                fields=["upn"], condition=~Q(upn=""), name="child_upn_unique_when_given"
            ),
            models.UniqueConstraint(
                fields=["virtual_school", "council_child_id"], name="child_council_id_unique"
            ),
            models.CheckConstraint(
                name="child_left_care_after_entering",
                condition=Q(date_left_care__isnull=True)
                | Q(date_left_care__gte=F("date_entered_care")),
            ),
            models.CheckConstraint(
                name="child_year_group_override_in_range",
                condition=Q(year_group_override__isnull=True)
                | Q(year_group_override__gte=-2, year_group_override__lte=14),
            ),
        ]
        indexes = [models.Index(fields=["virtual_school", "legal_last_name"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.legal_first_name
        return f"{first} {self.legal_last_name}"

    def year_group(self, on: date | None = None) -> int:
        if self.year_group_override is not None:
            return self.year_group_override
        return year_group_for(self.date_of_birth, on or timezone.localdate())

    @property
    def year_group_label(self) -> str:
        return year_group_label(self.year_group())

    @property
    def key_stage(self) -> str:
        return key_stage_for(self.year_group())
