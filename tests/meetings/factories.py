from datetime import timedelta

import factory
from django.utils import timezone

from meetings.models import Attendance, Invitation, Meeting, MeetingAction, Participant
from tests.accounts.factories import UserFactory
from tests.peps.factories import DraftPepFactory


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    pep = factory.SubFactory(DraftPepFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    mode = Meeting.Mode.IN_PERSON
    location = "Riverside Primary School, meeting room 2"
    created_by = factory.SubFactory(UserFactory)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    meeting = factory.SubFactory(MeetingFactory)
    role = Invitation.Role.CARER
    name = "Jo Bennett"
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")


class MeetingActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingAction

    meeting = factory.SubFactory(MeetingFactory)
    description = "Book the reading assessment"
    owner = "Designated teacher"
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=21))


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    meeting = factory.SubFactory(MeetingFactory)
    role = Invitation.Role.PARENT
    name = "Lee Bennett"
    attendance = Attendance.WHOLE
