from datetime import date

import factory

from children.models import Child
from children.upn import upn_check_letter
from tests.accounts.factories import VirtualSchoolFactory


def _upn(n: int) -> str:
    body = f"9902001{n:05d}"
    return upn_check_letter(body) + body


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    virtual_school = factory.SubFactory(VirtualSchoolFactory)
    legal_first_name = factory.Faker("first_name", locale="en_GB")
    legal_last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = date(2015, 3, 14)
    gender = Child.Gender.FEMALE
    upn = factory.Sequence(_upn)
    council_child_id = factory.Sequence(lambda n: f"C{n:06d}")
    date_entered_care = date(2024, 5, 1)
    legal_status = Child.LegalStatus.FULL_CARE_ORDER
