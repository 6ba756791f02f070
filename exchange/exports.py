"""The Virtual School's children and their PEPs, as CSV and Excel (XLSX) downloads.

Written like every download (pep_portal/spreadsheets.py): one heading row, dates as dates (ISO
text in CSV, date cells in Excel), and text that a spreadsheet would run as a formula written
as text. Excel is written row by row as the sheet's XML, with no object per cell, so a council's
whole list costs little time or memory. Each download is in the audit trail.
"""

from django.db import transaction
from django.db.models import Max
from django.urls import path
from django.utils import timezone

from accounts.decorators import role_required
from accounts.models import VIRTUAL_SCHOOL_STAFF
from audit.services import audit_record
from children.selectors import children_visible_to, with_current_details
from pep_portal.spreadsheets import Sheet, csv_response, xlsx_response

HEADINGS = [
    "Council child ID", "Legal first name", "Legal last name", "Preferred name", "Date of birth",
    "UPN", "Year group", "Legal status", "Date entered care", "SEN status", "School",
    "School URN", "Attendance", "Social worker", "PEP term", "PEP state", "PEP due",
    "Why it is due then", "Last PEP signed off",
]  # fmt: skip


def export_rows(*, user) -> list[list]:
    """One row per child of the person's Virtual School whom they may see, by surname; in a
    fixed number of queries whatever the number of children."""
    children = with_current_details(
        children_visible_to(user=user)
        .filter(virtual_school_id=user.virtual_school_id)
        .annotate(last_signed_off=Max("peps__signed_off_at"))
        .order_by("legal_last_name", "legal_first_name", "pk")
    ).prefetch_related("open_peps__term")
    rows = []
    for child in children:
        enrolment = child.current_enrolments[0] if child.current_enrolments else None
        allocation = child.current_allocations[0] if child.current_allocations else None
        pep = min(child.open_peps, key=lambda p: (p.term.start_date, p.version), default=None)
        rows.append([
            child.council_child_id, child.legal_first_name, child.legal_last_name,
            child.preferred_name, child.date_of_birth, child.upn, child.year_group_label,
            child.get_legal_status_display(), child.date_entered_care,
            child.get_sen_status_display(),
            enrolment.school.name if enrolment else "", enrolment.school.urn if enrolment else "",
            enrolment.get_attendance_pattern_display() if enrolment else "",
            allocation.social_worker.full_name if allocation else "",
            str(pep.term) if pep else "", pep.get_state_display() if pep else "",
            pep.due_date if pep else None, pep.due_reason if pep else "",
            timezone.localdate(child.last_signed_off) if child.last_signed_off else None,
        ])  # fmt: skip
    return rows


def _rows_audited(request, kind: str) -> list[list]:
    rows = export_rows(user=request.user)
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="children.exported",
            changes={"format": [None, kind], "rows": [None, len(rows)]},
        )
    return rows


def _file_name(request, extension: str) -> str:
    code = request.user.virtual_school.local_authority_code
    return f"children-and-peps-{code}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _sheet(rows) -> Sheet:
    return Sheet(title="Children and PEPs", headings=HEADINGS, rows=rows)


@role_required(*VIRTUAL_SCHOOL_STAFF)
def children_csv(request):
    rows = _rows_audited(request, "csv")
    return csv_response(_sheet(rows), file_name=_file_name(request, "csv"))


@role_required(*VIRTUAL_SCHOOL_STAFF)
def children_xlsx(request):
    rows = _rows_audited(request, "xlsx")
    return xlsx_response([_sheet(rows)], file_name=_file_name(request, "xlsx"))


app_name = "exports"

# Mounted at /virtual-school/children/ (pep_portal/urls.py), beside the list they export.
urlpatterns = [
    path("export.csv", children_csv, name="children_csv"),
    path("export.xlsx", children_xlsx, name="children_xlsx"),
]
