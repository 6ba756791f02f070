"""The signed-off copy: the PEP as the Virtual School signed it off, kept once."""

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .pep import Pep


class SignedOffCopy(models.Model):
    """The PEP as the Virtual School signed it off, rendered once to PDF by a task after
    sign-off and kept in private storage with its SHA-256. The stored file never changes.

    Until the render succeeds there is no file: `last_error` says why the latest attempt
    failed (or that it was interrupted), for the Virtual School to see, and the task is tried
    again."""

    pep = models.OneToOneField(Pep, on_delete=models.PROTECT, related_name="signed_off_copy")
    # The child's Virtual School when the PEP was signed off, kept on the copy so that the
    # Virtual School's copies still owed are read from one small index, not found by walking
    # its children's PEPs (or the country's owed copies) on every visit to the QA queue.
    virtual_school = models.ForeignKey(
        "accounts.VirtualSchool", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    file_name = models.CharField(
        max_length=200, blank=True, help_text="Its name in the private storage"
    )
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True, help_text="In bytes")
    rendered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    render_started_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the latest render began; later than the last attempt while it runs, "
        "and after that only if it was interrupted",
    )
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
        indexes = [
            # The copies still owed, for the QA queue and the retry job: a handful among
            # millions of made ones.
            models.Index(
                fields=["created_at"],
                condition=Q(rendered_at__isnull=True),
                name="signed_off_copy_owed",
            ),
            models.Index(
                fields=["virtual_school", "created_at"],
                condition=Q(rendered_at__isnull=True),
                name="signed_off_copy_owed_by_vs",
            ),
        ]

    def __str__(self) -> str:
        return f"Signed-off copy of {self.pep}"

    def save(self, *args, **kwargs):
        if self.virtual_school_id is None and self.pep_id is not None:
            self.virtual_school_id = self.pep.child.virtual_school_id
        super().save(*args, **kwargs)

    @property
    def is_ready(self) -> bool:
        return self.rendered_at is not None

    @property
    def seems_interrupted(self) -> bool:
        """A render began minutes ago (one takes about a second) and neither stored the copy
        nor recorded a failure: its worker stopped. The broker delivers it again soon."""
        started = self.render_started_at
        return (
            not self.is_ready
            and started is not None
            and (self.last_attempt_at is None or self.last_attempt_at < started)
            and timezone.now() - started > timedelta(minutes=2)
        )

    @property
    def has_failed(self) -> bool:
        return not self.is_ready and (bool(self.last_error) or self.seems_interrupted)

    @property
    def problem(self) -> str:
        """What went wrong, for the Virtual School: the last failure, or an interruption."""
        if self.seems_interrupted:
            return (
                f"a render that began at {timezone.localtime(self.render_started_at):%H:%M} "
                "was interrupted before it finished (its worker stopped); it is tried again "
                "within minutes"
            )
        return self.last_error
