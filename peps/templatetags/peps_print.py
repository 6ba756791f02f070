"""Which way a piece of text reads, for the printed PEP.

WeasyPrint does not work out `dir="auto"` itself, so the print template asks here: text
whose first strong letter is Arabic script (Arabic, Persian, Pashto, Sorani Kurdish) reads
right to left, as HTML's `dir="auto"` would decide.
"""

import unicodedata

from django import template

register = template.Library()


@register.filter
def text_direction(value) -> str:
    """ "rtl" or "ltr", from the first letter with a direction of its own; "ltr" if none has."""
    for character in str(value or ""):
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"
