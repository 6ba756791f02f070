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
    """How many questionnaires the child sent, and how many carers gave their views (a
    handful each: counted from the rows, which the PEP's page reads with the PEP)."""
    return {
        "child": sum(1 for sent in pep.child_views_responses.all() if sent.submitted_at),
        "carers": len(pep.carer_views.all()),
    }
