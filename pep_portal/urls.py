from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import TemplateView

from accounts.views import home
from exchange.schools import gias_import_admin_view

# The site administration signs people in through the service's own page (with its lockout).
admin.site.login = login_required(admin.site.login)
admin.site.site_header = "PEP Portal administration"

urlpatterns = [
    path("", home, name="home"),
    path("account/", include("accounts.urls")),
    path("", include("children.urls")),
    path("", include("peps.urls")),
    path("", include("attachments.urls")),
    path("", include("meetings.urls")),
    path("", include("funding.urls")),
    path("", include("voice.urls")),
    path("", include("reporting.urls")),
    path("virtual-school/imports/", include("exchange.urls")),
    path("api/", include("exchange.api.urls")),
    path("virtual-school/children/", include("exchange.exports")),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="pages/accessibility.html"),
        name="accessibility",
    ),
    path("privacy/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
    # A page of the site administration (its sign-in and staff check), kept with the import.
    path(
        "admin/accounts/school/import/",
        include(([path("", admin.site.admin_view(gias_import_admin_view), name="import")], "gias")),
    ),
    path("admin/", admin.site.urls),
]

# 403 and 404 use Django's views with templates/403.html and 404.html.
handler500 = "pep_portal.errors.server_error"
