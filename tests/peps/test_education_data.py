"""Typed education data: captured in the PEP's sections, kept as rows per PEP (child and term),
refused next to the field when it cannot be true, and kept by each version."""

from decimal import Decimal

import pytest
from django.urls import reverse

from children import services as children_services
from peps import demo, workflow
from peps.education import field_name
from peps.models import AttainmentResult, EducationRecord, Pep, SectionAnswer
from peps.sections import EYFS_SCALE, GCSE_SCALE, KEY_STAGE_SCALE, scale_for
from tests.peps.factories import AttainmentResultFactory, EducationRecordFactory


def _post(client, pep, section, data):
    return client.post(reverse("peps:section", args=[pep.pk, section]), {"version": 0, **data})


def _attendance(**overrides):
    data = {
        "possible_sessions": "120",
        "attended_sessions": "100",
        "authorised_absence_sessions": "12",
        "unauthorised_absence_sessions": "8",
        "suspensions": "1",
        "suspension_days": "1.5",
        "permanently_excluded": "no",
        "reduced_timetable": "no",
    }
    return {**data, **overrides}


def test_attendance_is_kept_as_numbers_with_the_dfe_measures(client, world, pep):
    client.force_login(world.designated_teacher)
    assert _post(client, pep, "attendance", _attendance()).status_code == 302
    record = EducationRecord.objects.get(pep=pep)
    assert (record.child, record.term) == (world.child, pep.term)
    assert record.possible_sessions == 120 and record.attended_sessions == 100
    assert record.attendance_percent == Decimal("83.3")
    assert record.persistently_absent is True  # 20 of 120 missed is 16.7%: 10% or more
    assert record.severely_absent is False
    assert record.suspensions == 1 and record.suspension_days == Decimal("1.5")
    assert record.permanently_excluded is False


def test_severe_absence_is_half_the_sessions_or_more(client, world, pep):
    client.force_login(world.designated_teacher)
    data = _attendance(
        attended_sessions="60", authorised_absence_sessions="30",
        unauthorised_absence_sessions="30", suspensions="0", suspension_days="0",
    )  # fmt: skip
    _post(client, pep, "attendance", data)
    record = EducationRecord.objects.get(pep=pep)
    assert record.attendance_percent == Decimal("50.0") and record.severely_absent is True


@pytest.mark.parametrize(
    ("section", "data", "field", "message"),
    [
        ("attendance", _attendance(attended_sessions="130"), "attended_sessions",
         "Sessions attended cannot be more than sessions possible"),
        ("attendance", _attendance(unauthorised_absence_sessions="30"),
         "unauthorised_absence_sessions", "add up to more than the sessions possible"),
        ("attendance", _attendance(authorised_absence_sessions="-2"),
         "authorised_absence_sessions", "Enter 0 or more"),
        ("attendance", _attendance(suspension_days="3", suspensions="0"), "suspensions",
         "Enter how many suspensions"),
        # A review date under another SEN status is ignored, not refused (the date is revealed
        # only under "EHC plan"): tests/peps/test_input_kept.py.
        ("needs", {"sen_status": "none", "sen_primary_need": "SEMH"}, "sen_primary_need",
         "Only a child with SEN support or an EHC plan has a primary need"),
        ("attainment", {field_name("results", 0, "subject"): "Maths",
                        field_name("results", 0, "current"): "11"},
         field_name("results", 0, "current"), "Choose a grade on the scale for Now"),
        ("attainment", {field_name("results", 0, "current"): "5"},
         field_name("results", 0, "subject"), "Enter the subject"),
        ("attainment", {field_name("results", 0, "subject"): "Maths",
                        field_name("results", 0, "current"): "5",
                        field_name("results", 1, "subject"): "maths",
                        field_name("results", 1, "current"): "6"},
         field_name("results", 1, "subject"), "maths is entered twice"),
        ("case_details", {"sdq_score": "41"}, "sdq_score", "Enter 40 or less"),
        ("case_details", {"sdq_score": "18"}, "sdq_date", "Enter the date of the SDQ score"),
    ],
    ids=["attended-over-possible", "missed-over-possible", "negative", "days-without-count",
         "need-without-sen", "grade-off-scale", "grade-without-subject",
         "subject-twice", "sdq-over-40", "sdq-without-date"],
)  # fmt: skip
def test_impossible_figures_are_refused_by_their_field_and_nothing_is_saved(
    client, world, pep, section, data, field, message
):
    owner = world.allocated_social_worker if section == "case_details" else world.designated_teacher
    client.force_login(owner)
    response = _post(client, pep, section, data)
    assert response.status_code == 200
    html = response.content.decode().replace("&#x27;", "'")
    assert f'<a href="#id_{field}' in html and message in html
    assert "Error: " in html  # in the page title
    assert not SectionAnswer.objects.filter(pep=pep, section_key=section).exists()
    assert not EducationRecord.objects.filter(pep=pep, possible_sessions__isnull=False).exists()


def test_a_post_16_attendance_over_100_percent_is_refused(client, world, pep):
    Pep.objects.filter(pk=pep.pk).update(kind="post_16")
    client.force_login(world.designated_teacher)
    response = _post(client, pep, "provider_course", {"eet_status": "education",
                                                      "attendance_percent": "120"})  # fmt: skip
    assert "Enter a percentage from 0 to 100" in response.content.decode()
    response = _post(client, pep, "provider_course", {"eet_status": "neet",
                                                      "attendance_percent": "85"})  # fmt: skip
    assert response.status_code == 302
    record = EducationRecord.objects.get(pep=pep)
    assert record.eet_status == "neet" and record.attendance_percent == Decimal("85")
    assert record.persistently_absent is True


def test_each_stage_has_its_scale():
    assert scale_for("early_years", -1) is EYFS_SCALE
    assert scale_for("school_age", 0) is EYFS_SCALE  # Reception ends the foundation stage
    assert scale_for("school_age", 4) is KEY_STAGE_SCALE
    assert scale_for("school_age", 9) is GCSE_SCALE
    assert scale_for("post_16", 12) is None


def test_gcse_attainment_is_a_row_a_subject_with_its_rank(client, world, pep):
    client.force_login(world.designated_teacher)  # the world's child is in year 7
    page = client.get(reverse("peps:section", args=[pep.pk, "attainment"])).content.decode()
    assert "GCSE grades 9 to 1" in page and "Subject 1" in page
    response = _post(client, pep, "attainment", {
        field_name("results", 0, "subject"): "English language",
        field_name("results", 0, "current"): "4", field_name("results", 0, "target"): "6",
        field_name("results", 1, "subject"): "Maths", field_name("results", 1, "current"): "3",
        field_name("results", 1, "predicted"): "4", "progress": "expected",
    })  # fmt: skip
    assert response.status_code == 302
    results = {r.subject: r for r in AttainmentResult.objects.filter(pep=pep)}
    assert set(results) == {"English language", "Maths"}
    assert results["Maths"].current == "3" and results["Maths"].predicted == "4"
    assert results["English language"].current_rank == 3  # grade 4 is fourth from the bottom
    saved = client.get(reverse("peps:section", args=[pep.pk, "attainment"])).content.decode()
    assert 'value="English language"' in saved  # shown again for editing, and more rows offered
    assert "Subject 5" in saved


def test_primary_attainment_is_reading_writing_and_maths(client, world, pep):
    children_services.child_update(actor=world.vs_officer, child=world.child, year_group_override=4)
    client.force_login(world.designated_teacher)
    response = _post(client, pep, "attainment", {
        field_name("results", "reading", "current"): "expected",
        field_name("results", "reading", "target"): "greater_depth",
        field_name("results", "maths", "current"): "working_towards",
        "progress": "below",
    })  # fmt: skip
    assert response.status_code == 302
    assert set(
        AttainmentResult.objects.filter(pep=pep).values_list("subject", "current", "scale")
    ) == {("reading", "expected", "key_stage"), ("maths", "working_towards", "key_stage")}
    client.force_login(world.vs_officer)
    html = client.get(reverse("peps:section", args=[pep.pk, "attainment"])).content.decode()
    assert "Reading: now At the expected standard, by the end of the year Greater depth" in html


def test_the_sdq_comes_from_the_social_workers_part_and_is_carried_to_the_next_pep(
    client, world, pep, django_capture_on_commit_callbacks
):
    pep = demo.complete_and_submit(
        pep, teacher=world.designated_teacher, social_worker=world.allocated_social_worker, vary=1
    )
    first = EducationRecord.objects.get(pep=pep)
    assert first.sdq_score == 13 and first.attended_sessions == 111
    with django_capture_on_commit_callbacks(execute=True):
        workflow.pep_sign_off(
            pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep), feedback=""
        )
    following = Pep.objects.get(previous=pep)
    carried = EducationRecord.objects.get(pep=following)
    assert carried.sdq_score == 13  # the PEP2 is carried forward, and its SDQ with it
    assert carried.attended_sessions is None  # this term's attendance is not entered yet
    client.force_login(world.designated_teacher)
    _post(client, following, "attendance", _attendance())
    assert EducationRecord.objects.get(pep=following).attended_sessions == 100
    first.refresh_from_db()
    assert first.attended_sessions == 111  # the signed-off version keeps its own figures


def test_the_printed_pep_reads_attainment_and_figures_as_words(world, pep):
    from peps.documents.printing import pep_html

    demo.fill_school_part(pep, world.designated_teacher)
    html = pep_html(pep, draft=True)
    assert "English language: now Grade 4" in html
    assert "Sessions possible this term so far" in html


def test_the_factories_make_valid_rows(db):
    record = EducationRecordFactory()
    result = AttainmentResultFactory(pep=record.pep)
    assert record.child == record.pep.child and result.term == record.pep.term
