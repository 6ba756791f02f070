from datetime import timedelta

import pytest
from django.utils import timezone

from peps import services
from peps.models import Term
from tests.peps.factories import TermFactory


@pytest.fixture
def terms(world):
    """This term (around today) and the next, for the world's Virtual School."""
    today = timezone.localdate()
    this = TermFactory(
        virtual_school=world.virtual_school,
        academic_year=today.year,
        name=Term.Name.AUTUMN,
        start_date=today - timedelta(days=30),
        end_date=today + timedelta(days=30),
        half_term_start=None,
        half_term_end=None,
    )
    following = TermFactory(
        virtual_school=world.virtual_school,
        academic_year=today.year,
        name=Term.Name.SPRING,
        start_date=today + timedelta(days=45),
        end_date=today + timedelta(days=120),
        half_term_start=None,
        half_term_end=None,
    )
    return this, following


@pytest.fixture
def pep(world, terms):
    """The world's child's PEP for this term, started by their social worker."""
    return services.pep_start(child=world.child, actor=world.allocated_social_worker)
