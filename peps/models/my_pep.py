"""'My PEP': the child's own one-page summary of a signed-off PEP."""

from django.db import models

from .pep import Target


class ChildFriendlyLine(models.Model):
    """A target of a signed-off PEP in words the child understands, for 'My PEP'. Written
    after sign-off, beside the target: the signed-off record itself never changes."""

    target = models.OneToOneField(
        Target, on_delete=models.CASCADE, related_name="child_friendly_line"
    )
    text = models.CharField(max_length=300)
    written_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.text[:60]
