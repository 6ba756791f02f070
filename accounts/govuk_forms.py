"""Form pieces for GOV.UK Design System pages, shared by every app's forms."""

from datetime import date

from crispy_forms.utils import TEMPLATE_PACK
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import ConditionalQuestion, ConditionalRadios, Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _inert(text):
    """Text for a crispy-forms-gds template that prints it with `|safe`: markup in it is
    escaped, except where the code marked it safe on purpose (Django's password rules list).
    Apostrophes are left as typed: they are harmless in element text."""
    if not text or isinstance(text, SafeString):
        return text
    escaped = conditional_escape(str(text)).replace("&#x27;", "'")
    return mark_safe(escaped)  # noqa: S308 - escaped on the line above


class GovukFormHelper(FormHelper):
    """crispy-forms-gds prints labels, hints and legends with `|safe`, and some are built from
    what people typed (an invitee's name in "Sam attended"). This helper escapes all of them
    as the form is rendered, so no form has to remember to."""

    def render_layout(self, form, context, template_pack=None):
        for name, field in form.fields.items():
            field.label, field.help_text = _inert(field.label), _inert(field.help_text)
            bound = form[name]
            bound.label, bound.help_text = _inert(bound.label), _inert(bound.help_text)
        _inert_legends(self.layout)
        _count_characters(form, self.layout)
        if template_pack is None:
            html = super().render_layout(form, context)
        else:
            html = super().render_layout(form, context, template_pack=template_pack)
        if "submission_token" in form.fields and "submission_token" not in form.rendered_fields:
            html += form["submission_token"].as_widget()  # the one-off token of `accounts.once`
        return html


def _inert_legends(layout_object) -> None:
    extra = getattr(layout_object, "context", None)
    if isinstance(extra, dict) and extra.get("legend"):
        extra["legend"] = _inert(extra["legend"])
    for child in getattr(layout_object, "fields", ()) or ():
        if not isinstance(child, str):
            _inert_legends(child)


def _count_characters(form, layout_object) -> None:
    """Every textarea with a limit gets the GOV.UK character count. The browser is not told
    the limit (`maxlength` would cut pasted text short without saying so): without JavaScript
    the hint says the limit, and the server refuses longer text with a message by the field."""
    if isinstance(layout_object, Field) and len(layout_object.fields) == 1:
        name = layout_object.fields[0]
        field = form.fields.get(name) if isinstance(name, str) else None
        limit = getattr(field, "max_length", None)
        if limit and isinstance(field.widget, forms.Textarea):
            field.widget.attrs.pop("maxlength", None)
            # crispy-forms-gds adds the count's id to aria-describedby, which must exist.
            field.widget.attrs.setdefault("aria-describedby", "")
            if "max_characters" not in layout_object.context:
                layout_object.context["max_characters"] = limit
                layout_object.add_class("govuk-js-character-count")
        return
    for child in getattr(layout_object, "fields", ()) or ():
        if not isinstance(child, str):
            _count_characters(form, child)


def govuk_helper(*fields) -> FormHelper:
    """A crispy-forms-gds helper for a form whose <form> tag and error summary the page renders."""
    helper = GovukFormHelper()
    helper.form_tag = False
    helper.layout = Layout(*fields)
    return helper


def _date_example(help_text: str, past: bool) -> str:
    # GOV.UK: "For example, 27 3 2007". A date of birth is years back; other dates are this
    # year's, so the example never looks out of date.
    year = 2007 if past else timezone.localdate().year
    example = f"For example, 27 3 {year}"
    if not help_text:
        return example
    help_text = str(help_text).rstrip()
    return f"{help_text}{'' if help_text.endswith('.') else '.'} {example}"


_lazy_date_example = lazy(_date_example, str)


class GovukDateField(DateInputField):
    """The GOV.UK date input (day, month, year) with messages that name the date, and the
    example hint every date input carries."""

    def __init__(self, *, label: str, required: bool = True, help_text="", **kwargs):
        if "For example" not in str(help_text):
            help_text = _lazy_date_example(help_text, "birth" in label.lower())
        super().__init__(
            label=label,
            required=required,
            require_all_fields=False,
            help_text=help_text,
            **kwargs,
        )
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


class RevealingRadios(ConditionalRadios):
    """GOV.UK radios whose options reveal the questions that only apply to them ("Where: the
    address" under "In person"). `reveals` maps a choice's value to the layout it reveals.

    Without JavaScript every revealed question shows; the form says which answers count
    (`ignore_unrevealed`), so a value left in a question for another option is never refused
    or saved."""

    def __init__(self, field: str, reveals: dict, *, legend_size=Size.SMALL):
        super().__init__(field)
        self.reveals = reveals
        self.legend_size = Size.for_legend(legend_size)

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        bound = form[self.field]
        self.choices = [
            ConditionalQuestion(label, *self.reveals.get(value, ()))
            for value, label in bound.field.choices
        ]
        choices = self.render_choices(bound, form, context, template_pack, **kwargs)
        return render_to_string(
            self.get_template_name(template_pack),
            {**context.flatten(), "field": bound, "choices": choices,
             "legend_size": self.legend_size},
        )  # fmt: skip


def ignore_unrevealed(form: forms.Form, field: str, reveals: dict[str, tuple[str, ...]]) -> None:
    """After clean(): drop the answers (and any errors) of questions revealed by an option
    other than the one chosen, as GOV.UK's conditional reveal expects."""
    chosen = form.cleaned_data.get(field, form.data.get(form.add_prefix(field)))
    for value, names in reveals.items():
        if value == chosen:
            continue
        for name in names:
            form.errors.pop(name, None)
            field = form.fields.get(name)
            if field is not None:
                multi = isinstance(field, forms.MultiValueField)
                form.cleaned_data[name] = None if multi else field.to_python(None)


class _ValuesChoiceIterator(forms.models.ModelChoiceIterator):
    """The options from the rows' values, with no model object made for each one."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, *values in self.queryset.values_list("pk", *self.field.label_fields):
            yield (pk, self.field.label_from_values(*values))


class FilterChoiceField(forms.ModelChoiceField):
    """A filter's choice of one of many rows (the schools a Virtual School's children attend,
    hundreds of them): the options are read as values, not model objects; the chosen one is
    still checked against the queryset and cleaned to its object."""

    iterator = _ValuesChoiceIterator

    def __init__(self, *args, label_fields: tuple[str, ...], label_from_values, **kwargs):
        self.label_fields = label_fields
        self.label_from_values = label_from_values
        super().__init__(*args, **kwargs)


def school_filter_field(**kwargs) -> FilterChoiceField:
    return FilterChoiceField(
        queryset=kwargs.pop("queryset"),
        label_fields=("name", "urn"),
        label_from_values=lambda name, urn: f"{name} ({urn})",
        **kwargs,
    )


def person_filter_field(**kwargs) -> FilterChoiceField:
    return FilterChoiceField(
        queryset=kwargs.pop("queryset"),
        label_fields=("full_name", "email"),
        label_from_values=lambda full_name, email: full_name or email,
        **kwargs,
    )
