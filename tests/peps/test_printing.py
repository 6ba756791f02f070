"""What the printed PEP holds, that it is tagged for assistive technology, and that rendering
loads nothing but the project's own files."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from children.school_year import year_group_label
from funding import services as funding_services
from peps.documents import printing
from peps.models import Pep
from peps.progress import pep_progress
from peps.sections import Kind, sections_for
from tests.meetings.factories import InvitationFactory, MeetingActionFactory, MeetingFactory
from tests.peps.pdf import pdf_catalog, pdf_pages, pdf_structure_tags, pdf_text, pdf_xmp


def test_the_signed_off_pep_holds_the_child_every_section_and_each_target(signed_off_pep):
    text = pdf_text(printing.pep_pdf(signed_off_pep, draft=False))
    child = signed_off_pep.child
    assert f"{child.legal_first_name} {child.legal_last_name}" in text
    sections = [item.section.title for item in pep_progress(signed_off_pep).sections]
    assert len(sections) >= 9
    for title in sections:
        assert title in text, title
    targets = list(signed_off_pep.targets.all())
    assert len(targets) == 3
    for target in targets:
        assert target.description in text
    assert "Signed off by" in text
    assert "Overall quality rating Green" in text
    assert "Clear targets and the child's voice throughout." in text
    assert "DRAFT" not in text


def test_every_page_names_the_child_and_is_marked_and_numbered(signed_off_pep):
    pages = pdf_pages(printing.pep_pdf(signed_off_pep, draft=False))
    child = signed_off_pep.child
    born = f"born {child.date_of_birth.day} {child.date_of_birth:%B %Y}"
    assert len(pages) > 1
    for number, text in enumerate(pages, start=1):
        assert child.display_name in text
        assert born in text
        assert f"{signed_off_pep.term}".lower() in text.lower()
        assert text.count("OFFICIAL-SENSITIVE") == 2  # top and bottom
        assert f"Page {number} of {len(pages)}" in text


def test_the_pdf_is_tagged_pdf_ua_1(signed_off_pep):
    pdf = printing.pep_pdf(signed_off_pep, draft=False)
    catalog = pdf_catalog(pdf)
    assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a PDF boolean object)
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    # The tags follow the template's meaning: headings, tables with header cells and captions.
    tags = pdf_structure_tags(pdf)
    assert {"/H1", "/H2", "/H3", "/Table", "/TR", "/TH", "/TD", "/Caption", "/P"} <= tags
    xmp = pdf_xmp(pdf)
    assert 'pdfuaid:part="1"' in xmp
    assert f"Personal Education Plan for {signed_off_pep.child.display_name}" in xmp


def test_the_tags_are_not_there_without_the_meaning():
    """The check above can fail: markup with no headings or header cells has no such tags."""
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><title>T</title></head><body>'
        "<div>Name</div><table><tr><td>Ava</td></tr></table></body></html>"
    )
    tags = pdf_structure_tags(printing.html_to_pdf(html))
    assert "/Table" in tags
    assert not {"/H1", "/H2", "/TH", "/Caption"} & tags


def test_the_copy_shows_the_pep_as_it_was_signed_off_however_late_it_is_made(world, submitted_pep):
    """The render may run after a retry; a case transfer or school move since then must not
    rewrite the record."""
    from accounts.models import Role
    from children import services as children_services
    from peps import demo, workflow
    from tests.accounts.factories import SchoolFactory, UserFactory

    workflow.pep_sign_off(
        pep=submitted_pep, actor=world.vs_officer,
        section_ratings=demo.all_green(submitted_pep), feedback="",
    )  # fmt: skip
    submitted_pep.refresh_from_db()
    newcomer = UserFactory(
        role=Role.SOCIAL_WORKER, virtual_school=world.virtual_school, full_name="Morgan Newcomer"
    )
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        children_services.child_transfer_case(
            actor=world.vs_officer, child=world.child, social_worker=newcomer
        )
        children_services.enrolment_start(
            actor=world.vs_officer, child=world.child,
            school=SchoolFactory(name="Far Away Academy"), start_date=timezone.localdate(),
            year_group=world.child.year_group(), replaces_current=True,
        )  # fmt: skip
        text = pdf_text(printing.pep_pdf(submitted_pep, draft=False))
    assert f"Social worker {world.allocated_social_worker.full_name}" in text
    assert f"School or setting {world.school.name}" in text
    assert "Morgan Newcomer" not in text and "Far Away Academy" not in text


def test_the_next_meeting_is_the_date_the_social_worker_set_or_said_to_be_provisional(
    world, signed_off_pep
):
    from django.utils.formats import date_format

    from peps.models import SectionAnswer

    planned = Pep.objects.get(previous=signed_off_pep).planned_meeting_date
    text = pdf_text(printing.pep_pdf(signed_off_pep, draft=False))
    assert (
        f"Next PEP meeting {date_format(planned, 'j F Y')}, provisional until the social worker "
        "confirms it" in text
    )

    row = SectionAnswer.objects.get(pep=signed_off_pep, section_key="sign_off")
    row.answers["next_meeting_date"] = "2027-01-20"
    row.save()
    text = pdf_text(printing.pep_pdf(signed_off_pep, draft=False))
    assert "Next PEP meeting 20 January 2027, as the social worker set at sign-off" in text


def test_a_draft_says_so_on_every_page(pep, world):
    from peps import demo

    demo.fill_school_part(pep, world.designated_teacher)
    pages = pdf_pages(printing.pep_pdf(pep, draft=True))
    assert len(pages) > 1
    for text in pages:
        assert "DRAFT: not signed off" in text
    assert "has not been signed off by the Virtual School" in pages[0]


def test_answers_read_as_words(signed_off_pep):
    text = pdf_text(printing.pep_pdf(signed_off_pep, draft=False))
    assert "Is a change of school planned? No" in text  # a yes/no by its label
    assert "Sessions possible this term so far 120" in text
    assert "English language: now Grade 4" in text  # attainment a line a subject
    assert (
        "Year group "
        + year_group_label(signed_off_pep.child.year_group(on=signed_off_pep.term.start_date))
        in text
    )
    assert f"{signed_off_pep.term.start_date.day} {signed_off_pep.term.start_date:%B %Y}" in text


def test_the_targets_carry_their_funding_and_the_meeting_its_attendance(world, pep):
    from peps import demo

    demo.fill_school_part(pep, world.designated_teacher)
    target = pep.targets.get(subject="Maths")
    request = funding_services.ppplus_request_save(
        target=target, actor=world.designated_teacher, intervention="resources",
        tuition_arranged_by="",
    )  # fmt: skip
    meeting = MeetingFactory(pep=pep, starts_at=timezone.now() - timedelta(days=1))
    InvitationFactory(meeting=meeting, name="Jo Bennett", attended=True)
    InvitationFactory(
        meeting=meeting, name="Sam Carter", role="child", attended=False,
        absence_reason="Chose to give views beforehand",
    )  # fmt: skip
    MeetingActionFactory(meeting=meeting, description="Book the reading assessment")
    text = pdf_text(printing.pep_pdf(pep, draft=True))
    assert f"PP+ requested £{target.ppplus_amount}" in text
    assert "What the PP+ pays for Resources and equipment" in text
    assert "Virtual School's decision Waiting for a decision" in text
    assert "Jo Bennett Carer Yes" in text
    assert "Sam Carter The child or young person No Chose to give views beforehand" in text
    assert "Book the reading assessment" in text
    assert request.target_id == target.pk


def test_the_review_of_last_terms_targets_is_printed(world, signed_off_pep):
    from peps import demo

    next_pep = Pep.objects.get(previous=signed_off_pep)
    demo.fill_school_part(next_pep, world.designated_teacher)
    text = pdf_text(printing.pep_pdf(next_pep, draft=True))
    for target in signed_off_pep.targets.all():
        assert target.description in text
    assert "Partly achieved Seen in class work and the teacher's assessment." in text
    assert "£260.00 asked for, no request made: Small-group sessions helped." in text


@pytest.mark.parametrize("kind", [k.value for k in Kind])
def test_a_blank_form_has_every_section_of_its_kind_and_room_for_three_targets(kind):
    text = pdf_text(printing.blank_form_pdf(kind))
    assert f"Blank form: {Kind(kind).label}" in text
    for section in sections_for(kind):
        assert section.title in text
        for question in section.questions:
            assert " ".join(question.label.split()) in text
    for number in (1, 2, 3):
        assert f"Target {number}" in text
    assert "Who was invited, and who came" in text
    assert "Only when a change of school is planned" in text or kind == "post_16"


def test_printing_a_pep_takes_the_same_queries_however_much_it_holds(
    world, pep, django_assert_max_num_queries
):
    from peps import demo
    from tests.peps.factories import TargetFactory
    from tests.voice.factories import CarerViewsFactory, ChildViewsFactory

    demo.fill_school_part(pep, world.designated_teacher)
    meeting = MeetingFactory(pep=pep, starts_at=timezone.now() - timedelta(days=1))
    InvitationFactory(meeting=meeting)
    MeetingActionFactory(meeting=meeting)
    # 16: with the PP+ requests the rules read, the next PEP's planned meeting date, and the
    # child's and the carers' own views (whether the child sent any, and both with their authors).
    with django_assert_max_num_queries(16):
        printing.pep_html(pep, draft=True)
    TargetFactory.create_batch(12, pep=pep)
    InvitationFactory.create_batch(5, meeting=meeting)
    MeetingActionFactory.create_batch(5, meeting=meeting)
    ChildViewsFactory.create_batch(3, pep=pep, submitted_at=timezone.now())
    CarerViewsFactory.create_batch(3, pep=pep)
    with django_assert_max_num_queries(16):
        html = printing.pep_html(pep, draft=True)
    assert html.count("<caption>Target ") == 15


@pytest.mark.parametrize(
    "resource",
    [
        '<img src="https://example.org/logo.png" alt="Logo">',
        '<img src="missing.png" alt="Logo">',
        '<link rel="stylesheet" href="file:///etc/ssl/openssl.cnf">',
    ],
    ids=["the network", "a missing file", "a file outside the print folder"],
)
def test_the_renderer_refuses_what_is_not_in_the_print_folder(resource):
    html = f'<!DOCTYPE html><html lang="en-GB"><head><title>T</title></head><body>{resource}'
    with pytest.raises(printing.RenderFailed):
        printing.html_to_pdf(html)


def test_the_renderer_loads_the_print_folders_own_files():
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><title>T</title>'
        '<link rel="stylesheet" href="pep.css"></head><body><p>Fine</p></body></html>'
    )
    assert "Fine" in pdf_text(printing.html_to_pdf(html))
