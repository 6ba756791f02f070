from datetime import date
from decimal import Decimal

import factory
from django.db.models import F

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
    child = factory.LazyAttribute(lambda request: request.target.pep.child)
    virtual_school = factory.LazyAttribute(lambda request: request.child.virtual_school)
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
    child = factory.LazyAttribute(lambda payment: payment.request.child)
    virtual_school = factory.LazyAttribute(lambda payment: payment.request.virtual_school)
    amount = Decimal("100.00")
    paid_on = date(2026, 11, 2)
    reference = "PPP-1"
    recorded_by = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Keep the request's running total, as `payment_record` does."""
        payment = super()._create(model_class, *args, **kwargs)
        PpPlusRequest.objects.filter(pk=payment.request_id).update(
            paid_total=F("paid_total") + payment.amount
        )
        payment.request.refresh_from_db(fields=["paid_total"])
        return payment
