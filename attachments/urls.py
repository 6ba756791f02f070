from django.urls import path

from . import views

app_name = "attachments"

urlpatterns = [
    path("children/<int:child_id>/documents/", views.child_documents, name="child_documents"),
    path("children/<int:child_id>/documents/attach/", views.attach, name="attach"),
    path("documents/<int:attachment_id>/download/", views.download, name="download"),
    path("documents/<int:attachment_id>/share/", views.share, name="share"),
]
