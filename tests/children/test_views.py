"""The pages, through HTTP: what each form does with good and bad input."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEvent
from children.models import Child, Enrolment
from tests.accounts.factories import SchoolFactory, UserFactory
from tests.children.factories import ChildFactory
from tests.helpers import date_fields

CHILD = {
    "legal_first_name": "Noah",
    "legal_last_name": "Williams",
    "preferred_name": "",
    **date_fields("date_of_birth", timezone.localdate().replace(year=2015)),
    "gender": "male",
    "upn": "B801200005001",
    "council_child_id": "NS-99",
    **date_fields("date_entered_care", timezone.localdate() - timedelta(days=40)),
    "date_left_care_0": "",
    "date_left_care_1": "",
    "date_left_care_2": "",
    "legal_status": "full_care_order",
    "sen_status": "none",
    "ehc_plan_review_date_0": "",
    "ehc_plan_review_date_1": "",
    "ehc_plan_review_date_2": "",
    "year_group_override": "",
}


def test_vs_officer_adds_a_child_who_appears_in_their_list(client, world):
    client.force_login(world.vs_officer)
    response = client.post(reverse("children:create"), CHILD, follow=True)
    child = Child.objects.get(council_child_id="NS-99")
    assert response.redirect_chain[-1][0] == reverse("children:detail", args=[child.pk])
    assert "Noah Williams has been added" in response.content.decode()
    listing = client.get(reverse("children:virtual_school_children")).content.decode()
    assert "Noah Williams" in listing
    assert AuditEvent.objects.filter(action="child.created", child=child, actor=world.vs_officer)


def test_bad_child_input_is_shown_next_to_each_field_and_nothing_is_saved(client, world):
    client.force_login(world.vs_officer)
    bad = {
        **CHILD,
        "legal_first_name": "",
        "upn": "A801200005001",
        **date_fields("date_of_birth", timezone.localdate() + timedelta(days=3)),
        "date_entered_care_0": "31",
        "date_entered_care_1": "2",
        "date_entered_care_2": "2024",
    }
    count = Child.objects.count()
    html = client.post(reverse("children:create"), bad).content.decode()
    assert Child.objects.count() == count
    assert "govuk-error-summary" in html
    assert '<a href="#id_legal_first_name">Enter the child&#x27;s legal first name</a>' in html
    assert '<a href="#id_upn">This UPN&#x27;s check letter is wrong' in html
    assert '<a href="#id_date_entered_care_0">The date entered care must be a real date</a>' in html
    assert 'value="A801200005001"' in html  # what was typed is shown back


def test_a_future_birth_date_is_shown_on_its_field(client, world):
    client.force_login(world.vs_officer)
    html = client.post(
        reverse("children:create"),
        {**CHILD, **date_fields("date_of_birth", timezone.localdate() + timedelta(days=3))},
    ).content.decode()
    assert (
        '<a href="#id_date_of_birth_0">The date of birth must be today or in the past</a>' in html
    )


def test_edit_saves_and_audits_old_and_new_values(client, world):
    client.force_login(world.vs_officer)
    data = {**CHILD, "upn": world.child.upn, "council_child_id": world.child.council_child_id}
    data.update(date_fields("date_of_birth", world.child.date_of_birth))
    data.update(date_fields("date_entered_care", world.child.date_entered_care))
    data["legal_first_name"] = "Ava"
    data["legal_last_name"] = "Renamed"
    client.post(reverse("children:edit", args=[world.child.pk]), data)
    world.child.refresh_from_db()
    assert world.child.legal_last_name == "Renamed"
    event = AuditEvent.objects.get(action="child.updated")
    assert event.changes["legal_last_name"][1] == "Renamed"
    assert event.actor_role == "vs_officer"
    assert event.ip_address == "127.0.0.1"


def test_two_current_schools_message_sits_next_to_the_startdate_fields(client, world):
    client.force_login(world.vs_officer)
    today = timezone.localdate()
    html = client.post(
        reverse("children:enrolment_add", args=[world.child.pk]),
        {
            "school": SchoolFactory().pk,
            **date_fields("start_date", today),
            "attendance_pattern": "full_time",
        },
    ).content.decode()
    assert (
        '<a href="#id_start_date_0">The child already has a current school: end it first</a>'
        in html
    )
    assert Enrolment.objects.filter(child=world.child).count() == 1


def test_school_move_through_the_form(client, world):
    client.force_login(world.vs_officer)
    school = SchoolFactory(name="Hilltop Academy")
    response = client.post(
        reverse("children:enrolment_add", args=[world.child.pk]),
        {
            "school": school.pk,
            **date_fields("start_date", timezone.localdate()),
            "attendance_pattern": "reduced_timetable",
            "replaces_current": "on",
        },
        follow=True,
    )
    assert "The school has been recorded" in response.content.decode()
    assert world.child.enrolments.get(end_date__isnull=True).school == school


def test_end_before_start_is_shown_on_the_enddate_fields(client, world):
    client.force_login(world.vs_officer)
    before = world.enrolment.start_date - timedelta(days=1)
    html = client.post(
        reverse("children:enrolment_end", args=[world.child.pk, world.enrolment.pk]),
        date_fields("end_date", before),
    ).content.decode()
    assert '<a href="#id_end_date_0">The end date must be on or after the start date</a>' in html


def test_transfer_through_the_form(client, world):
    client.force_login(world.vs_officer)
    response = client.post(
        reverse("children:transfer", args=[world.child.pk]),
        {"social_worker": world.other_social_worker.pk},
        follow=True,
    )
    assert f"transferred to {world.other_social_worker}" in response.content.decode()


def test_transfer_offers_only_this_councils_other_social_workers(client, world):
    client.force_login(world.vs_officer)
    html = client.get(reverse("children:transfer", args=[world.child.pk])).content.decode()
    assert world.other_social_worker.full_name in html
    assert f'value="{world.allocated_social_worker.pk}"' not in html


def test_placement_with_an_unknown_carer_email_is_refused(client, world):
    client.force_login(world.vs_officer)
    html = client.post(
        reverse("children:placement_add", args=[world.child.pk]),
        {
            "placement_type": "kinship",
            "carer_email": "nobody@example.org",
            **date_fields("start_date", timezone.localdate()),
            "replaces_current": "on",
        },
    ).content.decode()
    assert '<a href="#id_carer_email">No carer&#x27;s account has this email address</a>' in html
    world.placement.refresh_from_db()
    assert world.placement.end_date is None


def test_grant_through_the_form_then_revoke(client, world):
    client.force_login(world.vs_officer)
    response = client.post(
        reverse("children:access_add", args=[world.child.pk]),
        {
            "grantee": world.other_social_worker.email.upper(),
            "reason": "Covering a colleague",
            **date_fields("expires_on", timezone.localdate() + timedelta(days=7)),
        },
        follow=True,
    )
    assert "can read the record until" in response.content.decode()
    grant = world.child.access_grants.get(grantee=world.other_social_worker)
    response = client.post(
        reverse("children:access_revoke", args=[world.child.pk, grant.pk]), follow=True
    )
    assert "can no longer read the record" in response.content.decode()


def test_every_view_of_a_childs_page_is_in_the_audit_trail(client, world):
    client.force_login(world.designated_teacher)
    client.get(reverse("children:detail", args=[world.child.pk]))
    client.get(reverse("children:detail", args=[world.child.pk]))
    views = AuditEvent.objects.filter(action="child.viewed", actor=world.designated_teacher)
    assert views.count() == 2
    assert views.first().child == world.child


@pytest.mark.parametrize("who", ["vs_head", "vs_officer"])
def test_virtual_school_staff_read_the_history_as_sentences(client, world, who):
    client.force_login(world.designated_teacher)
    client.get(reverse("children:detail", args=[world.child.pk]))
    client.force_login(getattr(world, who))
    html = client.get(reverse("children:audit", args=[world.child.pk])).content.decode()
    teacher = world.designated_teacher.full_name
    assert f"{teacher} viewed the child&#x27;s page" in html
    assert "Designated teacher" in html
    for sentence in (
        "added the child",
        "enrolled the child at a school",
        "allocated the case to a social worker",
        "recorded a new placement",
    ):
        assert sentence in html  # fmt: skip
    # The social worker allocated is named, not numbered.
    assert f"Social worker: {world.allocated_social_worker.full_name}" in html
    for code in (
        "child.viewed",
        "child.created",
        "enrolment.started",
        "designated_teacher",
        "vs_head",
        "vs_officer",
    ):
        assert code not in html.split('<main', 1)[1], code  # fmt: skip
    assert 'role="region"' in html and 'tabindex="0"' in html


def test_filters_by_search_school_social_worker_and_year_group(client, world):
    client.force_login(world.vs_officer)
    url = reverse("children:virtual_school_children")
    name = world.child.display_name
    assert name in client.get(url, {"search": world.child.legal_last_name}).content.decode()
    assert name in client.get(url, {"search": world.child.upn.lower()}).content.decode()
    assert name in client.get(url, {"search": world.child.council_child_id}).content.decode()
    assert name not in client.get(url, {"search": "Zzzz"}).content.decode()
    assert name in client.get(url, {"school": world.school.pk}).content.decode()
    assert (
        name
        not in client.get(url, {"social_worker": world.other_social_worker.pk}).content.decode()
    )
    year = world.child.year_group()
    assert name in client.get(url, {"year_group": year}).content.decode()
    assert name not in client.get(url, {"year_group": year + 1}).content.decode()
    assert name in client.get(url, {"key_stage": world.child.key_stage}).content.decode()
    assert name not in client.get(url, {"sen_status": "ehc_plan"}).content.decode()


def test_the_list_pages_through_children_keeping_the_filters(client, world):
    """More children than a page: GOV.UK pagination, each link keeping the search."""
    for _ in range(26):
        ChildFactory(virtual_school=world.virtual_school, legal_last_name="Paged")
    client.force_login(world.vs_officer)
    url = reverse("children:virtual_school_children")
    first = client.get(url, {"search": "Paged"}).content.decode()
    assert "26 children, showing 1 to 25" in first
    assert '<nav class="govuk-pagination" aria-label="Pages of children">' in first
    assert 'href="?search=Paged&amp;page=2" rel="next"' in first
    assert 'rel="prev"' not in first
    second = client.get(url, {"search": "Paged", "page": 2}).content.decode()
    assert "showing 26 to 26" in second
    assert 'href="?search=Paged&amp;page=1" rel="prev"' in second
    assert 'aria-label="Page 2" aria-current="page"' in second
    assert 'rel="next"' not in second


def test_unknown_filter_values_are_ignored_not_a_500(client, world):
    client.force_login(world.vs_officer)
    response = client.get(
        reverse("children:virtual_school_children"),
        {"school": "x", "year_group": "99", "page": "z"},
    )
    assert response.status_code == 200


def test_an_absurd_year_is_a_message_not_an_error_page(client, world):
    client.force_login(world.vs_officer)
    html = client.post(
        reverse("children:placement_end", args=[world.child.pk, world.placement.pk]),
        {"end_date_0": "1", "end_date_1": "1", "end_date_2": "99999999999999999999"},
    ).content.decode()
    assert "The end date must have a four-digit year, like 2015" in html


def test_a_very_long_search_is_refused_gently(client, world):
    client.force_login(world.vs_officer)
    response = client.get(reverse("children:virtual_school_children"), {"search": "a " * 2000})
    assert response.status_code == 200


def test_one_bad_filter_leaves_the_others_working(client, world):
    client.force_login(world.vs_officer)
    other = world.child.__class__.objects.exclude(pk=world.child.pk).first()
    html = client.get(
        reverse("children:virtual_school_children"),
        {"search": world.child.legal_last_name, "year_group": "abc"},
    ).content.decode()
    assert world.child.display_name in html
    assert other.display_name not in html


def test_opening_the_edit_page_is_audited_as_a_view(client, world):
    client.force_login(world.vs_officer)
    client.get(reverse("children:edit", args=[world.child.pk]))
    assert AuditEvent.objects.filter(action="child.viewed", actor=world.vs_officer).count() == 1


def test_an_address_with_a_port_behind_a_proxy_is_not_an_error(client, world, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    client.force_login(world.vs_officer)
    response = client.get(
        reverse("children:detail", args=[world.child.pk]), HTTP_X_FORWARDED_FOR="1.2.3.4:5678"
    )
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="child.viewed").latest("pk").ip_address == "127.0.0.1"


def test_the_head_approves_a_grant_beyond_the_council_on_the_form(client, world):
    westshire = UserFactory(
        role=Role.SOCIAL_WORKER, virtual_school=world.other_vs_officer.virtual_school
    )
    url = reverse("children:access_add", args=[world.child.pk])
    data = {
        "grantee": westshire.email,
        "reason": "Placed in Westshire",
        **date_fields("expires_on", timezone.localdate() + timedelta(days=7)),
    }
    client.force_login(world.vs_officer)
    html = client.post(url, data).content.decode()
    assert "only the Virtual School head can give them access" in html
    assert "I approve access" not in html  # an officer is not offered the approval
    client.force_login(world.vs_head)
    assert "I approve access" in client.get(url).content.decode()
    response = client.post(url, {**data, "exception_approved": "on"}, follow=True)
    assert "can read the record until" in response.content.decode()
    assert "An exception approved by" in response.content.decode()
    assert world.child.access_grants.get(grantee=westshire).exception_approved_by == world.vs_head
