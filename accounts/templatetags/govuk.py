"""Template filters for GOV.UK Design System patterns."""

import html

from django import forms, template
from django.utils.safestring import mark_safe

from accounts import formats

register = template.Library()

_CHOICE_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.filter
def error_anchor(bound_field) -> str:
    """The id an error-summary link must point at: the first input of the field.

    Radios and checkboxes are numbered from 1 by crispy-forms-gds (`id_kind_1`); a date's
    day/month/year inputs are Django subwidgets numbered from 0 (`id_born_0`).
    """
    widget = bound_field.field.widget
    if isinstance(widget, _CHOICE_WIDGETS):
        return f"{bound_field.auto_id}_1"
    if isinstance(widget, forms.MultiWidget):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


@register.filter
def first_field_anchor(form) -> str:
    """Where a link to an error about the whole form goes: the form's first field."""
    fields = form.visible_fields()
    return error_anchor(fields[0]) if fields else "main-content"


@register.filter
def pounds(value) -> str:
    """Money as people read it: £1,234.50."""
    return formats.pounds(value)


@register.filter
def number(value) -> str:
    """A count as people read it: 1,855."""
    return f"{value:,}" if isinstance(value, int) else value


@register.filter
def long_date(value) -> str:
    """A date, or a date kept as ISO text in an answer, as people read it: 30 November 2026."""
    return formats.long_date(value)


def _has_errors(value) -> bool:
    # By the value's own type: isinstance would ask a lazy value (the user, the CSRF token)
    # for its __class__, which works it out, even on a page that never shows it.
    kind = type(value)
    if issubclass(kind, forms.BaseForm):
        return value.is_bound and bool(value.errors)
    if issubclass(kind, forms.BaseFormSet):
        return value.is_bound and (bool(value.non_form_errors()) or any(value.errors))
    return False


@register.simple_tag(takes_context=True)
def error_prefix(context) -> str:
    """ "Error: " at the start of the page title when the page shows an error summary: any
    form on it was refused, whatever the view named it, or the view says so (`action_errors`
    of a refused step, `page_has_error`)."""
    if context.get("action_errors") or context.get("page_has_error"):
        return "Error: "
    seen = set()
    for layer in context.dicts:
        for value in layer.values():
            if id(value) not in seen and _has_errors(value):
                return "Error: "
            seen.add(id(value))
    return ""


@register.simple_tag
def select_options(bound_field) -> str:
    """A select's options in one pass, the chosen one marked. A Virtual School's school filter
    has hundreds of options: a template loop over them cost tens of milliseconds a page, and
    `format_html` for each still a dozen, so each option is one f-string of escaped text."""
    chosen = str(bound_field.value())
    options = []
    for value, label in bound_field.field.choices:
        value = str(value)
        # As conditional_escape: what is already HTML is shown as it is, the rest escaped.
        shown = label.__html__() if hasattr(label, "__html__") else html.escape(str(label))
        selected = " selected" if value == chosen else ""
        options.append(f'<option value="{html.escape(value)}"{selected}>{shown}</option>')
    return mark_safe("".join(options))  # noqa: S308 - every part escaped above
