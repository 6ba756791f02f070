from django.contrib import admin
from django.db import transaction

from audit.services import audit_changes, audit_record

from .models import PepSettings, Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["virtual_school", "academic_year", "name", "start_date", "end_date"]
    list_filter = ["virtual_school", "academic_year"]


@admin.register(PepSettings)
class PepSettingsAdmin(admin.ModelAdmin):
    """A Virtual School's choices about PEPs and its reports. Every change is audited."""

    list_display = ["virtual_school", "amber_threshold", "publication_small_count"]
    fieldsets = [
        (None, {"fields": ["virtual_school", "amber_threshold"]}),
        (
            "Timescales",
            {
                "fields": [
                    "first_pep_school_days", "new_school_school_days",
                    "termly_deadline_school_day", "reminder_school_days",
                    "quality_assurance_days", "escalation_school_days",
                    "social_care_review_months",
                ]
            },
        ),
        (
            "Publishing the annual report",
            {"fields": ["publication_small_count", "publication_suppression_by_default"]},
        ),
    ]  # fmt: skip

    def save_model(self, request, obj, form, change):
        fields = [f.name for f in PepSettings._meta.concrete_fields if f.name != "id"]
        before = {}
        if change:
            stored = PepSettings.objects.get(pk=obj.pk)
            before = {name: getattr(stored, name) for name in fields}
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action="pep_settings.changed" if change else "pep_settings.created",
                obj=obj,
                changes=audit_changes(before, {name: getattr(obj, name) for name in fields}),
            )
