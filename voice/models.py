"""The child's and the carer's own views for a PEP, and the links that let a young person give
theirs on their own."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .questionnaires import CARER_QUESTIONS, QUESTIONNAIRES, Questionnaire


class ChildViews(models.Model):
    """One questionnaire a child answers for a PEP, in their own words: beside an adult in
    child mode, or on their own by a link. Answers are kept as they go, one question a page;
    the adults see them once the child sends them."""

    class Way(models.TextChoices):
        CHILD_MODE = "child_mode", "With an adult, in child mode"
        LINK = "link", "On their own, by a link"

    pep = models.ForeignKey(
        "peps.Pep", on_delete=models.CASCADE, related_name="child_views_responses"
    )
    questionnaire = models.CharField(max_length=20)
    way = models.CharField(max_length=20, choices=Way.choices)
    answers = models.JSONField(default=dict)
    adult = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Child mode: the adult beside the child. By link: who invited them.",
    )
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        indexes = [models.Index(fields=["pep", "submitted_at"])]
        verbose_name_plural = "child's views"

    def __str__(self) -> str:
        return f"Child's views for {self.pep}"

    @property
    def form(self) -> Questionnaire:
        return QUESTIONNAIRES[self.questionnaire]

    def answered(self) -> list[tuple[str, str]]:
        """(question, answer in words) for every question answered, in order."""
        out = []
        for ask in self.form.asks:
            text = ask.answer_text(self.answers.get(ask.key) or {})
            if text:
                out.append((ask.text, text))
        return out


class ChildViewsInvitation(models.Model):
    """A single-use link (or the code in it) for a young person to answer on their own.

    Only the SHA-256 of the code is kept. It reaches one questionnaire of one PEP, expires
    after `INVITATION_DAYS`, and stops working once the answers are sent, another invitation
    replaces it, or the PEP moves past the school's part."""

    class Delivery(models.TextChoices):
        EMAIL = "email", "Emailed to the young person"
        CODE = "code", "Shown as a code to give them"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pep = models.ForeignKey(
        "peps.Pep", on_delete=models.CASCADE, related_name="child_views_invitations"
    )
    code_digest = models.CharField(max_length=64, unique=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    invited_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    response = models.OneToOneField(
        ChildViews, on_delete=models.PROTECT, null=True, blank=True, related_name="invitation"
    )
    used_at = models.DateTimeField(null=True, blank=True, help_text="When the answers were sent")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pep"],
                condition=Q(used_at__isnull=True, revoked_at__isnull=True),
                name="one_live_child_views_invitation_per_pep",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.pep}"

    def refusal(self, now=None) -> str:
        """Why the link no longer works, in the young person's words; empty while it works."""
        now = now or timezone.now()
        if self.used_at is not None:
            return "Your answers have already been sent, so this link does not work any more."
        if self.revoked_at is not None:
            return "This link has been replaced or cancelled. Ask your social worker for a new one."
        if now >= self.expires_at:
            return "This link has expired. Ask your social worker for a new one."
        if not self.pep.is_in_progress:
            return (
                "The plan this link was for is finished. Ask your social worker if you "
                "still want to share your views."
            )
        return ""


class LinkAttempt(models.Model):
    """A code that matched no invitation, kept an hour to limit guessing per client address."""

    ip_address = models.GenericIPAddressField(null=True, blank=True)
    attempted_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"Failed attempt at {self.attempted_at:%H:%M}"


class CarerViews(models.Model):
    """A carer's answers to the short questionnaire before a PEP meeting. One per carer per
    PEP; they may change it while the PEP is being written."""

    pep = models.ForeignKey("peps.Pep", on_delete=models.CASCADE, related_name="carer_views")
    carer = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["saved_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pep", "carer"], name="one_carer_views_per_carer")
        ]
        verbose_name_plural = "carer's views"

    def __str__(self) -> str:
        return f"Carer's views for {self.pep}"

    def answered(self) -> list[tuple[str, str]]:
        return [
            (q.label, (self.answers.get(q.key) or "").strip())
            for q in CARER_QUESTIONS
            if (self.answers.get(q.key) or "").strip()
        ]
