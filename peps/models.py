from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from accounts.models import VIRTUAL_SCHOOL_STAFF, Role, VirtualSchool
from children.models import Enrolment, SocialWorkerAllocation


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

    def __str__(self) -> str:
        return f"PEP settings of {self.virtual_school}"


class Pep(models.Model):
    """One version of a child's Personal Education Plan: one a term, each review a new version.

    Its state changes only through the transition services in `peps.workflow`.
    """

    class State(models.TextChoices):
        """The PEP's place in seed 004's cycle.

        - DRAFT: in progress; both sides complete their sections.
        - SCHOOL_COMPLETE: the designated teacher has completed the school's part; the social
          worker completes theirs and submits.
        - SUBMITTED: waiting for the Virtual School's quality assurance.
        - SIGNED_OFF: quality-assured and locked for ever. (A return for amendments sends the
          PEP back to DRAFT, or to SCHOOL_COMPLETE when only the social worker's sections need
          work; the return itself is kept in its QualityReview.)
        """

        DRAFT = "draft", "In progress"
        SCHOOL_COMPLETE = "school_complete", "School part complete"
        SUBMITTED = "submitted", "Waiting for quality assurance"
        SIGNED_OFF = "signed_off", "Signed off"

    class Rating(models.TextChoices):
        RED = "red", "Red"
        AMBER = "amber", "Amber"
        GREEN = "green", "Green"

    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="peps")
    kind = models.CharField(
        max_length=20,
        choices=[
            ("early_years", "Early years PEP"),
            ("school_age", "School-age PEP (PEP1 and PEP2)"),
            ("post_16", "Post-16 PEP"),
        ],
    )
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="peps")
    version = models.PositiveIntegerField()
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    due_date = models.DateField(null=True, blank=True)
    due_reason = models.CharField(max_length=500, blank=True)
    social_care_due_date = models.DateField(
        null=True,
        blank=True,
        help_text="When the social worker's part (the PEP2, or post-16 the pathway plan) must "
        "next be reviewed",
    )
    social_care_due_reason = models.CharField(max_length=300, blank=True)
    planned_meeting_date = models.DateField(
        null=True, blank=True, help_text="The PEP meeting's date, provisional until confirmed"
    )
    planned_meeting_confirmed = models.BooleanField(default=False)
    pep2_reviewed_on = models.DateField(
        null=True,
        blank=True,
        help_text="School-age only: when the social worker's part (PEP2) was last reviewed",
    )
    pep2_review_due = models.BooleanField(
        default=True,
        help_text="School-age only: the social worker's part must be reviewed in this PEP "
        "(six months since its last review, or a change of school)",
    )
    school_completed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    school_completed_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    overall_rating = models.CharField(max_length=10, choices=Rating.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["child", "version"], name="one_pep_per_version"),
            models.UniqueConstraint(
                fields=["child"],
                condition=~Q(state="signed_off"),
                name="one_open_pep_per_child",
            ),
        ]
        indexes = [models.Index(fields=["state", "submitted_at"])]

    def __str__(self) -> str:
        return f"PEP {self.version} ({self.term})"

    @property
    def is_locked(self) -> bool:
        return self.state == self.State.SIGNED_OFF

    @property
    def is_in_progress(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.SCHOOL_COMPLETE)

    @property
    def is_overdue(self) -> bool:
        """Still being written after its due date (a submitted PEP is with the Virtual School)."""
        return (
            self.is_in_progress
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )

    @property
    def is_social_care_overdue(self) -> bool:
        return (
            self.is_in_progress
            and self.social_care_due_date is not None
            and self.social_care_due_date < timezone.localdate()
        )


class SectionAnswer(models.Model):
    """The answers to one section of one PEP, with a version for detecting concurrent edits."""

    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="answers")
    section_key = models.CharField(max_length=40)
    answers = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=0)
    carried_forward = models.BooleanField(
        default=False, help_text="Copied from the previous PEP and not yet saved in this one"
    )
    saved_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pep", "section_key"], name="one_answer_per_section")
        ]

    def __str__(self) -> str:
        return f"{self.section_key} of {self.pep}"


class SectionComment(models.Model):
    """A Virtual School officer's comment on a section."""

    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="comments")
    section_key = models.CharField(max_length=40)
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Comment on {self.section_key}"


class Target(models.Model):
    """A SMART target: what the child will achieve by the next PEP, and the PP+ it needs."""

    class Area(models.TextChoices):
        ACADEMIC = "academic", "Academic"
        WELLBEING = "wellbeing", "Emotional wellbeing or social skills"

    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="targets")
    area = models.CharField(max_length=20, choices=Area.choices)
    subject = models.CharField(max_length=100, blank=True)
    description = models.TextField("The target")
    baseline = models.TextField("Where the child is now")
    success_criteria = models.TextField("How we will know it is achieved")
    actions = models.TextField("Actions, and who does them")
    owner = models.CharField("Who is responsible", max_length=200)
    due_by = models.DateField("To be achieved by")
    ppplus_amount = models.DecimalField(
        "PP+ requested (£)", max_digits=8, decimal_places=2, default=0
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="target_ppplus_not_negative", condition=Q(ppplus_amount__gte=0)
            ),
            models.CheckConstraint(
                name="academic_target_names_subject",
                condition=~Q(area="academic") | ~Q(subject=""),
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]


class TargetReview(models.Model):
    """The review, in a new PEP, of a target set in the previous one (seed 001: with the impact
    of the PP+ spent on it)."""

    class Outcome(models.TextChoices):
        ACHIEVED = "achieved", "Achieved"
        PARTLY = "partly", "Partly achieved"
        NOT_ACHIEVED = "not_achieved", "Not achieved"

    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="target_reviews")
    target = models.OneToOneField(Target, on_delete=models.PROTECT, related_name="review")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    evidence = models.TextField(blank=True)
    ppplus_impact = models.TextField("Impact of the PP+ spent", blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["target__created_at", "target__pk"]

    def __str__(self) -> str:
        return f"Review of {self.target}"

    @property
    def is_done(self) -> bool:
        return bool(self.outcome and self.evidence.strip())


class QualityReview(models.Model):
    """The Virtual School's decision on a submitted PEP: returned with a reason, or signed off
    with a rating per section, an overall rating and feedback."""

    class Decision(models.TextChoices):
        RETURNED = "returned", "Returned for amendments"
        SIGNED_OFF = "signed_off", "Signed off"

    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="quality_reviews")
    reviewer = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    reason = models.TextField(blank=True, help_text="Why it was returned, or feedback")
    sections = models.JSONField(
        default=list, help_text="Returned: the keys of the sections that need work"
    )
    section_ratings = models.JSONField(default=dict, help_text="Signed off: key to rating")
    overall_rating = models.CharField(max_length=10, choices=Pep.Rating.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.created_at:%-d %B %Y}"


class ReminderPreference(models.Model):
    """How often a person wants their reminders by email (users asked for digests rather than a
    message per event). Without a row, a person gets a daily digest."""

    class Frequency(models.TextChoices):
        DAILY = "daily", "Every day that something needs me"
        WEEKLY = "weekly", "Once a week, on Mondays"
        ESCALATIONS = "escalations", "Only escalations"

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="reminder_preference"
    )
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default="daily")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} for {self.user}"


class Digest(models.Model):
    """One email a person gets in a day, gathering all their reminders (users asked for
    digests, not a message per event)."""

    recipient = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="one_digest_a_day")
        ]

    def __str__(self) -> str:
        return f"Digest for {self.recipient} on {self.day}"


class ReminderQuerySet(models.QuerySet):
    def live(self) -> "ReminderQuerySet":
        """The notices still true: a notice ends when the work it asks for is done (the PEP
        submitted or signed off, the meeting confirmed, the PEP2 reviewed), when its date
        changes (a new occasion gets its own notice), when the child leaves care, and when the
        person no longer holds that part in the child's life (a case transferred, a school
        move). One rule for every deadlines page and every digest."""
        kind = Reminder.Kind
        in_progress = Q(pep__state__in=[Pep.State.DRAFT, Pep.State.SCHOOL_COMPLETE])
        still_true = (
            (Q(kind__in=[kind.DUE_SOON, kind.OVERDUE, kind.ESCALATED])
             & in_progress & Q(pep__due_date=F("occasion")))
            | (Q(kind=kind.WAITING_FOR_QUALITY_ASSURANCE) & Q(pep__state=Pep.State.SUBMITTED))
            | (Q(kind=kind.MEETING_NOT_CONFIRMED) & ~Q(pep__state=Pep.State.SIGNED_OFF)
               & Q(pep__planned_meeting_confirmed=False)
               & Q(pep__planned_meeting_date=F("occasion")))
            | (Q(kind__in=[kind.SOCIAL_CARE_DUE_SOON, kind.SOCIAL_CARE_OVERDUE])
               & in_progress & Q(pep__social_care_due_date=F("occasion")))
        )  # fmt: skip
        allocated = SocialWorkerAllocation.objects.filter(
            child=OuterRef("pep__child"), social_worker=OuterRef("recipient"), end_date__isnull=True
        )
        teaches = Enrolment.objects.filter(
            child=OuterRef("pep__child"),
            end_date__isnull=True,
            school__memberships__user=OuterRef("recipient"),
        )
        holds_the_part = (
            (Q(recipient__role=Role.SOCIAL_WORKER) & Exists(allocated))
            | (Q(recipient__role=Role.DESIGNATED_TEACHER) & Exists(teaches))
            | Q(
                recipient__role__in=VIRTUAL_SCHOOL_STAFF,
                recipient__virtual_school=F("pep__child__virtual_school"),
            )
        )
        left_care = Q(pep__child__date_left_care__lte=timezone.localdate())
        return self.filter(still_true & holds_the_part).exclude(left_care)


class Reminder(models.Model):
    """A notice about one PEP for one person, recorded once: running the daily job again, or
    retrying it after a crash, finds it here and sends nothing twice."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"
        ESCALATED = "escalated", "Escalated: overdue for too long"
        WAITING_FOR_QUALITY_ASSURANCE = "waiting_qa", "Waiting for quality assurance"
        MEETING_NOT_CONFIRMED = "meeting_unconfirmed", "Meeting date not confirmed"
        SOCIAL_CARE_DUE_SOON = "social_care_due_soon", "Social worker's review due soon"
        SOCIAL_CARE_OVERDUE = "social_care_overdue", "Social worker's review overdue"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    pep = models.ForeignKey(Pep, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    occasion = models.DateField(help_text="The date it is about (due date, meeting date, ...)")
    message = models.TextField()
    created_on = models.DateField()
    digest = models.ForeignKey(
        Digest, on_delete=models.SET_NULL, null=True, blank=True, related_name="reminders"
    )
    by_email = models.BooleanField(
        default=True,
        help_text="Whether it goes in an email digest (the person's choice when it was made); "
        "every notice shows on their deadlines page while it is true",
    )

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["created_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "pep", "recipient", "occasion"], name="one_reminder_per_occasion"
            )
        ]
        indexes = [models.Index(fields=["recipient", "-created_on"])]

    def __str__(self) -> str:
        return self.message


class SignedOffCopy(models.Model):
    """The PEP as the Virtual School signed it off, rendered once to PDF by a task after
    sign-off and kept in private storage with its SHA-256. The stored file never changes.

    Until the render succeeds there is no file: `last_error` says why the latest attempt
    failed, for the Virtual School to see, and the task is tried again."""

    pep = models.OneToOneField(Pep, on_delete=models.PROTECT, related_name="signed_off_copy")
    file_name = models.CharField(
        max_length=200, blank=True, help_text="Its name in the private storage"
    )
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True, help_text="In bytes")
    rendered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    carers_told_at = models.DateTimeField(
        null=True, blank=True, help_text="When the child's carers were emailed that it is ready"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="rendered_copy_has_its_file",
                condition=Q(rendered_at__isnull=True)
                | (~Q(file_name="") & ~Q(sha256="") & Q(size__isnull=False)),
            )
        ]

    def __str__(self) -> str:
        return f"Signed-off copy of {self.pep}"

    @property
    def is_ready(self) -> bool:
        return self.rendered_at is not None

    @property
    def has_failed(self) -> bool:
        return not self.is_ready and bool(self.last_error)
