from datetime import date

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.models import School, User, VirtualSchool

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
        POLICE_PROTECTION = "police_protection", "Police protection"
        CHILD_ASSESSMENT_ORDER = "child_assessment_order", "Child assessment order"

    class SenStatus(models.TextChoices):
        NONE = "none", "No special educational needs"
        SEN_SUPPORT = "sen_support", "SEN support"
        EHC_PLAN = "ehc_plan", "Education, health and care (EHC) plan"

    virtual_school = models.ForeignKey(
        VirtualSchool, on_delete=models.PROTECT, related_name="children"
    )
    # Blank only for a child imported from the SSDA903 return, which carries no names; the
    # form still asks for both.
    legal_first_name = models.CharField("Legal first name", max_length=100, blank=True)
    legal_last_name = models.CharField("Legal last name", max_length=100, blank=True)
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
    sdq_score = models.SmallIntegerField(
        "Latest SDQ score",
        null=True,
        blank=True,
        help_text="Strengths and Difficulties Questionnaire, 0 to 40, from the SSDA903 return",
    )
    is_uasc = models.BooleanField(
        "Unaccompanied asylum-seeking child (UASC)",
        default=False,
        help_text="Listed in the SSDA903 UASC file",
    )
    uasc_ceased_on = models.DateField(
        "Date UASC status ceased",
        null=True,
        blank=True,
        help_text="For a child who was an unaccompanied asylum-seeking child (SSDA903 UASC file)",
    )
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
        permissions = [("view_signed_off_peps", "Can see and download signed-off PEPs")]
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
                name="child_sdq_score_in_range",
                condition=Q(sdq_score__isnull=True) | Q(sdq_score__gte=0, sdq_score__lte=40),
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

    @classmethod
    def from_db(cls, db, field_names, values):
        child = super().from_db(db, field_names, values)
        # The Virtual School as read: a move to another renews the kept figures and lists of
        # the council left as well as of the one joined (reporting/cached.py).
        child._loaded_virtual_school_id = child.__dict__.get("virtual_school_id")
        return child

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.legal_first_name
        if not (first or self.legal_last_name):
            return f"Child {self.council_child_id} (name not recorded)"
        return f"{first} {self.legal_last_name}".strip()

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


def _open_or_after(start_field: str = "start_date", end_field: str = "end_date") -> Q:
    return Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": F(start_field)})


class Period(models.Model):
    """Something that starts and, once it has happened, ends: the end is the day it ended.

    A record with no end is the current one. Periods of one kind for one child never overlap
    (checked by the services, which hold a lock on the child): [start, end) half-open, so a
    new one may start on the day the last one ended.
    """

    start_date = models.DateField("Start date")
    end_date = models.DateField("End date", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def is_current(self) -> bool:
        return self.end_date is None

    @staticmethod
    def covering(day: date) -> Q:
        """The periods that include a day: started by then and not ended by then (one that
        ended on the day no longer covers it)."""
        return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gt=day))


class Enrolment(Period):
    """A child on roll at a school: their education history, and who teaches them now."""

    class AttendancePattern(models.TextChoices):
        FULL_TIME = "full_time", "Full time"
        PART_TIME = "part_time", "Part time"
        REDUCED_TIMETABLE = "reduced_timetable", "Reduced timetable"
        ALTERNATIVE_PROVISION = "alternative_provision", "Alternative provision"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="enrolments")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="enrolments")
    year_group = models.SmallIntegerField(
        "Year group on joining", null=True, blank=True, help_text="-2 pre-school to 14"
    )
    attendance_pattern = models.CharField(
        max_length=30, choices=AttendancePattern.choices, default=AttendancePattern.FULL_TIME
    )
    attendance_pattern_changed_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the pattern last changed after the child joined (a reduced timetable "
        "or alternative provision starting or ending brings the PEP2 review forward)",
    )

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(end_date__isnull=True), name="one_current_school"
            ),
            models.CheckConstraint(name="enrolment_ends_after_start", condition=_open_or_after()),
        ]

    def __str__(self) -> str:
        return f"{self.school.name} from {self.start_date:%-d %B %Y}"


class PlannedSchoolMove(models.Model):
    """A school move known in advance. On its start date the daily job makes it the child's
    enrolment (ending the current one), so access moves to the new school's designated teachers
    that day and the statutory clock counts from it. Until then nothing changes."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="planned_moves")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField("Start date at the new school")
    year_group = models.SmallIntegerField(null=True, blank=True)
    attendance_pattern = models.CharField(
        max_length=30,
        choices=Enrolment.AttendancePattern.choices,
        default=Enrolment.AttendancePattern.FULL_TIME,
    )
    planned_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    enrolment = models.OneToOneField(
        Enrolment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="planned_move",
        help_text="The enrolment it became on its start date",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(enrolment__isnull=True, cancelled_at__isnull=True),
                name="one_planned_move_at_a_time",
            )
        ]

    def __str__(self) -> str:
        return f"Move to {self.school.name} on {self.start_date:%-d %B %Y}"

    @property
    def is_pending(self) -> bool:
        return self.enrolment_id is None and self.cancelled_at is None


class SocialWorkerAllocation(Period):
    """The social worker responsible for a child, with the history of who held the case."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="allocations")
    social_worker = models.ForeignKey(User, on_delete=models.PROTECT, related_name="allocations")

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(end_date__isnull=True),
                name="one_current_social_worker",
            ),
            models.CheckConstraint(name="allocation_ends_after_start", condition=_open_or_after()),
        ]

    def __str__(self) -> str:
        return f"{self.social_worker} from {self.start_date:%-d %B %Y}"


class Placement(Period):
    """Where, and with whom, a child lives."""

    class PlacementType(models.TextChoices):
        FOSTER_CARE = "foster_care", "Foster care (council carers)"
        AGENCY_FOSTER_CARE = "agency_foster_care", "Foster care (independent agency)"
        KINSHIP = "kinship", "Kinship or connected carers"
        CHILDRENS_HOME = "childrens_home", "Children's home"
        RESIDENTIAL_SCHOOL = "residential_school", "Residential school"
        SUPPORTED_ACCOMMODATION = "supported_accommodation", "Supported accommodation"
        PLACED_WITH_PARENTS = "placed_with_parents", "Placed with parents"
        ADOPTION = "adoption", "Placed for adoption"
        SECURE = "secure", "Secure children's home"
        INDEPENDENT_LIVING = "independent_living", "Independent living"
        OTHER = "other", "Another placement (health, custody, temporary)"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="placements")
    placement_type = models.CharField(max_length=30, choices=PlacementType.choices)
    carers = models.ManyToManyField(User, related_name="placements", blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(end_date__isnull=True), name="one_current_placement"
            ),
            models.CheckConstraint(name="placement_ends_after_start", condition=_open_or_after()),
        ]

    def __str__(self) -> str:
        return f"{self.get_placement_type_display()} from {self.start_date:%-d %B %Y}"


class AccessGrant(models.Model):
    """Access given by the Virtual School to one more person, until a date.

    For an independent reviewing officer before a care-plan review, or a school colleague a
    designated teacher delegates to. Read-only; it ends on `expires_on` or when revoked.
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="access_grants")
    grantee = models.ForeignKey(User, on_delete=models.PROTECT, related_name="access_grants")
    reason = models.CharField(max_length=200)
    expires_on = models.DateField("Access ends on", help_text="Access stops at the end of this day")
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Set when the grantee works outside the child's Virtual School and school: the head who
    # approved the exception.
    exception_approved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return f"{self.grantee} until {self.expires_on:%-d %B %Y}"

    def is_live(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.revoked_at is None and self.expires_on >= today


class ChildUserObjectPermission(UserObjectPermissionBase):
    """django-guardian's per-user permission on a child, with a real foreign key.

    Written only by `children/access.py`. `expires_on` is set for explicit grants alone; access
    checks in `access.py` ignore rows past it, so an expired grant stops at once.
    """

    content_object = models.ForeignKey(Child, on_delete=models.CASCADE)
    expires_on = models.DateField(null=True, blank=True)

    class Meta(UserObjectPermissionBase.Meta):
        pass


class ChildGroupObjectPermission(GroupObjectPermissionBase):
    """django-guardian's per-group permission on a child (Virtual School staff, a school's
    designated teachers), with a real foreign key. Written only by `children/access.py`."""

    content_object = models.ForeignKey(Child, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        pass
