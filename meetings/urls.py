from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("peps/<int:pep_id>/meetings/new/", views.schedule, name="schedule"),
    path("meetings/<int:meeting_id>/", views.detail, name="detail"),
    path("meetings/<int:meeting_id>/change/", views.change, name="change"),
    path("meetings/<int:meeting_id>/cancel/", views.cancel, name="cancel"),
    path("meetings/<int:meeting_id>/record/", views.record, name="record"),
    path("meetings/<int:meeting_id>/actions/", views.action_add, name="action_add"),
    path("meeting-actions/<int:action_id>/done/", views.action_done, name="action_done"),
    path("meeting-actions/<int:action_id>/drop/", views.action_drop, name="action_drop"),
    path("meetings/<int:meeting_id>/invitees/", views.invitees, name="invitees"),
    path("meetings/<int:meeting_id>/pep-meeting.ics", views.calendar_file, name="calendar"),
]
