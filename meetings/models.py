import uuid

from django.db import models
from django.utils import timezone


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
    # Usually the social worker who arranged it; recorded, as a manager may chair instead.
    chaired_by = models.CharField("Who chaired the meeting", max_length=200, blank=True)
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

    def took_part(self) -> list:
        """Everyone on the attendance record: those invited (still on the list) and those who
        took part without an invitation. Uses prefetched rows when there are some."""
        invited = [i for i in self.invitations.all() if i.withdrawn_at is None]
        return invited + list(self.participants.all())


class Attendance(models.TextChoices):
    """How someone took part. A child may come for part of the meeting only, or send their
    views instead (seed 004); a carer who cannot come may still give their views."""

    WHOLE = "whole", "Attended"
    PART = "part", "Attended part of the meeting"
    VIEWS_SENT = "views_sent", "Did not attend, sent their views"
    ABSENT = "absent", "Did not attend"

    @classmethod
    def came(cls, value: str) -> bool:
        return value in (cls.WHOLE, cls.PART)


# Enfield's rule (domain.md): the reason is recorded when the child does not attend or the
# carer gives no input. Asked whenever either was not there, views or not.
REASON_REQUIRED_FOR = ("child", "carer")


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
    attendance = models.CharField(max_length=20, choices=Attendance.choices, blank=True)
    absence_reason = models.CharField(max_length=200, blank=True)
    invited = True  # beside a Participant, who was not

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

    @property
    def attendance_text(self) -> str:
        """How they took part; records made before the choice existed say yes or no."""
        if self.attendance:
            return self.get_attendance_display()
        if self.attended is None:
            return "Not recorded"
        return "Attended" if self.attended else "Did not attend"


class Participant(models.Model):
    """Someone who took part without an invitation by email: a child with no email address, a
    parent who came along, a professional asked on the day. Never sent anything."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(max_length=30, choices=Invitation.Role.choices)
    name = models.CharField(max_length=200)
    attendance = models.CharField(max_length=20, choices=Attendance.choices)
    absence_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]

    invited = False

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def attendance_text(self) -> str:
        return self.get_attendance_display()


class MeetingAction(models.Model):
    """Something agreed at a meeting, followed up at the next one (seed 003). Open until it is
    done or dropped (with the reason); `meeting_action_close` is the only place that moves it."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.CharField("Who will do it", max_length=200)
    due_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    dropped_reason = models.CharField("Why it was dropped", max_length=500, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                name="a_dropped_action_says_why",
                condition=~models.Q(state="dropped") | ~models.Q(dropped_reason=""),
            )
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_overdue(self) -> bool:
        return self.state == self.State.OPEN and self.due_date < timezone.localdate()
