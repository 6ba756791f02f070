"""PEPs on paper: the print template, filled from a PEP (or left blank), made into a tagged
PDF (PDF/UA-1) by WeasyPrint.

Everything the renderer loads comes from `peps/documents/print/`: the stylesheet and the fonts
shipped with the project. Any other address, or a file there that is missing, stops the render with
`RenderFailed` rather than printing a PEP with something silently left out. Nothing is
fetched over a network.

The meetings and funding apps build on this one, so their rows are reached through the
relations they declare on PEPs and targets (`pep.meetings`, `target.ppplus_request`), never
imported.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from children.models import Period
from children.school_year import year_group_label

from ..education import attainment_text, pep_scale
from ..models import Pep, QualityReview, Target
from ..progress import pep_progress
from ..sections import SIGN_OFF, Kind, Question, QuestionType, Scale, Section, sections_for

PRINT_ROOT = (Path(__file__).parent / "print").resolve()
TEMPLATE = "peps/print/pep.html"
SIGN_OFF_NEXT_MEETING = SIGN_OFF.question("next_meeting_date")
BLANK_TARGETS = 3  # seed 004: at least three SMART targets a term
BLANK_REVIEW_ROWS = 3
BLANK_ATTENDANCE_ROWS = 8
BLANK_ACTION_ROWS = 5
BLANK_CHILD_LABELS = (
    "Name",
    "Date of birth",
    "Year group",
    "Unique Pupil Number (UPN)",
    "Council's child ID",
    "School or setting",
    "Social worker",
    "Date entered care",
    "Legal status",
    "Special educational needs",
)


class RenderFailed(Exception):
    """The PDF could not be made; the message says what stopped it (never personal data)."""


class _PrintFolderOnly(URLFetcher):
    """Loads files from the print folder and nothing else; any failure stops the render."""

    def __init__(self):
        super().__init__(allowed_protocols={"file"}, fail_on_errors=True)

    def fetch(self, url, headers=None):
        path = Path(url2pathname(urlsplit(url).path)).resolve()
        if not path.is_relative_to(PRINT_ROOT):
            raise ValueError("only files of the print folder may be loaded")
        return super().fetch(url, headers)


def html_to_pdf(html: str) -> bytes:
    """WeasyPrint alone: the HTML, with the print folder as its base, to a tagged PDF."""
    try:
        return HTML(
            string=html, base_url=PRINT_ROOT.as_uri() + "/", url_fetcher=_PrintFolderOnly()
        ).write_pdf(pdf_variant="pdf/ua-1")
    except FatalURLFetchingError as error:  # a BaseException in WeasyPrint: stop it here
        raise RenderFailed(f"{error} ({error.__cause__})") from error
    except Exception as error:
        raise RenderFailed(f"{type(error).__name__}: {error}") from error


@dataclass(frozen=True)
class PrintedQuestion:
    label: str
    answer: str
    long: bool
    options: str = ""  # the blank form's choices, to circle


@dataclass(frozen=True)
class PrintedSection:
    section: Section
    questions: tuple[PrintedQuestion, ...]
    rating: str = ""
    carried_forward: bool = False

    @property
    def owner(self) -> str:
        return self.section.owner.label


def answer_text(question: Question, value, scale: Scale | None = None) -> str:
    """An answer as a reader should see it: choices by their label, dates in words, attainment
    a line a subject."""
    if value is None or str(value).strip() == "":
        return ""
    if question.type == QuestionType.ATTAINMENT:
        return attainment_text(scale, value)
    if question.choices:
        return dict(question.choices).get(value, str(value))
    if question.type == QuestionType.DATE:
        try:
            return date_format(date.fromisoformat(value), "j F Y")
        except (TypeError, ValueError):
            return str(value)
    if question.type == QuestionType.PERCENT:
        return f"{value}%"
    return str(value)


def _is_long(question: Question) -> bool:
    return question.type in (QuestionType.TEXTAREA, QuestionType.ATTAINMENT)


def _printed_sections(progress, ratings: dict, scale: Scale | None) -> list[PrintedSection]:
    answers = progress.facts.answers
    return [
        PrintedSection(
            section=item.section,
            questions=tuple(
                PrintedQuestion(
                    label=q.label,
                    answer=answer_text(q, answers.get(item.section.key, {}).get(q.key), scale),
                    long=_is_long(q),
                )
                for q in item.section.questions
            ),
            rating=ratings.get(item.section.key, ""),
            carried_forward=item.carried_forward,
        )
        for item in progress.sections
    ]


def _views_prefetches() -> list[Prefetch]:
    """The child's sent answers and the carers' views, with who gave them: two queries. Their
    models belong to the voice app, which builds on this one, so they are reached through the
    relations rather than imported."""
    child_views = Pep._meta.get_field("child_views_responses").related_model
    carer_views = Pep._meta.get_field("carer_views").related_model
    return [
        Prefetch(
            "child_views_responses",
            queryset=child_views.objects.filter(submitted_at__isnull=False).select_related("adult"),
        ),
        Prefetch("carer_views", queryset=carer_views.objects.select_related("carer")),
    ]


def pep_print_context(pep: Pep, *, draft: bool) -> dict:
    """Everything the print template shows of one PEP, gathered in a fixed number of queries."""
    pep = (
        Pep.objects.select_related(
            "child__virtual_school",
            "term",
            "school_completed_by",
            "submitted_by",
            "signed_off_by",
            "previous",
        )
        .prefetch_related(
            Prefetch(
                "targets",
                queryset=Target.objects.select_related("ppplus_request"),
            ),
            *_views_prefetches(),
        )
        .get(pk=pep.pk)
    )
    child = pep.child
    progress = pep_progress(pep)
    sign_off = (
        pep.quality_reviews.filter(decision=QualityReview.Decision.SIGNED_OFF)
        .select_related("reviewer")
        .first()
    )
    ratings = {
        key: Pep.Rating(value).label
        for key, value in (sign_off.section_ratings if sign_off else {}).items()
    }
    meetings = list(
        pep.meetings.filter(cancelled_at__isnull=True).prefetch_related("invitations", "actions")
    )
    followed_up = (
        [
            action
            for meeting in pep.previous.meetings.filter(cancelled_at__isnull=True)
            .prefetch_related("actions")
            .order_by("starts_at")
            for action in meeting.actions.all()
        ]
        if pep.previous
        else []
    )
    # The signed-off copy shows the PEP as it was signed off, however late it is rendered.
    on = timezone.localdate(pep.signed_off_at) if pep.signed_off_at else timezone.localdate()
    enrolment = child.enrolments.filter(Period.covering(on)).select_related("school").first()
    allocation = (
        child.allocations.filter(Period.covering(on)).select_related("social_worker").first()
    )
    return {
        "blank": False,
        "draft": draft,
        "attachments": _attachments(pep, until=pep.signed_off_at),
        "pep": pep,
        "child": child,
        "kind_label": Kind(pep.kind).label,
        "year_group": year_group_label(child.year_group(on=pep.term.start_date)),
        "school": enrolment.school if enrolment else None,
        "social_worker": allocation.social_worker if allocation else None,
        "sections": _printed_sections(progress, ratings, pep_scale(pep)),
        "targets": list(pep.targets.all()),
        "reviews": list(progress.facts.reviews),
        "meetings": meetings,
        "followed_up": followed_up,
        "sign_off": sign_off,
        **next_meeting(pep, progress.facts.answers.get("sign_off", {})),
    }


def _attachments(pep: Pep, *, until) -> list:
    """The documents attached to this PEP or to the child's record (not another PEP's), as
    they were at sign-off: one attached later is not in the signed-off copy. The attachments
    app builds on this one, so its rows are reached through their relation to the child."""
    documents = pep.child.attachments.filter(Q(pep=pep) | Q(pep__isnull=True))
    if until is not None:
        documents = documents.filter(uploaded_at__lte=until)
    return list(documents.select_related("uploaded_by", "pep").order_by("document_date", "pk"))


def next_meeting(pep: Pep, answers: dict) -> dict:
    """The next meeting's date: the social worker's, or the provisional one planned at
    sign-off for next term's PEP."""
    chosen = answer_text(SIGN_OFF_NEXT_MEETING, answers.get("next_meeting_date"))
    if chosen:
        return {"next_meeting_date": chosen, "next_meeting_provisional": False}
    planned = (
        Pep.objects.filter(previous=pep, planned_meeting_date__isnull=False)
        .values_list("planned_meeting_date", "planned_meeting_confirmed")
        .first()
    )
    if planned is None:
        return {"next_meeting_date": "", "next_meeting_provisional": False}
    return {
        "next_meeting_date": date_format(planned[0], "j F Y"),
        "next_meeting_provisional": not planned[1],
    }


def blank_form_context(kind: str) -> dict:
    """A form to fill in by hand at a meeting held on paper: every section of the kind, with
    space for each answer, three targets and the review of the last ones."""
    return {
        "blank": True,
        "draft": False,
        "kind_label": Kind(kind).label,
        "kind": kind,
        "child_labels": BLANK_CHILD_LABELS,
        "sections": [
            PrintedSection(
                section=section,
                questions=tuple(
                    PrintedQuestion(
                        label=q.label,
                        answer="",
                        long=_is_long(q),
                        options=" / ".join(label for _, label in q.choices),
                    )
                    for q in section.questions
                ),
            )
            for section in sections_for(kind)
        ],
        "blank_targets": range(1, BLANK_TARGETS + 1),
        "blank_review_rows": range(BLANK_REVIEW_ROWS),
        "blank_attendance_rows": range(BLANK_ATTENDANCE_ROWS),
        "blank_action_rows": range(BLANK_ACTION_ROWS),
    }


def pep_html(pep: Pep, *, draft: bool) -> str:
    return render_to_string(TEMPLATE, pep_print_context(pep, draft=draft))


def pep_pdf(pep: Pep, *, draft: bool) -> bytes:
    """The PEP as a PDF: the signed-off copy, or a draft marked DRAFT on every page."""
    try:
        html = pep_html(pep, draft=draft)
    except Exception as error:
        raise RenderFailed(f"The print template failed: {type(error).__name__}") from error
    return html_to_pdf(html)


def blank_form_pdf(kind: str) -> bytes:
    return html_to_pdf(render_to_string(TEMPLATE, blank_form_context(kind)))
