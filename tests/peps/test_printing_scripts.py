"""Names in every script a child in care may write theirs in print as letters, not boxes,
from the fonts shipped with the project (never the machine's), in every PDF the service
makes: the draft, the signed-off copy and the blank form."""

from datetime import timedelta

import pytest
from django.utils import timezone

from peps import demo
from peps.documents import printing
from peps.documents.storage import private_storage
from peps.models import SectionAnswer
from peps.sections import QuestionType, sections_for
from peps.templatetags.peps_print import text_direction
from tests.meetings.factories import InvitationFactory, MeetingFactory
from tests.peps.pdf import pdf_glyphs, pdf_text

# One name a script, as a child or their family would write it.
NAMES = {
    "Chinese": "李小龙",
    "Arabic": "تسنيم حسن",
    "Persian": "پژمان رضایی",
    "Pashto": "ګلالۍ وردګ",
    "Kurdish (Sorani, Arabic script)": "ڕێبوار ئەحمەد",
    "Kurdish (Kurmanji, Latin script)": "Şêrko Xweşnav",
    "Tigrinya and Amharic (Ge'ez)": "ዮሴፍ ተስፋዬ",
    "Vietnamese": "Nguyễn Thị Ánh",
}
SHIPPED = ("PEP-Sans", "PEP-Arabic", "PEP-Ethiopic", "PEP-Han")
# The child's views in their own words, in Persian: "I like school and my friends."
VIEWS_IN_PERSIAN = "من مدرسه و دوستانم را دوست دارم."


def assert_every_letter_is_drawn_from_the_shipped_fonts(pdf: bytes):
    glyphs = pdf_glyphs(pdf)
    assert glyphs, "no text drawn"
    for font, ids in glyphs.items():
        name = font.lstrip("/").split("+", 1)[-1]
        assert font.lstrip("/")[6:7] == "+", f"{font} is not an embedded subset"
        assert name.startswith(SHIPPED), f"{name} is a font of the machine, not the project's"
        assert 0 not in ids, f"{name} drew .notdef (a box) for a letter it does not have"


@pytest.fixture
def child_of_many_scripts(world):
    """The world's child named in Chinese, known by an Arabic name, and a meeting whose
    invitees are named in each of the other scripts."""
    child = world.child
    child.legal_first_name, child.legal_last_name = "小龙", "李"
    child.preferred_name = NAMES["Arabic"].split()[0]
    child.save(update_fields=["legal_first_name", "legal_last_name", "preferred_name"])
    return child


def _meeting_with_everyone(pep):
    meeting = MeetingFactory(pep=pep, starts_at=timezone.now() - timedelta(days=1))
    for name in NAMES.values():
        InvitationFactory(meeting=meeting, name=name, attended=True)


def _answer_in_persian(pep) -> None:
    """The first long answer of the PEP written in Persian, as a child might give their views."""
    for section in sections_for(pep.kind):
        row = SectionAnswer.objects.filter(pep=pep, section_key=section.key).first()
        long = [q.key for q in section.questions if q.type == QuestionType.TEXTAREA]
        if row and long:
            row.answers[long[0]] = VIEWS_IN_PERSIAN
            row.save(update_fields=["answers"])
            return
    raise AssertionError("the PEP has no long answer")


def test_the_draft_and_the_signed_off_copy_print_every_script(
    world, pep, child_of_many_scripts, sign_off
):
    _meeting_with_everyone(pep)
    pep = demo.complete_and_submit(
        pep, teacher=world.designated_teacher, social_worker=world.allocated_social_worker
    )
    _answer_in_persian(pep)
    html = printing.pep_html(pep, draft=True)
    # Names are set apart from the English around them; the Persian answer reads from the right.
    assert "<bdi>小龙 李</bdi> (known as <bdi>تسنيم</bdi>)" in html
    assert "<bdi>تسنيم 李</bdi> · born" in html
    assert f'<td dir="rtl">{VIEWS_IN_PERSIAN}</td>' in html
    draft = printing.pep_pdf(pep, draft=True)
    pep = sign_off(pep)
    with private_storage().open(pep.signed_off_copy.file_name, "rb") as handle:
        copy = handle.read()
    for pdf in (draft, copy):
        assert_every_letter_is_drawn_from_the_shipped_fonts(pdf)
        text = pdf_text(pdf)
        assert "小龙 李" in text  # the legal name
        assert "تسنيم 李" in text  # the name they are known by, on every page's header
        for script, name in NAMES.items():
            assert name in text, script
        assert VIEWS_IN_PERSIAN.rstrip(".") in text


def test_the_blank_form_is_drawn_from_the_shipped_fonts():
    assert_every_letter_is_drawn_from_the_shipped_fonts(printing.blank_form_pdf("school_age"))


@pytest.mark.parametrize("script", NAMES)
def test_a_line_in_any_script_is_drawn_from_the_shipped_fonts(script):
    name = NAMES[script]
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><title>T</title>'
        '<link rel="stylesheet" href="pep.css"></head>'
        f"<body><p>Name: {name}</p><p><strong>{name}</strong></p></body></html>"
    )
    pdf = printing.html_to_pdf(html)
    assert_every_letter_is_drawn_from_the_shipped_fonts(pdf)
    assert name in pdf_text(pdf)


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        (VIEWS_IN_PERSIAN, "rtl"),
        ("ڕێبوار", "rtl"),
        ("12 تسنيم", "rtl"),  # digits have no direction of their own
        ("Maya (تسنيم)", "ltr"),
        ("李小龙", "ltr"),
        ("ዮሴፍ", "ltr"),
        ("", "ltr"),
        (None, "ltr"),
    ],
)
def test_text_reads_the_way_its_first_letter_does(text, direction):
    assert text_direction(text) == direction
