"""Quality moderation: each term a sample of signed-off PEPs is rated a second time, blind.

These live in `reporting` (on top of the dependency chain) because a round reads across many
PEPs, officers and quality reviews of `peps`, and nothing below needs to know about it; the
first rating stays `peps.QualityReview` and is never changed by moderation.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q


class ModerationRound(models.Model):
    """One term's moderation of one Virtual School: the share the head chose and the sample it
    drew. The sample is drawn once, from `seed`, so it can be drawn again to the same PEPs."""

    virtual_school = models.ForeignKey(
        "accounts.VirtualSchool", on_delete=models.CASCADE, related_name="moderation_rounds"
    )
    term = models.ForeignKey("peps.Term", on_delete=models.PROTECT, related_name="+")
    share_percent = models.PositiveSmallIntegerField(
        "Share of each officer's signed-off PEPs to sample (%)",
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    seed = models.CharField(max_length=100)
    drawn_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-term__start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["virtual_school", "term"], name="one_moderation_round_a_term"
            ),
            models.CheckConstraint(
                name="moderation_share_is_a_percentage",
                condition=Q(share_percent__gte=1, share_percent__lte=100),
            ),
        ]

    def __str__(self) -> str:
        return f"Moderation of {self.term}"


class ModerationSample(models.Model):
    """A PEP drawn for moderation, its first rater (who signed it off) and the officer who
    rates it again without seeing the first ratings."""

    round = models.ForeignKey(ModerationRound, on_delete=models.CASCADE, related_name="samples")
    pep = models.ForeignKey("peps.Pep", on_delete=models.PROTECT, related_name="+")
    first_review = models.ForeignKey(
        "peps.QualityReview", on_delete=models.PROTECT, related_name="+"
    )
    first_rater = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    second_rater = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="moderation_samples"
    )
    second_ratings = models.JSONField(default=dict, help_text="Section key to rating")
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "pep"], name="one_sample_per_pep_a_round"),
            models.CheckConstraint(
                name="second_rater_is_not_the_first", condition=~Q(second_rater=F("first_rater"))
            ),
        ]

    def __str__(self) -> str:
        return f"Moderation sample of {self.pep}"

    @property
    def is_rated(self) -> bool:
        return self.rated_at is not None
