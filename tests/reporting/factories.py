import factory

from accounts.models import Role
from peps.models import QualityReview
from reporting.models import ModerationRound, ModerationSample
from tests.accounts.factories import UserFactory, VirtualSchoolFactory
from tests.peps.factories import QualityReviewFactory, SignedOffPepFactory, TermFactory


class ModerationRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModerationRound

    virtual_school = factory.SubFactory(VirtualSchoolFactory)
    term = factory.SubFactory(TermFactory, virtual_school=factory.SelfAttribute("..virtual_school"))
    share_percent = 10
    seed = factory.LazyAttribute(lambda o: f"moderation:{o.virtual_school.pk}:{o.term.pk}")
    drawn_by = factory.SubFactory(
        UserFactory,
        role=Role.VIRTUAL_SCHOOL_HEAD,
        virtual_school=factory.SelfAttribute("..virtual_school"),
    )


class ModerationSampleFactory(factory.django.DjangoModelFactory):
    """A PEP of the round's term, signed off by its first rater with these section ratings."""

    class Meta:
        model = ModerationSample

    class Params:
        first_ratings = {"case_details": "green", "child_views": "amber"}

    round = factory.SubFactory(ModerationRoundFactory)
    pep = factory.SubFactory(
        SignedOffPepFactory,
        child__virtual_school=factory.SelfAttribute("...round.virtual_school"),
        term=factory.SelfAttribute("..round.term"),
    )
    first_rater = factory.SubFactory(
        UserFactory,
        role=Role.VIRTUAL_SCHOOL_OFFICER,
        virtual_school=factory.SelfAttribute("..round.virtual_school"),
    )
    first_review = factory.SubFactory(
        QualityReviewFactory,
        pep=factory.SelfAttribute("..pep"),
        reviewer=factory.SelfAttribute("..first_rater"),
        decision=QualityReview.Decision.SIGNED_OFF,
        reason="",
        sections=[],
        section_ratings=factory.SelfAttribute("..first_ratings"),
    )
    second_rater = factory.SubFactory(
        UserFactory,
        role=Role.VIRTUAL_SCHOOL_OFFICER,
        virtual_school=factory.SelfAttribute("..round.virtual_school"),
    )
