from django.urls import path

from . import views

app_name = "exchange"

# Mounted at /virtual-school/imports/ (pep_portal/urls.py).
urlpatterns = [
    path("", views.index, name="index"),
    path("ssda903/", views.upload_ssda903, name="upload_ssda903"),
    path("feed/", views.upload_feed, name="upload_feed"),
    path("<int:run_id>/", views.detail, name="detail"),
    path("<int:run_id>/apply/", views.apply, name="apply"),
]
