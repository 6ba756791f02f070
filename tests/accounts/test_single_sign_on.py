"""Single sign-on against a real OpenID Connect provider (oidc-provider, on Node), started
here on 127.0.0.1: the whole authorisation code flow, the token checks, and the rule that
signing in never creates an account."""

import re
import shutil
import socket
import subprocess
from datetime import timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, SingleSignOn, User
from tests.accounts.factories import TEST_PASSWORD, UserFactory

PROVIDER = Path(__file__).parent / "oidc_provider"
CALLBACK = reverse("accounts:sign_on_callback")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def provider():
    """The provider process, for this module's tests (installed by `make install`)."""
    node = shutil.which("node")
    assert node, "Node.js is needed for the test OpenID Connect provider"
    assert (PROVIDER / "node_modules" / "oidc-provider").is_dir(), "run make install"
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - our own script
        [node, str(PROVIDER / "provider.mjs"), str(port), settings.SITE_URL + CALLBACK],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "ready", "the provider did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def council(provider, virtual_school):
    def configure(client_id="pep-portal", domains="northshire.gov.uk", issuer=provider):
        SingleSignOn.objects.update_or_create(
            virtual_school=virtual_school,
            defaults={
                "issuer": issuer,
                "client_id": client_id,
                "client_secret": f"{client_id}-secret",
                "email_domains": domains,
            },
        )

    configure()
    return configure


def _through_the_provider(start_url: str, login: str) -> str:
    """Sign in at the provider as a person would (its sign-in, then its consent page) and
    return where it sends the browser back to."""
    browser = requests.Session()
    url = start_url
    for _ in range(12):
        response = browser.get(url, allow_redirects=False, timeout=10)
        while response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            if url.startswith(settings.SITE_URL):
                return url
            response = browser.get(url, allow_redirects=False, timeout=10)
        action = re.search(r'<form[^>]*action="([^"]+)"', response.text).group(1)
        prompt = re.search(r'name="prompt" value="(\w+)"', response.text).group(1)
        data = {"prompt": prompt, "login": login, "password": "anything"}
        response = browser.post(urljoin(url, action), data=data, allow_redirects=False)
        url = urljoin(url, response.headers["Location"])
        if url.startswith(settings.SITE_URL):
            return url
    raise AssertionError("the provider never sent the browser back")


def _sign_in(client, email, *, login=None, travel=None):
    response = client.post(reverse("accounts:sign_on"), {"email": email})
    assert response.status_code == 302, response.content.decode()[:500]
    back = _through_the_provider(response.url, login or email)
    parts = urlsplit(back)
    assert parts.path == CALLBACK
    if travel:
        with time_machine.travel(timezone.now() + travel):
            return client.get(f"{parts.path}?{parts.query}")
    return client.get(f"{parts.path}?{parts.query}")


def test_a_council_worker_signs_in_through_their_council(client, council, virtual_school):
    worker = UserFactory(
        role=Role.SOCIAL_WORKER, virtual_school=virtual_school, email="sam.okafor@northshire.gov.uk"
    )
    response = _sign_in(client, "Sam.Okafor@Northshire.gov.uk")
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(worker.pk)
    assert client.get(reverse("children:caseload")).status_code == 200


def test_a_token_for_another_audience_is_refused(client, council, virtual_school):
    council(client_id="wrong-audience")
    UserFactory(role=Role.SOCIAL_WORKER, virtual_school=virtual_school, email="a@northshire.gov.uk")
    response = _sign_in(client, "a@northshire.gov.uk")
    assert response.status_code == 403
    assert "could not be checked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_expired_token_is_refused(client, council, virtual_school):
    council(client_id="short-lived")  # its ID tokens last one second
    UserFactory(role=Role.SOCIAL_WORKER, virtual_school=virtual_school, email="b@northshire.gov.uk")
    response = _sign_in(client, "b@northshire.gov.uk", travel=timedelta(minutes=5))
    assert response.status_code == 403
    assert "could not be checked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_disabled_account_is_refused(client, council, virtual_school):
    leaver = UserFactory(
        role=Role.SOCIAL_WORKER, virtual_school=virtual_school, email="c@northshire.gov.uk"
    )
    leaver.is_active = False
    leaver.save()
    response = _sign_in(client, "c@northshire.gov.uk")
    assert response.status_code == 403
    assert "has been closed" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signing_in_never_creates_an_account(client, council):
    before = User.objects.count()
    response = _sign_in(client, "new.starter@northshire.gov.uk")
    assert response.status_code == 403
    assert "Ask your Virtual School to add you" in response.content.decode()
    assert User.objects.count() == before


def test_a_provider_cannot_sign_in_another_councils_domain(client, council, virtual_school):
    """Northshire's provider says the person is at westshire.gov.uk: not its to vouch for."""
    UserFactory(role=Role.SOCIAL_WORKER, email="d@westshire.gov.uk")
    response = _sign_in(client, "e@northshire.gov.uk", login="d@westshire.gov.uk")
    assert response.status_code == 403
    assert "not one your council signs in here" in response.content.decode()


def test_staff_of_a_council_that_signs_them_in_cannot_use_a_password(
    client, council, virtual_school
):
    UserFactory(role=Role.SOCIAL_WORKER, virtual_school=virtual_school, email="f@northshire.gov.uk")
    response = client.post(
        reverse("accounts:sign_in"), {"username": "f@northshire.gov.uk", "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    assert "Your council signs you in to PEP Portal" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_address_no_council_signs_in_is_told_to_use_a_password(client, council):
    response = client.post(reverse("accounts:sign_on"), {"email": "someone@school.example"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "sign in with your password" in html


def test_after_the_session_ended_the_council_sign_in_returns_to_the_kept_form(
    client, council, virtual_school
):
    from peps.models import SectionAnswer
    from tests.children.factories import ChildFactory, SocialWorkerAllocationFactory
    from tests.peps.factories import DraftPepFactory

    worker = UserFactory(
        role=Role.SOCIAL_WORKER, virtual_school=virtual_school, email="sam.okafor@northshire.gov.uk"
    )
    child = ChildFactory(virtual_school=virtual_school)
    SocialWorkerAllocationFactory(child=child, social_worker=worker)
    pep = DraftPepFactory(child=child)
    section = reverse("peps:section", args=[pep.pk, "case_details"])
    typed = "Started at a new school in June and enjoys art."
    # Their page was opened 40 minutes ago; they press Save now, after the idle timeout.
    with time_machine.travel(timezone.now() - timedelta(minutes=40), tick=False):
        client.force_login(worker)
        assert client.get(section).status_code == 200
    sent = client.post(section, {"version": 0, "changes_since_last_pep": typed})
    assert sent.url == f"{reverse('accounts:sign_in')}?next={section}"
    sign_in_page = client.get(sent.url).content.decode()
    assert f"{reverse('accounts:sign_on')}?next=" in sign_in_page
    response = client.post(f"{reverse('accounts:sign_on')}?next={section}", {"email": worker.email})
    back = urlsplit(_through_the_provider(response.url, worker.email))
    signed_in = client.get(f"{back.path}?{back.query}")
    assert signed_in.url == section
    html = client.get(section).content.decode()
    assert typed in html and "it has not been saved yet" in html
    assert not SectionAnswer.objects.filter(pep=pep).exists()


def test_a_configuration_changed_twice_in_a_second_gets_its_new_client(virtual_school):
    """The client is named by what it is configured with, not by when that changed."""
    from accounts.sign_on import _client

    with time_machine.travel(timezone.now(), tick=False):
        sign_on = SingleSignOn.objects.create(
            virtual_school=virtual_school, issuer="https://id.example", client_id="first",
            client_secret="s1", email_domains="northshire.gov.uk",
        )  # fmt: skip
        assert _client(sign_on).client_id == "first"
        sign_on.client_id, sign_on.client_secret = "second", "s2"
        sign_on.save()
        assert _client(SingleSignOn.objects.get(pk=sign_on.pk)).client_id == "second"
