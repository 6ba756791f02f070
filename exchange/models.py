from django.db import models

from accounts.models import User, VirtualSchool


class ImportRun(models.Model):
    """One upload of the council's files: checked first (the dry run), then applied when a
    Virtual School officer confirms the plan. The files are kept only until they are checked;
    what they said is kept as the parsed facts, which the apply uses."""

    class Format(models.TextChoices):
        SSDA903 = "ssda903", "SSDA903 return"
        FEED = "feed", "Day-to-day feed"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to be checked"
        CHECKING = "checking", "Being checked"
        UNREADABLE = "unreadable", "The files cannot be read"
        CHECKED = "checked", "Checked: waiting to be applied"
        APPLYING = "applying", "Being applied"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Not applied"

    RUNNING = (State.QUEUED, State.CHECKING, State.APPLYING)

    virtual_school = models.ForeignKey(VirtualSchool, on_delete=models.PROTECT, related_name="+")
    format = models.CharField(max_length=20, choices=Format.choices)
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    file_names = models.JSONField(default=list)
    file_errors = models.JSONField(default=list, help_text="[{file, reason}] for unreadable files")
    parsed = models.JSONField(null=True, blank=True, help_text="Each child's facts, as checked")
    summary = models.JSONField(null=True, blank=True, help_text="The plan the dry run showed")
    skip_refused = models.BooleanField(default=False)
    applied_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    message = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["virtual_school", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_format_display()} uploaded {self.created_at:%-d %B %Y %H:%M}"

    @property
    def is_running(self) -> bool:
        return self.state in self.RUNNING

    @property
    def counts(self) -> dict:
        return (self.summary or {}).get("counts", {})


class ImportFile(models.Model):
    """An uploaded file, until its run is checked."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.name
