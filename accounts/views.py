from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from audit.context import client_address

from . import backends, services, two_factor
from .decorators import role_required
from .forms import (
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    SignInCodeForm,
    SignInForm,
    SignOnEmailForm,
    TwoFactorSetUpForm,
)
from .models import VIRTUAL_SCHOOL_STAFF, Role, School
from .roles import ROLE_HOME
from .schools import school_label, school_search
from .sign_on import SignOnRefused, sign_on_finish, sign_on_for_email, sign_on_start


def locked_out(request, original_response=None, credentials=None):
    """What someone sees after too many failed sign-ins (django-axes calls this)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "lockout_minutes": minutes}
    return render(request, "accounts/locked_out.html", context, status=429)


@login_required
def home(request):
    """Send each person to the page their role starts on."""
    return redirect(ROLE_HOME[request.user.role])


class SignInView(auth_views.LoginView):
    """The password step. Someone with an authenticator app (or whose role needs one) is
    not signed in yet: they go on to the code step, or to set the app up."""

    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        has_app = two_factor.has_two_factor(user)
        if has_app or two_factor.is_required(user):
            two_factor.pending_start(
                self.request, user=user, backend=user.backend, next_url=self.get_success_url()
            )
            return redirect("accounts:sign_in_code" if has_app else "accounts:sign_in_set_up")
        return super().form_valid(form)


def sign_in_code(request):
    """The second step: a code from the app, or a recovery code."""
    user = two_factor.pending_user(request)
    if user is None or not two_factor.has_two_factor(user):
        return redirect("accounts:sign_in")
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify(user, form.cleaned_data["code"])
        if device is not None:
            next_url = two_factor.pending_finish(request, user=user, device=device)
            if device.__class__.__name__ == "StaticDevice":
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You used a recovery code: {left} left. Make new ones from "
                    "\u2018Two-factor sign-in\u2019 if you are running out.",
                )
            return redirect(next_url)
        if two_factor.pending_failed(request):
            messages.error(request, "Too many wrong codes: sign in again")
            return redirect("accounts:sign_in")
        form.add_error("code", _wrong_code_message(user))
    return render(request, "accounts/sign_in_code.html", {"form": form})


def _wrong_code_message(user, device=None) -> str:
    if two_factor.must_wait(user, device):
        return "The code is not right. Wait a few seconds, then enter the code your app shows"
    return "The code is not right: enter the code your app shows now"


def _set_up(request, *, user, signing_in: bool):
    device = two_factor.set_up_device(request, user)
    form = TwoFactorSetUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_set_up(
            request, user=user, device=device, code=form.cleaned_data["code"]
        )
        if codes is not None:
            next_url = reverse_lazy("accounts:two_factor")
            if signing_in:
                next_url = two_factor.pending_finish(request, user=user, device=device)
            request.session["two_factor_new_codes"] = codes
            request.session["two_factor_continue"] = str(next_url)
            return redirect("accounts:recovery_codes")
        form.add_error("code", _wrong_code_message(user, device))
    context = {
        "form": form,
        "qr_code": two_factor.qr_code_data_uri(device),
        "secret": two_factor.secret_for_typing(device),
        "required": two_factor.is_required(user),
        "signing_in": signing_in,
    }
    return render(request, "accounts/two_factor_set_up.html", context)


def sign_in_set_up(request):
    """First sign-in of someone whose role needs two-factor sign-in: set the app up."""
    user = two_factor.pending_user(request)
    if user is None:
        return redirect("accounts:sign_in")
    if two_factor.has_two_factor(user):
        return redirect("accounts:sign_in_code")
    return _set_up(request, user=user, signing_in=True)


@login_required
def two_factor_set_up(request):
    return _set_up(request, user=request.user, signing_in=False)


@login_required
def two_factor_manage(request):
    user = request.user
    context = {
        "has_app": two_factor.has_two_factor(user),
        "codes_left": two_factor.recovery_codes_left(user),
        "required": two_factor.is_required(user),
    }
    return render(request, "accounts/two_factor.html", context)


@login_required
@require_POST
def recovery_codes_replace(request):
    if not two_factor.has_two_factor(request.user):
        return redirect("accounts:two_factor")
    codes = two_factor.recovery_codes_replace(user=request.user)
    request.session["two_factor_new_codes"] = codes
    request.session["two_factor_continue"] = str(reverse_lazy("accounts:two_factor"))
    return redirect("accounts:recovery_codes")


@login_required
def recovery_codes(request):
    """Shown once, straight after they are made."""
    codes = request.session.pop("two_factor_new_codes", None)
    if not codes:
        return redirect("accounts:two_factor")
    continue_url = request.session.pop("two_factor_continue", "/")
    context = {"codes": codes, "continue_url": continue_url}
    return render(request, "accounts/recovery_codes.html", context)


def sign_on(request):
    """Sign in with the council's account: the email address says which council."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignOnEmailForm(request.POST or None)
    next_url = _safe_next(request, request.GET.get("next"))
    if request.method == "POST" and form.is_valid():
        provider = sign_on_for_email(form.cleaned_data["email"])
        if provider is not None:
            # Back to the page they were sent to sign in from, as with a password.
            request.session["sign_on_next"] = next_url
            return sign_on_start(request, provider)
        form.add_error(
            "email",
            "Your council does not sign people in to PEP Portal: sign in with your password",
        )
    return render(request, "accounts/sign_on.html", {"form": form, "next": next_url})


def _safe_next(request, url: str | None) -> str | None:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def sign_on_callback(request):
    try:
        user = sign_on_finish(request)
    except SignOnRefused as refusal:
        return render(
            request, "accounts/sign_on_refused.html", {"reason": str(refusal)}, status=403
        )
    next_url = _safe_next(request, request.session.pop("sign_on_next", None))
    login(request, user, backend=backends.PATH)
    request.session["signed_in_by_council"] = True
    return redirect(next_url or "home")


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class PasswordResetView(auth_views.PasswordResetView):
    """Records the request and leaves the email to a task, so the answer takes as long and
    says the same whether or not the address has an account. Rate-limited per address and
    per client (PASSWORD_RESETS_PER_EMAIL / _PER_ADDRESS an hour)."""

    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        try:
            services.password_reset_request(
                email=form.cleaned_data["email"], ip_address=client_address.get()
            )
        except services.TooManyResets:
            return render(self.request, "accounts/too_many_resets.html", status=429)
        return redirect(self.success_url)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The invitation's link: choose a password (72 hours, once), then sign in."""

    form_class = SetPasswordForm
    template_name = "accounts/invitation_accept.html"
    success_url = reverse_lazy("accounts:sign_in")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password is set: sign in with it now")
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")
    success_message = "Your password has been changed"


@role_required(Role.SYSTEM_ADMINISTRATOR)
def administration(request):
    return render(request, "accounts/administration.html")


@role_required(*VIRTUAL_SCHOOL_STAFF)
def school_search_results(request):
    """Suggestions for the school search box (accessible-autocomplete): the public register's
    name, URN, postcode and council of at most ten schools, nothing about children."""
    schools = school_search(request.GET.get("q", ""))
    return JsonResponse(
        {
            "results": [
                {
                    "label": school_label(s),
                    "urn": s.urn,
                    "postcode": s.postcode,
                    "council": s.council,
                    "closed": s.status == School.Status.CLOSED,
                }
                for s in schools
            ]
        }
    )
