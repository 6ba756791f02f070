from crispy_forms_gds.layout import Button, Field, Size
from django import forms

from accounts.govuk_forms import govuk_helper

from .questionnaires import CARER_LIMIT, CARER_QUESTIONS


class AnswerForm(forms.Form):
    """One question's answer: a choice (pictures or answers) and/or their own words. The page
    is written by hand (templates/voice/question.html) for the picture scale and large type;
    `voice.services.clean_answer` checks what was sent."""

    choice = forms.CharField(required=False)
    words = forms.CharField(required=False, strip=True)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Enter your code",
        help_text="It is 12 letters and numbers, like ABCD-EFGH-JKMN",
        max_length=40,
        error_messages={"required": "Enter the code your social worker gave you"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.text("code", label_size=Size.MEDIUM, field_width=10, autocomplete="off",
                       spellcheck="false"),
            Button("submit", "Continue", type="submit"),
        )  # fmt: skip


class InvitationForm(forms.Form):
    delivery = forms.ChoiceField(
        label="How do you want to give them the link?",
        choices=(
            ("email", "Email it to them"),
            ("code", "Show me a code to give them"),
        ),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how to give them the link"},
    )
    email = forms.EmailField(
        label="Their email address",
        help_text="Only for sending the link: it is not kept",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.radios("delivery", legend_size=Size.MEDIUM),
            Field.text("email", field_width=20, autocomplete="off"),
            Button("submit", "Make the link", type="submit"),
        )

    def clean(self):
        data = super().clean()
        if data.get("delivery") == "email" and not data.get("email"):
            self.add_error("email", "Enter their email address, or choose a code")
        if data.get("delivery") == "code":
            data["email"] = ""
        return data


class CarerViewsForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in CARER_QUESTIONS:
            self.fields[question.key] = forms.CharField(
                label=question.label,
                help_text=question.hint,
                required=False,
                max_length=CARER_LIMIT,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        self.helper = govuk_helper(
            *[Field.textarea(q.key, rows=4, label_size=Size.SMALL) for q in CARER_QUESTIONS],
            Button("submit", "Send your views", type="submit"),
        )
