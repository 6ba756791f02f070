from django.urls import path

from . import views
from .clock import views as calendar_views
from .documents import views as document_views

app_name = "peps"

urlpatterns = [
    path("virtual-school/calendar/", calendar_views.calendar, name="calendar"),
    path("virtual-school/calendar/terms/add/", calendar_views.term_edit, name="term_add"),
    path(
        "virtual-school/calendar/terms/<int:term_id>/", calendar_views.term_edit, name="term_edit"
    ),
    path("virtual-school/calendar/pep-settings/", calendar_views.pep_settings, name="settings"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("deadlines/emails/", views.reminder_preference, name="reminder_preference"),
    path("children/<int:child_id>/peps/start/", views.pep_start, name="start"),
    path("peps/<int:pep_id>/", views.overview, name="overview"),
    path("peps/<int:pep_id>/kind/", views.change_kind, name="change_kind"),
    path("peps/<int:pep_id>/sections/<slug:section_key>/", views.section, name="section"),
    path(
        "peps/<int:pep_id>/sections/<slug:section_key>/comments/",
        views.comment_add,
        name="comment_add",
    ),
    path("peps/<int:pep_id>/targets/add/", views.target_edit, name="target_add"),
    path("peps/<int:pep_id>/targets/<int:target_id>/", views.target_edit, name="target_edit"),
    path(
        "peps/<int:pep_id>/targets/<int:target_id>/delete/",
        views.target_delete,
        name="target_delete",
    ),
    path("peps/<int:pep_id>/reviews/<int:review_id>/", views.target_review, name="target_review"),
    path(
        "peps/<int:pep_id>/complete-school-part/",
        views.complete_school_part,
        name="complete_school_part",
    ),
    path("peps/<int:pep_id>/submit/", views.submit, name="submit"),
    path("peps/<int:pep_id>/quality-assurance/", views.quality_assurance, name="quality"),
    path("peps/<int:pep_id>/return/", views.return_for_amendments, name="return"),
    path("virtual-school/quality-assurance/", views.quality_assurance_queue, name="quality_queue"),
    path(
        "peps/<int:pep_id>/signed-off-copy/",
        document_views.signed_off_copy,
        name="signed_off_copy",
    ),
    path("peps/<int:pep_id>/draft/", document_views.draft, name="draft"),
    path("peps/<int:pep_id>/my-pep/", document_views.my_pep, name="my_pep"),
    path("peps/<int:pep_id>/my-pep/pdf/", document_views.my_pep_pdf, name="my_pep_pdf"),
    path("peps/blank-forms/<slug:kind>/", document_views.blank_form, name="blank_form"),
]
