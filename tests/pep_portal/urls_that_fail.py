"""The project's URLs and one view that fails, for the 500 page's test."""

from django.urls import path

from pep_portal.urls import handler500, urlpatterns  # noqa: F401 (Django reads handler500)


def fails(request):
    raise RuntimeError("Something broke while showing Maya Jones's PEP")


urlpatterns = [*urlpatterns, path("test-only/fails/", fails)]
