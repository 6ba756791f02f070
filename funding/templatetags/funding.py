"""What PP+ did for a target, in words, for the pages and the PDF that review targets."""

from django import template
from django.db.models import Sum

from accounts.formats import pounds

from ..models import PpPlusRequest

register = template.Library()


@register.filter
def ppplus_approved_and_paid(target) -> str:
    """What the Virtual School approved for the target and what has been paid, never just the
    amount asked for (asking is not spending)."""
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
    paid = request.payments.aggregate(total=Sum("amount"))["total"]
    return f"{approved} approved, {pounds(paid or 0)} paid"
