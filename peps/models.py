from django.db import models
from django.db.models import F, Q

from accounts.models import VirtualSchool


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
