from django.urls import path

from . import views

app_name = "voice"

urlpatterns = [
    # The adults' pages, behind sign-in.
    path("peps/<int:pep_id>/child-mode/", views.child_mode, name="child_mode"),
    path(
        "peps/<int:pep_id>/child-mode/<int:views_id>/<int:number>/",
        views.child_mode_question,
        name="child_mode_question",
    ),
    path(
        "peps/<int:pep_id>/child-mode/<int:views_id>/send/",
        views.child_mode_send,
        name="child_mode_send",
    ),
    path("peps/<int:pep_id>/child-views/invite/", views.invite, name="invite"),
    path("peps/<int:pep_id>/carer-views/", views.carer_views, name="carer_views"),
    # The young person's pages: no sign-in, only the code.
    path("your-views/", views.code_entry, name="code"),
    path("your-views/open/", views.link, name="link"),
    path("your-views/<uuid:invitation>/<int:number>/", views.link_question, name="link_question"),
    path("your-views/<uuid:invitation>/send/", views.link_send, name="link_send"),
    path("your-views/sent/", views.link_sent, name="link_sent"),
]
