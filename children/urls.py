from django.urls import path

from . import views

app_name = "children"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("school/children/", views.school_children, name="school_children"),
    path("virtual-school/children/", views.virtual_school_children, name="virtual_school_children"),
    path("my-children/", views.carer_home, name="carer_home"),
    path("reviews/", views.reviewing, name="reviewing"),
]
