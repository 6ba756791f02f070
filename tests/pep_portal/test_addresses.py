"""`{% fixed_url %}` and `{% fixed_static %}` give what `{% url %}` and `{% static %}` give, from
a memo that follows the URLs and the static files' settings."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.templatetags.static import static
from django.test import override_settings
from django.urls import path, reverse


def render(source: str) -> str:
    return Template("{% load addresses %}" + source).render(Context())


def test_the_same_addresses_as_url_and_static():
    assert render("{% fixed_url 'accounts:sign_out' %}") == reverse("accounts:sign_out")
    assert render('{% fixed_url "home" %}') == reverse("home")
    assert render("{% fixed_static 'css/pep-portal.css' %}") == static("css/pep-portal.css")


@pytest.mark.parametrize(
    "source",
    [
        "{% fixed_url %}",
        "{% fixed_url name %}",
        "{% fixed_url 'children:detail' 3 %}",
        "{% fixed_url 'home\" %}",
        "{% fixed_static path %}",
    ],
)
def test_only_one_quoted_name(source):
    with pytest.raises(TemplateSyntaxError, match="one quoted name"):
        render(source)


def _view(request):
    raise AssertionError("never served")


# This module is also a URLconf of its own, with the accessibility statement elsewhere.
urlpatterns = [path("elsewhere/accessibility/", _view, name="accessibility")]


def test_other_urls_and_static_settings_are_followed():
    render("{% fixed_url 'accessibility' %}{% fixed_static 'js/init.js' %}")
    with override_settings(ROOT_URLCONF=__name__):
        assert render("{% fixed_url 'accessibility' %}") == "/elsewhere/accessibility/"
    with override_settings(STATIC_URL="/elsewhere/"):
        assert render("{% fixed_static 'js/init.js' %}").startswith("/elsewhere/")
    assert render("{% fixed_url 'accessibility' %}") == reverse("accessibility")


def test_a_page_without_a_form_sets_no_csrf_cookie_and_one_with_a_form_does(client, db):
    """The title's error check asks no lazy value for its type, so the CSRF token is made
    only where a form needs it."""
    assert "csrftoken" not in client.get(reverse("accessibility")).cookies
    assert "csrftoken" in client.get(reverse("accounts:sign_in")).cookies
