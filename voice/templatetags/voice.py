from django import template

from voice import services

register = template.Library()


@register.simple_tag
def child_views_actions(pep, user) -> dict:
    """What this person may start on the PEP's child's views section: child mode, a link."""
    return {
        "child_mode": services.may_gather_views(user=user, pep=pep),
        "invite": not services.invitation_refusal(user=user, pep=pep),
    }


@register.simple_tag
def views_given(pep) -> dict:
    """How many questionnaires the child sent, and how many carers gave their views."""
    return {
        "child": pep.child_views_responses.filter(submitted_at__isnull=False).count(),
        "carers": pep.carer_views.count(),
    }
