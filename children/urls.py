from django.urls import path

from . import views

app_name = "children"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("school/children/", views.school_children, name="school_children"),
    path("virtual-school/children/", views.virtual_school_children, name="virtual_school_children"),
    path("my-children/", views.carer_home, name="carer_home"),
    path("reviews/", views.reviewing, name="reviewing"),
    path("children/new/", views.child_create, name="create"),
    path("children/<int:child_id>/", views.child_detail, name="detail"),
    path("children/<int:child_id>/edit/", views.child_edit, name="edit"),
    path("children/<int:child_id>/history/", views.child_audit, name="audit"),
    path("children/<int:child_id>/schools/add/", views.enrolment_add, name="enrolment_add"),
    path(
        "children/<int:child_id>/schools/<int:enrolment_id>/end/",
        views.enrolment_end,
        name="enrolment_end",
    ),
    path(
        "children/<int:child_id>/schools/<int:enrolment_id>/attendance/",
        views.enrolment_attendance,
        name="enrolment_attendance",
    ),
    path(
        "children/<int:child_id>/planned-moves/<int:move_id>/cancel/",
        views.school_move_cancel,
        name="school_move_cancel",
    ),
    path("children/<int:child_id>/social-worker/", views.transfer_case, name="transfer"),
    path("children/<int:child_id>/placements/add/", views.placement_add, name="placement_add"),
    path(
        "children/<int:child_id>/placements/<int:placement_id>/end/",
        views.placement_end,
        name="placement_end",
    ),
    path("children/<int:child_id>/access/add/", views.access_grant_add, name="access_add"),
    path(
        "children/<int:child_id>/access/<int:grant_id>/revoke/",
        views.access_grant_revoke,
        name="access_revoke",
    ),
]
