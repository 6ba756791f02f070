"""Template filters for the Virtual School's reports."""

from decimal import Decimal

from django import template
from django.utils.html import format_html

from peps.models import Pep

register = template.Library()


@register.filter
def is_money(value) -> bool:
    """Report cells hold counts (printed as they are) or money (printed in pounds)."""
    return isinstance(value, Decimal)


RATING_TAGS = {"red": "govuk-tag--red", "amber": "govuk-tag--orange", "green": "govuk-tag--green"}


@register.simple_tag
def rating_tag(rating: str) -> str:
    """A quality rating as a coloured tag with its word (colour is never the only cue)."""
    label = dict(Pep.Rating.choices).get(rating, rating)
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>',
        RATING_TAGS.get(rating, "govuk-tag--grey"),
        label,
    )


@register.simple_tag
def kappa(agreement) -> str:
    """Cohen's kappa to two places; said in words where chance alone would have agreed."""
    if agreement.kappa is None:
        return "Not rated"
    text = f"{agreement.kappa:.2f}".replace("-", "\u2212")
    if agreement.chance_is_certain:
        return format_html(
            '{} <span class="govuk-hint govuk-!-display-inline">(every rating the same)</span>',
            text,
        )
    return text
