"""What a PEP asks, declared in one place: each kind's sections, who completes them, their
questions, and when a section applies. Adding a question is a change here and nowhere else.

Owners follow seed 004: the social worker completes the social-care pages (child and case,
care and placement, school transfer, sign-off); the designated teacher completes the rest; the
child's views may be gathered by either.

Questions marked `measure` are the typed education data the Virtual School counts across
children (attendance, exclusions, SEN, SDQ, post-16 destinations): their key is the field of the
PEP's `EducationRecord` they fill, and `peps.education` copies them there on every save.
Attainment is recorded on the scale of the child's stage (`Scale`, chosen by `scale_for`).
A section's `checks` are the rules across its answers (sessions attended cannot exceed sessions
possible, ...): each returns {question key: message}, and a save that breaks one is refused.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
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


def too_long_message(label: str, limit: int) -> str:
    """The GOV.UK character count's message for text over its limit."""
    return f"{label} must be {limit:,} characters or fewer"


class QuestionType(StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    CHOICE = "choice"
    YES_NO = "yes_no"
    DATE = "date"
    NUMBER = "number"
    DECIMAL = "decimal"  # to one decimal place, like 2.5 days
    PERCENT = "percent"
    ATTAINMENT = "attainment"  # a grade per subject on the scale of the child's stage


# The most characters a free-text answer may have, unless its question says otherwise: a line
# of text, and a few paragraphs (about 600 words). The page shows the count as people type.
TEXT_LIMITS = {QuestionType.TEXT: 500, QuestionType.TEXTAREA: 5000}


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    type: QuestionType = QuestionType.TEXTAREA
    mandatory: bool = True
    help_text: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    max_value: int | None = None
    # Also kept as typed data in the PEP's EducationRecord, in the field named by `key`.
    measure: bool = False
    max_length: int | None = None  # for free text; TEXT_LIMITS by type when not given
    # (question key, choice value): asked only under that choice, revealed when it is picked;
    # the answer is ignored when another choice is made.
    revealed_by: tuple[str, str] | None = None

    @property
    def limit(self) -> int | None:
        """The most characters a free-text answer may have (None for other types)."""
        return self.max_length or TEXT_LIMITS.get(self.type)


@dataclass(frozen=True)
class Scale:
    """How attainment is recorded at a stage: its grades (lowest first), the columns recorded
    for each subject, and the subjects, fixed by the stage or named by the school."""

    key: str
    label: str
    grades: tuple[tuple[str, str], ...]
    columns: tuple[tuple[str, str], ...]
    subjects: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    blank_rows: int = 0  # for subjects named by the school: empty rows offered each time

    @property
    def named_by_school(self) -> bool:
        return not self.subjects

    def rank(self, grade: str) -> int | None:
        """The grade's place on the scale (0 is lowest), or None if it is not on it."""
        return next((i for i, (value, _) in enumerate(self.grades) if value == grade), None)

    def grade_label(self, grade: str) -> str:
        return dict(self.grades).get(grade, grade)

    def subject_label(self, subject: str) -> str:
        return dict(self.subjects).get(subject, subject)


EYFS_AREAS = (
    ("communication_language", "Communication and language"),
    ("personal_social_emotional", "Personal, social and emotional development"),
    ("physical", "Physical development"),
    ("literacy", "Literacy"),
    ("mathematics", "Mathematics"),
    ("understanding_world", "Understanding the world"),
    ("expressive_arts", "Expressive arts and design"),
)
# A good level of development: the expected level in the prime areas, literacy and maths (DfE).
GOOD_LEVEL_OF_DEVELOPMENT_AREAS = (
    "communication_language", "personal_social_emotional", "physical", "literacy", "mathematics",
)  # fmt: skip
EYFS_SCALE = Scale(
    key="eyfs",
    label="Early learning goals",
    grades=(("emerging", "Emerging"), ("expected", "Expected")),
    columns=(("current", "Now"),),
    subjects=EYFS_AREAS,
    hint="Where the child is against the early learning goals in each area",
)
KEY_STAGE_SCALE = Scale(
    key="key_stage",
    label="Key stages 1 and 2",
    grades=(
        ("working_towards", "Working towards the expected standard"),
        ("expected", "At the expected standard"),
        ("greater_depth", "Greater depth"),
    ),
    columns=(("current", "Now"), ("target", "By the end of the year")),
    subjects=(("reading", "Reading"), ("writing", "Writing"), ("maths", "Mathematics")),
    hint="The teacher's assessment now, and the target for the end of the year",
)
GCSE_SCALE = Scale(
    key="gcse",
    label="GCSE grades 9 to 1",
    grades=tuple((str(grade), f"Grade {grade}") for grade in range(1, 10)),
    columns=(("current", "Now"), ("predicted", "Predicted"), ("target", "Target")),
    hint="One row a subject. Grade 4 is a standard pass and 5 a strong pass. Leave a row "
    "empty to skip it; save to get more rows.",
    blank_rows=3,
)
# Subject names the reports look for (KS4: grade 4 or above in English and maths).
ENGLISH_SUBJECTS = ("english", "english language", "english literature")
MATHS_SUBJECTS = ("maths", "mathematics")


def scale_for(kind: str, year_group: int) -> Scale | None:
    """Early years and Reception: the early learning goals; years 1 to 6: the key stage
    standards in reading, writing and maths; years 7 to 11: GCSE grades; post-16: none (the
    course and qualification aim say it)."""
    if kind == "post_16":
        return None
    if year_group <= 0:
        return EYFS_SCALE
    if year_group <= 6:
        return KEY_STAGE_SCALE
    return GCSE_SCALE


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
    # Rules across the section's answers: each gives {question key: message} for what it refuses.
    checks: tuple[Callable[[dict], dict[str, str]], ...] = ()
    # Rules that also need the PEP's term (its `start_date` and `end_date`).
    term_checks: tuple[Callable[[dict, object], dict[str, str]], ...] = ()

    def problems(self, answers: dict, term=None) -> dict[str, str]:
        """What the checks refuse in these answers (empty when they may be saved)."""
        found: dict[str, str] = {}
        for question in self.questions:
            value = answers.get(question.key)
            if question.limit and isinstance(value, str) and len(value) > question.limit:
                found[question.key] = too_long_message(question.label, question.limit)
        results = [check(answers) for check in self.checks]
        if term is not None:
            results += [check(answers, term) for check in self.term_checks]
        for result in results:
            for key, message in result.items():
                found.setdefault(key, message)
        return found

    @property
    def mandatory_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.mandatory)

    def question(self, key: str) -> Question:
        return next(q for q in self.questions if q.key == key)


FREE_TEXT_HINT = "Write what the plan needs. Leave out health details and family history."
YES_NO = (("yes", "Yes"), ("no", "No"))
SEN_STATUSES = (
    ("none", "No special educational needs"),
    ("sen_support", "SEN support"),
    ("ehc_plan", "Education, health and care (EHC) plan"),
)
# The DfE's types of primary need (school census).
PRIMARY_NEEDS = (
    ("SPLD", "Specific learning difficulty"),
    ("MLD", "Moderate learning difficulty"),
    ("SLD", "Severe learning difficulty"),
    ("PMLD", "Profound and multiple learning difficulty"),
    ("SEMH", "Social, emotional and mental health"),
    ("SLCN", "Speech, language and communication needs"),
    ("HI", "Hearing impairment"),
    ("VI", "Visual impairment"),
    ("MSI", "Multi-sensory impairment"),
    ("PD", "Physical disability"),
    ("ASD", "Autistic spectrum disorder"),
    ("OTH", "Other difficulty or disability"),
    ("NSA", "SEN support but no specialist assessment of type of need"),
)
EET_STATUSES = (
    ("education", "In education"),
    ("employment", "In employment"),
    ("training", "In training or an apprenticeship"),
    ("neet", "Not in education, employment or training (NEET)"),
)


def _number(answers: dict, key: str):
    value = answers.get(key)
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


def attendance_adds_up(answers: dict) -> dict[str, str]:
    """Sessions attended and missed cannot be more than the sessions possible."""
    possible = _number(answers, "possible_sessions")
    attended = _number(answers, "attended_sessions")
    authorised = _number(answers, "authorised_absence_sessions") or 0
    unauthorised = _number(answers, "unauthorised_absence_sessions") or 0
    if possible is None:
        given = [
            k
            for k in (
                "attended_sessions",
                "authorised_absence_sessions",
                "unauthorised_absence_sessions",
            )
            if _number(answers, k) is not None
        ]
        return {"possible_sessions": "Enter the sessions possible so far"} if given else {}
    if attended is not None and attended > possible:
        return {"attended_sessions": "Sessions attended cannot be more than sessions possible"}
    if (attended or 0) + authorised + unauthorised > possible:
        return {
            "unauthorised_absence_sessions": "Sessions attended and missed add up to more than "
            "the sessions possible"
        }
    return {}  # fmt: skip


def suspensions_add_up(answers: dict) -> dict[str, str]:
    """Days of suspension need a number of suspensions."""
    days, count = _number(answers, "suspension_days"), _number(answers, "suspensions")
    if days and not count:
        return {"suspensions": "Enter how many suspensions the days of suspension were over"}
    if count and days == 0:
        return {"suspension_days": "Enter the days of suspension, or 0 suspensions"}
    return {}


def sen_details_fit_status(answers: dict) -> dict[str, str]:
    """An EHC plan review date only with an EHC plan; a primary need only with SEN."""
    status = answers.get("sen_status")
    problems = {}
    if answers.get("ehc_plan_review_date") and status != "ehc_plan":
        problems["ehc_plan_review_date"] = (
            "Only a child with an EHC plan has an EHC plan review date"
        )
    if answers.get("sen_primary_need") and status not in ("sen_support", "ehc_plan"):
        problems["sen_primary_need"] = (
            "Only a child with SEN support or an EHC plan has a primary need"
        )
    return problems


def sdq_has_its_date(answers: dict) -> dict[str, str]:
    """An SDQ score is given with the date it was taken."""
    if answers.get("sdq_score") not in (None, "") and not answers.get("sdq_date"):
        return {"sdq_date": "Enter the date of the SDQ score"}
    if answers.get("sdq_date") and answers.get("sdq_score") in (None, ""):
        return {"sdq_score": "Enter the SDQ score taken on that date"}
    return {}


def alternative_provision_hours_fit(answers: dict) -> dict[str, str]:
    """Hours of alternative provision need its provider."""
    if (
        _number(answers, "alternative_provision_hours")
        and not answers.get("alternative_provision_provider", "").strip()
    ):
        return {"alternative_provision_provider": "Enter the provider of the alternative provision"}
    return {}


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
        Question(
            "sdq_score",
            "Latest Strengths and Difficulties Questionnaire (SDQ) score",
            QuestionType.NUMBER,
            mandatory=False,
            max_value=40,
            measure=True,
            help_text="From 0 to 40; 17 or more is a cause for concern",
        ),
        Question(
            "sdq_date", "Date of that SDQ score", QuestionType.DATE, mandatory=False, measure=True
        ),
    ),
    checks=(sdq_has_its_date,),
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


def _iso(answers: dict, key: str) -> date | None:
    try:
        return date.fromisoformat(str(answers.get(key) or ""))
    except ValueError:
        return None


def next_meeting_after_this_one(answers: dict) -> dict[str, str]:
    """The next PEP meeting is after this one."""
    held, following = _iso(answers, "meeting_date"), _iso(answers, "next_meeting_date")
    if held and following and following <= held:
        return {"next_meeting_date": "The next meeting must be after this PEP's meeting"}
    return {}


def meeting_in_the_term(answers: dict, term) -> dict[str, str]:
    """The meeting falls in the PEP's term, or the social worker says why it does not."""
    held = _iso(answers, "meeting_date")
    if held is None or term.start_date <= held <= term.end_date:
        return {}
    if str(answers.get("meeting_outside_term_reason") or "").strip():
        return {}
    start, end = term.start_date, term.end_date
    return {
        "meeting_date": f"The meeting must be in this PEP's term ({start.day} {start:%B %Y} to "
        f"{end.day} {end:%B %Y}), or say below why it was not"
    }


SIGN_OFF = Section(
    key="sign_off",
    title="Meeting and sign-off",
    owner=Owner.SOCIAL_WORKER,
    hint="Page 10",
    checks=(next_meeting_after_this_one,),
    term_checks=(meeting_in_the_term,),
    questions=(
        Question("meeting_date", "Date of the PEP meeting", QuestionType.DATE),
        Question(
            "meeting_outside_term_reason",
            "If the meeting was not in this PEP's term, why not",
            mandatory=False,
        ),
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
    checks=(attendance_adds_up, suspensions_add_up),
    questions=(
        Question("possible_sessions", "Sessions possible this term so far", QuestionType.NUMBER,
                 max_value=400, measure=True,
                 help_text="Two sessions a day: morning and afternoon"),
        Question("attended_sessions", "Sessions attended", QuestionType.NUMBER, max_value=400,
                 measure=True),
        Question("authorised_absence_sessions", "Sessions missed with authorised absence",
                 QuestionType.NUMBER, max_value=400, measure=True),
        Question("unauthorised_absence_sessions", "Sessions missed with unauthorised absence",
                 QuestionType.NUMBER, max_value=400, measure=True),
        Question("suspensions", "Suspensions (fixed-period exclusions) this term",
                 QuestionType.NUMBER, max_value=50, measure=True),
        Question("suspension_days", "Days of suspension this term", QuestionType.DECIMAL,
                 max_value=100, measure=True, help_text="In days, like 1.5"),
        Question("permanently_excluded", "Has the child been permanently excluded this term?",
                 QuestionType.YES_NO, choices=YES_NO, measure=True),
        Question(
            "reduced_timetable",
            "Is the child on a reduced timetable or in alternative provision?",
            QuestionType.YES_NO,
            choices=YES_NO,
            measure=True,
        ),
        Question("attendance_actions", "What is being done about attendance", mandatory=False),
    ),
)  # fmt: skip

ALTERNATIVE_PROVISION = Section(
    key="alternative_provision",
    title="Alternative provision or reduced timetable",
    owner=Owner.DESIGNATED_TEACHER,
    applies=_alternative_provision,
    applies_when="when the child is on a reduced timetable or in alternative provision",
    checks=(alternative_provision_hours_fit,),
    questions=(
        Question("arrangement", "The arrangement and why it is needed"),
        Question("alternative_provision_provider", "Alternative provision provider",
                 QuestionType.TEXT, mandatory=False, measure=True,
                 help_text="Leave blank for a reduced timetable at the school itself"),
        Question("alternative_provision_hours", "Hours a week at the provider",
                 QuestionType.DECIMAL, mandatory=False, max_value=40, measure=True),
        Question("return_plan", "The plan and date to return to full-time education"),
    ),
)  # fmt: skip

ATTAINMENT = Section(
    key="attainment",
    title="Attainment and progress",
    owner=Owner.DESIGNATED_TEACHER,
    hint="Page 4",
    questions=(
        Question(
            "results",
            "Attainment in each subject",
            QuestionType.ATTAINMENT,
            help_text="On the scale of the child's stage",
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
        Question(
            "attainment_by_subject",
            "Anything else about the child's attainment",
            mandatory=False,
            help_text="For example, other subjects, or a test the child sat",
        ),
    ),
)

NEEDS = Section(
    key="needs",
    title="Special educational needs",
    owner=Owner.DESIGNATED_TEACHER,
    hint="Page 5",
    checks=(sen_details_fit_status,),
    questions=(
        Question("sen_status", "Special educational needs", QuestionType.CHOICE,
                 choices=SEN_STATUSES, measure=True),
        Question("sen_primary_need", "Primary need", QuestionType.CHOICE,
                 choices=PRIMARY_NEEDS, mandatory=False, measure=True,
                 help_text="Only for a child with SEN support or an EHC plan"),
        Question("ehc_plan_review_date", "Date of the EHC plan's next annual review",
                 QuestionType.DATE, mandatory=False, measure=True,
                 revealed_by=("sen_status", "ehc_plan")),
        Question(
            "sen_provision",
            "The support in place",
            help_text="Say 'None' if the child has no identified needs",
        ),
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
    questions=(
        Question("results", "Each area of learning", QuestionType.ATTAINMENT),
        Question("next_steps", "The next steps in the child's learning", mandatory=False),
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
        Question("eet_status", "Is the young person in education, employment or training?",
                 QuestionType.CHOICE, choices=EET_STATUSES, measure=True),
        Question("provider", "School, college, employer or training provider", QuestionType.TEXT,
                 mandatory=False, measure=True),
        Question("course", "Course or programme, and its level", QuestionType.TEXT,
                 mandatory=False, measure=True),
        Question("qualification_aim", "Qualification aimed for", QuestionType.TEXT,
                 mandatory=False, measure=True, help_text="For example, A levels or a T level"),
        Question("attendance_percent", "Attendance this term so far (%)", QuestionType.PERCENT,
                 mandatory=False, measure=True),
    ),
)  # fmt: skip

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
