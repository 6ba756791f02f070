"""The same form posted many times at once makes one change. Run for real: each post in its own
thread with its own database connection, released together, against committed data."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from children.models import Placement
from meetings.models import Invitation, Meeting
from peps.clock.calendar import SchoolCalendar
from tests.helpers import date_fields

pytestmark = pytest.mark.django_db(transaction=True)


def _all_at_once(user, url, data, times):
    """Post the same data `times` times at once, as `user`; the status codes."""
    clients = []
    for _ in range(times):
        client = Client()
        client.force_login(user)
        clients.append(client)
    start = threading.Barrier(times)
    statuses, failures = [], []

    def post(client):
        try:
            start.wait()
            statuses.append(client.post(url, data).status_code)
        except Exception as error:  # noqa: BLE001 - reported below, in the test's thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    return statuses


def _meeting_form(world):
    day = SchoolCalendar.for_virtual_school(world.virtual_school.pk).next_school_day(
        timezone.localdate() + timedelta(days=1)
    )
    return {
        **date_fields("day", day),
        "start_time": "10:00",
        "duration_minutes": "60",
        "mode": "in_person",
        "location": "School, room 2",
        "designated_teacher_name": "Dana",
        "designated_teacher_email": world.designated_teacher.email,
        "carer_name": "Jo",
        "carer_email": world.carer.email,
        "submission_token": str(uuid.uuid4()),
    }


def test_twenty_identical_posts_arrange_one_meeting_and_one_set_of_invitations(world, pep):
    url = reverse("meetings:schedule", args=[pep.pk])
    statuses = _all_at_once(world.allocated_social_worker, url, _meeting_form(world), 20)
    assert statuses == [302] * 20  # each is sent to the meeting, none sees an error
    assert Meeting.objects.filter(pep=pep).count() == 1
    assert Invitation.objects.filter(meeting__pep=pep).count() == 2
    invitations = [m for m in mail.outbox if m.subject == "Invitation: PEP meeting"]
    # One each for the two invitees, and the chair's own copy.
    assert sorted(m.to[0] for m in invitations) == sorted(
        [world.designated_teacher.email, world.carer.email, world.allocated_social_worker.email]
    ), [(m.subject, m.to) for m in mail.outbox]


def test_thirty_identical_posts_add_one_placement(world):
    url = reverse("children:placement_add", args=[world.child.pk])
    data = {
        "placement_type": "kinship",
        "carer_email": world.other_carer.email,
        **date_fields("start_date", timezone.localdate()),
        "replaces_current": "on",
        "submission_token": str(uuid.uuid4()),
    }
    statuses = _all_at_once(world.vs_officer, url, data, 30)
    assert statuses == [302] * 30
    placements = Placement.objects.filter(child=world.child)
    assert placements.count() == 2  # the one it replaced, and the new one
    assert placements.filter(end_date__isnull=True).get().carers.get() == world.other_carer


def test_two_different_arrangements_at_once_make_one_meeting_and_ask_the_other(world, pep):
    """Two tabs (two tokens) at once: the PEP's lock and the open-meeting rule leave one."""
    url = reverse("meetings:schedule", args=[pep.pk])
    first, second = Client(), Client()
    for client in (first, second):
        client.force_login(world.allocated_social_worker)
    first.post(url, _meeting_form(world))
    html = second.post(url, _meeting_form(world)).content.decode()
    assert "This PEP already has a meeting arranged for" in html
    assert Meeting.objects.filter(pep=pep).count() == 1
    confirmed = second.post(url, {**_meeting_form(world), "another_confirmed": "on"})
    assert confirmed.status_code == 302
    assert Meeting.objects.filter(pep=pep).count() == 2


def test_a_refused_post_can_be_corrected_and_sent_with_the_same_token(client, world, pep):
    client.force_login(world.allocated_social_worker)
    url = reverse("meetings:schedule", args=[pep.pk])
    data = _meeting_form(world)
    refused = client.post(url, {**data, "carer_email": ""})
    assert refused.status_code == 200 and not Meeting.objects.exists()
    assert client.post(url, data).status_code == 302
    assert Meeting.objects.filter(pep=pep).count() == 1


def test_the_same_target_form_sent_twice_adds_one_target(client, world, pep):
    from tests.peps.test_pages import TARGET

    client.force_login(world.designated_teacher)
    url = reverse("peps:target_add", args=[pep.pk])
    data = {
        **TARGET,
        **date_fields("due_by", pep.term.end_date),
        "submission_token": str(uuid.uuid4()),
    }
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True)
    assert "This form had already been sent, so nothing was saved twice" in again.content.decode()
    assert pep.targets.count() == 1
    # A new form (a new token) adds another target, as it should.
    assert client.post(url, {**data, "submission_token": str(uuid.uuid4())}).status_code == 302
    assert pep.targets.count() == 2


def test_the_same_action_form_sent_twice_adds_one_action(client, world, pep):
    client.force_login(world.allocated_social_worker)
    meeting = Meeting.objects.create(
        pep=pep,
        starts_at=timezone.now() + timedelta(days=1),
        location="School",
        created_by=world.allocated_social_worker,
    )
    url = reverse("meetings:action_add", args=[meeting.pk])
    data = {
        "description": "Book the reading assessment",
        "owner": "Class teacher",
        **date_fields("due_date", pep.term.end_date),
        "submission_token": str(uuid.uuid4()),
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert meeting.actions.count() == 1
