from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid
from django import forms
from django.contrib.auth import forms as auth_forms

from .govuk_forms import govuk_helper


class SignInForm(auth_forms.AuthenticationForm):
    """Email and password. A failure never says whether the email address exists."""

    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "Enter a correct email address and password",
    }

    username = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.text("username", field_width=Fluid.TWO_THIRDS),
            Field.text("password", field_width=Fluid.TWO_THIRDS),
            Button("submit", "Sign in", type="submit"),
        )

    def clean_username(self):
        return self.cleaned_data["username"].lower()


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Button("submit", "Send the link", type="submit"),
        )

    def get_users(self, email):
        return super().get_users(email.lower())


def _new_password_helper(*extra) -> FormHelper:
    return govuk_helper(
        *extra,
        Field.text("new_password1", field_width=Fluid.TWO_THIRDS),
        Field.text("new_password2", field_width=Fluid.TWO_THIRDS),
        Button("submit", "Save the new password", type="submit"),
    )


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.helper = _new_password_helper()


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_incorrect": "Your current password is not right: enter it again",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        self.helper = _new_password_helper(Field.text("old_password", field_width=Fluid.TWO_THIRDS))


__all__ = ["PasswordChangeForm", "PasswordResetForm", "SetPasswordForm", "SignInForm"]
