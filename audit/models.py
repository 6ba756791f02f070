from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One thing someone did: a change, a view of a child's record, a download.

    Append-only: rows are written by `audit.services.audit_record` in the same transaction as
    the change they describe, and never updated or deleted (on PostgreSQL a trigger refuses).
    """

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the system itself (scheduled jobs)",
    )
    actor_role = models.CharField(max_length=40, blank=True, help_text="The role at the time")
    action = models.CharField(max_length=60, db_index=True)
    child = models.ForeignKey(
        "children.Child",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    changes = models.JSONField(
        default=dict, blank=True, help_text="Field name to [old value, new value]"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["child", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action}"
