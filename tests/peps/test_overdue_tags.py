"""An overdue PEP carries the red "Overdue" tag wherever its due date shows (issue 14, item 12)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peps.models import Pep

TAG = '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'

PAGES = [
    ("allocated_social_worker", "children:caseload", None),
    ("designated_teacher", "children:school_children", None),
    ("vs_officer", "children:virtual_school_children", None),
    ("reviewing_officer", "children:reviewing", None),
    ("allocated_social_worker", "children:detail", "child"),
    ("vs_officer", "peps:overview", "pep"),
    ("allocated_social_worker", "peps:deadlines", None),
    ("vs_officer", "peps:deadlines", None),
]


def _url(name, arg, world, pep):
    args = {"child": [world.child.pk], "pep": [pep.pk], None: []}[arg]
    return reverse(name, args=args)


@pytest.mark.parametrize("persona, name, arg", PAGES)
def test_an_overdue_pep_carries_the_red_tag(as_persona, world, pep, persona, name, arg):
    Pep.objects.filter(pk=pep.pk).update(due_date=timezone.localdate() - timedelta(days=3))
    html = as_persona(persona).get(_url(name, arg, world, pep)).content.decode()
    assert TAG in html
    assert (timezone.localdate() - timedelta(days=3)).strftime("%B %Y") in html


@pytest.mark.parametrize("persona, name, arg", PAGES)
def test_a_pep_in_date_carries_none(as_persona, world, pep, persona, name, arg):
    soon = timezone.localdate() + timedelta(days=3)
    Pep.objects.filter(pk=pep.pk).update(due_date=soon, social_care_due_date=soon)
    html = as_persona(persona).get(_url(name, arg, world, pep)).content.decode()
    assert TAG not in html


def test_a_submitted_pep_past_its_date_is_with_the_virtual_school_not_overdue(client, world, pep):
    Pep.objects.filter(pk=pep.pk).update(
        due_date=timezone.localdate() - timedelta(days=3), state=Pep.State.SUBMITTED
    )
    client.force_login(world.allocated_social_worker)
    assert TAG not in client.get(reverse("children:detail", args=[world.child.pk])).content.decode()
