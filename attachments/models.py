"""Documents attached to a child, or to one of the child's PEPs: an EHC plan, a school report,
an assessment, the child's work. Each was scanned clean before it was stored, in private
storage, with its SHA-256; carers see one only if the Virtual School shared it with them."""

from django.db import models
from django.db.models import Q


class Attachment(models.Model):
    class Kind(models.TextChoices):
        EHC_PLAN = "ehc_plan", "EHC plan"
        SCHOOL_REPORT = "school_report", "School report"
        ASSESSMENT = "assessment", "Assessment"
        CHILDS_WORK = "childs_work", "The child's work"
        OTHER = "other", "Other"

    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="attachments"
    )
    pep = models.ForeignKey(
        "peps.Pep",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        help_text="Empty when the document is attached to the child rather than one PEP",
    )
    kind = models.CharField("Type of document", max_length=20, choices=Kind.choices)
    document_date = models.DateField("Date of the document")
    description = models.CharField(max_length=200, blank=True)
    original_name = models.CharField(max_length=200, help_text="The name it was uploaded with")
    file_type = models.CharField(max_length=40, help_text="What its content is (not its name)")
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    file_name = models.CharField(max_length=200, help_text="Its name in the private storage")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(help_text="In bytes")
    scan_result = models.CharField(
        max_length=100, help_text="What the virus scan said before the file was stored"
    )
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    shared_with_carers = models.BooleanField(default=False)
    shared_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-document_date", "-pk"]
        indexes = [models.Index(fields=["child", "-document_date"])]
        constraints = [
            models.CheckConstraint(name="attachment_has_its_file", condition=~Q(file_name=""))
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.document_date:%-d %B %Y}"

    @property
    def title(self) -> str:
        return self.description or self.get_kind_display()
