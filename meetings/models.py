import uuid

from django.db import models


class Meeting(models.Model):
    """A PEP meeting, chaired by the social worker (seed 004). Its invitations are iCalendar
    events: a change or cancellation sends the same UID with a higher SEQUENCE."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"

    pep = models.ForeignKey("peps.Pep", on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    mode = models.CharField(max_length=20, choices=Mode.choices)
    location = models.CharField(max_length=200, blank=True)
    online_link = models.URLField(max_length=2000, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField("What was discussed", blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"PEP meeting {self.starts_at:%-d %B %Y %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def current_invitations(self):
        """Who is invited now (not those taken off the list)."""
        return self.invitations.filter(withdrawn_at=None)


class Invitation(models.Model):
    class Role(models.TextChoices):
        DESIGNATED_TEACHER = "designated_teacher", "Designated teacher"
        CARER = "carer", "Carer"
        VIRTUAL_SCHOOL = "virtual_school", "Virtual School"
        CHILD = "child", "The child or young person"
        PARENT = "parent", "Parent or family member"
        OTHER = "other", "Other professional"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=30, choices=Role.choices)
    name = models.CharField(max_length=200)
    email = models.EmailField()
    attended = models.BooleanField(null=True, blank=True)
    absence_reason = models.CharField(max_length=200, blank=True)
    # Taken off the list: they were sent a cancellation. Kept, so the record shows who was
    # told what; invited again, the same row comes back.
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "email"], name="one_invitation_each")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class MeetingAction(models.Model):
    """Something agreed at a meeting, followed up at the next one (seed 003)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.CharField("Who will do it", max_length=200)
    due_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.description[:60]
