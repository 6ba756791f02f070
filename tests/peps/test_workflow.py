"""The sign-off workflow: every transition allowed and refused, by state and by role."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from peps import demo, services, workflow
from peps.models import Pep, SectionAnswer, TargetReview
from peps.signals import pep_signed_off
from tests.children.factories import ChildFactory
from tests.peps.factories import TermFactory

ROLES = ("allocated_social_worker", "designated_teacher", "vs_officer", "other_social_worker",
         "other_school_teacher", "other_vs_officer", "reviewing_officer")  # fmt: skip


def _complete_school(world, pep):
    demo.fill_school_part(pep, world.designated_teacher)
    return workflow.pep_complete_school_part(pep=pep, actor=world.designated_teacher)


def _submitted(world, pep):
    return demo.complete_and_submit(
        pep, teacher=world.designated_teacher, social_worker=world.allocated_social_worker
    )


def test_a_full_cycle_moves_through_every_state(world, pep):
    assert pep.state == Pep.State.DRAFT
    pep = _complete_school(world, pep)
    assert pep.state == Pep.State.SCHOOL_COMPLETE
    demo.fill_social_worker_part(pep, world.allocated_social_worker)
    pep = workflow.pep_submit(pep=pep, actor=world.allocated_social_worker)
    assert pep.state == Pep.State.SUBMITTED
    review = workflow.pep_sign_off(
        pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep), feedback="Good"
    )
    pep.refresh_from_db()
    assert pep.state == Pep.State.SIGNED_OFF
    assert review.overall_rating == pep.overall_rating == "green"
    actions = list(
        AuditEvent.objects.filter(child=world.child, object_id=str(pep.pk))
        .filter(action__startswith="pep.")
        .values_list("action", flat=True)
    )
    for action in ("pep.started", "pep.school_part_completed", "pep.submitted", "pep.signed_off"):
        assert action in actions


@pytest.mark.parametrize("role", ROLES)
def test_only_the_schools_designated_teacher_completes_the_school_part(world, pep, role):
    demo.fill_school_part(pep, world.designated_teacher)
    actor = getattr(world, role)
    if role == "designated_teacher":
        assert workflow.pep_complete_school_part(pep=pep, actor=actor).state == "school_complete"
    else:
        with pytest.raises(PermissionDenied):
            workflow.pep_complete_school_part(pep=pep, actor=actor)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_allocated_social_worker_submits(world, pep, role):
    pep = _complete_school(world, pep)
    demo.fill_social_worker_part(pep, world.allocated_social_worker)
    actor = getattr(world, role)
    if role == "allocated_social_worker":
        assert workflow.pep_submit(pep=pep, actor=actor).state == "submitted"
    else:
        with pytest.raises(PermissionDenied):
            workflow.pep_submit(pep=pep, actor=actor)


@pytest.mark.parametrize("role", ROLES)
def test_only_this_virtual_schools_staff_sign_off(world, pep, role):
    pep = _submitted(world, pep)
    actor = getattr(world, role)
    if role == "vs_officer":
        workflow.pep_sign_off(
            pep=pep, actor=actor, section_ratings=demo.all_green(pep), feedback=""
        )
    else:
        with pytest.raises(PermissionDenied):
            workflow.pep_sign_off(
                pep=pep, actor=actor, section_ratings=demo.all_green(pep), feedback=""
            )


@pytest.mark.parametrize(
    ("state_setup", "transition"),
    [
        ("draft", "submit"),
        ("draft", "sign_off"),
        ("draft", "return"),
        ("school_complete", "complete_school_part"),
        ("school_complete", "sign_off"),
        ("submitted", "complete_school_part"),
        ("submitted", "submit"),
        ("signed_off", "sign_off"),
        ("signed_off", "return"),
        ("signed_off", "submit"),
    ],
)
def test_transitions_from_the_wrong_state_are_refused_with_a_reason(
    world, pep, state_setup, transition
):
    if state_setup != "draft":
        pep = _complete_school(world, pep)
    if state_setup in ("submitted", "signed_off"):
        demo.fill_social_worker_part(pep, world.allocated_social_worker)
        pep = workflow.pep_submit(pep=pep, actor=world.allocated_social_worker)
    if state_setup == "signed_off":
        workflow.pep_sign_off(
            pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep), feedback=""
        )
    calls = {
        "complete_school_part": lambda: workflow.pep_complete_school_part(
            pep=pep, actor=world.designated_teacher
        ),
        "submit": lambda: workflow.pep_submit(pep=pep, actor=world.allocated_social_worker),
        "sign_off": lambda: workflow.pep_sign_off(
            pep=pep, actor=world.vs_officer, section_ratings={}, feedback=""
        ),
        "return": lambda: workflow.pep_return_for_amendments(
            pep=pep, actor=world.vs_officer, reason="x", section_keys=["attendance"]
        ),
    }
    with pytest.raises(workflow.TransitionNotAllowed) as error:
        calls[transition]()
    assert str(error.value)


def test_the_school_part_needs_every_mandatory_school_answer(world, pep):
    demo.fill_school_part(pep, world.designated_teacher)
    SectionAnswer.objects.filter(pep=pep, section_key="attendance").update(answers={})
    with pytest.raises(ValidationError) as error:
        workflow.pep_complete_school_part(pep=pep, actor=world.designated_teacher)
    assert "Complete the section: Attendance and exclusions" in error.value.messages
    pep.refresh_from_db()
    assert pep.state == Pep.State.DRAFT


def test_the_school_part_needs_three_targets_with_two_academic_and_one_wellbeing(world, pep):
    demo.fill_school_part(pep, world.designated_teacher)
    pep.targets.filter(area="wellbeing").delete()
    with pytest.raises(ValidationError) as error:
        workflow.pep_complete_school_part(pep=pep, actor=world.designated_teacher)
    assert any("At least three targets" in message for message in error.value.messages)


def test_submitting_needs_the_social_workers_sections(world, pep):
    pep = _complete_school(world, pep)
    with pytest.raises(ValidationError) as error:
        workflow.pep_submit(pep=pep, actor=world.allocated_social_worker)
    assert "Complete the section: Child and case details" in error.value.messages


def test_a_return_needs_a_reason_and_sections(world, pep):
    pep = _submitted(world, pep)
    with pytest.raises(ValidationError) as error:
        workflow.pep_return_for_amendments(
            pep=pep, actor=world.vs_officer, reason=" ", section_keys=[]
        )
    assert set(error.value.message_dict) == {"reason", "sections"}
    pep.refresh_from_db()
    assert pep.state == Pep.State.SUBMITTED


def test_returning_school_sections_reopens_the_school_part_and_emails_both(
    world, pep, django_capture_on_commit_callbacks
):
    pep = _submitted(world, pep)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.pep_return_for_amendments(
            pep=pep, actor=world.vs_officer, reason="Add attendance", section_keys=["attendance"]
        )
    pep.refresh_from_db()
    assert pep.state == Pep.State.DRAFT
    # One message each, so no recipient sees who else was told.
    assert sorted(message.to for message in mail.outbox) == sorted(
        [[world.allocated_social_worker.email], [world.designated_teacher.email]]
    )
    assert all(world.child.legal_last_name not in message.body for message in mail.outbox)


def test_returning_only_social_worker_sections_leaves_the_school_part_complete(world, pep):
    pep = _submitted(world, pep)
    workflow.pep_return_for_amendments(
        pep=pep, actor=world.vs_officer, reason="Add who came", section_keys=["sign_off"]
    )
    pep.refresh_from_db()
    assert pep.state == Pep.State.SCHOOL_COMPLETE
    assert workflow.pep_submit(pep=pep, actor=world.allocated_social_worker).state == "submitted"


def test_sign_off_needs_every_section_rated(world, pep):
    pep = _submitted(world, pep)
    ratings = demo.all_green(pep)
    ratings.pop("attendance")
    with pytest.raises(ValidationError):
        workflow.pep_sign_off(pep=pep, actor=world.vs_officer, section_ratings=ratings, feedback="")


def test_sign_off_rates_overall_by_the_virtual_schools_rule(world, pep):
    pep = _submitted(world, pep)
    ratings = demo.all_green(pep)
    ratings["attendance"] = ratings["needs"] = "amber"
    review = workflow.pep_sign_off(
        pep=pep, actor=world.vs_officer, section_ratings=ratings, feedback=""
    )
    assert review.overall_rating == "amber"


def test_the_virtual_school_head_chooses_the_rating_rule_and_sign_off_follows_it(
    client, world, pep
):
    from peps.models import PepSettings

    pep = _submitted(world, pep)
    url = reverse("peps:settings")
    client.force_login(world.vs_officer)
    assert client.get(url).status_code == 403
    client.force_login(world.vs_head)
    defaults = {
        "rating_rule": "st_helens", "amber_threshold": "5", "first_pep_school_days": "20",
        "new_school_school_days": "20", "termly_deadline_school_day": "15",
        "reminder_school_days": "5", "quality_assurance_days": "10",
        "escalation_school_days": "10", "social_care_review_months": "6",
        "publication_small_count": "5",
    }  # fmt: skip
    html = client.post(url, {**defaults, "amber_threshold": "0"}).content.decode()
    assert '<a href="#id_amber_threshold">Enter a whole number from 1 to 20</a>' in html
    assert not PepSettings.objects.filter(virtual_school=world.virtual_school).exists()
    assert client.post(url, defaults).status_code == 302
    settings_row = PepSettings.objects.get(virtual_school=world.virtual_school)
    assert (settings_row.rating_rule, settings_row.amber_threshold) == ("st_helens", 5)
    client.force_login(world.vs_officer)
    page = client.get(reverse("peps:quality", args=[pep.pk])).content.decode()
    assert "St Helens: any red section makes the PEP red, two or more ambers" in page
    ratings = demo.all_green(pep)
    ratings["attendance"] = ratings["needs"] = "amber"  # amber by St Helens, green by 5
    review = workflow.pep_sign_off(
        pep=pep, actor=world.vs_officer, section_ratings=ratings, feedback=""
    )
    assert review.overall_rating == "amber"


def test_sign_off_starts_next_terms_pep_with_targets_to_review_and_sends_the_signal(
    world, pep, terms
):
    received = []
    pep_signed_off.connect(lambda sender, **kw: received.append(kw), weak=False, dispatch_uid="t")
    try:
        pep = _submitted(world, pep)
        workflow.pep_sign_off(
            pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep), feedback=""
        )
    finally:
        pep_signed_off.disconnect(dispatch_uid="t")
    next_pep = Pep.objects.get(previous=pep)
    assert next_pep.term == terms[1]
    assert next_pep.version == pep.version + 1
    assert next_pep.state == Pep.State.DRAFT
    reviewed = TargetReview.objects.filter(pep=next_pep).values_list(
        "target__description", flat=True
    )
    assert sorted(reviewed) == sorted(pep.targets.values_list("description", flat=True))
    assert received == [{"pep": pep, "next_pep": next_pep, "signal": pep_signed_off}]
    # The PEP2 was reviewed now, so next term carries it forward.
    assert not next_pep.pep2_review_due
    carried = next_pep.answers.get(section_key="case_details")
    assert carried.carried_forward
    assert carried.answers == pep.answers.get(section_key="case_details").answers


def test_nothing_changes_after_sign_off(world, pep):
    pep = _submitted(world, pep)
    workflow.pep_sign_off(
        pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep), feedback=""
    )
    pep.refresh_from_db()
    with pytest.raises(ValidationError, match="signed off"):
        services.section_save(
            pep=pep,
            section_key="case_details",
            answers={},
            expected_version=1,
            actor=world.allocated_social_worker,
        )
    with pytest.raises(ValidationError, match="signed off"):
        services.target_delete(pep=pep, actor=world.designated_teacher, target=pep.targets.first())


def test_a_second_pep_cannot_be_started_while_one_is_open(world, pep):
    with pytest.raises(ValidationError, match="already has a PEP in progress"):
        services.pep_start(child=world.child, actor=world.allocated_social_worker)


def test_a_pep_held_in_an_earlier_term_is_started_in_that_term(world, terms):
    today = timezone.localdate()
    earlier = TermFactory(
        virtual_school=world.virtual_school, academic_year=today.year - 1, name="summer",
        start_date=today - timedelta(days=150), end_date=today - timedelta(days=60),
        half_term_start=None, half_term_end=None,
    )  # fmt: skip
    pep = services.pep_start(
        child=world.child, actor=world.allocated_social_worker, on=earlier.start_date
    )
    assert pep.term == earlier
    assert services.pep_start(child=ChildFactory(virtual_school=world.virtual_school),
                              actor=world.vs_officer).term == terms[0]  # fmt: skip


def test_a_teacher_cannot_start_a_pep(world, terms):
    with pytest.raises(PermissionDenied):
        services.pep_start(child=world.child, actor=world.designated_teacher)


@pytest.mark.parametrize("kind", ["early_years", "school_age", "post_16"])
def test_every_kind_completes_a_full_cycle(world, pep, kind):
    if kind != pep.kind:
        services.pep_change_kind(pep=pep, actor=world.vs_officer, kind=kind)
        pep.refresh_from_db()
    pep = _submitted(world, pep)
    workflow.pep_sign_off(
        pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep), feedback=""
    )
    next_pep = Pep.objects.get(previous=pep)
    assert next_pep.kind == kind  # the Virtual School's choice of kind is kept
    assert next_pep.target_reviews.count() == 3


def test_the_kind_cannot_change_once_anything_is_entered(world, pep):
    demo.fill_school_part(pep, world.designated_teacher)
    with pytest.raises(ValidationError):
        services.pep_change_kind(pep=pep, actor=world.vs_officer, kind="post_16")


def test_a_school_move_after_sign_off_makes_the_pep2_review_due(world, pep):
    from django.utils import timezone

    from children import services as children_services
    from peps.progress import pep2_review_due
    from tests.accounts.factories import SchoolFactory

    pep = _submitted(world, pep)
    workflow.pep_sign_off(
        pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep), feedback=""
    )
    next_pep = Pep.objects.get(previous=pep)
    assert not pep2_review_due(next_pep)
    with time_machine.travel(timezone.now() + timedelta(days=1)):  # the next day
        children_services.enrolment_start(
            actor=world.vs_officer,
            child=world.child,
            school=SchoolFactory(),
            start_date=timezone.localdate(),
            replaces_current=True,
        )
    next_pep.refresh_from_db()
    assert pep2_review_due(next_pep)


def test_the_virtual_school_can_change_the_kind_of_next_terms_pep(world, pep):
    pep = _submitted(world, pep)
    workflow.pep_sign_off(
        pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep), feedback=""
    )
    next_pep = Pep.objects.get(previous=pep)
    services.pep_change_kind(pep=next_pep, actor=world.vs_officer, kind="post_16")
    next_pep.refresh_from_db()
    assert next_pep.kind == "post_16"
    assert not next_pep.answers.filter(section_key__in=["case_details", "care_placement"]).exists()


def _sign_off_answers(pep, **answers):
    row = pep.answers.filter(section_key="sign_off").first()
    return services.section_save(
        pep=pep,
        section_key="sign_off",
        answers={**(row.answers if row else {}), **answers},
        expected_version=row.version if row else 0,
        actor=pep.child.allocations.get(end_date__isnull=True).social_worker,
    )


def test_the_meeting_and_sign_off_section_checks_its_dates(world, pep):
    term = pep.term
    in_term = term.start_date + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        _sign_off_answers(pep, meeting_date=in_term.isoformat(),
                          next_meeting_date=in_term.isoformat())  # fmt: skip
    assert error.value.message_dict["next_meeting_date"] == [
        "The next meeting must be after this PEP's meeting"
    ]
    before_term = term.start_date - timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        _sign_off_answers(pep, meeting_date=before_term.isoformat())
    start, end = term.start_date, term.end_date
    assert error.value.message_dict["meeting_date"] == [
        f"The meeting must be in this PEP's term ({start.day} {start:%B %Y} to "
        f"{end.day} {end:%B %Y}), or say below why it was not"
    ]
    row = _sign_off_answers(
        pep, meeting_date=before_term.isoformat(),
        meeting_outside_term_reason="Held before the holiday so the carer could come",
    )  # fmt: skip
    assert row.answers["meeting_date"] == before_term.isoformat()


def test_sign_off_is_refused_while_the_meeting_is_still_to_come(world, pep):
    from django.utils import timezone

    pep = _submitted(world, pep)
    soon = timezone.localdate() + timedelta(days=3)
    assert pep.term.start_date <= soon <= pep.term.end_date
    SectionAnswer.objects.filter(pep=pep, section_key="sign_off").update(
        answers={**pep.answers.get(section_key="sign_off").answers,
                 "meeting_date": soon.isoformat()}
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        workflow.pep_sign_off(
            pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep), feedback=""
        )
    assert error.value.messages == ["The PEP meeting has been held: its date is not in the future"]
    assert Pep.objects.get(pk=pep.pk).state == Pep.State.SUBMITTED


def test_the_signed_off_copy_prints_the_provisional_next_meeting_date(world, pep, sign_off):
    from django.utils.formats import date_format

    from peps.documents.storage import private_storage
    from tests.peps.pdf import pdf_text

    # The copy is rendered once, after the commit: the next meeting's provisional date must be
    # planned by then, or the copy never shows it.
    pep = sign_off(_submitted(world, pep))
    next_pep = Pep.objects.get(previous=pep)
    assert next_pep.planned_meeting_date is not None
    with private_storage().open(pep.signed_off_copy.file_name) as stored:
        text = pdf_text(stored.read())
    day = date_format(next_pep.planned_meeting_date, "j F Y")
    assert f"Next PEP meeting {day}, provisional until the social worker confirms it" in text
    assert next_pep.planned_meeting_date.isoformat() not in text
