import uuid

import factory
from faker import Faker

from accounts.models import (
    ApiToken,
    FormSubmission,
    Role,
    School,
    SchoolMembership,
    User,
    VirtualSchool,
)
from accounts.services import user_create

TEST_PASSWORD = "correct-horse-battery-staple"
FAKE = Faker("en_GB")


class VirtualSchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VirtualSchool

    name = factory.Sequence(lambda n: f"Virtual School {n}")
    council = factory.Sequence(lambda n: f"Council {n}")
    local_authority_code = factory.Sequence(lambda n: f"{800 + n % 200:03d}")
    email = factory.Sequence(lambda n: f"virtual.school{n}@example.org")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    urn = factory.Sequence(lambda n: f"{100000 + n:06d}")
    name = factory.Sequence(lambda n: f"School {n}")
    council = "Northshire County Council"
    phase = School.Phase.SECONDARY


class UserFactory(factory.django.DjangoModelFactory):
    """A person with a role, made by the same service production uses (so groups match)."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.LazyFunction(lambda: FAKE.name().replace("'", ""))
    role = Role.SOCIAL_WORKER
    password = TEST_PASSWORD
    virtual_school = factory.Maybe(
        factory.LazyAttribute(
            lambda o: (
                o.role
                in (Role.SOCIAL_WORKER, Role.VIRTUAL_SCHOOL_OFFICER, Role.VIRTUAL_SCHOOL_HEAD)
            )
        ),
        yes_declaration=factory.SubFactory(VirtualSchoolFactory),
        no_declaration=None,
    )

    @classmethod
    def _create(cls, model_class, *args, schools=(), **kwargs):
        return user_create(schools=schools, **kwargs)


class SchoolMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolMembership

    user = factory.SubFactory(UserFactory, role=Role.DESIGNATED_TEACHER)
    school = factory.SubFactory(SchoolFactory)


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """An API token for a Virtual School, made by the service production uses. The token
    itself is on the object as `.token` (it is not kept)."""

    class Meta:
        model = ApiToken

    name = "Mosaic"
    virtual_school = factory.SubFactory(VirtualSchoolFactory)

    @classmethod
    def _create(cls, model_class, *args, virtual_school, name, **kwargs):
        from exchange.api.tokens import api_token_create

        row, token = api_token_create(virtual_school=virtual_school, name=name)
        row.token = token
        return row


class FormSubmissionFactory(factory.django.DjangoModelFactory):
    """The one-off token of a form that made a change (its time is when it is created)."""

    class Meta:
        model = FormSubmission

    token = factory.LazyFunction(uuid.uuid4)
    user = factory.SubFactory(UserFactory)
    outcome_url = "/children/"
