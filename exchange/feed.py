"""The day-to-day feed: one CSV row per child with the facts PEP Portal keeps, for a council
whose system can export a report but not the SSDA903 files. The columns are documented in the
README ("Importing children"); dates are dd/mm/yyyy as in the return."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from children.models import Child, Placement
from children.upn import upn_normalise, validate_upn

from .csvfiles import ChildFacts, Parsed, Refusal, RowError, iso, parse_date, read_csv

COLUMNS = (
    "council_child_id",
    "legal_first_name",
    "legal_last_name",
    "preferred_name",
    "date_of_birth",
    "gender",
    "upn",
    "legal_status",
    "date_entered_care",
    "date_left_care",
    "social_worker_email",
    "allocated_from",
    "placement_type",
    "placement_start",
    "carer_emails",
    "school_urn",
    "school_start",
)


def parse(*, feed: tuple[str, bytes]) -> Parsed:
    name, content = feed
    rows = read_csv(name, content, tuple(column.upper() for column in COLUMNS))
    parsed = Parsed(format="feed", files=[name], rows_read=len(rows))
    seen: dict[str, int] = {}
    today = timezone.localdate()
    for row in rows:
        values = {key.lower(): value for key, value in row.values.items()}
        child_id = values["council_child_id"]
        try:
            if not child_id:
                raise RowError("council_child_id is empty: each row needs the council's child id")
            if child_id in seen:
                raise RowError(f"council_child_id {child_id} is also on line {seen[child_id]}")
            facts = _facts(values, today)
        except RowError as error:
            parsed.refused.append(
                Refusal(file=name, line=row.line, child=child_id, reason=str(error))
            )
            continue
        seen[child_id] = row.line
        facts.lines.append(f"{name} line {row.line}")
        for part in (facts.placement, facts.enrolment, facts.allocation):
            if part is not None:
                part.update(file=name, line=row.line)
        parsed.children.append(facts)
    refused_ids = {refusal.child for refusal in parsed.refused if refusal.child}
    parsed.children = [c for c in parsed.children if c.council_child_id not in refused_ids]
    return parsed


def _choice(values: dict, column: str, choices) -> str:
    value = values[column].strip().lower()
    if value not in choices.values:
        raise RowError(f"{column} {values[column]!r} is not one of: {', '.join(choices.values)}")
    return value


def _email(value: str, column: str) -> str:
    try:
        validate_email(value)
    except ValidationError:
        raise RowError(f"{column} {value!r} is not an email address") from None
    return value.lower()


def _facts(values: dict, today) -> ChildFacts:
    for column in ("legal_first_name", "legal_last_name"):
        if not values[column]:
            raise RowError(f"{column} is empty")
    born = parse_date(values["date_of_birth"], "date_of_birth")
    if born > today:
        raise RowError("date_of_birth is in the future")
    entered = parse_date(values["date_entered_care"], "date_entered_care")
    left = parse_date(values["date_left_care"], "date_left_care", required=False)
    if entered < born:
        raise RowError("date_entered_care is before date_of_birth")
    if entered > today:
        raise RowError("date_entered_care is in the future")
    if left and left < entered:
        raise RowError("date_left_care is before date_entered_care")
    if left and left > today:
        raise RowError("date_left_care is in the future")
    upn = upn_normalise(values["upn"])
    if upn:
        try:
            validate_upn(upn)
        except ValidationError as error:
            raise RowError(f"UPN {upn}: {error.messages[0]}") from None
    facts = ChildFacts(
        council_child_id=values["council_child_id"],
        fields={
            "legal_first_name": values["legal_first_name"],
            "legal_last_name": values["legal_last_name"],
            "preferred_name": values["preferred_name"],
            "date_of_birth": iso(born),
            "gender": _choice(values, "gender", Child.Gender),
            "upn": upn,
            "legal_status": _choice(values, "legal_status", Child.LegalStatus),
            "date_entered_care": iso(entered),
            "date_left_care": iso(left),
        },
    )
    if values["social_worker_email"]:
        start = parse_date(values["allocated_from"], "allocated_from")
        facts.allocation = {
            "email": _email(values["social_worker_email"], "social_worker_email"),
            "start_date": iso(_not_future(start, "allocated_from", today)),
        }
    if values["placement_type"]:
        start = parse_date(values["placement_start"], "placement_start")
        carers = [e.strip() for e in values["carer_emails"].split(";") if e.strip()]
        facts.placement = {
            "placement_type": _choice(values, "placement_type", Placement.PlacementType),
            "start_date": iso(_not_future(start, "placement_start", today)),
            "end_date": iso(left),
            "carers": sorted(_email(e, "carer_emails") for e in carers),
        }
    elif values["carer_emails"]:
        raise RowError("carer_emails is given without a placement_type")
    if values["school_urn"] and not left:
        start = parse_date(values["school_start"], "school_start")
        facts.enrolment = {
            "urn": values["school_urn"],
            "start_date": iso(_not_future(start, "school_start", today)),
        }
    return facts


def _not_future(day, column, today):
    if day > today:
        raise RowError(f"{column} is in the future")
    return day
