from django.urls import path

from . import views

app_name = "funding"

urlpatterns = [
    path("peps/<int:pep_id>/pupil-premium-plus/", views.pep_funding, name="pep"),
    path(
        "peps/<int:pep_id>/pupil-premium-plus/<int:target_id>/",
        views.request_edit,
        name="request",
    ),
    path(
        "peps/<int:pep_id>/pupil-premium-plus/<int:target_id>/decision/",
        views.decide,
        name="decide",
    ),
    path("virtual-school/pupil-premium-plus/", views.report, name="report"),
    path("virtual-school/pupil-premium-plus/ledger.csv", views.export_csv, name="export_csv"),
    path("virtual-school/pupil-premium-plus/ledger.xlsx", views.export_xlsx, name="export_xlsx"),
    path(
        "virtual-school/pupil-premium-plus/payments/<int:request_id>/",
        views.payment_add,
        name="payment",
    ),
    path("virtual-school/pupil-premium-plus/policy/", views.policy, name="policy"),
]
