"""How a PEP's saved answers read on screen: the same words as the printed copy."""

from django import template

from ..documents.printing import answer_text

register = template.Library()


@register.simple_tag
def answer(question, value, scale=None) -> str:
    """A saved answer as a person reads it: choices by label, dates as "30 November 2026",
    attainment a line a subject."""
    return answer_text(question, value, scale)
