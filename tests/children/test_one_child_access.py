"""The one-child check (`user_has_child_permission_id`) answers as the whole scope does, for
every persona, permission and child, on the day a grant ends and the day after."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from children.access import (
    CHANGE,
    SIGNED_OFF_PEPS,
    VIEW,
    _child_ids_with,
    children_with_permission,
    user_has_child_permission_id,
)
from children.models import Child
from tests.conftest import PERSONAS
from tests.meetings.factories import MeetingFactory
from tests.peps.factories import DraftPepFactory


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
            if person.is_authenticated:
                # The same rows as the ORM gives for the union it was compiled from.
                through_user, through_groups = _child_ids_with(
                    person.pk, codename, timezone.localdate()
                )
                union = through_user.union(through_groups)
                assert scope == {row["content_object_id"] for row in union}
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


def test_a_missing_object_and_someone_elses_cost_the_same_queries(client, world):
    """Neither the queries nor the answer tell a child, PEP or meeting that does not exist from
    one that belongs to someone else."""
    pep = DraftPepFactory(child=world.child)
    meeting = MeetingFactory(pep=pep)
    client.force_login(world.people["other_vs_officer"])
    pairs = [
        ("children:detail", world.child.pk),
        ("peps:overview", pep.pk),
        ("meetings:detail", meeting.pk),
    ]
    for name, object_id in pairs:
        counts = []
        for asked in (object_id, object_id + 10_000, 2**64):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse(name, args=[asked]))
            assert response.status_code == 404, (name, asked)
            counts.append(len(queries))
        assert counts[0] == counts[1], (name, counts)
