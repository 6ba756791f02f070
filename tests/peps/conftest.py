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
def sign_off(world, django_capture_on_commit_callbacks):
    """Sign a submitted PEP off as the Virtual School, running what the sign-off starts on
    commit (the copy's render, the carers' email) as it would run after a real commit."""

    def sign_off(pep):
        with django_capture_on_commit_callbacks(execute=True):
            workflow.pep_sign_off(
                pep=pep,
                actor=world.vs_officer,
                section_ratings=demo.all_green(pep),
                feedback="Clear targets and the child's voice throughout.",
            )
        pep.refresh_from_db()
        return pep

    return sign_off


@pytest.fixture
def signed_off_pep(submitted_pep, sign_off):
    return sign_off(submitted_pep)
