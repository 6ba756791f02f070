from datetime import date

import factory
from django.utils import timezone

from peps.models import (
    AttainmentResult,
    EducationRecord,
    Pep,
    PepSettings,
    QualityReview,
    ReminderPreference,
    SectionAnswer,
    SectionComment,
    SignedOffCopy,
    Target,
    TargetReview,
    Term,
)
from tests.accounts.factories import UserFactory, VirtualSchoolFactory
from tests.children.factories import ChildFactory


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


class PepSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PepSettings

    virtual_school = factory.SubFactory(VirtualSchoolFactory)


class DraftPepFactory(factory.django.DjangoModelFactory):
    """A PEP in progress. The per-state factories below are test data only: in the product a
    PEP's state moves through `peps.workflow` alone."""

    class Meta:
        model = Pep

    child = factory.SubFactory(ChildFactory)
    kind = "school_age"
    term = factory.SubFactory(
        TermFactory, virtual_school=factory.SelfAttribute("..child.virtual_school")
    )
    version = factory.Sequence(lambda n: n + 1)
    state = Pep.State.DRAFT


class SchoolCompletePepFactory(DraftPepFactory):
    state = Pep.State.SCHOOL_COMPLETE
    school_completed_at = factory.LazyFunction(timezone.now)


class SubmittedPepFactory(SchoolCompletePepFactory):
    state = Pep.State.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class SignedOffPepFactory(SubmittedPepFactory):
    state = Pep.State.SIGNED_OFF
    signed_off_at = factory.LazyFunction(timezone.now)
    overall_rating = Pep.Rating.GREEN


class SectionAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SectionAnswer

    pep = factory.SubFactory(DraftPepFactory)
    section_key = "strengths_barriers"
    answers = factory.LazyFunction(lambda: {"strengths": "Kind", "barriers": "Reading"})
    version = 1


class SectionCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SectionComment

    pep = factory.SubFactory(DraftPepFactory)
    section_key = "attendance"
    author = factory.SubFactory(UserFactory)
    text = "Please add this term's attendance"


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    pep = factory.SubFactory(DraftPepFactory)
    area = Target.Area.ACADEMIC
    subject = "Maths"
    description = "Recall the 7 times table"
    baseline = "Up to 5"
    success_criteria = "Ten answers in a minute"
    actions = "Daily practice with a teaching assistant"
    owner = "Class teacher"
    due_by = date(2026, 12, 11)
    ppplus_amount = 0


class TargetReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TargetReview

    target = factory.SubFactory(TargetFactory)
    pep = factory.SubFactory(DraftPepFactory)


class QualityReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QualityReview

    pep = factory.SubFactory(SubmittedPepFactory)
    reviewer = factory.SubFactory(UserFactory)
    decision = QualityReview.Decision.RETURNED
    reason = "Add the child's views"
    sections = factory.LazyFunction(lambda: ["child_views"])


class SignedOffCopyFactory(factory.django.DjangoModelFactory):
    """A copy owed and not yet rendered: rendering it is `peps.documents.copies`' job."""

    class Meta:
        model = SignedOffCopy

    pep = factory.SubFactory(SignedOffPepFactory)


class ReminderPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReminderPreference

    user = factory.SubFactory(UserFactory)
    frequency = ReminderPreference.Frequency.WEEKLY


class EducationRecordFactory(factory.django.DjangoModelFactory):
    """Typed figures as `peps.education` would copy them from a PEP's answers."""

    class Meta:
        model = EducationRecord

    pep = factory.SubFactory(DraftPepFactory)
    child = factory.SelfAttribute("pep.child")
    term = factory.SelfAttribute("pep.term")
    possible_sessions = 120
    attended_sessions = 110
    authorised_absence_sessions = 6
    unauthorised_absence_sessions = 4
    attendance_percent = "91.7"
    persistently_absent = False
    severely_absent = False


class AttainmentResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttainmentResult

    pep = factory.SubFactory(DraftPepFactory)
    child = factory.SelfAttribute("pep.child")
    term = factory.SelfAttribute("pep.term")
    scale = "gcse"
    subject = "Maths"
    current = "4"
    current_rank = 3
