from datetime import timedelta

import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from children import services
from children.access import access_sync_child, children_with_permission, user_has_child_permission
from children.models import ChildGroupObjectPermission, ChildUserObjectPermission
from tests.accounts.factories import SchoolFactory, UserFactory
from tests.children.factories import (
    ChildGroupObjectPermissionFactory,
    ChildUserObjectPermissionFactory,
)


def _status(client, user, child):
    client.force_login(user)
    return client.get(reverse("children:detail", args=[child.pk])).status_code


def test_transfer_takes_access_from_the_old_social_worker_at_once(client, world):
    old = world.allocated_social_worker
    new = world.other_social_worker
    assert _status(client, old, world.child) == 200
    services.child_transfer_case(actor=world.vs_officer, child=world.child, social_worker=new)
    assert _status(client, old, world.child) == 404
    assert _status(client, new, world.child) == 200
    world.allocation.refresh_from_db()
    assert world.allocation.end_date == timezone.localdate()


def test_transfer_emails_the_new_social_worker_without_naming_the_child(
    world, django_capture_on_commit_callbacks
):
    new = world.other_social_worker
    with django_capture_on_commit_callbacks(execute=True):
        services.child_transfer_case(actor=world.vs_officer, child=world.child, social_worker=new)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [new.email]
    assert world.child.legal_first_name not in message.body + message.subject
    assert world.child.legal_last_name not in message.body + message.subject
    assert f"/children/{world.child.pk}/" in message.body


def test_a_school_move_moves_the_teachers_access(client, world):
    new_school = SchoolFactory()
    new_teacher = UserFactory(role=Role.DESIGNATED_TEACHER, schools=[new_school])
    assert _status(client, new_teacher, world.child) == 404
    services.enrolment_start(
        actor=world.vs_officer,
        child=world.child,
        school=new_school,
        start_date=timezone.localdate(),
        replaces_current=True,
    )
    assert _status(client, world.designated_teacher, world.child) == 404
    assert _status(client, new_teacher, world.child) == 200


def test_a_teacher_who_joins_the_school_sees_its_children(client, world):
    from accounts.services import user_sync_groups

    teacher = UserFactory(role=Role.DESIGNATED_TEACHER)
    assert _status(client, teacher, world.child) == 404
    teacher.school_memberships.create(school=world.school)
    user_sync_groups(user=teacher)
    assert _status(client, teacher, world.child) == 200


def test_ending_the_placement_takes_the_carers_access(world):
    assert world.child in world.carer.placements.first().child.__class__.objects.filter(
        pk__in=children_with_permission(user=world.carer, codename="view_signed_off_peps")
    )
    services.placement_end(
        actor=world.vs_officer, placement=world.placement, end_date=timezone.localdate()
    )
    assert not children_with_permission(user=world.carer, codename="view_signed_off_peps").exists()


def test_carers_never_see_the_childs_record(client, world):
    assert _status(client, world.carer, world.child) == 404


def test_a_grant_stops_the_day_after_it_expires(client, world):
    expiry = world.grant.expires_on
    with time_machine.travel(expiry):
        assert _status(client, world.reviewing_officer, world.child) == 200
    with time_machine.travel(expiry + timedelta(days=1)):
        assert _status(client, world.reviewing_officer, world.child) == 404


def test_revoking_a_grant_stops_access_at_once(client, world):
    services.access_grant_revoke(actor=world.vs_officer, grant=world.grant)
    assert _status(client, world.reviewing_officer, world.child) == 404


def test_a_grant_to_someone_who_already_has_access_never_shortens_it(world):
    sw = world.allocated_social_worker
    services.access_grant_create(
        actor=world.vs_officer,
        child=world.child,
        grantee=sw,
        reason="Cover",
        expires_on=timezone.localdate(),
    )
    row = ChildUserObjectPermission.objects.get(user=sw, content_object=world.child)
    assert row.expires_on is None


def test_expired_rows_are_removed_by_the_housekeeping_job(world):
    from children.tasks import remove_expired_access

    assert ChildUserObjectPermission.objects.filter(user=world.expired_reviewing_officer).exists()
    remove_expired_access.delay()
    assert not ChildUserObjectPermission.objects.filter(
        user=world.expired_reviewing_officer
    ).exists()
    assert user_has_child_permission(user=world.reviewing_officer, child=world.child)


def test_sync_removes_expired_rows_then_has_nothing_to_change(world):
    first = access_sync_child(child=world.child)
    assert first.removed == [
        f"user {world.expired_reviewing_officer.pk} view_child on child {world.child.pk}"
    ]
    assert not access_sync_child(child=world.child)


def test_rebuild_repairs_stray_and_missing_rows_and_reports(world, capsys):
    access_sync_child(child=world.child)  # clears the expired grant's row first
    stray = ChildUserObjectPermissionFactory(content_object=world.child)
    ChildGroupObjectPermissionFactory(content_object=world.child)
    ChildUserObjectPermission.objects.filter(user=world.allocated_social_worker).delete()
    call_command("rebuild_access")
    output = capsys.readouterr().out
    assert "2 removed" in output
    assert "1 added" in output
    assert not ChildUserObjectPermission.objects.filter(pk=stray.pk).exists()
    assert user_has_child_permission(user=world.allocated_social_worker, child=world.child)
    assert not ChildGroupObjectPermission.objects.filter(group__name="A stray group").exists()
    call_command("rebuild_access")
    assert "Nothing to change" in capsys.readouterr().out


def test_other_virtual_schools_staff_see_none_of_this_child(world):
    assert (
        not children_with_permission(user=world.other_vs_officer).filter(pk=world.child.pk).exists()
    )


def test_an_inactive_user_sees_nothing(world):
    world.vs_officer.is_active = False
    assert not children_with_permission(user=world.vs_officer).exists()
