from django.urls import path  # noqa: F401  (pages are added beside the skeleton)

app_name = "exchange"

# Mounted at /virtual-school/imports/ (pep_portal/urls.py).
urlpatterns: list = []
