"""The one-child check (`user_has_child_permission_id`) answers as the whole scope does, for
every persona, permission and child, on the day a grant ends and the day after."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from children.access import (
    CHANGE,
    SIGNED_OFF_PEPS,
    VIEW,
    children_with_permission,
    user_has_child_permission_id,
)
from children.models import Child
from tests.conftest import PERSONAS


def _agree(world):
    children = list(Child.objects.values_list("pk", flat=True))
    checked = 0
    for name in PERSONAS:
        person = world.people[name] or AnonymousUser()
        for codename in (VIEW, CHANGE, SIGNED_OFF_PEPS):
            scope = set(
                children_with_permission(user=person, codename=codename).values_list(
                    "pk", flat=True
                )
            )
            for child_id in [*children, max(children) + 1]:
                one = user_has_child_permission_id(
                    user=person, child_id=child_id, codename=codename
                )
                assert one == (child_id in scope), (name, codename, child_id)
                checked += one
    return checked


def test_the_one_child_check_agrees_with_the_scope(world):
    assert _agree(world) > 0
    assert user_has_child_permission_id(user=world.people["vs_officer"], child_id=world.child.pk)
    assert user_has_child_permission_id(
        user=world.people["carer"], child_id=world.child.pk, codename=SIGNED_OFF_PEPS
    )
    assert not user_has_child_permission_id(user=world.people["carer"], child_id=world.child.pk)


@pytest.mark.parametrize("days_after", [0, 1])
def test_they_agree_on_the_day_a_grant_ends_and_after(world, days_after):
    expiry = world.grant.expires_on
    with time_machine.travel(expiry + timedelta(days=days_after)):
        _agree(world)
        assert user_has_child_permission_id(
            user=world.people["reviewing_officer"], child_id=world.child.pk
        ) == (days_after == 0)


def test_nobody_inactive_reaches_a_child(world):
    officer = world.people["vs_officer"]
    officer.is_active = False
    assert not user_has_child_permission_id(user=officer, child_id=world.child.pk)
