from crispy_forms_gds.layout import Button, Field, Fixed, Size
from django import forms

from accounts.govuk_forms import GovukDateField, govuk_helper

from .models import FundingPolicy, PpPlusRequest

MONEY_ERRORS = {
    "required": "Enter an amount",
    "invalid": "Enter an amount in pounds, like 150 or 150.50",
    "min_value": "The amount cannot be negative",
    "max_decimal_places": "Enter the amount in pounds and pence, like 150.50",
    "max_digits": "Enter an amount under £100,000,000",
    "max_whole_digits": "Enter an amount under £100,000,000",
}


def money_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, min_value=0, max_digits=10, decimal_places=2,
        help_text=help_text, error_messages=MONEY_ERRORS,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
    )  # fmt: skip


def _button(label: str) -> Button:
    return Button("submit", label, type="submit")


class RequestForm(forms.Form):
    intervention = forms.ChoiceField(
        label="What the PP+ pays for",
        choices=PpPlusRequest.Intervention.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the PP+ pays for"},
    )
    tuition_arranged_by = forms.ChoiceField(
        label="For tuition: who arranges it",
        choices=PpPlusRequest.Arranger.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.radios("intervention", legend_size=Size.SMALL),
            Field.radios("tuition_arranged_by", legend_size=Size.SMALL),
            _button("Save the request"),
        )


class JustificationForm(forms.Form):
    text = forms.CharField(
        label="Why this PEP needs more than the term's allowance",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Enter why the PEP needs more than the allowance"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(Field.textarea("text", rows=4), _button("Save the reason"))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[(k, v) for k, v in PpPlusRequest.Decision.choices if k != "pending"],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve, part-approve or decline"},
    )
    approved_amount = money_field("Amount approved, if part-approved (£)", required=False)
    reason = forms.CharField(
        label="Reason, for the school",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.radios("decision", legend_size=Size.SMALL),
            Field.text("approved_amount", field_width=Fixed.TEN),
            Field.textarea("reason", rows=3),
            _button("Save the decision"),
        )


class PaymentForm(forms.Form):
    amount = money_field("Amount paid (£)")
    paid_on = GovukDateField(label="Date paid")
    reference = forms.CharField(
        label="Payment reference",
        max_length=60,
        error_messages={"required": "Enter the payment reference"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.text("amount", field_width=Fixed.TEN),
            Field("paid_on"),
            Field.text("reference", field_width=Fixed.TWENTY),
            _button("Record the payment"),
        )


class PolicyForm(forms.ModelForm):
    central_warning_from = GovukDateField(
        label="Warn about centrally held money not yet committed from",
        required=False,
        help_text=FundingPolicy._meta.get_field("central_warning_from").help_text,
    )

    class Meta:
        model = FundingPolicy
        fields = [
            "academic_year",
            "school_age_allowance",
            "early_years_allowance",
            "post_16_allowance",
            "central_share_percent",
            "national_rate",
            "target_ceiling",
            "pay_only_rated_amber_or_better",
            "central_warning_from",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].help_text = "The year it starts in: 2026 for 2026 to 2027"
        amounts = self.Meta.fields[1:7]
        for name in amounts:
            self.fields[name].error_messages.update(MONEY_ERRORS)
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal"})
        self.fields["target_ceiling"].error_messages["max_value"] = (
            "Enter a ceiling of £100,000.00 or less"
        )
        self.fields["target_ceiling"].error_messages["min_value"] = "Enter a ceiling above £0"
        self.helper = govuk_helper(
            *(Field.text(name, field_width=Fixed.TEN) for name in self.Meta.fields[:7]),
            Field.checkbox("pay_only_rated_amber_or_better"),
            Field("central_warning_from"),
            _button("Save the policy"),
        )
