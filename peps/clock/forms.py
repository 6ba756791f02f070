"""The Virtual School's PEP settings form (its calendar forms are in peps.forms)."""

from crispy_forms_gds.layout import Button, Field, Fixed, Size
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from accounts.govuk_forms import govuk_helper

from ..models import PepSettings

SETTING_FIELDS = [
    "rating_rule",
    "amber_threshold",
    "first_pep_school_days",
    "new_school_school_days",
    "termly_deadline_school_day",
    "reminder_school_days",
    "quality_assurance_days",
    "escalation_school_days",
    "social_care_review_months",
    "publication_small_count",
    "publication_suppression_by_default",
]
NUMBER_FIELDS = SETTING_FIELDS[1:-1]


def _bounds(name: str) -> tuple[int | None, int | None]:
    """The model's own limits for a setting, so the message next to the field states them."""
    low = high = None
    for validator in PepSettings._meta.get_field(name).validators:
        if isinstance(validator, MinValueValidator):
            low = validator.limit_value if low is None else max(low, validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            high = validator.limit_value if high is None else min(high, validator.limit_value)
    return low, high


class PepSettingsForm(forms.ModelForm):
    class Meta:
        model = PepSettings
        fields = SETTING_FIELDS
        widgets = {"rating_rule": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in NUMBER_FIELDS:
            field = self.fields[name]
            field.widget = forms.TextInput(attrs={"inputmode": "numeric"})
            low, high = _bounds(name)
            field.min_value, field.max_value = low, high
            field.validators = [v for v in field.validators if not hasattr(v, "limit_value")]
            if low is not None:
                field.validators.append(MinValueValidator(low))
            if high is not None:
                field.validators.append(MaxValueValidator(high))
            low = low or 0
            between = f"from {low} to {high}" if high else f"of {low} or more"
            message = f"Enter a whole number {between}"
            field.error_messages.update(
                {"required": message, "invalid": message, "min_value": message,
                 "max_value": message}
            )  # fmt: skip
        self.fields["rating_rule"].choices = PepSettings.RatingRule.choices
        self.fields["rating_rule"].error_messages["required"] = "Choose how to rate a PEP overall"
        self.helper = govuk_helper(
            Field.radios("rating_rule", legend_size=Size.SMALL),
            *(Field.text(name, field_width=Fixed.FIVE) for name in NUMBER_FIELDS),
            Field.checkbox("publication_suppression_by_default"),
            Button("submit", "Save the settings", type="submit"),
        )
