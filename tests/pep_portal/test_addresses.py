"""`{% fixed_url %}` and `{% fixed_static %}` give what `{% url %}` and `{% static %}` give, from
a memo that follows the URLs and the static files' settings."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.templatetags.static import static
from django.test import override_settings
from django.urls import path, reverse


def render(source: str, **context) -> str:
    return Template("{% load addresses %}" + source).render(Context(context))


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


@pytest.mark.parametrize("object_id", [0, 7, 123456789012])
def test_an_id_url_is_the_url_for_that_id(object_id):
    assert render("{% id_url 'children:detail' object_id %}", object_id=object_id) == reverse(
        "children:detail", args=[object_id]
    )
    assert render("{% id_url 'peps:overview' 41 %}") == reverse("peps:overview", args=[41])


def test_an_id_url_for_what_is_not_an_id_is_refused_as_url_would():
    from django.urls import NoReverseMatch

    for refused in (-1, "7/../../admin", None):
        with pytest.raises(NoReverseMatch):
            render("{% id_url 'children:detail' object_id %}", object_id=refused)
    assert render("{% id_url 'children:detail' '12' %}") == reverse("children:detail", args=["12"])


@pytest.mark.parametrize(
    "source",
    ["{% id_url 'children:detail' %}", "{% id_url name 3 %}", "{% id_url 'home' 3 4 %}"],
)
def test_an_id_url_needs_a_quoted_name_and_an_id(source):
    with pytest.raises(TemplateSyntaxError):
        render(source)


def test_an_id_url_of_a_view_without_one_id_is_refused():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        render("{% id_url 'children:enrolment_end' 3 %}")
    with pytest.raises(NoReverseMatch):
        render("{% id_url 'home' 3 %}")


def test_addresses_follow_the_script_prefix():
    from django.urls import get_script_prefix, set_script_prefix

    before = get_script_prefix()
    set_script_prefix("/pep/")
    try:
        assert render("{% fixed_url 'accessibility' %}") == "/pep/accessibility/"
        assert render("{% id_url 'children:detail' 5 %}") == "/pep/children/5/"
    finally:
        set_script_prefix(before)
    assert render("{% fixed_url 'accessibility' %}") == reverse("accessibility")
