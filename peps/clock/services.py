"""Keeping a Virtual School's term dates and closure days (the calendar the clock counts on)."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import Role, User, VirtualSchool
from audit.services import audit_changes, audit_record

from ..models import ClosureDay, PepSettings, Term

TERM_FIELDS = ("academic_year", "name", "start_date", "end_date", "half_term_start",
               "half_term_end")  # fmt: skip


def _check_term(term: Term) -> None:
    errors = {}
    if term.end_date <= term.start_date:
        errors["end_date"] = "The end date must be after the start date"
    elif term.half_term_start or term.half_term_end:
        if not (term.half_term_start and term.half_term_end):
            errors["half_term_end"] = "Enter both the first and last day of the half term"
        elif term.half_term_end < term.half_term_start:
            errors["half_term_end"] = "The half term must end on or after it starts"
        elif not (term.start_date < term.half_term_start and term.half_term_end < term.end_date):
            errors["half_term_start"] = "The half term must fall inside the term"
    if errors:
        raise ValidationError(errors)
    overlapping = (
        Term.objects.filter(
            virtual_school=term.virtual_school_id,
            start_date__lte=term.end_date,
            end_date__gte=term.start_date,
        )
        .exclude(pk=term.pk)
        .first()
    )
    if overlapping:
        raise ValidationError(
            {"start_date": f"These dates overlap the {overlapping.get_name_display().lower()} "
                           f"term {overlapping.academic_year} to {overlapping.academic_year + 1}"}
        )  # fmt: skip
    if (
        Term.objects.filter(
            virtual_school=term.virtual_school_id,
            academic_year=term.academic_year,
            name=term.name,
        )
        .exclude(pk=term.pk)
        .exists()
    ):
        raise ValidationError({"name": "This academic year already has this term"})


@transaction.atomic
def term_save(
    *, actor: User, virtual_school: VirtualSchool, term: Term | None = None, **fields
) -> Term:
    term = term or Term(virtual_school=virtual_school)
    before = {name: getattr(term, name) for name in TERM_FIELDS} if term.pk else {}
    for name, value in fields.items():
        setattr(term, name, value)
    _check_term(term)
    term.save()
    audit_record(
        actor=actor,
        action="calendar.term_saved",
        obj=term,
        changes=audit_changes(before, {name: getattr(term, name) for name in TERM_FIELDS}),
    )
    return term


@transaction.atomic
def closure_day_add(
    *, actor: User, virtual_school: VirtualSchool, day: date, reason: str
) -> ClosureDay:
    if day.weekday() >= 5:
        raise ValidationError({"day": "A closure day must be a weekday"})
    if ClosureDay.objects.filter(virtual_school=virtual_school, date=day).exists():
        raise ValidationError({"day": "This day is already a closure day"})
    closure = ClosureDay.objects.create(virtual_school=virtual_school, date=day, reason=reason)
    audit_record(
        actor=actor,
        action="calendar.closure_added",
        obj=closure,
        changes={"date": [None, day.isoformat()], "reason": [None, reason]},
    )
    return closure


@transaction.atomic
def pep_settings_set(*, actor: User, virtual_school: VirtualSchool, **values) -> PepSettings:
    """The Virtual School head changes how PEPs are timed and rated; the old values are in the
    audit trail."""
    if actor.role != Role.VIRTUAL_SCHOOL_HEAD or actor.virtual_school_id != virtual_school.pk:
        raise PermissionDenied
    settings_row, _ = PepSettings.objects.select_for_update().get_or_create(
        virtual_school=virtual_school
    )
    before = {name: getattr(settings_row, name) for name in values}
    for name, value in values.items():
        setattr(settings_row, name, value)
    settings_row.full_clean()
    settings_row.save()
    audit_record(
        actor=actor,
        action="peps.settings_set",
        obj=settings_row,
        changes=audit_changes(before, values),
    )
    return settings_row
