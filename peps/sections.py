"""What a PEP asks, declared in one place: each kind's sections, who completes them, their
questions, and when a section applies. Adding a question is a change here and nowhere else.

Owners follow seed 004: the social worker completes the social-care pages (child and case,
care and placement, school transfer, sign-off); the designated teacher completes the rest; the
child's views may be gathered by either.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    EARLY_YEARS = "early_years"
    SCHOOL_AGE = "school_age"
    POST_16 = "post_16"

    @property
    def label(self) -> str:
        return {
            "early_years": "Early years PEP",
            "school_age": "School-age PEP (PEP1 and PEP2)",
            "post_16": "Post-16 PEP",
        }[self.value]


class Owner(StrEnum):
    SOCIAL_WORKER = "social_worker"
    DESIGNATED_TEACHER = "designated_teacher"
    EITHER = "either"  # the child's views: usually the school, sometimes the social worker

    @property
    def label(self) -> str:
        return {
            "social_worker": "Social worker",
            "designated_teacher": "Designated teacher",
            "either": "Designated teacher or social worker",
        }[self.value]


class QuestionType(StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    CHOICE = "choice"
    YES_NO = "yes_no"
    DATE = "date"
    NUMBER = "number"
    PERCENT = "percent"


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    type: QuestionType = QuestionType.TEXTAREA
    mandatory: bool = True
    help_text: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    max_value: int | None = None


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    owner: Owner
    questions: tuple[Question, ...] = ()
    # Whether the section is part of this PEP: given the PEP's year group and the answers so far.
    applies: Callable[[int, dict], bool] = field(default=lambda year_group, answers: True)
    # The targets section is completed in its own editor, not by questions alone.
    has_targets: bool = False
    hint: str = ""
    # When `applies` can leave the section out, in words (printed on the blank form).
    applies_when: str = ""

    @property
    def mandatory_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.mandatory)

    def question(self, key: str) -> Question:
        return next(q for q in self.questions if q.key == key)


FREE_TEXT_HINT = "Write what the plan needs. Leave out health details and family history."
YES_NO = (("yes", "Yes"), ("no", "No"))
EYFS_STAGES = (
    ("exceeding", "Exceeding"),
    ("expected", "Expected"),
    ("emerging", "Emerging"),
)

# Transition sections apply when a child moves into Reception, leaves primary (year 6) or
# finishes year 11 (seed: Lancashire's red rating for "no transition detail" at these points).
TRANSITION_YEARS = {-1, 6, 11}


def _in_transition_year(year_group: int, answers: dict) -> bool:
    return year_group in TRANSITION_YEARS


def _school_move_planned(year_group: int, answers: dict) -> bool:
    return answers.get("case_details", {}).get("school_move_planned") == "yes"


def _alternative_provision(year_group: int, answers: dict) -> bool:
    return answers.get("attendance", {}).get("reduced_timetable") == "yes"


CASE_DETAILS = Section(
    key="case_details",
    title="Child and case details",
    owner=Owner.SOCIAL_WORKER,
    hint="Page 1",
    questions=(
        Question(
            "changes_since_last_pep",
            "Changes in the child's circumstances since the last PEP",
            help_text=FREE_TEXT_HINT,
        ),
        Question(
            "placements_last_12_months",
            "Number of placements in the last 12 months",
            QuestionType.NUMBER,
            max_value=50,
        ),
        Question(
            "school_move_planned",
            "Is a change of school planned?",
            QuestionType.YES_NO,
            choices=YES_NO,
            help_text="If yes, the school transfer section is added to this PEP",
        ),
    ),
)

CARE_AND_PLACEMENT = Section(
    key="care_placement",
    title="Care and placement",
    owner=Owner.SOCIAL_WORKER,
    hint="Page 2",
    questions=(
        Question(
            "carer_role_in_education",
            "How the carer supports the child's education",
            help_text="The regulations ask for the carer's role in promoting education and leisure",
        ),
        Question("leisure_interests", "The child's leisure interests and hobbies"),
        Question("carer_views", "The carer's views", mandatory=False),
    ),
)

SCHOOL_TRANSFER = Section(
    key="school_transfer",
    title="School transfer",
    owner=Owner.SOCIAL_WORKER,
    hint="Page 8, only when a move is planned",
    applies=_school_move_planned,
    applies_when="when a change of school is planned",
    questions=(
        Question("new_school", "The planned new school and start date", QuestionType.TEXT),
        Question(
            "minimising_disruption",
            "How disruption to the child's education will be kept to a minimum",
        ),
    ),
)

PATHWAY_PLAN = Section(
    key="pathway_plan",
    title="Pathway plan",
    owner=Owner.SOCIAL_WORKER,
    hint="Replaces the PEP2 from year 12",
    questions=(
        Question("pathway_plan_reference", "Pathway plan reference", QuestionType.TEXT),
        Question("pathway_plan_reviewed_on", "Date the pathway plan was last reviewed",
                 QuestionType.DATE),
        Question("pathway_plan_next_review", "Date of the pathway plan's next review",
                 QuestionType.DATE, mandatory=False,
                 help_text="Leave blank if not set: it is then six months after the last review"),
        Question("personal_adviser", "Personal adviser", QuestionType.TEXT, mandatory=False),
    ),
)  # fmt: skip

SIGN_OFF = Section(
    key="sign_off",
    title="Meeting and sign-off",
    owner=Owner.SOCIAL_WORKER,
    hint="Page 10",
    questions=(
        Question("meeting_date", "Date of the PEP meeting", QuestionType.DATE),
        Question(
            "attendees",
            "Who attended the meeting",
            help_text="Names and roles. If the child or carer did not attend, say why.",
        ),
        Question(
            "next_meeting_date",
            "Date of the next PEP meeting",
            QuestionType.DATE,
            mandatory=False,
            help_text="Leave blank for a provisional date to be set when the PEP is signed off",
        ),
        Question("signed_by", "Name of the social worker signing off", QuestionType.TEXT),
    ),
)

ATTENDANCE = Section(
    key="attendance",
    title="Attendance and exclusions",
    owner=Owner.DESIGNATED_TEACHER,
    hint="Page 3",
    questions=(
        Question("attendance_percent", "Attendance this term so far (%)", QuestionType.PERCENT),
        Question(
            "suspension_days",
            "Days of suspension (fixed-term exclusion) this term",
            QuestionType.NUMBER,
            max_value=100,
        ),
        Question(
            "reduced_timetable",
            "Is the child on a reduced timetable or in alternative provision?",
            QuestionType.YES_NO,
            choices=YES_NO,
        ),
        Question("attendance_actions", "What is being done about attendance", mandatory=False),
    ),
)

ALTERNATIVE_PROVISION = Section(
    key="alternative_provision",
    title="Alternative provision or reduced timetable",
    owner=Owner.DESIGNATED_TEACHER,
    applies=_alternative_provision,
    applies_when="when the child is on a reduced timetable or in alternative provision",
    questions=(
        Question("arrangement", "The arrangement, hours and provider"),
        Question("return_plan", "The plan and date to return to full-time education"),
    ),
)

ATTAINMENT = Section(
    key="attainment",
    title="Attainment and progress",
    owner=Owner.DESIGNATED_TEACHER,
    hint="Page 4",
    questions=(
        Question(
            "attainment_by_subject",
            "Attainment in each subject: current, expected and target",
            help_text="One line a subject, for example: English: working towards / expected / "
            "expected",
        ),
        Question(
            "progress",
            "Overall progress this term",
            QuestionType.CHOICE,
            choices=(
                ("above", "Above expected"),
                ("expected", "Expected"),
                ("below", "Below expected"),
            ),
        ),
    ),
)

NEEDS = Section(
    key="needs",
    title="Special educational needs",
    owner=Owner.DESIGNATED_TEACHER,
    hint="Page 5",
    questions=(
        Question(
            "sen_provision",
            "Special educational needs and the support in place",
            help_text="Say 'None' if the child has no identified needs",
        ),
        Question("sdq_score", "Latest SDQ score (0 to 40)", QuestionType.NUMBER,
                 mandatory=False, max_value=40),
    ),
)  # fmt: skip

STRENGTHS_AND_BARRIERS = Section(
    key="strengths_barriers",
    title="Strengths and barriers to learning",
    owner=Owner.DESIGNATED_TEACHER,
    hint="Page 6",
    questions=(
        Question("strengths", "The child's strengths"),
        Question("barriers", "Barriers to learning"),
    ),
)

CHILD_VIEWS = Section(
    key="child_views",
    title="The child's views",
    owner=Owner.EITHER,
    hint="Page 7: usually the school, or the social worker if more appropriate",
    questions=(
        Question("going_well", "What is going well at school, in the child's words",
                 mandatory=False),
        Question("help_wanted", "What the child would like help with", mandatory=False),
        Question("aspirations", "What the child wants to do in the future", mandatory=False),
        Question(
            "views_not_gathered_reason",
            "If the child's views could not be gathered, why not",
            mandatory=False,
        ),
    ),
)  # fmt: skip

TRANSITION = Section(
    key="transition",
    title="Transition",
    owner=Owner.DESIGNATED_TEACHER,
    hint="Moving into Reception, from year 6, or finishing year 11",
    applies=_in_transition_year,
    applies_when="when the child is moving into Reception, leaving year 6 or finishing year 11",
    questions=(Question("transition_plan", "The transition plan: visits, key adults and dates"),),
)

TARGETS = Section(
    key="targets",
    title="Targets and Pupil Premium Plus",
    owner=Owner.DESIGNATED_TEACHER,
    hint="Page 9: review of previous targets, new SMART targets, PP+ against each",
    has_targets=True,
    questions=(
        Question(
            "tuition_arrangement",
            "If PP+ pays for one-to-one tuition, who arranges it?",
            QuestionType.CHOICE,
            choices=(
                ("no_tuition", "No tuition this term"),
                ("school", "The school claims the PP+ and arranges tuition"),
                ("virtual_school", "The Virtual School keeps the PP+ and arranges tuition"),
            ),
        ),
    ),
)

EARLY_YEARS_SETTING = Section(
    key="setting",
    title="Early years setting",
    owner=Owner.DESIGNATED_TEACHER,
    questions=(
        Question("setting_and_key_person", "The setting, the hours attended and the key person"),
        Question("attendance_concerns", "Any concerns about attendance", mandatory=False),
    ),
)

EYFS = Section(
    key="eyfs",
    title="Early Years Foundation Stage",
    owner=Owner.DESIGNATED_TEACHER,
    hint="Where the child is in each area of learning",
    questions=tuple(
        Question(key, label, QuestionType.CHOICE, choices=EYFS_STAGES)
        for key, label in (
            ("communication_language", "Communication and language"),
            ("physical", "Physical development"),
            ("personal_social_emotional", "Personal, social and emotional development"),
            ("literacy", "Literacy"),
            ("mathematics", "Mathematics"),
            ("understanding_world", "Understanding the world"),
            ("expressive_arts", "Expressive arts and design"),
        )
    ),
)

EARLY_YEARS_PUPIL_PREMIUM = Section(
    key="eypp",
    title="Early Years Pupil Premium",
    owner=Owner.DESIGNATED_TEACHER,
    questions=(Question("eypp_use", "How the Early Years Pupil Premium is used and its impact"),),
)

PROVIDER_AND_COURSE = Section(
    key="provider_course",
    title="Provider and course",
    owner=Owner.DESIGNATED_TEACHER,
    questions=(
        Question("provider", "School, college or training provider", QuestionType.TEXT),
        Question("course", "Course or programme, and its level", QuestionType.TEXT),
        Question("attendance_percent", "Attendance this term so far (%)", QuestionType.PERCENT),
    ),
)

CAREERS = Section(
    key="careers",
    title="Careers guidance",
    owner=Owner.DESIGNATED_TEACHER,
    questions=(
        Question("guidance_received", "Careers guidance received and planned"),
        Question("next_steps", "Plans after this course"),
    ),
)

NEET_RISK = Section(
    key="neet_risk",
    title="Risk of not being in education, employment or training",
    owner=Owner.DESIGNATED_TEACHER,
    questions=(
        Question(
            "neet_risk",
            "Risk of becoming NEET",
            QuestionType.CHOICE,
            choices=(("low", "Low"), ("medium", "Medium"), ("high", "High")),
        ),
        Question("neet_support", "Support in place to reduce the risk", mandatory=False),
    ),
)

SECTIONS_BY_KIND: dict[Kind, tuple[Section, ...]] = {
    Kind.EARLY_YEARS: (
        CASE_DETAILS,
        CARE_AND_PLACEMENT,
        EARLY_YEARS_SETTING,
        EYFS,
        EARLY_YEARS_PUPIL_PREMIUM,
        CHILD_VIEWS,
        TRANSITION,
        TARGETS,
        SCHOOL_TRANSFER,
        SIGN_OFF,
    ),
    Kind.SCHOOL_AGE: (
        CASE_DETAILS,
        CARE_AND_PLACEMENT,
        ATTENDANCE,
        ALTERNATIVE_PROVISION,
        ATTAINMENT,
        NEEDS,
        STRENGTHS_AND_BARRIERS,
        CHILD_VIEWS,
        TRANSITION,
        TARGETS,
        SCHOOL_TRANSFER,
        SIGN_OFF,
    ),
    Kind.POST_16: (
        PATHWAY_PLAN,
        PROVIDER_AND_COURSE,
        CAREERS,
        NEET_RISK,
        CHILD_VIEWS,
        TRANSITION,
        TARGETS,
        SIGN_OFF,
    ),
}

# In a school-age PEP, the social worker's sections form the PEP2, which is reviewed at least
# every six months or on a change of school, and otherwise carried forward (seed 001).
PEP2_SECTION_KEYS = {"case_details", "care_placement", "school_transfer"}


def sections_for(kind: str) -> tuple[Section, ...]:
    return SECTIONS_BY_KIND[Kind(kind)]


def section_for(kind: str, key: str) -> Section | None:
    return next((s for s in sections_for(kind) if s.key == key), None)


def kind_for_year_group(year_group: int) -> Kind:
    """Early years until Reception starts, school-age from Reception to year 11, then post-16."""
    if year_group < 0:
        return Kind.EARLY_YEARS
    if year_group <= 11:
        return Kind.SCHOOL_AGE
    return Kind.POST_16
