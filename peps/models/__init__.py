"""The peps app's models, one module per part: the calendar and settings, the PEP itself, its
typed education data, reminders, the signed-off copy and My PEP's child-friendly lines.
Import them from here."""

from .calendar import ClosureDay, PepSettings, Term
from .copies import SignedOffCopy
from .education import AttainmentResult, EducationRecord
from .my_pep import ChildFriendlyLine
from .pep import Pep, QualityReview, SectionAnswer, SectionComment, Target, TargetReview
from .reminders import Digest, Reminder, ReminderPreference, ReminderQuerySet

__all__ = [
    "AttainmentResult",
    "ChildFriendlyLine",
    "ClosureDay",
    "Digest",
    "EducationRecord",
    "Pep",
    "PepSettings",
    "QualityReview",
    "Reminder",
    "ReminderPreference",
    "ReminderQuerySet",
    "SectionAnswer",
    "SectionComment",
    "SignedOffCopy",
    "Target",
    "TargetReview",
    "Term",
]
