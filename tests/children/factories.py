from datetime import date, timedelta

import factory
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from faker import Faker

from accounts.models import Role
from children import services
from children.models import (
    AccessGrant,
    Child,
    ChildGroupObjectPermission,
    ChildUserObjectPermission,
    Enrolment,
    Placement,
    PlannedSchoolMove,
    SocialWorkerAllocation,
)
from children.upn import upn_check_letter
from tests.accounts.factories import SchoolFactory, UserFactory, VirtualSchoolFactory

FAKE = Faker("en_GB")


def _plain(name: str) -> str:
    return name.replace("'", "").replace("-", " ")


def _upn(n: int) -> str:
    body = f"9902001{n:05d}"
    return upn_check_letter(body) + body


class ChildFactory(factory.django.DjangoModelFactory):
    """A child, created by the service so their Virtual School's staff see them."""

    class Meta:
        model = Child

    virtual_school = factory.SubFactory(VirtualSchoolFactory)
    # Plain names: tests look for them in HTML, where an apostrophe (O'Brien) is escaped.
    legal_first_name = factory.LazyFunction(lambda: _plain(FAKE.first_name()))
    legal_last_name = factory.LazyFunction(lambda: _plain(FAKE.last_name()))
    date_of_birth = date(2015, 3, 14)
    gender = Child.Gender.FEMALE
    upn = factory.Sequence(_upn)
    council_child_id = factory.Sequence(lambda n: f"C{n:06d}")
    date_entered_care = date(2024, 5, 1)
    legal_status = Child.LegalStatus.FULL_CARE_ORDER

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.child_create(actor=None, **kwargs)


class _ServiceFactory(factory.django.DjangoModelFactory):
    """Facts are made by the services production uses, so access follows them as it would."""

    class Meta:
        abstract = True

    actor = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cls._service(**kwargs)


class EnrolmentFactory(_ServiceFactory):
    class Meta:
        model = Enrolment

    child = factory.SubFactory(ChildFactory)
    school = factory.SubFactory(SchoolFactory)
    start_date = date(2025, 9, 3)

    @staticmethod
    def _service(**kwargs):
        return services.enrolment_start(**kwargs)


class SocialWorkerAllocationFactory(_ServiceFactory):
    class Meta:
        model = SocialWorkerAllocation

    child = factory.SubFactory(ChildFactory)
    social_worker = factory.SubFactory(
        UserFactory,
        role=Role.SOCIAL_WORKER,
        virtual_school=factory.SelfAttribute("..child.virtual_school"),
    )
    start_date = date(2025, 9, 3)

    @staticmethod
    def _service(**kwargs):
        return services.child_transfer_case(**kwargs)


class PlacementFactory(_ServiceFactory):
    class Meta:
        model = Placement

    child = factory.SubFactory(ChildFactory)
    placement_type = Placement.PlacementType.FOSTER_CARE
    carers = factory.LazyFunction(lambda: [UserFactory(role=Role.CARER)])
    start_date = date(2025, 9, 3)

    @staticmethod
    def _service(**kwargs):
        return services.placement_start(**kwargs)


class AccessGrantFactory(_ServiceFactory):
    class Meta:
        model = AccessGrant

    child = factory.SubFactory(ChildFactory)
    grantee = factory.SubFactory(UserFactory, role=Role.REVIEWING_OFFICER)
    reason = "Care plan review"
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    actor = factory.SubFactory(
        UserFactory,
        role=Role.VIRTUAL_SCHOOL_OFFICER,
        virtual_school=factory.SelfAttribute("..child.virtual_school"),
    )

    @staticmethod
    def _service(**kwargs):
        return services.access_grant_create(**kwargs)


class ChildUserObjectPermissionFactory(factory.django.DjangoModelFactory):
    """A raw permission row, as an import might leave one: only for testing repairs."""

    class Meta:
        model = ChildUserObjectPermission

    content_object = factory.SubFactory(ChildFactory)
    user = factory.SubFactory(UserFactory)
    permission = factory.LazyFunction(
        lambda: Permission.objects.get(content_type__app_label="children", codename="view_child")
    )


class ChildGroupObjectPermissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChildGroupObjectPermission

    content_object = factory.SubFactory(ChildFactory)
    group = factory.LazyFunction(lambda: Group.objects.get_or_create(name="A stray group")[0])
    permission = factory.LazyFunction(
        lambda: Permission.objects.get(content_type__app_label="children", codename="view_child")
    )


class PlannedSchoolMoveFactory(_ServiceFactory):
    """A move known in advance, planned through the service."""

    class Meta:
        model = PlannedSchoolMove

    child = factory.SubFactory(ChildFactory)
    school = factory.SubFactory(SchoolFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    actor = factory.SubFactory(
        UserFactory,
        role=Role.VIRTUAL_SCHOOL_OFFICER,
        virtual_school=factory.SelfAttribute("..child.virtual_school"),
    )

    @staticmethod
    def _service(**kwargs):
        return services.school_move_plan(**kwargs)
