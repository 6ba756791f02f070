"""The service's own 403, 404 and 500 pages (GOV.UK patterns), not Django's defaults."""

import pytest
from django.template import loader
from django.test import Client
from django.urls import reverse

from pep_portal.observability import request_id_var


def _is_the_services_page(html: str) -> None:
    assert 'class="govuk-template"' in html
    assert "Accessibility statement" in html  # the base layout's footer


@pytest.mark.parametrize("signed_in", [False, True])
def test_an_unknown_address_shows_page_not_found(client, world, signed_in):
    if signed_in:
        client.force_login(world.designated_teacher)
    response = client.get("/no-such-page/?search=Maya+Jones")
    assert response.status_code == 404
    html = response.content.decode()
    _is_the_services_page(html)
    assert "<title>Page not found – PEP Portal</title>" in html
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert "If you typed the web address, check it is correct." in html
    assert "Maya" not in html
    assert ("Signed in as" in html) is signed_in


def test_a_child_someone_may_not_see_shows_page_not_found(client, world):
    client.force_login(world.other_social_worker)
    response = client.get(reverse("children:detail", args=[world.child.pk]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_forbidden_page_says_so_in_the_services_words(client, world, pep):
    client.force_login(world.designated_teacher)  # sees the PEP, does not chair its meetings
    response = client.get(reverse("meetings:schedule", args=[pep.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    _is_the_services_page(html)
    assert '<h1 class="govuk-heading-l">You cannot do this</h1>' in html
    assert "Signed in as" in html


def test_a_failing_page_shows_sorry_with_a_reference_and_no_detail(settings, db):
    settings.ROOT_URLCONF = "tests.pep_portal.urls_that_fail"
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/test-only/fails/", headers={"X-Request-ID": "abcdef123456"})
    assert response.status_code == 500
    html = response.content.decode()
    _is_the_services_page(html)
    assert '<h1 class="govuk-heading-l">Sorry, there is a problem with the service</h1>' in html
    assert "<strong>abcdef123456</strong>" in html
    assert "RuntimeError" not in html and "Maya" not in html and "Traceback" not in html


def test_the_500_page_needs_neither_a_request_nor_the_database():
    """No `db` fixture: any query here would fail the test."""
    token = request_id_var.set("")
    try:
        html = loader.get_template("500.html").render({})
    finally:
        request_id_var.reset(token)
    assert "Sorry, there is a problem with the service" in html
    assert "reference" not in html


def test_a_refused_form_post_shows_the_services_page(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.allocated_social_worker)
    response = client.post(reverse("accounts:sign_out"))
    assert response.status_code == 403
    html = response.content.decode()
    _is_the_services_page(html)
    assert "Your form could not be sent" in html
