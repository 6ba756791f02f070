"""Bad input to the services: a clear message on the right field, and nothing saved."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEvent
from children import access, services
from children.models import Child, Enrolment, Placement, SocialWorkerAllocation
from tests.accounts.factories import SchoolFactory, UserFactory
from tests.children.factories import ChildFactory

TODAY = timezone.localdate


def _refused(field, call, **kwargs):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    assert field in error.value.message_dict, error.value.message_dict
    assert AuditEvent.objects.count() == before
    return error.value.message_dict[field][0]


def test_a_birth_date_in_the_future_is_refused(world):
    message = _refused(
        "date_of_birth",
        services.child_update,
        actor=world.vs_officer,
        child=world.child,
        date_of_birth=TODAY() + timedelta(days=1),
    )
    assert message == "The date of birth must be today or in the past"
    world.child.refresh_from_db()
    assert world.child.date_of_birth < TODAY()


def test_an_invalid_upn_is_refused(world):
    _refused(
        "upn", services.child_update, actor=world.vs_officer, child=world.child, upn="A801200005001"
    )


def test_a_duplicate_upn_is_refused(world):
    other = ChildFactory(virtual_school=world.virtual_school)
    _refused("upn", services.child_update, actor=world.vs_officer, child=other, upn=world.child.upn)


def test_entering_care_before_birth_is_refused(world):
    _refused(
        "date_entered_care",
        services.child_update,
        actor=world.vs_officer,
        child=world.child,
        date_entered_care=world.child.date_of_birth - timedelta(days=1),
    )


def test_an_end_before_the_start_is_refused(world):
    message = _refused(
        "end_date",
        services.enrolment_end,
        actor=world.vs_officer,
        enrolment=world.enrolment,
        end_date=world.enrolment.start_date - timedelta(days=1),
    )
    assert message == "The end date must be on or after the start date"
    world.enrolment.refresh_from_db()
    assert world.enrolment.end_date is None


def test_two_current_schools_are_refused(world):
    message = _refused(
        "start_date",
        services.enrolment_start,
        actor=world.vs_officer,
        child=world.child,
        school=SchoolFactory(),
        start_date=TODAY(),
    )
    assert message == "The child already has a current school: end it first"
    assert Enrolment.objects.filter(child=world.child).count() == 1


def test_an_earlier_school_that_overlaps_is_refused(world):
    _refused(
        "start_date",
        services.enrolment_start,
        actor=world.vs_officer,
        child=world.child,
        school=SchoolFactory(),
        start_date=world.enrolment.start_date - timedelta(days=30),
        end_date=world.enrolment.start_date + timedelta(days=1),
    )


def test_an_earlier_school_that_ends_when_the_next_starts_is_history(world):
    services.enrolment_start(
        actor=world.vs_officer,
        child=world.child,
        school=SchoolFactory(),
        start_date=date(2023, 9, 1),
        end_date=world.enrolment.start_date,
    )
    assert world.child.enrolments.count() == 2


def test_a_school_move_that_starts_before_the_current_school_is_refused_whole(world):
    _refused(
        "start_date",
        services.enrolment_start,
        actor=world.vs_officer,
        child=world.child,
        school=SchoolFactory(),
        start_date=world.enrolment.start_date - timedelta(days=1),
        replaces_current=True,
    )
    world.enrolment.refresh_from_db()
    assert world.enrolment.end_date is None  # the current school was not ended halfway


def test_overlapping_placements_are_refused(world):
    _refused(
        "start_date",
        services.placement_start,
        actor=world.vs_officer,
        child=world.child,
        placement_type=Placement.PlacementType.KINSHIP,
        carers=[],
        start_date=TODAY(),
    )
    assert Placement.objects.filter(child=world.child).count() == 1


def test_overlapping_allocations_are_refused(world):
    """A transfer dated before the current allocation began would overlap it."""
    _refused(
        "start_date",
        services.child_transfer_case,
        actor=world.vs_officer,
        child=world.child,
        social_worker=world.other_social_worker,
        start_date=world.allocation.start_date - timedelta(days=1),
    )
    assert SocialWorkerAllocation.objects.filter(
        child=world.child, end_date__isnull=True
    ).get() == (world.allocation)


def test_transfer_to_a_social_worker_of_another_council_is_refused(world):
    stranger = UserFactory(role=Role.SOCIAL_WORKER)
    _refused(
        "social_worker",
        services.child_transfer_case,
        actor=world.vs_officer,
        child=world.child,
        social_worker=stranger,
    )


def test_only_carers_can_be_carers(world):
    _refused(
        "carers",
        services.placement_start,
        actor=world.vs_officer,
        child=world.child,
        placement_type=Placement.PlacementType.KINSHIP,
        carers=[world.designated_teacher],
        start_date=TODAY(),
        replaces_current=True,
    )
    world.placement.refresh_from_db()
    assert world.placement.end_date is None


@pytest.mark.parametrize(("days", "field"), [(-1, "expires_on"), (400, "expires_on")])
def test_grant_dates_are_checked(world, days, field):
    _refused(
        field,
        services.access_grant_create,
        actor=world.vs_officer,
        child=world.child,
        grantee=world.other_social_worker,
        reason="Cover",
        expires_on=TODAY() + timedelta(days=days),
    )


def test_carers_cannot_be_granted_the_record(world):
    _refused(
        "grantee",
        services.access_grant_create,
        actor=world.vs_officer,
        child=world.child,
        grantee=world.other_carer,
        reason="Curious",
        expires_on=TODAY(),
    )


def test_ending_something_already_ended_is_refused(world):
    services.placement_end(actor=world.vs_officer, placement=world.placement, end_date=TODAY())
    _refused(
        "end_date",
        services.placement_end,
        actor=world.vs_officer,
        placement=world.placement,
        end_date=TODAY(),
    )


def test_child_create_stores_a_normalised_upn(world):
    child = services.child_create(
        actor=world.vs_officer,
        virtual_school=world.virtual_school,
        legal_first_name="Leo",
        legal_last_name="Patel",
        date_of_birth=date(2016, 1, 2),
        gender=Child.Gender.MALE,
        upn="b801 2000 05001",
        council_child_id="X1",
        date_entered_care=date(2024, 1, 1),
        legal_status=Child.LegalStatus.SECTION_20,
    )
    assert child.upn == "B801200005001"


def test_a_period_covers_the_days_from_its_start_until_the_day_it_ended(world):
    from children.models import Enrolment, Period

    enrolment = world.enrolment
    start = enrolment.start_date
    Enrolment.objects.filter(pk=enrolment.pk).update(end_date=start + timedelta(days=10))
    covering = Enrolment.objects.filter(pk=enrolment.pk)
    assert not covering.filter(Period.covering(start - timedelta(days=1))).exists()
    assert covering.filter(Period.covering(start)).exists()
    assert covering.filter(Period.covering(start + timedelta(days=9))).exists()
    assert not covering.filter(Period.covering(start + timedelta(days=10))).exists()


def _westshire(world, role, **extra):
    return UserFactory(role=role, virtual_school=world.other_vs_officer.virtual_school, **extra)


def _grant(world, grantee, *, actor=None, **extra):
    return dict(
        actor=actor or world.vs_officer, child=world.child, grantee=grantee,
        reason="Care plan review", expires_on=TODAY() + timedelta(days=7), **extra,
    )  # fmt: skip


def test_an_officer_cannot_grant_a_social_worker_of_another_council(world):
    westshire = _westshire(world, Role.SOCIAL_WORKER)
    message = _refused("grantee", services.access_grant_create, **_grant(world, westshire))
    assert message.startswith("This person works outside the child's Virtual School and school")
    assert not access.user_has_child_permission(user=westshire, child=world.child)


def test_an_officer_cannot_grant_a_teacher_of_another_school(world):
    _refused("grantee", services.access_grant_create, **_grant(world, world.other_school_teacher))


def test_an_officer_cannot_approve_an_exception_themselves(world):
    westshire = _westshire(world, Role.SOCIAL_WORKER)
    _refused(
        "exception_approved",
        services.access_grant_create,
        **_grant(world, westshire, exception_approved=True),
    )


def test_another_councils_head_cannot_approve_an_exception_for_this_child(world):
    other_head = UserFactory(
        role=Role.VIRTUAL_SCHOOL_HEAD, virtual_school=world.other_vs_officer.virtual_school
    )
    _refused(
        "exception_approved",
        services.access_grant_create,
        **_grant(world, world.other_school_teacher, actor=other_head, exception_approved=True),
    )


def test_the_head_approves_an_exception_and_it_is_audited(world):
    westshire = _westshire(world, Role.SOCIAL_WORKER)
    message = _refused(
        "grantee", services.access_grant_create, **_grant(world, westshire, actor=world.vs_head)
    )
    assert "say that you approve the exception" in message
    grant = services.access_grant_create(
        **_grant(world, westshire, actor=world.vs_head, exception_approved=True)
    )
    assert grant.exception_approved_by == world.vs_head
    assert access.user_has_child_permission(user=westshire, child=world.child)
    event = AuditEvent.objects.get(action="access_grant.exception_approved")
    assert event.actor == world.vs_head and event.child == world.child
    assert event.changes["exception_approved_by"] == [None, world.vs_head.pk]


@pytest.mark.parametrize(
    "grantee", ["reviewing_officer", "other_social_worker", "designated_teacher"]
)
def test_reviewing_officers_and_the_childs_own_staff_need_no_exception(world, grantee):
    grant = services.access_grant_create(**_grant(world, getattr(world, grantee)))
    assert grant.exception_approved_by is None
    assert AuditEvent.objects.filter(
        action="access_grant.created", object_id=str(grant.pk)
    ).exists()
