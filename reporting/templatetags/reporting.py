"""Template filters for the Virtual School's reports."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def is_money(value) -> bool:
    """Report cells hold counts (printed as they are) or money (printed in pounds)."""
    return isinstance(value, Decimal)
