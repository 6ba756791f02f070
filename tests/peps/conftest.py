"""PEPs further on in their cycle, for the tests of what is printed and downloaded."""

import pytest

from peps import demo, workflow


@pytest.fixture
def submitted_pep(world, pep):
    """The world's PEP with both parts complete, waiting for quality assurance."""
    return demo.complete_and_submit(
        pep, teacher=world.designated_teacher, social_worker=world.allocated_social_worker
    )


@pytest.fixture
def signed_off_pep(world, submitted_pep, django_capture_on_commit_callbacks):
    """Signed off by the Virtual School, with what the sign-off starts on commit (the copy's
    render, the carers' email) run as it would be after a real commit."""
    with django_capture_on_commit_callbacks(execute=True):
        workflow.pep_sign_off(
            pep=submitted_pep,
            actor=world.vs_officer,
            section_ratings=demo.all_green(submitted_pep),
            feedback="Clear targets and the child's voice throughout.",
        )
    submitted_pep.refresh_from_db()
    return submitted_pep
