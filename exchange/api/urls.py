"""The API, mounted at /api/ (pep_portal/urls.py); its OpenAPI schema at /api/schema/."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from . import views

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("children/", views.ChildList.as_view(), name="children"),
    path("children/<int:child_id>/", views.ChildDetail.as_view(), name="child"),
    path("children/<int:child_id>/enrolments/", views.EnrolmentList.as_view(), name="enrolments"),
    path(
        "children/<int:child_id>/enrolments/<int:period_id>/end/",
        views.EnrolmentEnd.as_view(),
        name="enrolment_end",
    ),
    path(
        "children/<int:child_id>/allocations/", views.AllocationList.as_view(), name="allocations"
    ),
    path("children/<int:child_id>/placements/", views.PlacementList.as_view(), name="placements"),
    path(
        "children/<int:child_id>/placements/<int:period_id>/end/",
        views.PlacementEnd.as_view(),
        name="placement_end",
    ),
    path("children/<int:child_id>/peps/", views.PepList.as_view(), name="peps"),
    path("peps/<int:pep_id>/copy/", views.SignedOffCopy.as_view(), name="signed_off_copy"),
    re_path(r"^", views.not_found),
]
