"""Schools from Get Information About Schools (GIAS), the DfE's register of establishments.

The register is published as one CSV (`edubasealldata<date>.csv`, about 50,000 rows with closed
ones, over 100 columns) encoded as Windows-1252. `gias_import` reads only the columns it needs
and upserts every school by URN in a few statements; a school the register lists as closed is
marked closed, never deleted, because children's histories point at it. Schools missing from the
file are left as they are: a council may load an extract of its own area.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.models import School
from audit.services import audit_record

REQUIRED_COLUMNS = (
    "URN",
    "EstablishmentName",
    "LA (code)",
    "LA (name)",
    "TypeOfEstablishment (name)",
    "PhaseOfEducation (name)",
    "EstablishmentStatus (name)",
    "Postcode",
)
UPDATED_FIELDS = [
    "name",
    "council",
    "local_authority_code",
    "establishment_type",
    "phase",
    "postcode",
    "status",
    "register_updated_at",
]
BATCH = 2000
MAX_BYTES = 200 * 1024 * 1024

PHASES = {
    "nursery": School.Phase.EARLY_YEARS,
    "primary": School.Phase.PRIMARY,
    "middle deemed primary": School.Phase.PRIMARY,
    "secondary": School.Phase.SECONDARY,
    "middle deemed secondary": School.Phase.SECONDARY,
    "all-through": School.Phase.ALL_THROUGH,
    "16 plus": School.Phase.POST_16,
}
STATUSES = {
    "open": School.Status.OPEN,
    "open, but proposed to close": School.Status.OPEN,
    "proposed to open": School.Status.PROPOSED_TO_OPEN,
    "closed": School.Status.CLOSED,
}


class GiasFileError(ValueError):
    """The file cannot be read as the register: the message says why."""


@dataclass
class GiasResult:
    created: int = 0
    updated: int = 0
    closed: int = 0
    refused: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = (
            f"{self.created} schools added, {self.updated} updated "
            f"({self.closed} closed in the register)"
        )
        if self.refused:
            text += f", {len(self.refused)} rows refused"
        return text


def phase_from(phase_name: str, type_name: str) -> str:
    """The product's phase from the register's phase and type of establishment: special
    schools and alternative provision (pupil referral units) by type, since their phase is
    often 'Not applicable'; colleges and sixth-form centres are post-16."""
    kind = type_name.strip().lower()
    if "special" in kind:
        return School.Phase.SPECIAL
    if "pupil referral" in kind or "alternative provision" in kind:
        return School.Phase.ALTERNATIVE_PROVISION
    if "further education" in kind or "sixth form" in kind:
        return School.Phase.POST_16
    return PHASES.get(phase_name.strip().lower(), School.Phase.OTHER)


def _text(raw: bytes) -> str:
    """UTF-8 (with or without a byte-order mark) if it is, else the register's Windows-1252."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _rows(text: str) -> Iterable[tuple[int, dict]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise GiasFileError(
            "This is not the register's CSV: it has no column "
            + ", ".join(f"‘{c}’" for c in missing)
        )
    yield from enumerate(reader, start=2)


def _school(line: int, row: dict, now) -> School | str:
    urn = (row.get("URN") or "").strip()
    name = " ".join((row.get("EstablishmentName") or "").split())
    if not (urn.isdigit() and len(urn) == 6):
        return f"Line {line}: the URN ‘{urn[:20]}’ is not six digits"
    if not name:
        return f"Line {line}: URN {urn} has no name"
    status_name = (row.get("EstablishmentStatus (name)") or "").strip().lower()
    la_code = (row.get("LA (code)") or "").strip()
    return School(
        urn=urn,
        name=name[:200],
        council=(row.get("LA (name)") or "").strip()[:200],
        local_authority_code=la_code if la_code.isdigit() and len(la_code) == 3 else "",
        establishment_type=(row.get("TypeOfEstablishment (name)") or "").strip()[:100],
        phase=phase_from(
            row.get("PhaseOfEducation (name)") or "", row.get("TypeOfEstablishment (name)") or ""
        ),
        postcode=" ".join((row.get("Postcode") or "").upper().split())[:10],
        status=STATUSES.get(status_name, School.Status.OPEN),
        register_updated_at=now,
    )


def gias_import(*, raw: bytes, actor=None) -> GiasResult:
    """Load or refresh the register from the CSV's bytes, in one transaction (all or nothing),
    with one audit event that counts what changed."""
    if len(raw) > MAX_BYTES:
        raise GiasFileError("The file is larger than 200 MB: is it the register's CSV?")
    if b"\x00" in raw[:4096]:
        raise GiasFileError("The file is not a CSV file (it looks like a spreadsheet or archive)")
    try:
        rows = list(_rows(_text(raw)))
    except csv.Error as error:
        raise GiasFileError(f"The file could not be read as CSV: {error}") from error
    now = timezone.now()
    result = GiasResult()
    schools: dict[str, School] = {}
    for line, row in rows:
        school = _school(line, row, now)
        if isinstance(school, str):
            result.refused.append(school)
        else:
            schools[school.urn] = school
    with transaction.atomic():
        existing = set(School.objects.filter(urn__in=list(schools)).values_list("urn", flat=True))
        result.created = len(schools.keys() - existing)
        result.updated = len(existing)
        result.closed = sum(1 for s in schools.values() if s.status == School.Status.CLOSED)
        School.objects.bulk_create(
            list(schools.values()),
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["urn"],
            update_fields=UPDATED_FIELDS,
        )
        audit_record(
            actor=actor,
            action="schools.register_imported",
            changes={
                "created": result.created,
                "updated": result.updated,
                "closed": result.closed,
                "refused": len(result.refused),
            },
        )
    return result


# --- The site administration's page ------------------------------------------------------------


class GiasUploadForm(forms.Form):
    file = forms.FileField(
        label="The register's CSV file",
        help_text="From Get Information About Schools: Downloads, Establishment fields (CSV)",
    )


def gias_import_admin_view(request):
    """Site administration, Schools, "Load the register": upload the CSV and import it."""
    if not request.user.has_perm("accounts.change_school"):
        raise PermissionDenied
    form = GiasUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = gias_import(raw=form.cleaned_data["file"].read(), actor=request.user)
        except GiasFileError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, f"The register was loaded: {result}")
            for refused in result.refused[:20]:
                messages.warning(request, refused)
            return redirect(reverse("admin:accounts_school_changelist"))
    context = admin.site.each_context(request) | {
        "title": "Load schools from the register",
        "form": form,
        "opts": School._meta,
    }
    return render(request, "admin/accounts/school/import_gias.html", context)
