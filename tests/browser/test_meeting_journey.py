"""A social worker arranges a PEP meeting, changes it, and records it."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from children.models import Child
from meetings.models import Meeting
from pep_portal.management.commands.seed_demo import DEMO_PASSWORD
from peps.clock.calendar import SchoolCalendar
from tests.browser.conftest import assert_accessible, fill_date, sign_in
from tests.demo_data import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_social_worker_arranges_and_changes_a_meeting(page):
    seed_demo()
    mail.outbox.clear()
    child = Child.objects.get(legal_first_name="Isla", legal_last_name="Brown")
    social_worker = child.allocations.get(end_date__isnull=True).social_worker
    calendar = SchoolCalendar.for_virtual_school(child.virtual_school_id)
    day = calendar.next_school_day(timezone.localdate() + timedelta(days=3))
    saturday = day + timedelta(days=(5 - day.weekday()) % 7)

    sign_in(page, social_worker.email, DEMO_PASSWORD)
    page.get_by_role("link", name="PEP for Isla Brown").click()
    page.get_by_role("link", name="Arrange the PEP meeting").click()
    assert_accessible(page)
    # The designated teacher and carer are filled in from the child's record.
    assert page.get_by_label("Designated teacher: email address").input_value()
    fill_date(page, "day", saturday)
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("In person", exact=True).check()
    page.get_by_role("button", name="Arrange the meeting and send invitations").click()
    summary = page.locator(".govuk-error-summary")
    assert "The meeting must be on a weekday" in summary.inner_text()
    assert "Enter where the meeting is" not in summary.inner_text()  # one problem at a time
    assert_accessible(page)

    fill_date(page, "day", day)
    page.get_by_label("Where (in person)").fill("Riverside Primary School, room 4")
    page.get_by_label("The child or young person (as appropriate): name").fill("Isla")
    page.get_by_role("button", name="Arrange the meeting and send invitations").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter an email address for the child" in summary.inner_text()
    summary.get_by_role("link").first.click()
    assert page.evaluate("() => document.activeElement.id") == "id_child_email"
    page.get_by_label("The child or young person (as appropriate): name").fill("")
    page.get_by_role("button", name="Arrange the meeting and send invitations").click()
    assert "The meeting is arranged" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    meeting = Meeting.objects.get(pep__child=child)
    invited = {m.to[0] for m in mail.outbox if m.subject == "Invitation: PEP meeting"}
    # Each invitee, and the chair, who is the calendar entry's organiser.
    assert invited == {*meeting.invitations.values_list("email", flat=True), social_worker.email}

    page.get_by_role("link", name="Change the meeting").click()
    assert_accessible(page)
    page.get_by_label("Start time").fill("14:30")
    page.get_by_role("button", name="Save and send the change").click()
    assert "everyone's calendar updated" in page.locator(".govuk-notification-banner").inner_text()
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "14:30"

    # The chair takes the carer off the list and invites a parent: a cancellation for one, an
    # invitation for the other, under the same calendar entry.
    carer_email = meeting.invitations.get(role="carer").email
    mail.outbox.clear()
    page.get_by_role("link", name="Change who is invited").click()
    assert_accessible(page)
    page.get_by_label("Carer: name").fill("")
    page.get_by_label("Carer: email address").fill("")
    page.get_by_label("Parent or family member: name").fill("Sam Brown")
    page.get_by_label("Parent or family member: email address").fill("sam.brown@example.org")
    page.get_by_role("button", name="Save and send the invitations").click()
    assert "those added or taken off" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    assert {m.to[0]: m.subject for m in mail.outbox} == {
        carer_email: "Cancelled for you: PEP meeting",
        "sam.brown@example.org": "Changed: PEP meeting",
        social_worker.email: "Changed: PEP meeting",
    }
    with page.expect_download() as download:
        page.get_by_role("link", name="Add the meeting to your calendar (.ics file)").click()
    assert download.value.suggested_filename == "pep-meeting.ics"
    assert f"UID:{meeting.uid}@pep-portal" in Path(download.value.path()).read_text()

    # A second meeting while this one is open is arranged only once the worker confirms it.
    page.get_by_role("link", name="Back to the PEP").click()
    page.get_by_role("link", name="Arrange the PEP meeting").click()
    assert page.get_by_text("This PEP already has a meeting arranged for").is_visible()
    assert_accessible(page)
    fill_date(page, "day", day)
    page.get_by_label("Start time").fill("16:00")
    page.get_by_label("In person", exact=True).check()
    page.get_by_label("Where (in person)").fill("Riverside Primary School, room 4")
    page.get_by_role("button", name="Arrange the meeting and send invitations").click()
    summary = page.locator(".govuk-error-summary")
    assert "Confirm that you want to arrange another meeting" in summary.inner_text()
    summary.get_by_role("link").first.click()
    assert page.evaluate("() => document.activeElement.id") == "id_another_confirmed"
    assert_accessible(page)
    assert Meeting.objects.filter(pep__child=child).count() == 1
    page.get_by_label("Yes, arrange another meeting for this PEP as well").check()
    page.get_by_role("button", name="Arrange the meeting and send invitations").click()
    assert "The meeting is arranged" in page.locator(".govuk-notification-banner").inner_text()
    assert Meeting.objects.filter(pep__child=child).count() == 2

    page.get_by_role("link", name="Back to the PEP").click()
    page.get_by_role("link", name="PEP deadlines").click()
    assert_accessible(page)

    # An address that does not exist: the service's own page, not Django's.
    page.goto("/no-such-page/?search=Isla+Brown")
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert_accessible(page)
