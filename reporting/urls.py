from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("virtual-school/", views.dashboard, name="dashboard"),
    path("virtual-school/annual-report/", views.annual, name="annual"),
    path("virtual-school/annual-report.xlsx", views.annual_xlsx, name="annual_xlsx"),
    path("virtual-school/annual-report.pdf", views.annual_pdf, name="annual_pdf"),
    path("virtual-school/moderation/", views.moderation, name="moderation"),
    path(
        "virtual-school/moderation/<int:round_id>/",
        views.moderation_round,
        name="moderation_round",
    ),
    path(
        "virtual-school/moderation/samples/<int:sample_id>/",
        views.moderation_rate,
        name="moderation_rate",
    ),
    path("children/<int:child_id>/progress/", views.progress, name="child_progress"),
    path("peps/<int:pep_id>/changes/", views.changes, name="pep_changes"),
]
