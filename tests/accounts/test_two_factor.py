"""Two-factor sign-in: set up at the first sign-in of a staff role, a code each time after,
recovery codes, and an administrator's reset for a lost phone."""

import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import Role
from audit.models import AuditEvent
from tests.accounts.factories import TEST_PASSWORD, UserFactory

SIGN_IN = reverse("accounts:sign_in")


@pytest.fixture(autouse=True)
def _required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def code_for(device: TOTPDevice, *, later: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + later
    return f"{totp.token():06d}"


def password_step(client, user):
    return client.post(SIGN_IN, {"username": user.email, "password": TEST_PASSWORD})


def with_app(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    two_factor.recovery_codes_replace(user=user, audit=False)
    return device


def test_a_social_worker_sets_up_the_app_at_first_sign_in(client, social_worker):
    response = password_step(client, social_worker)
    assert response.url == reverse("accounts:sign_in_set_up")
    # The password alone reaches nothing.
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("children:caseload")).status_code == 302
    page = client.get(reverse("accounts:sign_in_set_up")).content.decode()
    assert "Set up two-factor sign-in" in page
    assert 'src="data:image/svg+xml' in page  # the QR code, as an image the policy allows
    device = TOTPDevice.objects.get(user=social_worker, confirmed=False)
    typed = re.search(r'<code class="app-secret-key">([A-Z2-7 ]+)</code>', page).group(1)
    assert typed.replace(" ", "") == two_factor.secret_for_typing(device).replace(" ", "")

    wrong = client.post(reverse("accounts:sign_in_set_up"), {"code": "000000"})
    assert "The code is not right" in wrong.content.decode()
    # A wrong code makes the app's device wait a second before it checks another.
    with time_machine.travel(timezone.now() + timedelta(seconds=3)):
        code = code_for(device)
        response = client.post(reverse("accounts:sign_in_set_up"), {"code": code})
    assert response.url == reverse("accounts:recovery_codes")
    codes_page = client.get(response.url).content.decode()
    codes = re.findall(r"<li><code>(\w+)</code></li>", codes_page)
    assert len(codes) == 10
    assert client.session["_auth_user_id"] == str(social_worker.pk)
    assert client.get(reverse("children:caseload")).status_code == 200
    # Shown once only.
    assert client.get(reverse("accounts:recovery_codes")).url == reverse("accounts:two_factor")
    assert AuditEvent.objects.filter(action="two_factor.set_up", actor=social_worker).exists()


def test_after_set_up_each_sign_in_asks_for_a_code(client, vs_officer):
    device = with_app(vs_officer)
    response = password_step(client, vs_officer)
    assert response.url == reverse("accounts:sign_in_code")
    assert "_auth_user_id" not in client.session
    html = client.post(reverse("accounts:sign_in_code"), {"code": "123456"}).content.decode()
    assert "The code is not right" in html
    assert "govuk-error-summary" in html
    # Straight after a wrong code even the right one is refused, for a second or so.
    html = client.post(reverse("accounts:sign_in_code"), {"code": code_for(device)}).content
    assert b"Wait a few seconds" in html
    with time_machine.travel(timezone.now() + timedelta(seconds=3)):
        code = code_for(device)
        response = client.post(reverse("accounts:sign_in_code"), {"code": code})
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(vs_officer.pk)


def test_a_code_cannot_be_used_twice(client, vs_officer):
    device = with_app(vs_officer)
    code = code_for(device)
    password_step(client, vs_officer)
    client.post(reverse("accounts:sign_in_code"), {"code": code})
    client.post(reverse("accounts:sign_out"))
    password_step(client, vs_officer)
    response = client.post(reverse("accounts:sign_in_code"), {"code": code})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_five_wrong_codes_end_the_sign_in(client, vs_head):
    with_app(vs_head)
    password_step(client, vs_head)
    for _ in range(two_factor.MAX_FAILURES - 1):
        client.post(reverse("accounts:sign_in_code"), {"code": "000000"})
    response = client.post(reverse("accounts:sign_in_code"), {"code": "000000"})
    assert response.url == SIGN_IN
    assert client.get(reverse("accounts:sign_in_code")).url == SIGN_IN


def test_a_pending_sign_in_lasts_five_minutes(client, vs_head):
    device = with_app(vs_head)
    password_step(client, vs_head)
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        response = client.post(reverse("accounts:sign_in_code"), {"code": code_for(device)})
    assert response.url == SIGN_IN
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_signs_in_once_and_is_audited(client, designated_teacher):
    with_app(designated_teacher)
    code = StaticToken.objects.filter(device__user=designated_teacher).first().token
    password_step(client, designated_teacher)
    response = client.post(reverse("accounts:sign_in_code"), {"code": code.upper()}, follow=True)
    assert "You used a recovery code: 9 left" in response.content.decode()
    assert client.session["_auth_user_id"] == str(designated_teacher.pk)
    assert AuditEvent.objects.filter(action="two_factor.recovery_code_used").count() == 1
    client.post(reverse("accounts:sign_out"))
    password_step(client, designated_teacher)
    response = client.post(reverse("accounts:sign_in_code"), {"code": code})
    assert "The code is not right" in response.content.decode()


def test_carers_are_offered_it_not_made_to(client, carer):
    response = password_step(client, carer)
    assert response.url == reverse("home")
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "Set up two-factor sign-in" in page


def test_a_carer_who_set_it_up_is_asked_for_a_code(client, carer):
    device = with_app(carer)
    assert password_step(client, carer).url == reverse("accounts:sign_in_code")
    assert client.post(reverse("accounts:sign_in_code"), {"code": code_for(device)}).url == "/"


def test_without_the_requirement_staff_sign_in_with_a_password(client, social_worker, settings):
    settings.TWO_FACTOR_REQUIRED = False
    assert password_step(client, social_worker).url == reverse("home")


def test_new_recovery_codes_replace_the_old(client, social_worker):
    with_app(social_worker)
    old = set(
        StaticToken.objects.filter(device__user=social_worker).values_list("token", flat=True)
    )
    client.force_login(social_worker)
    response = client.post(reverse("accounts:recovery_codes_replace"))
    page = client.get(response.url).content.decode()
    new = set(re.findall(r"<li><code>(\w+)</code></li>", page))
    assert len(new) == 10 and not new & old
    assert AuditEvent.objects.filter(action="two_factor.recovery_codes_replaced").exists()


@pytest.mark.parametrize("manager", ["system_administrator", "vs_head"])
def test_a_lost_phone_is_reset_by_an_administrator_or_head(
    client, manager, request, social_worker, vs_head, django_capture_on_commit_callbacks
):
    actor = request.getfixturevalue(manager)
    if manager == "vs_head":
        actor = UserFactory(
            role=Role.VIRTUAL_SCHOOL_HEAD, virtual_school=social_worker.virtual_school
        )
    with_app(social_worker)
    client.force_login(actor)
    url = reverse("accounts:person_two_factor_reset", args=[social_worker.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "authenticator app is removed" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=social_worker).exists()
    assert not StaticToken.objects.filter(device__user=social_worker).exists()
    event = AuditEvent.objects.get(action="two_factor.reset")
    assert event.actor == actor and event.object_id == str(social_worker.pk)
    assert [m.to for m in mail.outbox] == [[social_worker.email]]
    assert mail.outbox[0].subject == "Your PEP Portal two-factor sign-in was reset"
    # The next sign-in sets up a new app.
    client.logout()
    assert password_step(client, social_worker).url == reverse("accounts:sign_in_set_up")


def test_a_head_cannot_reset_someone_outside_their_virtual_school(
    client, vs_head, designated_teacher
):
    with_app(designated_teacher)
    client.force_login(vs_head)
    url = reverse("accounts:person_two_factor_reset", args=[designated_teacher.pk])
    assert client.post(url).status_code == 404
    assert TOTPDevice.objects.filter(user=designated_teacher).exists()
