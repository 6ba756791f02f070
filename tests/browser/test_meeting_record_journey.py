"""After a PEP meeting the social worker records who took part and how, agrees actions, closes
them, and reviews the open ones at the next meeting; the carer sees that next meeting."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from meetings import services
from meetings.models import Meeting, MeetingAction
from peps.clock.calendar import SchoolCalendar
from peps.models import Pep
from tests.accounts.factories import TEST_PASSWORD
from tests.browser.conftest import assert_accessible, fill_date, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _at(world, after_days):
    calendar = SchoolCalendar.for_virtual_school(world.virtual_school.pk)
    day = calendar.next_school_day(timezone.localdate() + timedelta(days=after_days - 1))
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _banner(page) -> str:
    return page.locator(".govuk-notification-banner").inner_text()


def test_social_worker_records_a_meeting_and_follows_its_actions_up(page, settings, world, pep):
    settings.TWO_FACTOR_REQUIRED = False
    sw = world.allocated_social_worker
    meeting = services.meeting_schedule(
        pep=pep, actor=sw, starts_at=_at(world, 2), duration_minutes=60, mode="in_person",
        location="Riverside Primary School, room 2",
        invitees=[
            services.Invitee("designated_teacher", "Dana Teacher", world.designated_teacher.email),
            services.Invitee("carer", "Jo Carer", world.carer.email),
        ],
    )  # fmt: skip
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    # The PEP is past its date: the caseload says so in red.
    Pep.objects.filter(pk=pep.pk).update(due_date=timezone.localdate() - timedelta(days=2))

    sign_in(page, sw.email, TEST_PASSWORD)
    page.goto("/caseload/")
    row = page.locator("tr", has_text=world.child.display_name)
    assert row.locator(".govuk-tag--red").inner_text() == "Overdue"
    assert_accessible(page)
    row.get_by_role("link", name=f"PEP for {world.child.display_name}").click()
    page.locator(f"a[href$='/meetings/{meeting.pk}/']").click()
    page.get_by_role("link", name="Record who came and what was discussed").click()
    assert_accessible(page)

    # The child was not invited by email: they are on the form, named, all the same.
    assert page.get_by_label("The child or young person: name").input_value() == (
        world.child.display_name
    )
    page.get_by_role("group", name="Dana Teacher (Designated teacher)").get_by_label(
        "Attended", exact=True
    ).check()
    page.get_by_role("group", name="Jo Carer (Carer)").get_by_label(
        "Did not attend", exact=True
    ).check()
    page.get_by_role("group", name="How the child or young person took part").get_by_label(
        "Did not attend, sent their views"
    ).check()
    page.get_by_label("Name", exact=True).first.fill("Lee Bennett")
    page.get_by_label("What was discussed").fill("Reading is the priority this term.")
    page.get_by_role("button", name="Save the record").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter why Jo Carer did not attend" in summary.inner_text()
    assert "Enter why the child did not attend" in summary.inner_text()
    assert page.get_by_label("What was discussed").input_value().startswith("Reading")
    assert_accessible(page)
    summary.get_by_role("link", name="Enter why Jo Carer did not attend").click()
    focused = page.evaluate("() => document.activeElement.id")
    assert focused.startswith("id_absence_")
    page.locator(f"#{focused}").fill("At a hospital appointment")
    page.get_by_label("If the child or young person did not attend, why not").fill(
        "Chose to write their views instead"
    )
    page.get_by_role("button", name="Save the record").click()
    assert "The meeting's record has been saved" in _banner(page)
    took_part = page.locator("table", has_text="Took part").first.inner_text()
    assert "Did not attend, sent their views" in took_part
    assert "At a hospital appointment" in took_part and "Lee Bennett" in took_part
    assert_accessible(page)

    # Three actions agreed: one done at once, one dropped with its reason, one left open.
    due = timezone.localdate() + timedelta(days=21)
    for description, owner in (
        ("Book the reading assessment", "Dana Teacher"),
        ("Send the reading list home", "Jo Carer"),
        ("Ask about the after-school club", "Social worker"),
    ):
        page.get_by_label("Action", exact=True).fill(description)
        page.get_by_label("Who will do it").fill(owner)
        fill_date(page, "due_date", due)
        page.get_by_role("button", name="Add the action").click()
        assert "The action has been added" in _banner(page)
    page.locator("tr", has_text="Send the reading list home").get_by_role(
        "button", name="Mark as done"
    ).click()
    assert "Marked as done" in _banner(page)
    page.locator("tr", has_text="Ask about the after-school club").get_by_role(
        "link", name="Drop"
    ).click()
    assert_accessible(page)
    page.get_by_role("button", name="Drop the action").click()
    assert "Enter why the action is dropped" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Why is the action dropped?").fill("The club has closed")
    page.get_by_role("button", name="Drop the action").click()
    assert "Dropped: Ask about the after-school club" in _banner(page)
    actions = page.locator("table", has_text="Who will do it").first.inner_text()
    assert "Done" in actions and "The club has closed" in actions and "Open" in actions
    assert_accessible(page)
    states = dict(MeetingAction.objects.values_list("description", "state"))
    assert states == {
        "Book the reading assessment": "open",
        "Send the reading list home": "done",
        "Ask about the after-school club": "dropped",
    }

    # The next meeting lists the open action for review, and it is closed there.
    following = services.meeting_schedule(
        pep=pep, actor=sw, starts_at=_at(world, 4), duration_minutes=60, mode="online",
        online_link="https://meet.example.org/pep-review",
        invitees=[services.Invitee("carer", "Jo Carer", world.carer.email)],
    )  # fmt: skip
    Meeting.objects.filter(pk=following.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    page.goto(f"/meetings/{following.pk}/")
    review = page.locator("table", has_text="Agreed on")
    assert "Book the reading assessment" in review.inner_text()
    assert "Send the reading list home" not in review.inner_text()
    assert_accessible(page)
    review.locator("tr", has_text="Book the reading assessment").get_by_role(
        "button", name="Mark as done"
    ).click()
    assert page.url.endswith(f"/meetings/{following.pk}/")
    assert page.get_by_text("No actions from earlier meetings are open.").is_visible()

    # The carer's home page shows the next meeting of the child placed with them.
    Meeting.objects.filter(pk=following.pk).update(starts_at=_at(world, 4))
    page.context.clear_cookies()
    sign_in(page, world.carer.email, TEST_PASSWORD)
    page.goto("/my-children/")
    card = page.locator(".govuk-summary-card", has_text=world.child.display_name)
    assert "Next PEP meeting" in card.inner_text()
    assert card.get_by_role("link", name=f"join the meeting for {world.child.display_name}")
    assert_accessible(page)
