"""The audit trail in words, for the child's history page: "Sam Okafor viewed the child's page".

Each action recorded about a child has a phrase that follows the person's name. An action
without one (added since) reads from its code, "meeting attendance recorded", so a new kind of
event is never hidden or shown as a code.
"""

import re
from datetime import date, datetime

from django.utils import timezone

SYSTEM = "PEP Portal"

PHRASES = {
    "access_grant.created": "gave someone read access to the record",
    "access_grant.exception_approved": "approved an exception to the access rules",
    "access_grant.revoked": "took away someone's read access",
    "access.repaired": "repaired who may see the record",
    "allocation.ended": "ended a social worker's allocation",
    "allocation.started": "allocated the case to a social worker",
    "api.called": "read or changed the record through the council's system",
    "attachment.added": "attached a document",
    "attachment.downloaded": "downloaded an attached document",
    "attachment.refused_virus": "tried to attach a document that was refused (a virus was found)",
    "attachment.shared": "changed who may see an attached document",
    "attachment.unshared": "stopped sharing an attached document",
    "child.created": "added the child",
    "child.progress_viewed": "viewed the child's progress term by term",
    "child.updated": "changed the child's details",
    "child.viewed": "viewed the child's page",
    "enrolment.attendance_changed": "changed the child's attendance pattern",
    "enrolment.ended": "ended the child's enrolment at a school",
    "enrolment.started": "enrolled the child at a school",
    "import.applied": "updated the record from an import",
    "meeting.action_added": "added an action to a PEP meeting",
    "meeting.calendar_downloaded": "downloaded a PEP meeting's calendar entry",
    "meeting.cancelled": "cancelled a PEP meeting",
    "meeting.invitees_changed": "changed who is invited to a PEP meeting",
    "meeting.recorded": "recorded what happened at a PEP meeting",
    "meeting.rescheduled": "moved a PEP meeting",
    "meeting.scheduled": "arranged a PEP meeting",
    "moderation.pep_sampled": "chose a PEP for quality moderation",
    "moderation.sample_drawn": "drew the term's sample for quality moderation",
    "moderation.second_rating_saved": "gave a PEP its moderation rating",
    "pep.blank_form_downloaded": "downloaded a blank PEP form",
    "pep.changes_viewed": "viewed what changed since last term",
    "pep.comment_added": "commented on a PEP",
    "pep.copy_carers_told": "told the carers that the signed-off PEP is ready",
    "pep.copy_downloaded": "downloaded the signed-off PEP",
    "pep.copy_failed": "could not make the signed-off PEP's copy (it will try again)",
    "pep.copy_interrupted": "was interrupted making the signed-off PEP's copy",
    "pep.copy_stored": "kept the signed-off PEP's copy",
    "pep.draft_downloaded": "downloaded a draft of the PEP",
    "pep.due_date_set": "worked out when the PEP is due",
    "pep.kind_changed": "changed the kind of PEP",
    "pep.meeting_planned": "planned the date of the PEP meeting",
    "pep.my_pep_downloaded": "downloaded the child's own version of the PEP",
    "pep.my_pep_lines_saved": "saved the words of the child's own version of the PEP",
    "pep.returned": "returned the PEP for amendments",
    "pep.school_part_completed": "completed the school's part of the PEP",
    "pep.section_saved": "saved a section of the PEP",
    "pep.signed_off": "signed the PEP off",
    "pep.started": "started a PEP",
    "pep.submitted": "submitted the PEP for quality assurance",
    "pep.target_deleted": "deleted a target",
    "pep.target_reviewed": "reviewed a previous target",
    "pep.target_saved": "saved a target",
    "placement.carers_changed": "changed the child's carers",
    "placement.ended": "ended the child's placement",
    "placement.started": "recorded a new placement",
    "ppplus.decided": "decided a Pupil Premium Plus request",
    "ppplus.justified": "explained a Pupil Premium Plus request",
    "ppplus.ledger_downloaded": "downloaded the Pupil Premium Plus ledger",
    "ppplus.paid": "recorded a Pupil Premium Plus payment",
    "ppplus.policy_set": "set the Pupil Premium Plus allowances",
    "ppplus.reopened": "reopened a Pupil Premium Plus request",
    "ppplus.requested": "asked for Pupil Premium Plus",
    "school_move.cancelled": "cancelled a planned school move",
    "school_move.happened": "recorded that the child moved school",
    "school_move.not_possible": "recorded that a school move is not possible",
    "school_move.planned": "planned a school move",
}

# Field names whose plain form reads badly.
FIELD_LABELS = {
    "upn": "UPN",
    "sen_status": "SEN status",
    "ehc_plan_review_date": "EHC plan review date",
    "sdq_score": "SDQ score",
    "ppplus_amount": "PP+ amount",
    "council_child_id": "Council child ID",
    "sha256": "SHA-256",
    "starts_at": "Starts",
    "due_by": "To be achieved by",
}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_CODE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


def describe_action(action: str) -> str:
    """What the person did, as the end of a sentence that starts with their name."""
    if action in PHRASES:
        return PHRASES[action]
    return action.replace(".", " ").replace("_", " ")


def describe_event(*, actor_name: str | None, action: str) -> str:
    return f"{actor_name or SYSTEM} {describe_action(action)}"


def field_label(field: str) -> str:
    if field in FIELD_LABELS:
        return FIELD_LABELS[field]
    words = field.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def value_text(value, names: dict | None = None) -> str:
    """A recorded value as words: dates in full, codes as words, ids of people and schools as
    their names when `names` knows them."""
    if value is None or value == "" or value == []:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value_text(item, names) for item in value)
    if isinstance(value, dict):  # a group of answers, such as one subject's grades
        return "(" + ", ".join(value_text(item, names) for item in value.values()) + ")"
    if names is not None and isinstance(value, int) and value in names:
        return names[value]
    if isinstance(value, str):
        if _ISO_DATE.match(value):
            return f"{date.fromisoformat(value):%-d %B %Y}"
        if _ISO_DATETIME.match(value):
            try:
                when = datetime.fromisoformat(value)
            except ValueError:
                return value
            if timezone.is_aware(when):
                when = timezone.localtime(when)
            return f"{when:%-d %B %Y %H:%M}"
        if _CODE.match(value):
            return value.replace("_", " ")
    return str(value)
