from datetime import date
from decimal import Decimal

import factory

from funding.models import FundingPolicy, Payment, PpPlusJustification, PpPlusRequest
from tests.accounts.factories import UserFactory, VirtualSchoolFactory
from tests.peps.factories import DraftPepFactory, TargetFactory


class FundingPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingPolicy

    virtual_school = factory.SubFactory(VirtualSchoolFactory)
    academic_year = 2026


class PpPlusRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PpPlusRequest

    target = factory.SubFactory(TargetFactory, ppplus_amount=Decimal("200.00"))
    intervention = PpPlusRequest.Intervention.RESOURCES


class PpPlusJustificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PpPlusJustification

    pep = factory.SubFactory(DraftPepFactory)
    text = "Two targets need weekly tuition"
    written_by = factory.SubFactory(UserFactory)


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    request = factory.SubFactory(
        PpPlusRequestFactory, decision="approved", approved_amount=Decimal("200.00")
    )
    amount = Decimal("100.00")
    paid_on = date(2026, 11, 2)
    reference = "PPP-1"
    recorded_by = factory.SubFactory(UserFactory)
