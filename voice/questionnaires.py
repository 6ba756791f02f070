"""What the child and the carer are asked, declared once, like a PEP's sections
(`peps.sections`): a questionnaire for each stage, and the carer's.

The child's questionnaires are shown one question a page in large type, in plain words
spoken to the child. Early years is answered by the adults who know the child best (the key
person and the carer say what they observe); primary has a five-point picture scale with room
for words or what a drawing shows; secondary and post-16 ask the young person directly,
including whether and how they want to take part in the meeting.
"""

from dataclasses import dataclass
from enum import StrEnum


class AskType(StrEnum):
    WORDS = "words"  # a box for their own words
    SCALE = "scale"  # five pictures from "really good" to "really bad", and room for words
    CHOICE = "choice"  # one of a few answers


WORDS_LIMIT = 2000  # characters: about a page of their own words

# The five-point picture scale, best first. Each picture is a face in static/voice/; the words
# beside it are what a screen reader reads and what the PEP prints.
SCALE = (
    ("5", "Really good"),
    ("4", "Good"),
    ("3", "OK"),
    ("2", "Not good"),
    ("1", "Really not good"),
)


@dataclass(frozen=True)
class Ask:
    key: str
    text: str  # the question, as the child reads it
    type: AskType = AskType.WORDS
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    # For a scale: the label of the words box under the pictures.
    words_label: str = "Tell us more, or what your drawing shows (if you want to)"

    @property
    def options(self) -> tuple[tuple[str, str], ...]:
        return SCALE if self.type == AskType.SCALE else self.choices

    def answer_text(self, answer: dict) -> str:
        """The answer in words, for the adults' pages and the PDF."""
        picked = dict(self.options).get(answer.get("choice", ""), "")
        words = (answer.get("words") or "").strip()
        return "\n".join(part for part in (picked, words) if part)


@dataclass(frozen=True)
class Questionnaire:
    key: str
    title: str
    intro: str
    asks: tuple[Ask, ...]
    # Early years: the adults answer what they observe, so nobody is invited by link.
    answered_by_adults: bool = False

    def ask(self, number: int) -> Ask | None:
        """The question on page `number` (from 1), or None past the end."""
        return self.asks[number - 1] if 1 <= number <= len(self.asks) else None


EARLY_YEARS = Questionnaire(
    key="early_years",
    title="What we see the child enjoy and find hard",
    intro="The child's key person and carer answer together, from what they see the child "
    "do and say. Use the child's own words where you can.",
    answered_by_adults=True,
    asks=(
        Ask("enjoys", "What does the child enjoy doing?",
            hint="At the setting and at home: games, people, places"),
        Ask("curious", "What is the child curious about?",
            hint="What they ask about, explore or come back to"),
        Ask("finds_hard", "What does the child find hard?",
            hint="And what helps them when it is hard"),
        Ask("says", "Anything the child has said about nursery or home",
            hint="Write it as they said it"),
    ),
)  # fmt: skip

PRIMARY = Questionnaire(
    key="primary",
    title="Your views",
    intro="These questions are about you and school. There are no right or wrong answers. "
    "You can skip any question.",
    asks=(
        Ask("school", "How do you feel about school?", AskType.SCALE),
        Ask("learning", "How do you feel about your learning?", AskType.SCALE,
            hint="Reading, writing, maths and the other things you learn"),
        Ask("friends", "How do you feel about your friends at school?", AskType.SCALE),
        Ask("good_at", "What are you good at?"),
        Ask("helps", "Who or what helps you at school?"),
        Ask("better", "What would make school better for you?"),
    ),
)  # fmt: skip

ATTEND_CHOICES = (
    ("all", "Yes, for all of it"),
    ("part", "Yes, for part of it"),
    ("views_only", "No, but I want my views shared"),
    ("not_sure", "I am not sure yet"),
)

SECONDARY = Questionnaire(
    key="secondary",
    title="Your views",
    intro="These questions are about you and your education, before your PEP meeting. "
    "There are no right or wrong answers. You can skip any question.",
    asks=(
        Ask("going_well", "What is going well?", hint="At school or college, or outside it"),
        Ask("hard", "What is hard at the moment?"),
        Ask("would_help", "What would help you?", hint="Something a teacher, carer or "
            "social worker could do"),
        Ask("hopes", "What are your hopes for the future?", hint="A job, a course, anything"),
        Ask("meeting_should_know", "What do you want the meeting to know?"),
        Ask("attend", "Do you want to come to your PEP meeting?", AskType.CHOICE,
            choices=ATTEND_CHOICES),
        Ask("attend_how", "How would you like to take part?",
            hint="For example, who you would like with you, or if you would rather join "
            "online or meet somewhere else"),
    ),
)  # fmt: skip

QUESTIONNAIRES = {q.key: q for q in (EARLY_YEARS, PRIMARY, SECONDARY)}

# Young people of this age or over may be invited to answer on their own, by a link.
LINK_MIN_AGE = 11


def questionnaire_for(kind: str, year_group: int) -> Questionnaire:
    """Early years PEPs: the adults' observations; Reception to year 6: the picture scale;
    year 7 and over, and post-16: the young person's own questions."""
    if kind == "early_years":
        return EARLY_YEARS
    if kind == "school_age" and year_group <= 6:
        return PRIMARY
    return SECONDARY


@dataclass(frozen=True)
class CarerQuestion:
    key: str
    label: str
    hint: str = ""


CARER_LIMIT = 2000

# The carer's short questionnaire before the meeting (seed 003: the carer brings what happens
# at home).
CARER_QUESTIONS = (
    CarerQuestion("at_home", "How is the child at home?",
                  "Their mood, sleep, friendships and what they enjoy"),
    CarerQuestion("homework", "What helps with homework and reading at home?"),
    CarerQuestion("worries", "Do you have any worries about their education?"),
    CarerQuestion("from_school", "What would you like from the school?"),
)  # fmt: skip
