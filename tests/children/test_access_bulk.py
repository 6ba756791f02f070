"""`access_sync_children`, the bulk form an import uses, gives the rows `access_sync_child`
gives, and repairs the same damage."""

from children.access import access_sync_child, access_sync_children
from children.models import ChildGroupObjectPermission, ChildUserObjectPermission


def _rows(child_ids):
    users = set(ChildUserObjectPermission.objects.filter(content_object_id__in=child_ids)
                .values_list("content_object_id", "user_id", "permission__codename",
                             "expires_on"))  # fmt: skip
    groups = set(ChildGroupObjectPermission.objects.filter(content_object_id__in=child_ids)
                 .values_list("content_object_id", "group_id", "permission__codename"))  # fmt: skip
    return users, groups


def test_bulk_sync_matches_the_one_child_rule(world):
    child = world.child
    access_sync_children(child_ids=[child.pk])  # drops the row of the grant that expired
    expected = _rows([child.pk])
    assert expected[0] and expected[1]
    # Damage: a stray row, a missing row, a wrong expiry.
    ChildUserObjectPermission.objects.filter(content_object=child).first().delete()
    ChildGroupObjectPermission.objects.filter(content_object=child).first().delete()
    stray = world.other_carer
    ChildUserObjectPermission.objects.create(
        user=stray, permission=ChildUserObjectPermission.objects.first().permission,
        content_object=child,
    )  # fmt: skip
    changed = access_sync_children(child_ids=[child.pk])
    assert changed == 3
    assert _rows([child.pk]) == expected
    assert access_sync_children(child_ids=[child.pk]) == 0
    assert not access_sync_child(child=child)  # the one-child rule agrees: nothing to do
