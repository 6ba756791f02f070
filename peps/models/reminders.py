"""Reminders: each person's choice of digest, the digests, and the notices themselves."""

from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from accounts.models import VIRTUAL_SCHOOL_STAFF, Role
from children.models import Enrolment, SocialWorkerAllocation

from .pep import Pep


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
    # No index of its own: the (recipient, created_on) index below serves every read by
    # recipient, and each index is one more to write for every reminder (a first run writes
    # hundreds of thousands, and writes them again when it puts them in digests).
    recipient = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="+", db_index=False
    )
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
