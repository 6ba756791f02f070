"""Form pieces for GOV.UK Design System pages, shared by every app's forms."""

from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout
from django import forms
from django.core.exceptions import ValidationError


def govuk_helper(*fields) -> FormHelper:
    """A crispy-forms-gds helper for a form whose <form> tag and error summary the page renders."""
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*fields)
    return helper


class GovukDateField(DateInputField):
    """The GOV.UK date input (day, month, year) with messages that name the date."""

    def __init__(self, *, label: str, required: bool = True, **kwargs):
        super().__init__(label=label, required=required, require_all_fields=False, **kwargs)
        what = label[0].lower() + label[1:]
        self.error_messages["required"] = f"Enter the {what}"
        self.error_messages["incomplete"] = f"Enter the {what} as a day, month and year"
        self.fields[0].error_messages["incomplete"] = f"The {what} must include a day"
        self.fields[1].error_messages["incomplete"] = f"The {what} must include a month"
        self.fields[2].error_messages["incomplete"] = f"The {what} must include a year"
        self._what = what

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        if len(str(year)) != 4:
            raise ValidationError(f"The {self._what} must have a four-digit year, like 2015")
        if len(str(day)) > 2 or len(str(month)) > 2:
            raise ValidationError(f"The {self._what} must be a real date")
        try:
            value = date(day=int(day), month=int(month), year=int(year))
        except (ValueError, OverflowError) as error:
            raise ValidationError(f"The {self._what} must be a real date") from error
        if value.year < 1900:
            raise ValidationError(f"The {self._what} must be after 1900")
        return value


def raise_on_form(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: by field where it names one the form has."""
    if hasattr(error, "error_dict"):
        for field, messages in error.error_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)
