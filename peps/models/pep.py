"""A PEP: its versions, the answers to its sections, its targets and their reviews, and the
Virtual School's quality reviews."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .calendar import Term


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
        indexes = [
            models.Index(fields=["state", "submitted_at"]),
            # A child's PEP for a term (and its later versions there): every figure about "the
            # term's PEP" probes this once per child of the council, where the child's index
            # alone read all of a child's PEPs to find the term's.
            models.Index(fields=["child", "term"], name="pep_child_term"),
        ]

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
        # Early years: the EYFS areas of learning, three prime and four specific.
        EYFS_COMMUNICATION = "eyfs_cl", "Communication and language (prime area)"
        EYFS_PHYSICAL = "eyfs_pd", "Physical development (prime area)"
        EYFS_PERSONAL = "eyfs_psed", "Personal, social and emotional development (prime area)"
        EYFS_LITERACY = "eyfs_literacy", "Literacy (specific area)"
        EYFS_MATHEMATICS = "eyfs_maths", "Mathematics (specific area)"
        EYFS_WORLD = "eyfs_world", "Understanding the world (specific area)"
        EYFS_ARTS = "eyfs_arts", "Expressive arts and design (specific area)"
        # Post-16: the pathway plan's aim of education, training or employment.
        EET = "eet", "Education, training or employment"

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

    PRIME_AREAS = frozenset({"eyfs_cl", "eyfs_pd", "eyfs_psed"})
    EYFS_AREAS = PRIME_AREAS | {"eyfs_literacy", "eyfs_maths", "eyfs_world", "eyfs_arts"}

    @classmethod
    def areas_for(cls, kind: str) -> list[tuple[str, str]]:
        """The areas a target may have in a PEP of this kind."""
        wanted = {
            "early_years": cls.EYFS_AREAS,
            "school_age": {"academic", "wellbeing"},
            "post_16": {"academic", "eet", "wellbeing"},
        }[kind]
        return [(value, label) for value, label in cls.Area.choices if value in wanted]


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
