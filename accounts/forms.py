import re

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

    def clean(self):
        from .sign_on import sign_on_for_email

        # Staff whose council signs them in use it: no password is tried (or counted).
        if sign_on_for_email(self.cleaned_data.get("username") or ""):
            raise forms.ValidationError(
                "Your council signs you in to PEP Portal: choose "
                "‘Sign in with your council account’",
                code="single_sign_on",
            )
        return super().clean()


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


class SignInCodeForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows now, or one of your "
        "recovery codes",
        max_length=40,
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "inputmode": "text"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.text("code", field_width=Fluid.ONE_THIRD),
            Button("submit", "Continue", type="submit"),
        )


class TwoFactorSetUpForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        help_text="The 6 digits the app shows for PEP Portal",
        max_length=10,
        error_messages={"required": "Enter the 6-digit code the app shows"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.text("code", field_width=Fluid.ONE_THIRD),
            Button("submit", "Turn on two-factor sign-in", type="submit"),
        )


class SignOnEmailForm(forms.Form):
    email = forms.EmailField(
        label="Your work email address",
        max_length=254,
        error_messages={
            "required": "Enter your work email address",
            "invalid": "Enter an email address in the correct format, like name@council.gov.uk",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Button("submit", "Continue to your council's sign-in", type="submit"),
        )


class PersonForm(forms.Form):
    """A person an administrator or a Virtual School head adds or changes. A head manages
    the staff of their own Virtual School; an administrator anyone."""

    full_name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter the person's name"}
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="Their work email: the invitation goes here, and they sign in with it",
        error_messages={
            "required": "Enter the person's email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )
    role = forms.ChoiceField(label="Role", error_messages={"required": "Choose the person's role"})
    virtual_school = forms.ModelChoiceField(
        label="Virtual School",
        queryset=None,
        required=False,
        empty_label="None (designated teachers, carers, reviewing officers)",
        help_text="Social workers and Virtual School staff belong to one Virtual School",
    )
    school_urns = forms.CharField(
        label="Schools (designated teachers only)",
        required=False,
        max_length=500,
        help_text="The schools' URNs, separated by commas, like 100001, 100002",
    )
    is_active = forms.BooleanField(
        label="They may sign in", required=False, initial=True,
        help_text="Untick for someone who has left: they cannot sign in, and their history stays",
    )  # fmt: skip

    def __init__(self, *args, actor, person=None, **kwargs):
        from .models import ROLES_IN_A_VIRTUAL_SCHOOL, Role, VirtualSchool

        super().__init__(*args, **kwargs)
        self.actor, self.person = actor, person
        is_admin = actor.role == Role.SYSTEM_ADMINISTRATOR
        roles = list(Role) if is_admin else list(ROLES_IN_A_VIRTUAL_SCHOOL)
        self.fields["role"].choices = [("", "Choose a role")] + [(r.value, r.label) for r in roles]
        self.fields["virtual_school"].queryset = VirtualSchool.objects.all()
        fields = [Field.text("full_name"), Field.text("email")]
        fields += [Field.select("role")]
        if is_admin:
            fields += [Field.select("virtual_school"), Field.text("school_urns")]
        else:
            del self.fields["virtual_school"], self.fields["school_urns"]
        if person is None:
            del self.fields["is_active"]
        else:
            self.fields["email"].disabled = True
            fields.append(Field.checkbox("is_active"))
        self.helper = govuk_helper(
            *fields,
            Button("submit", "Send the invitation" if person is None else "Save", type="submit"),
        )

    def clean_email(self):
        return self.cleaned_data["email"].lower()

    def clean_school_urns(self):
        from .models import School

        urns = [u for u in re.split(r"[\s,;]+", self.cleaned_data.get("school_urns") or "") if u]
        schools = list(School.objects.filter(urn__in=urns))
        unknown = sorted(set(urns) - {s.urn for s in schools})
        if unknown:
            raise forms.ValidationError(f"No school has the URN {', '.join(unknown)}")
        return schools

    def organisation(self):
        """The Virtual School and schools the service should record for this person."""
        from .models import ROLES_IN_A_VIRTUAL_SCHOOL, Role

        data = self.cleaned_data
        if "virtual_school" in self.fields:
            return data.get("virtual_school"), data.get("school_urns") or []
        # A head's staff are in the head's own Virtual School.
        in_vs = data["role"] in ROLES_IN_A_VIRTUAL_SCHOOL
        return (self.actor.virtual_school if in_vs else None), (
            list(self.person.schools.all())
            if self.person and data["role"] == Role.DESIGNATED_TEACHER
            else []
        )


class PeopleImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: email, full_name, role, virtual_school (DfE code), school_urns. "
        "The first row names the columns",
        error_messages={"required": "Choose a CSV file"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field("file"),
            Button("submit", "Check and send the invitations", type="submit"),
        )
