from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("virtual-school/", views.dashboard, name="dashboard"),
    path("virtual-school/annual-report/", views.annual, name="annual"),
    path("virtual-school/annual-report.xlsx", views.annual_xlsx, name="annual_xlsx"),
    path("virtual-school/annual-report.pdf", views.annual_pdf, name="annual_pdf"),
    path("children/<int:child_id>/progress/", views.progress, name="child_progress"),
    path("peps/<int:pep_id>/changes/", views.changes, name="pep_changes"),
]
