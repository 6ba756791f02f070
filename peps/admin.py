from django.contrib import admin

from .models import PepSettings, Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["virtual_school", "academic_year", "name", "start_date", "end_date"]
    list_filter = ["virtual_school", "academic_year"]


@admin.register(PepSettings)
class PepSettingsAdmin(admin.ModelAdmin):
    list_display = ["virtual_school", "amber_threshold"]
