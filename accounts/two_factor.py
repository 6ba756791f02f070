"""Two-factor sign-in (django-otp): an authenticator app (TOTP) and ten recovery codes.

Signing in with a password is two steps. The password step proves the password and keeps the
person's id in the session as *pending*, not signed in; the code step (or, the first time,
setting up the app) signs them in. Nothing is reachable between the two, and a pending
sign-in lasts five minutes and five wrong codes. Staff roles must use it (TWO_FACTOR_REQUIRED);
carers are offered it. Signing in through the council (single sign-on) leaves the second
factor to the council's provider.
"""

import base64
import time

import segno
from django.conf import settings
from django.contrib.auth import login
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_record

from .models import Role, User

PENDING_SECONDS = 300
MAX_FAILURES = 5
RECOVERY_CODES = 10
_PENDING = "two_factor_pending"


def is_required(user: User) -> bool:
    return settings.TWO_FACTOR_REQUIRED and user.role != Role.CARER


def totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_two_factor(user: User) -> bool:
    return totp_device(user) is not None


def pending_start(request, *, user: User, backend: str, next_url: str) -> None:
    request.session[_PENDING] = {
        "user_id": user.pk,
        "backend": backend,
        "next": next_url,
        "at": time.time(),
        "failures": 0,
    }


def pending_user(request) -> User | None:
    data = request.session.get(_PENDING)
    if not data or time.time() - data["at"] > PENDING_SECONDS:
        request.session.pop(_PENDING, None)
        return None
    return User.objects.filter(pk=data["user_id"], is_active=True).first()


def pending_failed(request) -> bool:
    """Count a wrong code; True when the pending sign-in is used up and has been dropped."""
    data = request.session.get(_PENDING) or {}
    data["failures"] = data.get("failures", 0) + 1
    if data["failures"] >= MAX_FAILURES:
        request.session.pop(_PENDING, None)
        return True
    request.session[_PENDING] = data
    return False


def pending_finish(request, *, user: User, device) -> str:
    """Sign the pending person in with the device that proved them; return where to go."""
    data = request.session.pop(_PENDING)
    login(request, user, backend=data["backend"])
    otp_login(request, device)
    return data["next"]


def verify(user: User, code: str):
    """The device the code belongs to (the app, or a recovery code, which is used up)."""
    code = "".join(code.split()).lower()
    device = totp_device(user)
    if device is not None and code.isdigit() and len(code) == 6:
        return device if device.verify_token(code) else None
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_token(code):
            with transaction.atomic():
                audit_record(
                    actor=user,
                    action="two_factor.recovery_code_used",
                    obj=user,
                    changes={"codes_left": [None, static.token_set.count()]},
                )
            return static
    return None


def must_wait(user: User, device=None) -> bool:
    """After a wrong code, the app's device refuses any code for a few seconds (doubling with
    each wrong one), so codes cannot be guessed quickly."""
    device = device or totp_device(user)
    return device is not None and not device.verify_is_allowed()[0]


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def set_up_device(request, user: User) -> TOTPDevice:
    """The unconfirmed app device being set up in this session (a new secret each time)."""
    device_id = request.session.get("two_factor_set_up")
    device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
        request.session["two_factor_set_up"] = device.pk
    return device


def secret_for_typing(device: TOTPDevice) -> str:
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """An SVG image as a data: URI (the policy allows data: images, never inline markup)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


@transaction.atomic
def confirm_set_up(request, *, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app with a code from it; replace any old devices; return recovery codes."""
    if not device.verify_token("".join(code.split())):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    request.session.pop("two_factor_set_up", None)
    codes = recovery_codes_replace(user=user, audit=False)
    audit_record(actor=user, action="two_factor.set_up", obj=user)
    return codes


@transaction.atomic
def recovery_codes_replace(*, user: User, audit: bool = True) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    if audit:
        audit_record(actor=user, action="two_factor.recovery_codes_replaced", obj=user)
    return codes


def devices_remove(*, user: User) -> int:
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    return removed + StaticDevice.objects.filter(user=user).delete()[0]
