"""What PP+ did for a target, in words, for the pages and the PDF that review targets."""

from django import template

from accounts.formats import pounds

from ..models import PpPlusRequest

register = template.Library()


@register.filter
def ppplus_approved_and_paid(target) -> str:
    """What the Virtual School approved for the target and what has been paid, never just the
    amount asked for (asking is not spending). Reads only the target's request, which the
    pages and the PDF select with the target, and the request's running paid total."""
    try:
        request = target.ppplus_request
    except PpPlusRequest.DoesNotExist:
        request = None
    if not target.ppplus_amount:
        return "None asked for"
    asked = pounds(target.ppplus_amount)
    if request is None:
        return f"{asked} asked for, no request made"
    if request.decision == PpPlusRequest.Decision.PENDING:
        return f"{asked} asked for, not decided"
    if not request.is_committed:
        return f"None approved ({asked} asked for)"
    approved = pounds(request.approved_amount)
    if request.kept_centrally:
        return f"{approved} approved, kept by the Virtual School to arrange tuition"
    return f"{approved} approved, {pounds(request.paid_total)} paid"
