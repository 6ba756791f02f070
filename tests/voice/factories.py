from datetime import timedelta

import factory
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.peps.factories import DraftPepFactory
from voice.models import CarerViews, ChildViews, ChildViewsInvitation, LinkAttempt
from voice.services import _digest


class ChildViewsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChildViews

    pep = factory.SubFactory(DraftPepFactory)
    questionnaire = "secondary"
    way = ChildViews.Way.CHILD_MODE
    adult = factory.SubFactory(UserFactory)
    answers = factory.LazyFunction(lambda: {"going_well": {"words": "Art with Miss Khan"}})


class SentChildViewsFactory(ChildViewsFactory):
    submitted_at = factory.LazyFunction(timezone.now)


class ChildViewsInvitationFactory(factory.django.DjangoModelFactory):
    """An invitation whose code is `code` (a factory parameter, never stored)."""

    class Meta:
        model = ChildViewsInvitation
        exclude = ("code",)

    code = factory.Sequence(lambda n: f"TESTCODE{n:04d}")
    pep = factory.SubFactory(DraftPepFactory)
    code_digest = factory.LazyAttribute(lambda o: _digest(o.code))
    delivery = ChildViewsInvitation.Delivery.CODE
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class CarerViewsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CarerViews

    pep = factory.SubFactory(DraftPepFactory)
    carer = factory.SubFactory(UserFactory, role="carer")
    answers = factory.LazyFunction(lambda: {"at_home": "Settled and cheerful"})


class LinkAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LinkAttempt

    ip_address = "127.0.0.1"
