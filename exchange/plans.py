"""From what the files say to what PEP Portal would change, and then changing it.

`plan_build` compares each child's facts with the records, keyed on the council's child id,
and says for each child: create, change (and what) or leave alone; rows that cannot be applied
are refused with their file, line and reason. `plan_apply` builds the same plan again with the
children locked, checks it is the plan that was confirmed, and applies it in one transaction
with bulk writes: the children, their placements, schools and social workers, the access that
follows from them (`children.access.access_sync_children`) and every change in the audit trail.
A second run of the same files finds nothing to change.
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, School, User, VirtualSchool
from audit.services import audit_record, audit_record_many
from children.access import access_sync_children
from children.models import Child, Enrolment, Placement, SocialWorkerAllocation
from children.signals import children_changed_in_bulk, education_changed

from .csvfiles import ChildFacts, Parsed, Refusal

CHILD_FIELD_LABELS = {
    "legal_first_name": "legal first name",
    "legal_last_name": "legal last name",
    "preferred_name": "preferred name",
    "date_of_birth": "date of birth",
    "gender": "gender",
    "upn": "UPN",
    "legal_status": "legal status",
    "date_entered_care": "date entered care",
    "date_left_care": "date left care",
    "is_uasc": "UASC",
    "uasc_ceased_on": "date UASC status ceased",
    "sdq_score": "SDQ score",
}
DATE_FIELDS = {"date_of_birth", "date_entered_care", "date_left_care", "uasc_ceased_on"}
CHILD_CHANGES_CLOCK = {"date_entered_care", "date_left_care"}


class PlanChanged(Exception):
    """The records changed between the check and the apply: check the files again."""


class PlanRefused(Exception):
    """Rows are refused and skipping them was not chosen."""


@dataclass
class Entry:
    council_child_id: str
    action: str  # create, change or unchanged
    child_id: int | None = None
    changes: list[str] = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    periods: list[dict] = field(default_factory=list)  # operations on placements, schools, SWs


@dataclass
class Plan:
    format: str
    files: list[str]
    rows_read: int
    entries: list[Entry] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    def of(self, action: str) -> list[Entry]:
        return [entry for entry in self.entries if entry.action == action]

    @property
    def counts(self) -> dict:
        counts = {"create": 0, "change": 0, "unchanged": 0}
        for entry in self.entries:
            counts[entry.action] += 1
        counts["refused_rows"] = len(self.refused)
        counts["refused_children"] = len({r.child for r in self.refused})
        return counts

    @property
    def fingerprint(self) -> str:
        """The same plan has the same fingerprint: what is confirmed is what is applied."""
        data = [(e.council_child_id, e.action, e.changes) for e in self.entries]
        data.append([asdict(r) for r in self.refused])
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def summary(self) -> dict:
        """What the pages show, JSON-safe."""
        return {
            "counts": self.counts,
            "fingerprint": self.fingerprint,
            "create": [(e.council_child_id, e.changes) for e in self.of("create")],
            "change": [(e.council_child_id, e.changes) for e in self.of("change")],
            "unchanged": [e.council_child_id for e in self.of("unchanged")],
            "refused": [asdict(r) for r in self.refused],
        }


def _day(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _text(value) -> str:
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    if value in (None, ""):
        return "(none)"
    return str(value)


def _where(facts: ChildFacts, part: dict | None = None) -> tuple[str, int]:
    if part and part.get("file"):
        return part["file"], part["line"]
    name, _, line = facts.lines[0].rpartition(" line ")
    return name, int(line)


class _Refuse(Exception):
    def __init__(self, reason: str, part: dict | None = None):
        super().__init__(reason)
        self.reason = reason
        self.part = part


@dataclass
class _Period:
    pk: int
    key: object
    start: date
    end: date | None
    carers: tuple = ()


def _periods_of(model, child_pks, key_field: str, carers: bool = False) -> dict[int, list]:
    periods = defaultdict(list)
    rows = model.objects.filter(child_id__in=child_pks).values_list(
        "pk", "child_id", key_field, "start_date", "end_date"
    )
    carer_ids = defaultdict(list)
    if carers:
        for placement_id, user_id in Placement.carers.through.objects.filter(
            placement__child_id__in=child_pks
        ).values_list("placement_id", "user_id"):
            carer_ids[placement_id].append(user_id)
    for pk, child_id, key, start, end in rows:
        periods[child_id].append(_Period(pk, key, start, end, tuple(sorted(carer_ids[pk]))))
    return periods


def _reconcile(
    *, what: str, kind: str, existing: list[_Period], key, label: str, start: date, end, carers
) -> tuple[list[dict], list[str]]:
    """The operations that make the child's periods of one kind say what the file says."""
    carers = tuple(sorted(carers)) if carers is not None else None
    ops, changes = [], []
    current = next((p for p in existing if p.end is None), None)
    same = next((p for p in existing if p.key == key and p.start == start), None)
    if same is None and current is not None and current.key == key:
        same = current  # the same placement, school or worker, whatever start PEP Portal has
    if same is not None:
        if end is not None and same.end is None:
            if end < same.start:
                raise _Refuse(f"The {what} ends on {_text(end)}, before it started in PEP Portal "
                              f"on {_text(same.start)}")  # fmt: skip
            ops.append({"op": "end", "kind": kind, "pk": same.pk, "end": end.isoformat()})
            changes.append(f"{what} {label} ends on {_text(end)}")
        if carers is not None and same.end is None and end is None and same.carers != carers:
            ops.append({"op": "carers", "kind": kind, "pk": same.pk, "carers": list(carers)})
            changes.append(f"carers of the {what} change")
        return ops, changes
    if current is not None:
        if start < current.start:
            raise _Refuse(
                f"The {what} in the file ({label}) starts on {_text(start)}, before the current "
                f"{what} in PEP Portal started ({_text(current.start)}): correct the dates"
            )
        ops.append({"op": "end", "kind": kind, "pk": current.pk, "end": start.isoformat()})
        changes.append(f"current {what} ends on {_text(start)}")
    else:
        for other in existing:
            if other.start < (end or date.max) and start < (other.end or date.max):
                raise _Refuse(
                    f"The {what} in the file ({label}, from {_text(start)}) overlaps the {what} "
                    f"in PEP Portal from {_text(other.start)} to {_text(other.end)}"
                )
    ops.append({"op": "start", "kind": kind, "key": key, "start": start.isoformat(),
                "end": end.isoformat() if end else None, "carers": list(carers or ())})  # fmt: skip
    changes.append(f"{what} {label} from {_text(start)}" + (f" to {_text(end)}" if end else ""))
    return ops, changes


def plan_build(*, virtual_school: VirtualSchool, parsed: Parsed, lock: bool = False) -> Plan:
    """Compare the files' facts with the records. Reads a fixed number of queries for any
    number of children; with `lock`, the children found are locked for the apply."""
    plan = Plan(format=parsed.format, files=parsed.files, rows_read=parsed.rows_read)
    plan.refused = list(parsed.refused)
    today = timezone.localdate()
    ids = [facts.council_child_id for facts in parsed.children]
    found = Child.objects.filter(virtual_school=virtual_school, council_child_id__in=ids)
    if lock:
        found = found.select_for_update()
    existing = {child.council_child_id: child for child in found.order_by("pk")}
    pks = [child.pk for child in existing.values()]
    placements = _periods_of(Placement, pks, "placement_type", carers=True)
    enrolments = _periods_of(Enrolment, pks, "school_id")
    allocations = _periods_of(SocialWorkerAllocation, pks, "social_worker_id")
    urns = {f.enrolment["urn"] for f in parsed.children if f.enrolment}
    schools = {school.urn: school for school in School.objects.filter(urn__in=urns)}
    emails = {f.allocation["email"] for f in parsed.children if f.allocation}
    emails |= {e for f in parsed.children if f.placement for e in f.placement["carers"] or ()}
    users = {user.email.lower(): user for user in User.objects.filter(email__in=emails)}
    upns = {f.fields.get("upn") for f in parsed.children} - {"", None}
    upn_holders = dict(Child.objects.filter(upn__in=upns).values_list("upn", "pk") if upns else [])
    upn_in_file: dict[str, str] = {}

    for facts in parsed.children:
        child = existing.get(facts.council_child_id)
        try:
            entry = _entry(
                facts=facts,
                child=child,
                virtual_school=virtual_school,
                today=today,
                placements=placements.get(child.pk, []) if child else [],
                enrolments=enrolments.get(child.pk, []) if child else [],
                allocations=allocations.get(child.pk, []) if child else [],
                schools=schools,
                users=users,
                upn_holders=upn_holders,
                upn_in_file=upn_in_file,
            )
        except _Refuse as refusal:
            name, line = _where(facts, refusal.part)
            plan.refused.append(Refusal(name, line, facts.council_child_id, refusal.reason))
            continue
        plan.entries.append(entry)
    plan.refused.sort(key=lambda r: (plan.files.index(r.file) if r.file in plan.files else 0,
                                     r.line))  # fmt: skip
    return plan


def _entry(
    *, facts, child, virtual_school, today, placements, enrolments, allocations, schools, users,
    upn_holders, upn_in_file,
) -> Entry:  # fmt: skip
    wanted = {name: (_day(value) if name in DATE_FIELDS else value)
              for name, value in facts.fields.items()}  # fmt: skip
    upn = wanted.get("upn")
    if upn:
        holder = upn_holders.get(upn)
        if holder is not None and (child is None or holder != child.pk):
            raise _Refuse(f"Another child in PEP Portal already has UPN {upn}")
        if upn in upn_in_file:
            raise _Refuse(f"UPN {upn} is also given for CHILD {upn_in_file[upn]}")
        upn_in_file[upn] = facts.council_child_id
    entry = Entry(council_child_id=facts.council_child_id, action="unchanged")
    if child is None:
        entry.action = "create"
        entry.fields = facts.fields
        status = Child.LegalStatus(wanted["legal_status"]).label.lower()
        entry.changes.append(f"new child, in care since {_text(wanted['date_entered_care'])} "
                             f"({status})" + (f", left care {_text(wanted['date_left_care'])}"
                                              if wanted.get("date_left_care") else ""))  # fmt: skip
        merged = wanted
    else:
        entry.child_id = child.pk
        changed = {name: value for name, value in wanted.items() if getattr(child, name) != value}
        for name, value in changed.items():
            entry.changes.append(
                f"{CHILD_FIELD_LABELS[name]}: {_text(getattr(child, name))} → {_text(value)}"
            )
        entry.fields = {name: facts.fields[name] for name in changed}
        merged = {name: getattr(child, name) for name in CHILD_FIELD_LABELS} | wanted
    if merged.get("date_left_care") and merged["date_left_care"] < merged["date_entered_care"]:
        raise _Refuse("The date left care is before the date entered care")
    if merged["date_entered_care"] < merged["date_of_birth"]:
        raise _Refuse("The date entered care is before the date of birth")

    if facts.placement:
        part = facts.placement
        carer_ids = None
        if part["carers"] is not None:
            carer_ids = []
            for email in part["carers"]:
                user = users.get(email)
                if user is None or user.role != Role.CARER or not user.is_active:
                    raise _Refuse(f"{email} is not a carer's account in PEP Portal", part)
                carer_ids.append(user.pk)
        _add(entry, part, lambda: _reconcile(
            what="placement", kind="placement", existing=placements,
            key=part["placement_type"],
            label=Placement.PlacementType(part["placement_type"]).label.lower(),
            start=_day(part["start_date"]), end=_day(part["end_date"]), carers=carer_ids,
        ))  # fmt: skip
    if facts.enrolment:
        part = facts.enrolment
        school = schools.get(part["urn"])
        if school is None:
            raise _Refuse(f"URN {part['urn']} is not a school in PEP Portal's register", part)
        _add(entry, part, lambda: _reconcile(
            what="school", kind="enrolment", existing=enrolments, key=school.pk,
            label=f"{school.name} (URN {school.urn})", start=_day(part["start_date"]), end=None,
            carers=None,
        ))  # fmt: skip
    if facts.allocation:
        part = facts.allocation
        user = users.get(part["email"])
        if (
            user is None
            or user.role != Role.SOCIAL_WORKER
            or user.virtual_school_id != virtual_school.pk
            or not user.is_active
        ):
            raise _Refuse(f"{part['email']} is not a social worker of {virtual_school}", part)
        _add(entry, part, lambda: _reconcile(
            what="social worker", kind="allocation", existing=allocations, key=user.pk,
            label=user.full_name, start=_day(part["start_date"]), end=None, carers=None,
        ))  # fmt: skip
    if entry.action == "unchanged" and entry.changes:
        entry.action = "change"
    return entry


def _add(entry: Entry, part: dict, reconcile) -> None:
    try:
        ops, changes = reconcile()
    except _Refuse as refusal:
        raise _Refuse(refusal.reason, part) from None
    entry.periods += ops
    entry.changes += changes


MODELS = {"placement": Placement, "enrolment": Enrolment, "allocation": SocialWorkerAllocation}
KEY_FIELDS = {"placement": "placement_type", "enrolment": "school_id",
              "allocation": "social_worker_id"}  # fmt: skip


@transaction.atomic
def plan_apply(
    *,
    virtual_school: VirtualSchool,
    parsed: Parsed,
    actor: User | None,
    skip_refused: bool = False,
    fingerprint: str | None = None,
    run=None,
    progress=None,
) -> Plan:
    """Apply the plan for these facts in one transaction. Refuses (changing nothing) when rows
    are refused and `skip_refused` is not set, or when the plan is no longer the `fingerprint`
    that was confirmed."""
    plan = plan_build(virtual_school=virtual_school, parsed=parsed, lock=True)
    if fingerprint is not None and plan.fingerprint != fingerprint:
        raise PlanChanged("The records changed since the check: check the files again")
    if plan.refused and not skip_refused:
        raise PlanRefused(f"{len(plan.refused)} rows are refused: correct them, or skip them")
    now = timezone.now()
    today = timezone.localdate()
    total = len(plan.entries)
    events: list[dict] = []

    creating = plan.of("create")
    new_children = []
    for entry in creating:
        fields = {name: (_day(v) if name in DATE_FIELDS else v) for name, v in entry.fields.items()}
        child = Child(virtual_school=virtual_school, council_child_id=entry.council_child_id,
                      **fields)  # fmt: skip
        # The database holds the constraints, and the plan has checked UPNs and ids; the Virtual
        # School is the caller's (checking it would be a query a child).
        child.full_clean(exclude=["virtual_school"], validate_unique=False,
                         validate_constraints=False)  # fmt: skip
        new_children.append(child)
    Child.objects.bulk_create(new_children, batch_size=500)
    for entry, child in zip(creating, new_children, strict=True):
        entry.child_id = child.pk
        events.append({"action": "child.created", "child_id": child.pk, "obj": child,
                       "changes": {name: [None, value] for name, value in entry.fields.items()}
                       | {"council_child_id": [None, entry.council_child_id]}})  # fmt: skip
    if progress:
        progress("Recording new children", len(creating), total)

    changing = [entry for entry in plan.of("change") if entry.fields]
    clock_moved = set()
    if changing:
        children = Child.objects.in_bulk([entry.child_id for entry in changing])
        updated, names = [], {"updated_at"}
        for entry in changing:
            child = children[entry.child_id]
            before = {name: getattr(child, name) for name in entry.fields}
            for name, value in entry.fields.items():
                setattr(child, name, _day(value) if name in DATE_FIELDS else value)
            child.updated_at = now
            names |= entry.fields.keys()
            updated.append(child)
            if CHILD_CHANGES_CLOCK & entry.fields.keys():
                clock_moved.add(child.pk)
            events.append({"action": "child.updated", "child_id": child.pk, "obj": child,
                           "changes": {name: [_plain(before[name]), value]
                                       for name, value in entry.fields.items()}})  # fmt: skip
        Child.objects.bulk_update(updated, sorted(names), batch_size=500)

    # Periods: end the current ones first (one current of each kind), then start the new ones.
    ops = [(entry, op) for entry in plan.entries for op in entry.periods]
    for kind, model in MODELS.items():
        if progress:
            progress(f"Recording {kind}s", len(creating) + len(changing), total)
        mine = [(entry, op) for entry, op in ops if op["kind"] == kind]
        ends = {op["pk"]: _day(op["end"]) for _, op in mine if op["op"] == "end"}
        if ends:
            rows = list(model.objects.filter(pk__in=ends))
            for row in rows:
                row.end_date = ends[row.pk]
            model.objects.bulk_update(rows, ["end_date"], batch_size=500)
            events += [{"action": f"{kind}.ended", "child_id": row.child_id, "obj": row,
                        "changes": {"end_date": [None, row.end_date.isoformat()]}}
                       for row in rows]  # fmt: skip
        starting = [(entry, op) for entry, op in mine if op["op"] == "start"]
        rows = [model(child_id=entry.child_id, start_date=_day(op["start"]),
                      end_date=_day(op["end"]), **{KEY_FIELDS[kind]: op["key"]})
                for entry, op in starting]  # fmt: skip
        model.objects.bulk_create(rows, batch_size=500)
        if kind == "placement":
            through = Placement.carers.through
            through.objects.bulk_create(
                [through(placement_id=row.pk, user_id=user_id)
                 for row, (_, op) in zip(rows, starting, strict=True) for user_id in op["carers"]],
                batch_size=1000,
            )  # fmt: skip
            for (_, op), row in zip(starting, rows, strict=True):
                op["pk"] = row.pk
            carer_ops = [op for _, op in mine if op["op"] == "carers"]
            if carer_ops:
                through.objects.filter(placement_id__in=[op["pk"] for op in carer_ops]).delete()
                through.objects.bulk_create(
                    [through(placement_id=op["pk"], user_id=user_id)
                     for op in carer_ops for user_id in op["carers"]]
                )  # fmt: skip
                events += [{"action": "placement.carers_changed", "child_id": entry.child_id,
                            "changes": {"carers": [None, op["carers"]]}}
                           for entry, op in mine if op["op"] == "carers"]  # fmt: skip
        events += [{"action": f"{kind}.started", "child_id": row.child_id, "obj": row,
                    "changes": {KEY_FIELDS[kind].removesuffix("_id"): [None, op["key"]],
                                "start_date": [None, op["start"]], "end_date": [None, op["end"]]}}
                   for row, (_, op) in zip(rows, starting, strict=True)]  # fmt: skip
        if kind == "enrolment":
            clock_moved |= {entry.child_id for entry, _ in mine if entry.action == "change"}
    if progress:
        progress("Rebuilding access and writing the audit trail", total, total)

    touched = [entry.child_id for entry in plan.entries if entry.action != "unchanged"]
    access_sync_children(child_ids=touched, today=today)
    if touched:
        # Children and periods were written in bulk, without the models' signals: the council's
        # kept figures and school filter are renewed here, whether or not any access changed.
        children_changed_in_bulk.send(sender=Child, virtual_school_ids=[virtual_school.pk])
    audit_record_many(actor=actor, events=events)
    audit_record(
        actor=actor,
        action="import.applied",
        obj=run,
        changes={
            "format": [None, plan.format],
            "files": [None, plan.files],
            "counts": [None, plan.counts],
            "skipped_refused_rows": [None, bool(plan.refused) and skip_refused],
            "refused": [None, [f"{r.file} line {r.line}: {r.reason}" for r in plan.refused]],
        },
    )
    # The statutory clock of children already in PEP Portal whose school or care dates moved
    # (new children have no PEP yet).
    for child in Child.objects.filter(pk__in=clock_moved):
        education_changed.send(sender=Child, child=child)
    return plan


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value
