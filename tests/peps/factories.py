from datetime import date

import factory

from peps.models import Term
from tests.accounts.factories import VirtualSchoolFactory


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    virtual_school = factory.SubFactory(VirtualSchoolFactory)
    academic_year = 2026
    name = Term.Name.AUTUMN
    start_date = date(2026, 9, 2)
    end_date = date(2026, 12, 18)
    half_term_start = date(2026, 10, 26)
    half_term_end = date(2026, 10, 30)
