"""The PEP's pages through HTTP: what each does with good and bad input."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from peps import demo, services, workflow
from peps.models import Pep, SectionAnswer, Target
from tests.helpers import date_fields

TARGET = {
    "area": "academic",
    "subject": "Maths",
    "description": "Recall the 7 times table",
    "baseline": "Up to 5",
    "success_criteria": "Ten answers in a minute",
    "actions": "Daily practice with a teaching assistant",
    "owner": "Class teacher",
    "ppplus_amount": "150.50",
}


def test_the_overview_counts_required_answers(client, world, pep):
    client.force_login(world.allocated_social_worker)
    html = client.get(reverse("peps:overview", args=[pep.pk])).content.decode()
    assert "0 of " in html and "required answers given" in html
    assert "You can mark your part complete once the designated teacher" in html
    assert "Mark complete and submit" not in html


def test_two_people_saving_the_same_version_the_second_is_refused_with_input_kept(
    client, world, pep
):
    url = reverse("peps:section", args=[pep.pk, "strengths_barriers"])
    client.force_login(world.designated_teacher)
    first = client.post(url, {"version": 0, "strengths": "First", "barriers": "First"})
    assert first.status_code == 302
    second = client.post(url, {"version": 0, "strengths": "Second person's words", "barriers": ""})
    assert second.status_code == 200
    html = second.content.decode()
    assert "Someone else saved this section while you were editing it" in html
    assert "Second person&#x27;s words" in html  # their input is shown back
    row = SectionAnswer.objects.get(pep=pep, section_key="strengths_barriers")
    assert row.answers["strengths"] == "First"
    assert row.version == 1


def test_bad_input_in_a_section_is_shown_by_its_field_and_the_rest_kept(client, world, pep):
    client.force_login(world.designated_teacher)
    html = client.post(
        reverse("peps:section", args=[pep.pk, "attendance"]),
        {"version": 0, "possible_sessions": "-3", "suspensions": "two",
         "attendance_actions": "Morning check-ins"},
    ).content.decode()  # fmt: skip
    assert '<a href="#id_possible_sessions">Enter 0 or more</a>' in html
    assert '<a href="#id_suspensions">Enter a whole number, like 2</a>' in html
    assert "Morning check-ins" in html
    assert not SectionAnswer.objects.filter(pep=pep, section_key="attendance").exists()


def test_a_partly_answered_section_saves(client, world, pep):
    client.force_login(world.designated_teacher)
    client.post(
        reverse("peps:section", args=[pep.pk, "attendance"]),
        {"version": 0, "possible_sessions": "96"},
    )
    row = SectionAnswer.objects.get(pep=pep, section_key="attendance")
    assert row.answers == {"possible_sessions": 96}


def test_a_target_is_added_with_its_pp_plus(client, world, pep):
    client.force_login(world.designated_teacher)
    response = client.post(
        reverse("peps:target_add", args=[pep.pk]),
        {**TARGET, **date_fields("due_by", pep.term.end_date)},
    )
    assert response.status_code == 302
    assert str(Target.objects.get(pep=pep).ppplus_amount) == "150.50"


def test_bad_pp_plus_amounts_are_refused_next_to_the_field(client, world, pep):
    client.force_login(world.designated_teacher)
    url = reverse("peps:target_add", args=[pep.pk])
    for amount, message in [
        ("-10", "The PP+ amount cannot be negative"),
        ("ten pounds", "Enter an amount in pounds, like 150 or 150.50"),
        ("10.123", "Enter the amount in pounds and pence, like 150.50"),
    ]:
        html = client.post(
            url, {**TARGET, "ppplus_amount": amount, **date_fields("due_by", pep.term.end_date)}
        ).content.decode()
        assert f'<a href="#id_ppplus_amount">{message}</a>' in html, amount
    assert not Target.objects.filter(pep=pep).exists()


def test_an_academic_target_needs_a_subject(client, world, pep):
    client.force_login(world.designated_teacher)
    html = client.post(
        reverse("peps:target_add", args=[pep.pk]),
        {**TARGET, "subject": "", **date_fields("due_by", pep.term.end_date)},
    ).content.decode()
    assert '<a href="#id_subject">Enter the subject of an academic target</a>' in html


def test_completing_the_school_part_too_early_lists_what_is_missing(client, world, pep):
    client.force_login(world.designated_teacher)
    response = client.post(reverse("peps:complete_school_part", args=[pep.pk]))
    html = response.content.decode()
    assert "Complete the section: Attendance and exclusions" in html
    assert "At least three targets" in html
    pep.refresh_from_db()
    assert pep.state == Pep.State.DRAFT


def test_submitting_from_the_wrong_state_is_a_clear_refusal(client, world, pep):
    client.force_login(world.allocated_social_worker)
    response = client.post(reverse("peps:submit", args=[pep.pk]))
    assert response.status_code == 409
    assert "once the designated teacher has completed the school" in response.content.decode()


def test_return_without_a_reason_is_refused_on_the_page(client, world, pep):
    demo.complete_and_submit(
        pep, teacher=world.designated_teacher, social_worker=world.allocated_social_worker
    )
    client.force_login(world.vs_officer)
    html = client.post(reverse("peps:return", args=[pep.pk]), {"reason": ""}).content.decode()
    assert '<a href="#id_reason">Enter what needs to change</a>' in html
    assert '<a href="#id_sections_1">Choose the sections that need work</a>' in html
    pep.refresh_from_db()
    assert pep.state == Pep.State.SUBMITTED


def test_sign_off_through_the_page(client, world, pep):
    demo.complete_and_submit(
        pep, teacher=world.designated_teacher, social_worker=world.allocated_social_worker
    )
    client.force_login(world.vs_officer)
    ratings = {f"rating_{key}": value for key, value in demo.all_green(pep).items()}
    response = client.post(reverse("peps:quality", args=[pep.pk]), {**ratings, "feedback": "Good"})
    assert response.status_code == 302
    pep.refresh_from_db()
    assert pep.state == Pep.State.SIGNED_OFF
    follow = client.get(response.url).content.decode()
    assert "signed off, rated Green" in follow


def test_the_queue_lists_the_longest_waiting_first(client, world, terms):
    from tests.children.factories import ChildFactory
    from tests.peps.factories import SubmittedPepFactory

    older = SubmittedPepFactory(child=ChildFactory(virtual_school=world.virtual_school),
                                term=terms[0])  # fmt: skip
    newer = SubmittedPepFactory(child=ChildFactory(virtual_school=world.virtual_school),
                                term=terms[0])  # fmt: skip
    Pep.objects.filter(pk=older.pk).update(submitted_at=newer.submitted_at.replace(year=2020))
    elsewhere = SubmittedPepFactory()  # another Virtual School's
    client.force_login(world.vs_officer)
    html = client.get(reverse("peps:quality_queue")).content.decode()
    assert html.index(older.child.display_name) < html.index(newer.child.display_name)
    assert elsewhere.child.display_name not in html


def test_the_childs_page_lists_every_version(client, world, pep):
    demo.complete_and_submit(
        pep, teacher=world.designated_teacher, social_worker=world.allocated_social_worker
    )
    workflow.pep_sign_off(
        pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep), feedback=""
    )
    client.force_login(world.allocated_social_worker)
    html = client.get(reverse("children:detail", args=[world.child.pk])).content.decode()
    assert "PEP 1" in html and "PEP 2" in html
    caseload = client.get(reverse("children:caseload")).content.decode()
    assert "In progress" in caseload


def test_after_a_conflict_saving_again_works(client, world, pep):
    url = reverse("peps:section", args=[pep.pk, "strengths_barriers"])
    client.force_login(world.designated_teacher)
    client.post(url, {"version": 0, "strengths": "First", "barriers": "First"})
    conflict = client.post(url, {"version": 0, "strengths": "Mine", "barriers": "Mine"})
    assert 'name="version" value="1"' in conflict.content.decode()
    again = client.post(url, {"version": 1, "strengths": "Mine", "barriers": "Mine"})
    assert again.status_code == 302
    assert SectionAnswer.objects.get(pep=pep, section_key="strengths_barriers").answers == {
        "strengths": "Mine",
        "barriers": "Mine",
    }


def test_a_missing_version_says_the_page_is_out_ofdate_fields(client, world, pep):
    client.force_login(world.designated_teacher)
    html = client.post(
        reverse("peps:section", args=[pep.pk, "strengths_barriers"]),
        {"version": "abc", "strengths": "Kept"},
    ).content.decode()
    assert "This page was out of date" in html
    assert "Kept" in html


def test_a_zero_answer_is_shown_as_zero(client, world, pep):
    client.force_login(world.designated_teacher)
    client.post(
        reverse("peps:section", args=[pep.pk, "attendance"]),
        {"version": 0, "suspension_days": "0"},
    )
    client.force_login(world.vs_officer)
    html = client.get(reverse("peps:section", args=[pep.pk, "attendance"])).content.decode()
    assert ">0</dd>" in html.replace("\n", "")


def test_a_too_long_comment_is_shown_back_with_its_message(client, world, pep):
    client.force_login(world.vs_officer)
    html = client.post(
        reverse("peps:comment_add", args=[pep.pk, "attendance"]), {"text": "x" * 2001}
    ).content.decode()
    assert "govuk-error-summary" in html
    assert "x" * 2001 in html


def test_nobody_changes_the_childs_views_once_the_school_part_is_complete(world, pep):
    from django.core.exceptions import PermissionDenied

    from peps import services

    demo.fill_school_part(pep, world.designated_teacher)
    workflow.pep_complete_school_part(pep=pep, actor=world.designated_teacher)
    version = SectionAnswer.objects.get(pep=pep, section_key="child_views").version
    for person in (world.allocated_social_worker, world.designated_teacher):
        with pytest.raises(PermissionDenied):
            services.section_save(
                pep=pep, section_key="child_views", answers={}, expected_version=version,
                actor=person,
            )  # fmt: skip


def test_an_early_years_target_is_set_in_an_area_of_learning(client, world, pep):
    from peps import services

    services.pep_change_kind(pep=pep, actor=world.vs_officer, kind="early_years")
    client.force_login(world.designated_teacher)
    url = reverse("peps:target_add", args=[pep.pk])
    html = client.get(url).content.decode()
    assert "Communication and language (prime area)" in html
    assert "Expressive arts and design (specific area)" in html
    assert 'value="academic"' not in html
    due = date_fields("due_by", pep.term.end_date)
    html = client.post(url, {**TARGET, **due}).content.decode()
    assert '<a href="#id_area_1">' in html and not Target.objects.filter(pep=pep).exists()
    client.post(url, {**TARGET, "area": "eyfs_cl", "subject": "", **due})
    assert Target.objects.get(pep=pep).get_area_display() == (
        "Communication and language (prime area)"
    )


def test_the_school_part_of_a_post_16_pep_needs_a_target_for_education_or_work(world, pep):
    from django.core.exceptions import ValidationError

    from peps import services

    services.pep_change_kind(pep=pep, actor=world.vs_officer, kind="post_16")
    pep.refresh_from_db()
    demo.fill_school_part(pep, world.designated_teacher)
    pep.targets.filter(area="eet").update(area="wellbeing")
    with pytest.raises(ValidationError) as error:
        workflow.pep_complete_school_part(pep=pep, actor=world.designated_teacher)
    assert "At least three targets, one or more for education, training or employment" in (
        error.value.messages
    )


def test_a_stale_version_on_a_never_saved_section_shows_the_conflict_page(client, world, pep):
    client.force_login(world.designated_teacher)
    response = client.post(
        reverse("peps:section", args=[pep.pk, "needs"]), {"version": 1, "sen_status": "none"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this section while you were editing it" in html
    assert 'name="version" value="0"' in html
    assert not SectionAnswer.objects.filter(pep=pep, section_key="needs").exists()


def test_a_target_of_a_hundred_thousand_characters_is_refused_by_each_field(client, world, pep):
    client.force_login(world.designated_teacher)
    url = reverse("peps:target_add", args=[pep.pk])
    long = "x" * 100_000
    data = {**TARGET, **date_fields("due_by", pep.term.end_date)}
    for name in ("description", "baseline", "success_criteria", "actions", "owner"):
        data[name] = long
    html = client.post(url, data).content.decode()
    assert '<a href="#id_description">The target must be 500 characters or fewer</a>' in html
    assert "Where the child is now must be 1,000 characters or fewer" in html
    assert "How we will know it is achieved must be 1,000 characters or fewer" in html
    assert "Actions, and who does them must be 1,500 characters or fewer" in html
    assert "Who is responsible must be 200 characters or fewer" in html
    assert not Target.objects.filter(pep=pep).exists()


def test_a_target_field_shows_the_character_count_and_no_browser_limit(client, world, pep):
    client.force_login(world.designated_teacher)
    html = client.get(reverse("peps:target_add", args=[pep.pk])).content.decode()
    assert 'data-module="govuk-character-count" data-maxlength="500"' in html
    assert "You can enter up to 500 characters" in html
    assert 'aria-describedby="id_description-info"' in html
    assert "maxlength" not in html.split('name="description"')[0].rsplit("<textarea", 1)[-1]


def test_the_target_service_refuses_over_long_text_too(world, pep):
    with pytest.raises(ValidationError) as refused:
        services.target_save(
            pep=pep, actor=world.designated_teacher, **{**TARGET, "ppplus_amount": 0,
            "due_by": pep.term.end_date, "description": "x" * 501},
        )  # fmt: skip
    assert "description" in refused.value.message_dict


def test_a_section_answer_over_its_declared_limit_is_refused_by_the_field(client, world, pep):
    client.force_login(world.designated_teacher)
    url = reverse("peps:section", args=[pep.pk, "strengths_barriers"])
    html = client.get(url).content.decode()
    assert 'data-maxlength="5000"' in html
    html = client.post(
        url, {"version": 0, "strengths": "x" * 5001, "barriers": "Reading"}
    ).content.decode()
    assert "must be 5,000 characters or fewer" in html
    assert not SectionAnswer.objects.filter(pep=pep, section_key="strengths_barriers").exists()
