"""A Virtual School with children at every stage of the cycle, for the dashboard and reports."""

from datetime import timedelta

import pytest
from django.utils import timezone

from children import services as children_services
from peps import demo, services, workflow
from tests.children.factories import ChildFactory, EnrolmentFactory

STAGES = ("draft", "submitted", "signed_off")


def make_children(world, count: int, django_capture_on_commit_callbacks) -> list:
    """`count` more children of the world's Virtual School at the world's school, each with this
    term's PEP: in turn left in progress, submitted, and signed off; their figures vary."""
    made = []
    for i in range(count):
        child = ChildFactory(
            virtual_school=world.virtual_school,
            date_of_birth=timezone.localdate().replace(year=timezone.localdate().year - 6 - i % 10),
            date_entered_care=timezone.localdate() - timedelta(days=400),
        )
        EnrolmentFactory(child=child, school=world.school)
        children_services.child_transfer_case(
            actor=None, child=child, social_worker=world.allocated_social_worker
        )
        pep = services.pep_start(child=child, actor=world.allocated_social_worker)
        stage = STAGES[i % 3]
        if stage == "draft":
            demo.fill_school_part(pep, world.designated_teacher, vary=i)
        else:
            pep = demo.complete_and_submit(
                pep,
                teacher=world.designated_teacher,
                social_worker=world.allocated_social_worker,
                vary=i,
            )
        if stage == "signed_off":
            with django_capture_on_commit_callbacks(execute=True):
                workflow.pep_sign_off(
                    pep=pep,
                    actor=world.vs_officer,
                    section_ratings=demo.all_green(pep),
                    feedback="",
                )
        made.append(child)
    return made


@pytest.fixture
def cohort(world, terms, django_capture_on_commit_callbacks):
    return make_children(world, 6, django_capture_on_commit_callbacks)
