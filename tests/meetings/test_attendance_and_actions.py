"""Who took part in a PEP meeting and how (Enfield's rule), actions closed as done or dropped,
open actions reviewed at the next meeting, and the carer's view of the next meeting."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from meetings import services
from meetings.models import Invitation, Meeting, MeetingAction
from meetings.selectors import actions_to_follow_up
from peps import demo, workflow
from peps.clock.calendar import SchoolCalendar
from peps.models import Pep
from tests.children.factories import ChildFactory, PlacementFactory
from tests.conftest import PERSONAS
from tests.meetings.factories import (
    InvitationFactory,
    MeetingActionFactory,
    MeetingFactory,
    ParticipantFactory,
)

# Those who may see the world's child, and so its meetings; only the allocated social worker
# records them and closes their actions.
SEE = {"designated_teacher", "vs_officer", "vs_head", "reviewing_officer"}


def _when(world, hour=10, after_days=3):
    calendar = SchoolCalendar.for_virtual_school(world.virtual_school.pk)
    day = calendar.next_school_day(timezone.localdate() + timedelta(days=after_days - 1))
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _schedule(world, pep, *, invitees=None, after_days=3):
    return services.meeting_schedule(
        pep=pep,
        actor=world.allocated_social_worker,
        starts_at=_when(world, after_days=after_days),
        duration_minutes=60,
        mode="in_person",
        location="Riverside Primary School, room 2",
        another_confirmed=True,
        invitees=invitees
        or [
            services.Invitee("designated_teacher", "Dana Teacher", world.designated_teacher.email),
            services.Invitee("carer", "Jo Carer", world.carer.email),
        ],
    )


def _held(meeting):
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def held(world, pep):
    return _held(_schedule(world, pep))


def _lines(meeting, *, carer="absent", carer_reason="", child="views_sent", child_reason=""):
    teacher = meeting.invitations.get(role="designated_teacher")
    carer_row = meeting.invitations.get(role="carer")
    return [
        services.TookPart("designated_teacher", teacher.name, "whole", invitation_id=teacher.pk),
        services.TookPart("carer", carer_row.name, carer, carer_reason, invitation_id=carer_row.pk),
        services.TookPart("child", "Ava", child, child_reason),
    ]


def _record(world, meeting, lines, **overrides):
    arguments = {
        "meeting": meeting,
        "actor": world.allocated_social_worker,
        "chaired_by": "Sam Okafor",
        "took_part": lines,
        "notes": "Reading is the priority.",
    }
    return services.meeting_record(**{**arguments, **overrides})


# --- Attendance ---------------------------------------------------------------------------


def test_the_record_keeps_how_each_person_took_part_and_who_chaired(world, held):
    _record(
        world, held,
        _lines(held, carer_reason="At a hospital appointment", child_reason="Chose to write")
        + [services.TookPart("parent", "Lee Bennett", "part")],
    )  # fmt: skip
    held.refresh_from_db()
    assert held.chaired_by == "Sam Okafor" and held.recorded_at is not None
    rows = {p.name: (p.attendance, p.absence_reason, p.invited) for p in held.took_part()}
    assert rows == {
        "Dana Teacher": ("whole", "", True),
        "Jo Carer": ("absent", "At a hospital appointment", True),
        "Ava": ("views_sent", "Chose to write", False),
        "Lee Bennett": ("part", "", False),
    }
    carer = held.invitations.get(role="carer")
    assert carer.attended is False
    assert held.invitations.get(role="designated_teacher").attended is True
    event = AuditEvent.objects.get(action="meeting.recorded")
    assert event.changes["took_part_uninvited"] == [None, 2]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"child": "absent"}, "Enter why Ava did not attend"),
        ({"child": "views_sent"}, "Enter why Ava did not attend"),
        ({"carer": "absent", "child": "whole"}, "Enter why Jo Carer did not attend"),
        ({"carer": "views_sent", "child": "part"}, "Enter why Jo Carer did not attend"),
    ],
)
def test_enfields_rule_the_reason_when_the_child_or_carer_did_not_attend(
    world, held, change, message
):
    lines = _lines(held, **{"carer_reason": "", "child_reason": "", **change})
    if change.get("carer") is None:
        lines[1] = services.TookPart(**{**lines[1].__dict__, "absence_reason": "Unwell"})
    with pytest.raises(ValidationError) as refused:
        _record(world, held, lines)
    assert message in refused.value.messages
    held.refresh_from_db()
    assert held.recorded_at is None and held.participants.count() == 0
    assert set(held.invitations.values_list("attendance", flat=True)) == {""}


def test_a_professional_who_did_not_come_needs_no_reason(world, held):
    lines = _lines(held, carer="whole", child="part")
    lines[0] = services.TookPart(**{**lines[0].__dict__, "attendance": "absent"})
    _record(world, held, lines)
    assert held.invitations.get(role="designated_teacher").attendance == "absent"


def test_the_child_and_the_carer_are_always_on_the_record(world, held):
    teacher = held.invitations.get(role="designated_teacher")
    with pytest.raises(ValidationError) as refused:
        _record(
            world, held,
            [services.TookPart("designated_teacher", "Dana", "whole", invitation_id=teacher.pk)],
        )  # fmt: skip
    assert {"Record whether the child took part", "Record whether the carer took part"} <= set(
        refused.value.messages
    )


def test_a_line_for_another_meetings_invitation_is_refused(world, held):
    stranger = InvitationFactory()
    lines = _lines(held, carer="whole", child="whole")
    lines.append(services.TookPart("parent", "X", "whole", invitation_id=stranger.pk))
    with pytest.raises(ValidationError, match="was not invited"):
        _record(world, held, lines)


def test_recording_again_replaces_those_who_took_part_uninvited(world, held):
    _record(world, held, _lines(held, carer="whole", child="whole"))
    _record(world, held, _lines(held, carer="whole", child="part"))
    assert list(held.participants.values_list("name", "attendance")) == [("Ava", "part")]


def test_only_the_chair_records(world, held):
    with pytest.raises(PermissionDenied):
        _record(world, held, _lines(held, carer="whole", child="whole"),
                actor=world.designated_teacher)  # fmt: skip


def test_the_record_page_lists_the_child_and_carer_and_explains_each_mistake(client, world, pep):
    # The carer was not invited by email: a carer and the child are on the form all the same.
    meeting = _held(
        _schedule(
            world, pep,
            invitees=[
                services.Invitee("designated_teacher", "Dana", world.designated_teacher.email)
            ],
        )
    )  # fmt: skip
    client.force_login(world.allocated_social_worker)
    url = reverse("meetings:record", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "The child or young person (not invited by email)" in page
    assert "The carer (not invited by email)" in page
    assert world.child.display_name in page  # the child's name, filled in
    assert world.carer.full_name in page  # the carer placed with the child
    teacher = meeting.invitations.get()
    posted = {
        "chaired_by": "Sam Okafor",
        f"attendance_{teacher.pk}": "whole",
        "child_name": "Ava",
        "child_attendance": "views_sent",
        "child_absence": "",
        "carer_name": "Jo Bennett",
        "carer_attendance": "absent",
        "carer_absence": "",
        "other0_name": "Lee Bennett",
        "other0_role": "parent",
        "other0_attendance": "part",
        "notes": "Typed for forty minutes.",
    }
    html = client.post(url, posted).content.decode()
    assert "govuk-error-summary" in html
    assert "Enter why the child did not attend" in html
    assert "Enter why the carer did not attend" in html
    assert "Typed for forty minutes." in html and "Lee Bennett" in html  # input kept
    meeting.refresh_from_db()
    assert meeting.recorded_at is None
    posted |= {"child_absence": "Sent a drawing instead", "carer_absence": "Working"}
    response = client.post(url, posted)
    assert response.status_code == 302
    detail = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Did not attend, sent their views" in detail and "Sent a drawing instead" in detail
    assert "Attended part of the meeting" in detail and "Not invited by email" in detail
    assert "Chaired by Sam Okafor" in detail


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_record_a_meeting(as_persona, world, held, persona):
    client = as_persona(persona)
    url = reverse("meetings:record", args=[held.pk])
    got, posted = client.get(url).status_code, client.post(url, {}).status_code
    if persona == "anonymous":
        assert (got, posted) == (302, 302)
    elif persona == "allocated_social_worker":
        assert (got, posted) == (200, 200)  # the empty post is shown back with its errors
    elif persona in SEE:
        assert (got, posted) == (403, 403)
    else:
        assert (got, posted) == (404, 404)
    held.refresh_from_db()
    assert held.recorded_at is None


# --- Actions ------------------------------------------------------------------------------


def test_an_action_is_done_or_dropped_with_a_reason_and_never_closed_twice(world, held):
    done = MeetingActionFactory(meeting=held)
    dropped = MeetingActionFactory(meeting=held, description="Ask about the after-school club")
    sw = world.allocated_social_worker
    services.meeting_action_close(action=done, actor=sw, state="done")
    with pytest.raises(ValidationError) as refused:
        services.meeting_action_close(action=dropped, actor=sw, state="dropped")
    assert refused.value.message_dict == {"dropped_reason": ["Enter why the action is dropped"]}
    services.meeting_action_close(
        action=dropped, actor=sw, state="dropped", dropped_reason="The club has closed"
    )
    done.refresh_from_db()
    dropped.refresh_from_db()
    assert (done.state, done.completed_on, done.closed_by) == ("done", timezone.localdate(), sw)
    assert (dropped.state, dropped.dropped_reason) == ("dropped", "The club has closed")
    with pytest.raises(ValidationError, match="already done"):
        services.meeting_action_close(action=done, actor=sw, state="dropped", dropped_reason="x")
    with pytest.raises(ValidationError, match="done or dropped"):
        services.meeting_action_close(action=MeetingActionFactory(meeting=held), actor=sw,
                                      state="open")  # fmt: skip
    actions = list(AuditEvent.objects.filter(action__startswith="meeting.action_"))
    assert {e.action for e in actions} == {"meeting.action_done", "meeting.action_dropped"}
    assert all(e.child_id == world.child.pk for e in actions)


def test_only_the_childs_social_worker_closes_an_action(world, held):
    action = MeetingActionFactory(meeting=held)
    for someone in (world.designated_teacher, world.vs_officer, world.other_social_worker):
        with pytest.raises(PermissionDenied):
            services.meeting_action_close(action=action, actor=someone, state="done")
    action.refresh_from_db()
    assert action.state == "open"


def test_open_actions_are_reviewed_at_the_next_meeting_after_sign_off(world, pep, held):
    _record(world, held, _lines(held, carer="whole", child="whole"))
    sw = world.allocated_social_worker
    kept = services.meeting_action_add(
        meeting=held, actor=sw, description="Book a reading test", owner="Dana Teacher",
        due_date=timezone.localdate() + timedelta(days=14),
    )  # fmt: skip
    finished = services.meeting_action_add(
        meeting=held, actor=sw, description="Send the reading list", owner="Jo Carer",
        due_date=timezone.localdate() + timedelta(days=7),
    )  # fmt: skip
    services.meeting_action_close(action=finished, actor=sw, state="done")
    pep = demo.complete_and_submit(pep, teacher=world.designated_teacher, social_worker=sw)
    workflow.pep_sign_off(
        pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep), feedback=""
    )
    next_pep = Pep.objects.get(previous=pep)
    next_meeting = _schedule(world, next_pep, after_days=5)
    assert actions_to_follow_up(next_meeting) == [kept]
    # The PEP it was agreed in is signed off; the social worker still closes it there.
    services.meeting_action_close(action=kept, actor=sw, state="done")
    assert actions_to_follow_up(next_meeting) == []


def test_the_next_meetings_page_lists_open_actions_and_closes_them(client, world, pep, held):
    earlier = MeetingActionFactory(meeting=held, description="Book a reading test")
    MeetingActionFactory(meeting=held, description="Already sorted", state="done")
    Meeting.objects.filter(pk=held.pk).update(recorded_at=timezone.now())
    following = _schedule(world, pep, after_days=5)
    Meeting.objects.filter(pk=following.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    client.force_login(world.allocated_social_worker)
    page = client.get(reverse("meetings:detail", args=[following.pk])).content.decode()
    review = page.split("Open actions from earlier meetings")[-1]
    assert "Book a reading test" in review and "Already sorted" not in review
    response = client.post(
        reverse("meetings:action_drop", args=[earlier.pk]) + f"?back_to={following.pk}",
        {"dropped_reason": ""},
    )
    assert "Enter why the action is dropped" in response.content.decode()
    response = client.post(
        reverse("meetings:action_drop", args=[earlier.pk]) + f"?back_to={following.pk}",
        {"dropped_reason": "The school did the test already"},
    )
    assert response.url == reverse("meetings:detail", args=[following.pk])
    page = client.get(response.url).content.decode()
    assert "No actions from earlier meetings are open." in page
    first = client.get(reverse("meetings:detail", args=[held.pk])).content.decode()
    assert "Dropped" in first and "The school did the test already" in first


def test_closing_returns_to_the_meeting_it_was_agreed_at_unless_another_is_visible(
    client, world, held
):
    action = MeetingActionFactory(meeting=held)
    strangers = MeetingFactory()  # another child's meeting
    client.force_login(world.allocated_social_worker)
    response = client.post(
        reverse("meetings:action_done", args=[action.pk]), {"back_to": strangers.pk}
    )
    assert response.url == reverse("meetings:detail", args=[held.pk])


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_close_an_action(as_persona, world, held, persona):
    action = MeetingActionFactory(meeting=held)
    client = as_persona(persona)
    drop = reverse("meetings:action_drop", args=[action.pk])
    got = client.get(drop).status_code
    dropped = client.post(drop, {"dropped_reason": "Not needed"}).status_code
    action.refresh_from_db()
    state_after_drop = action.state
    MeetingAction.objects.filter(pk=action.pk).update(state="open", dropped_reason="")
    done = client.post(reverse("meetings:action_done", args=[action.pk])).status_code
    action.refresh_from_db()
    if persona == "anonymous":
        assert (got, dropped, done) == (302, 302, 302)
    elif persona == "allocated_social_worker":
        assert (got, dropped, done) == (200, 302, 302)
        assert (state_after_drop, action.state) == ("dropped", "done")
        return
    elif persona in SEE:
        assert (got, dropped, done) == (403, 403, 403)
    else:
        assert (got, dropped, done) == (404, 404, 404)
    assert (state_after_drop, action.state) == ("open", "open")


def test_an_action_of_someone_elses_child_is_not_found(client, world):
    action = MeetingActionFactory()  # a child with another social worker
    client.force_login(world.allocated_social_worker)
    assert client.post(reverse("meetings:action_done", args=[action.pk])).status_code == 404
    assert client.get(reverse("meetings:action_drop", args=[action.pk])).status_code == 404
    action.refresh_from_db()
    assert action.state == "open"


def test_the_meeting_page_takes_the_same_queries_however_many_take_part(
    client, world, pep, held, django_assert_max_num_queries
):
    following = _schedule(world, pep, after_days=5)
    client.force_login(world.allocated_social_worker)
    url = reverse("meetings:detail", args=[following.pk])
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    baseline = len(few.captured_queries)
    InvitationFactory.create_batch(6, meeting=following)
    ParticipantFactory.create_batch(4, meeting=following)
    MeetingActionFactory.create_batch(8, meeting=held)
    MeetingActionFactory.create_batch(8, meeting=following)
    with django_assert_max_num_queries(baseline):
        response = client.get(url)
    assert response.content.decode().count("Mark as done") == 16


# --- Inviting people without an account, and the carer's home page --------------------------


def test_a_carer_and_a_parent_without_accounts_are_invited_by_email(
    world, pep, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _schedule(
            world, pep,
            invitees=[
                services.Invitee("carer", "Pat Kinship", "pat.kinship@example.org"),
                services.Invitee("parent", "Lee Bennett", "lee.bennett@example.org"),
            ],
        )  # fmt: skip
    for address in ("pat.kinship@example.org", "lee.bennett@example.org"):
        (message,) = [m for m in mail.outbox if m.to == [address]]
        ((ics, mimetype),) = message.alternatives
        assert mimetype == "text/calendar; method=REQUEST"
        assert f"UID:{meeting.uid}@pep-portal" in ics
        assert "pat.kinship" not in ics or address.startswith("pat")  # only their own address
    assert not Invitation.objects.filter(meeting=meeting, email__in=[world.carer.email]).exists()


def test_the_schedule_page_says_an_invitee_needs_no_account(client, world, pep):
    client.force_login(world.allocated_social_worker)
    page = client.get(reverse("meetings:schedule", args=[pep.pk])).content.decode()
    assert "do not need an account" in page


def test_the_carers_home_shows_the_next_meeting_of_each_child(
    client, world, pep, terms, django_assert_max_num_queries
):
    later = _schedule(world, pep, after_days=8)
    sooner = services.meeting_schedule(
        pep=pep, actor=world.allocated_social_worker, starts_at=_when(world, after_days=4),
        duration_minutes=60, mode="online", online_link="https://meet.example.org/pep",
        invitees=[services.Invitee("carer", "Jo", world.carer.email)], another_confirmed=True,
    )  # fmt: skip
    cancelled = _schedule(world, pep, after_days=2)
    Meeting.objects.filter(pk=cancelled.pk).update(cancelled_at=timezone.now())
    # A second child placed with the same carer, with only a provisional date.
    second = ChildFactory(virtual_school=world.virtual_school, legal_first_name="Noah")
    PlacementFactory(child=second, carers=[world.carer])
    from peps import services as peps_services
    from tests.children.factories import SocialWorkerAllocationFactory

    SocialWorkerAllocationFactory(child=second)
    second_pep = peps_services.pep_start(child=second, actor=second.allocations.get().social_worker)
    Pep.objects.filter(pk=second_pep.pk).update(
        planned_meeting_date=timezone.localdate() + timedelta(days=20)
    )
    client.force_login(world.carer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("children:carer_home")).content.decode()
    when = timezone.localtime(sooner.starts_at)
    assert f"{when:%A} {when.day} {when:%B %Y} at {when:%H:%M}" in page
    assert "https://meet.example.org/pep" in page
    assert timezone.localtime(later.starts_at).strftime("%H:%M on") not in page
    assert "Provisionally" in page and "Noah" in page
    # The other carer sees neither child's meeting.
    client.force_login(world.other_carer)
    page = client.get(reverse("children:carer_home")).content.decode()
    assert "meet.example.org" not in page and world.child.display_name not in page


def test_the_carers_home_takes_the_same_queries_for_more_children(
    client, world, pep, django_assert_max_num_queries
):
    _schedule(world, pep)
    client.force_login(world.carer)
    url = reverse("children:carer_home")
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    baseline = len(few.captured_queries)
    for _ in range(4):
        child = ChildFactory(virtual_school=world.virtual_school)
        PlacementFactory(child=child, carers=[world.carer])
        MeetingFactory(pep__child=child, pep__term=pep.term)
    with django_assert_max_num_queries(baseline):
        page = client.get(url).content.decode()
    assert page.count("Next PEP meeting") == 5


@pytest.mark.parametrize("persona", ["carer", "other_carer", "social_worker", "anonymous"])
def test_who_may_see_the_carers_home(client, world, persona, request):
    if persona == "social_worker":
        client.force_login(world.allocated_social_worker)
    elif persona != "anonymous":
        client.force_login(world.people[persona])
    status = client.get(reverse("children:carer_home")).status_code
    expected = {"carer": 200, "other_carer": 200, "social_worker": 403, "anonymous": 302}
    assert status == expected[persona]
