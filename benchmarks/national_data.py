"""A national data set for the benchmarks: by default 100,000 children in 150 Virtual Schools
(the largest with 2,000), 20,000 schools, five years of PEPs with three of typed attendance and
attainment, and the targets, answers, reviews, copies, PP+ and audit trail that go with them.

The facts about people and children (Virtual Schools, schools, users, children, enrolments,
allocations, placements) are made with the project's models, and their access rows by the
project's own rule (`children.access.wanted_rows`), so who sees what is as it would be; a
sample of children is then checked with `access_sync_child`, which must find nothing to change.
The millions of rows that hang off each PEP are made by INSERT ... SELECT into the models'
tables, from templates made with the project's own sections and sample answers
(`peps.demo.sample_answers`): nothing else could build them on two cores in minutes.

Run it on a scratch database only: `make benchmark-data`.
"""

import io
import json
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role, School, SchoolMembership, User, VirtualSchool
from accounts.roles import group_name, school_staff_group_name, virtual_school_staff_group_name
from children.access import access_sync_child, wanted_rows
from children.models import (
    Child,
    ChildGroupObjectPermission,
    ChildUserObjectPermission,
    Enrolment,
    Placement,
    SocialWorkerAllocation,
)
from children.school_year import academic_year_of, year_group_for
from children.upn import upn_check_letter
from peps.demo import sample_answers
from peps.models import PepSettings, Term
from peps.sections import EYFS_SCALE, GCSE_SCALE, KEY_STAGE_SCALE, sections_for

PASSWORD = "national-benchmark"  # noqa: S105 - a scratch database's shared password
CHILDREN_PER_SOCIAL_WORKER = 25
FIRST_NAMES = (
    "Ava",
    "Noah",
    "Maya",
    "Leo",
    "Isla",
    "Kai",
    "Zara",
    "Finley",
    "Lily",
    "Omar",
    "Ruby",
    "Tyler",
    "Aisha",
    "Mason",
    "Grace",
    "Ethan",
    "Sophia",
    "Jayden",
    "Amelia",
    "Reggie",
    "Poppy",
    "Harvey",
    "Mia",
    "Logan",
)
LAST_NAMES = (
    "Jones",
    "Patel",
    "Williams",
    "Brown",
    "Taylor",
    "Davies",
    "Evans",
    "Khan",
    "Wright",
    "Hughes",
    "Green",
    "Lewis",
    "Clarke",
    "Ahmed",
    "Scott",
    "Mitchell",
    "Baker",
    "Foster",
    "Price",
    "Walker",
    "Wilson",
    "Roberts",
    "Thompson",
    "Hall",
)


@dataclass(frozen=True)
class Sizes:
    children: int = 100_000
    virtual_schools: int = 150
    schools: int = 20_000
    largest: int = 2_000
    history_years: int = 5  # PEPs this many academic years back
    typed_years: int = 3  # of which typed education data
    seed: int = 1


def _say(log, started, what):
    log(f"{time.perf_counter() - started:7.1f} s  {what}")


def build(sizes: Sizes, *, log=print, today: date | None = None) -> dict:
    """Build the data set into an empty, migrated database. Returns the row counts."""
    today = today or timezone.localdate()
    rng = random.Random(sizes.seed)
    started = time.perf_counter()
    if Child.objects.exists():
        raise RuntimeError("The database already holds children: build into an empty one")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '128MB'")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            dropped = _drop_checks(cursor)
        schools_by_council, virtual_schools = _organisations(sizes, rng)
        _say(log, started, f"{len(virtual_schools)} Virtual Schools and {sizes.schools} schools")
        people = _people(sizes, rng, virtual_schools, schools_by_council)
        _say(log, started, f"{User.objects.count()} people")
        _children(sizes, rng, today, virtual_schools, schools_by_council, people)
        _say(log, started, f"{Child.objects.count()} children with their facts")
        _access(log, started)
        _terms(sizes, virtual_schools, today)
        _say(log, started, f"{Term.objects.count()} terms")
        with connection.cursor() as cursor:
            _templates(cursor)
            for step in (
                _peps,
                _answers,
                _targets,
                _reviews,
                _education,
                _funding,
                _meetings,
                _audit,
            ):
                what = step(cursor, sizes, today)
                _say(log, started, what)
            _restore_checks(cursor, dropped)
        _say(log, started, f"{len(dropped)} indexes and foreign keys made and checked")
    # VACUUM as well, as autovacuum would on a live database: it fills the visibility map that
    # lets the access check read permission rows from their index alone. Inside a transaction
    # (the test that builds a small set) only ANALYZE can run.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        cursor.execute(command)
    _say(log, started, f"statistics refreshed ({command})")
    checked = check_access(sample=200, rng=rng)
    _say(log, started, f"access rows of {checked} sampled children match the rule")
    counts = row_counts()
    counts["seconds"] = round(time.perf_counter() - started)
    return counts


# The tables INSERT ... SELECT fills with millions of rows: their plain indexes are built once
# at the end rather than row by row.
BIG_TABLES = [
    "peps_pep",
    "peps_sectionanswer",
    "peps_target",
    "peps_targetreview",
    "peps_qualityreview",
    "peps_signedoffcopy",
    "peps_educationrecord",
    "peps_attainmentresult",
    "funding_ppplusrequest",
    "funding_payment",
    "meetings_meeting",
    "meetings_invitation",
    "audit_auditevent",
]


def _drop_checks(cursor) -> list[str]:
    """Drop every foreign key (Django's are deferred: checked one row at a time at COMMIT,
    which cost more than the inserts) and the big tables' plain indexes, inside the build's
    transaction. Returns the statements that put them back; `_restore_checks` runs them, so
    each foreign key is checked once over its whole table before the build commits."""
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relname = ANY(%s) AND NOT i.indisprimary AND NOT i.indisunique
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        [BIG_TABLES],
    )
    indexes = cursor.fetchall()
    cursor.execute("""
        SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid)
        FROM pg_constraint
        WHERE contype = 'f' AND connamespace = 'public'::regnamespace
    """)
    keys = cursor.fetchall()
    for table, name, _ in keys:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return [sql for _, sql in indexes] + [
        f"ALTER TABLE {table} ADD CONSTRAINT {name} {sql}" for table, name, sql in keys
    ]


def _restore_checks(cursor, statements: list[str]) -> None:
    for sql in statements:
        cursor.execute(sql)


# --- Organisations, people and children, through the models ---------------------------------


def _organisations(sizes: Sizes, rng: random.Random):
    rest = sizes.virtual_schools - 1
    weights = [rng.lognormvariate(0, 0.6) for _ in range(rest)]
    scale = (sizes.children - sizes.largest) / sum(weights)
    counts = [sizes.largest] + [max(20, min(sizes.largest - 1, round(w * scale))) for w in weights]
    counts[-1] += sizes.children - sum(counts)  # exactly the total
    virtual_schools = VirtualSchool.objects.bulk_create(
        VirtualSchool(
            name=f"Council {i:03d} Virtual School",
            council=f"Council {i:03d}",
            local_authority_code=f"{100 + i:03d}"[-3:],
            email=f"virtual.school@council{i:03d}.example",
        )
        for i in range(sizes.virtual_schools)
    )
    for virtual_school, count in zip(virtual_schools, counts, strict=True):
        virtual_school.size = count
    phases = (
        [School.Phase.PRIMARY] * 60
        + [School.Phase.SECONDARY] * 17
        + [School.Phase.EARLY_YEARS] * 12
        + [School.Phase.SPECIAL] * 4
        + [School.Phase.ALTERNATIVE_PROVISION] * 3
        + [School.Phase.POST_16] * 4
    )
    total = sum(counts)
    schools, i = [], 0
    for virtual_school, count in zip(virtual_schools, counts, strict=True):
        share = max(6, sizes.schools * count // total)
        for _ in range(share):
            schools.append(
                School(
                    urn=f"{100000 + i:06d}",
                    name=f"School {i:05d}",
                    council=virtual_school.council,
                    phase=phases[i % len(phases)],
                )
            )
            i += 1
    School.objects.bulk_create(schools, batch_size=5000)
    schools_by_council = defaultdict(lambda: defaultdict(list))
    for pk, council, phase in School.objects.values_list("pk", "council", "phase"):
        schools_by_council[council][phase].append(pk)
    return schools_by_council, virtual_schools


def _people(sizes, rng, virtual_schools, schools_by_council) -> dict:
    hashed = make_password(PASSWORD)
    users = []
    staff = {}
    for v in virtual_schools:
        code = v.local_authority_code
        staff[v.pk] = {
            "head": f"head@vs{code}.example",
            "officers": [f"officer{n}@vs{code}.example" for n in range(3)],
            "social_workers": [
                f"sw{n}@vs{code}.example"
                for n in range(math.ceil(v.size / CHILDREN_PER_SOCIAL_WORKER))
            ],
        }
        users.append(
            User(
                email=staff[v.pk]["head"],
                full_name=f"Head of {v.council}",
                role=Role.VIRTUAL_SCHOOL_HEAD,
                virtual_school=v,
                password=hashed,
            )
        )
        users += [
            User(
                email=e,
                full_name=f"Officer {n} of {v.council}",
                role=Role.VIRTUAL_SCHOOL_OFFICER,
                virtual_school=v,
                password=hashed,
            )
            for n, e in enumerate(staff[v.pk]["officers"])
        ]
        users += [
            User(
                email=e,
                full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                role=Role.SOCIAL_WORKER,
                virtual_school=v,
                password=hashed,
            )
            for e in staff[v.pk]["social_workers"]
        ]
    school_ids = [
        pk for phases in schools_by_council.values() for ids in phases.values() for pk in ids
    ]
    teachers = {}
    for pk in school_ids:
        emails = [f"teacher@school{pk}.example"] + (
            [f"deputy@school{pk}.example"] if pk % 5 == 0 else []
        )
        teachers[pk] = emails
        users += [
            User(
                email=e,
                full_name=f"Teacher at school {pk}",
                role=Role.DESIGNATED_TEACHER,
                password=hashed,
            )
            for e in emails
        ]
    users.append(
        User(
            email="reviewing.officer@national.example",
            full_name="Ruth Reviewer",
            role=Role.REVIEWING_OFFICER,
            password=hashed,
        )
    )
    User.objects.bulk_create(users, batch_size=5000)
    ids = dict(User.objects.values_list("email", "pk"))
    _copy(
        SchoolMembership,
        ["user", "school"],
        ((ids[e], school_id) for school_id, emails in teachers.items() for e in emails),
    )
    # Groups as `accounts.services.user_sync_groups` gives them.
    names = {group_name(role) for role in Role}
    names |= {virtual_school_staff_group_name(v.pk) for v in virtual_schools}
    names |= {school_staff_group_name(pk) for pk in school_ids}
    existing = set(Group.objects.filter(name__in=names).values_list("name", flat=True))
    Group.objects.bulk_create([Group(name=n) for n in names - existing], batch_size=5000)
    group_ids = dict(Group.objects.filter(name__in=names).values_list("name", "pk"))
    rows = []
    for pk, role, virtual_school_id in User.objects.values_list("pk", "role", "virtual_school_id"):
        rows.append((pk, group_ids[group_name(role)]))
        if role in (Role.VIRTUAL_SCHOOL_OFFICER, Role.VIRTUAL_SCHOOL_HEAD):
            rows.append((pk, group_ids[virtual_school_staff_group_name(virtual_school_id)]))
    rows += [
        (user_id, group_ids[school_staff_group_name(school_id)])
        for user_id, school_id in SchoolMembership.objects.values_list("user_id", "school_id")
    ]
    _copy(User.groups.through, ["user", "group"], rows)
    return {"ids": ids, "staff": staff, "hashed": hashed}


def _phase_for(year_group: int) -> str:
    if year_group < 0:
        return School.Phase.EARLY_YEARS
    if year_group <= 6:
        return School.Phase.PRIMARY
    if year_group <= 11:
        return School.Phase.SECONDARY
    return School.Phase.POST_16


def _copy(model, fields, rows) -> int:
    """COPY rows (tuples in the order of `fields`) into a model's table; every other column
    gets the field's default, as `Model()` would give it (auto_now fields: now)."""
    now = timezone.now()
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    rest = [f for f in meta.concrete_fields if f not in given and not f.primary_key and f.column]
    filled = []
    for f in rest:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            filled.append(now)
        elif f.has_default():
            filled.append(f.get_default())
        elif f.null:
            filled.append(None)
        else:
            filled.append("")
    tail = [_copy_text(f, v) for f, v in zip(rest, filled, strict=True)]
    columns = [f.column for f in given] + [f.column for f in rest]
    buffer = io.StringIO()
    count = 0
    for row in rows:
        buffer.write("\t".join([_copy_text(f, v) for f, v in zip(given, row, strict=True)] + tail))
        buffer.write("\n")
        count += 1
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {meta.db_table} ({', '.join(columns)}) FROM STDIN", buffer, size=1 << 20
        )
    return count


def _copy_text(field, value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        value = json.dumps(value)
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text


def _children(sizes, rng, today, virtual_schools, schools_by_council, people) -> None:
    """Children and their facts as the services leave them, COPied as plain tuples: a few
    hundred thousand model objects cost minutes on two cores."""
    councils = list(schools_by_council)
    statuses = [s for s, _ in Child.LegalStatus.choices]
    ids = people["ids"]
    foster = [
        Placement.PlacementType.FOSTER_CARE,
        Placement.PlacementType.AGENCY_FOSTER_CARE,
        Placement.PlacementType.KINSHIP,
    ]
    kinds = foster + [
        Placement.PlacementType.CHILDRENS_HOME,
        Placement.PlacementType.SUPPORTED_ACCOMMODATION,
    ]
    this_september = date(academic_year_of(today), 9, 1)
    children, enrolments, allocations, placements = [], [], [], []
    n = 0
    for v in virtual_schools:
        own = schools_by_council[v.council]
        workers = people["staff"][v.pk]["social_workers"]
        for i in range(v.size):
            age = rng.choices(
                range(2, 18), weights=[3, 3, 4, 4, 5, 5, 6, 6, 6, 7, 8, 9, 10, 10, 9, 8]
            )[0]
            born = today - timedelta(days=365 * age + rng.randrange(365))
            in_care_days = min((today - born).days - 1, int(rng.expovariate(1 / 2200)) + 30)
            entered = today - timedelta(days=max(1, in_care_days))
            body = f"{900000000000 + n:012d}"
            key = f"{v.local_authority_code}-{i:06d}"
            children.append(
                (
                    v.pk,
                    rng.choice(FIRST_NAMES),
                    rng.choice(LAST_NAMES),
                    born,
                    rng.choice(["female", "male"]),
                    upn_check_letter(body) + body,
                    key,
                    entered,
                    rng.choice(statuses),
                    rng.choices(["none", "sen_support", "ehc_plan"], [60, 25, 15])[0],
                )
            )
            n += 1
            year_group = year_group_for(born, today)
            council = v.council if rng.random() < 0.7 else rng.choice(councils)
            choices = (
                schools_by_council[council].get(_phase_for(year_group))
                or own.get(School.Phase.PRIMARY)
                or next(iter(own.values()))
            )
            school = rng.choice(choices)
            start = max(entered, this_september - timedelta(days=365 * rng.randrange(0, 3)))
            if start > today:
                start = entered
            if rng.random() < 0.3 and (start - entered).days > 60:
                enrolments.append((key, v.pk, rng.choice(choices), entered, start, "full_time"))
            pattern = "alternative_provision" if rng.random() < 0.03 else "full_time"
            enrolments.append((key, v.pk, school, start, None, pattern))
            allocations.append((key, v.pk, ids[workers[i % len(workers)]], entered))
            kind = rng.choices(kinds, [55, 15, 12, 12, 6])[0]
            placements.append((key, v.pk, kind, entered))
    _copy(
        Child,
        [
            "virtual_school",
            "legal_first_name",
            "legal_last_name",
            "date_of_birth",
            "gender",
            "upn",
            "council_child_id",
            "date_entered_care",
            "legal_status",
            "sen_status",
        ],
        children,
    )
    child_of = {
        (v, key): pk
        for pk, v, key in Child.objects.values_list("pk", "virtual_school_id", "council_child_id")
    }
    _copy(
        Enrolment,
        ["child", "school", "start_date", "end_date", "attendance_pattern"],
        ((child_of[v, k], s, a, b, p) for k, v, s, a, b, p in enrolments),
    )
    _copy(
        SocialWorkerAllocation,
        ["child", "social_worker", "start_date"],
        ((child_of[v, k], w, a) for k, v, w, a in allocations),
    )
    _copy(
        Placement,
        ["child", "placement_type", "start_date"],
        ((child_of[v, k], kind, a) for k, v, kind, a in placements),
    )
    fostered = [child_of[v, k] for k, v, kind, _ in placements if kind in foster]
    _copy(
        User,
        ["email", "full_name", "role", "password"],
        (
            (f"carer{pk}@carers.example", f"Carer of child {pk}", Role.CARER, people["hashed"])
            for pk in fostered
        ),
    )
    carer_group = Group.objects.get(name=group_name(Role.CARER))
    carer_ids = dict(User.objects.filter(role=Role.CARER).values_list("email", "pk"))
    placement_of = dict(Placement.objects.values_list("child_id", "pk"))
    _copy(
        Placement.carers.through,
        ["placement", "user"],
        ((placement_of[pk], carer_ids[f"carer{pk}@carers.example"]) for pk in fostered),
    )
    _copy(
        User.groups.through, ["user", "group"], ((pk, carer_group.pk) for pk in carer_ids.values())
    )


def _access(log, started) -> None:
    """Every child's rows, from the project's own rule, in chunks."""
    from django.contrib.auth.models import Permission

    today = timezone.localdate()
    permissions = dict(
        Permission.objects.filter(
            content_type__app_label="children", content_type__model="child"
        ).values_list("codename", "pk")
    )
    ids = list(Child.objects.order_by("pk").values_list("pk", flat=True))
    for i in range(0, len(ids), 10000):
        users, groups = wanted_rows(ids[i : i + 10000], today)
        _copy(
            ChildUserObjectPermission,
            ["user", "permission", "content_object", "expires_on"],
            (
                (u, permissions[code], child_id, expires)
                for child_id, rows in users.items()
                for (u, code), expires in rows.items()
            ),
        )
        _copy(
            ChildGroupObjectPermission,
            ["group", "permission", "content_object"],
            (
                (g, permissions[code], child_id)
                for child_id, rows in groups.items()
                for g, code in sorted(rows)
            ),
        )
    _say(
        log,
        started,
        f"{ChildUserObjectPermission.objects.count()} user and "
        f"{ChildGroupObjectPermission.objects.count()} group access rows",
    )


def check_access(*, sample: int, rng: random.Random) -> int:
    """The rows of a sample of children, checked by `access_sync_child`: it must change nothing
    (the check runs in a transaction that is rolled back either way)."""
    ids = list(Child.objects.values_list("pk", flat=True))
    chosen = rng.sample(ids, min(sample, len(ids)))

    class _RollBack(Exception):
        pass

    try:
        with transaction.atomic():
            for child in Child.objects.filter(pk__in=chosen):
                changes = access_sync_child(child=child)
                if changes:
                    raise AssertionError(f"child {child.pk}'s access rows were wrong: {changes}")
            raise _RollBack
    except _RollBack:
        pass
    return len(chosen)


def _terms(sizes: Sizes, virtual_schools, today: date) -> None:
    """Six years of terms for every Virtual School (five back, this one, and the next)."""
    this_year = academic_year_of(today)
    terms = []
    for v in virtual_schools:
        for year in range(this_year - sizes.history_years, this_year + 2):
            terms += [
                Term(
                    virtual_school=v,
                    academic_year=year,
                    name="autumn",
                    start_date=date(year, 9, 3),
                    end_date=date(year, 12, 19),
                    half_term_start=date(year, 10, 27),
                    half_term_end=date(year, 10, 31),
                ),
                Term(
                    virtual_school=v,
                    academic_year=year,
                    name="spring",
                    start_date=date(year + 1, 1, 6),
                    end_date=date(year + 1, 3, 28),
                    half_term_start=date(year + 1, 2, 17),
                    half_term_end=date(year + 1, 2, 21),
                ),
                Term(
                    virtual_school=v,
                    academic_year=year,
                    name="summer",
                    start_date=date(year + 1, 4, 14),
                    end_date=date(year + 1, 7, 22),
                    half_term_start=date(year + 1, 5, 26),
                    half_term_end=date(year + 1, 5, 30),
                ),
            ]
    Term.objects.bulk_create(terms, batch_size=5000)
    PepSettings.objects.bulk_create([PepSettings(virtual_school=v) for v in virtual_schools])


# --- The PEPs and everything that hangs off them, by INSERT ... SELECT -----------------------

# A child's year group in the term's academic year, as `children.school_year` works it out.
YEAR_GROUP = (
    "(t.academic_year - extract(year from c.date_of_birth)::int"
    " - (CASE WHEN to_char(c.date_of_birth, 'MMDD') > '0831' THEN 1 ELSE 0 END) - 4)"
)


def _templates(cursor) -> None:
    """Each kind's sections' sample answers (four variants), and each kind's ratings."""
    cursor.execute(
        "CREATE TEMP TABLE bench_answers (kind text, scale text, section text, vary int, "
        "transition bool, answers jsonb) ON COMMIT DROP"
    )
    rows = []
    on = date(2026, 9, 3)
    for kind, scales in (
        ("early_years", [EYFS_SCALE]),
        ("school_age", [EYFS_SCALE, KEY_STAGE_SCALE, GCSE_SCALE]),
        ("post_16", [None]),
    ):
        for scale in scales:
            for section in sections_for(kind):
                if section.key in ("school_transfer", "alternative_provision"):
                    continue  # they apply only after a yes elsewhere
                for vary in range(4):
                    answers = sample_answers(section, on=on, scale=scale, vary=vary)
                    rows.append(
                        (
                            kind,
                            scale.key if scale else "none",
                            section.key,
                            vary,
                            section.key == "transition",
                            json.dumps(answers),
                        )
                    )
    cursor.executemany("INSERT INTO bench_answers VALUES (%s, %s, %s, %s, %s, %s)", rows)
    cursor.execute("CREATE TEMP TABLE bench_ratings (kind text, ratings jsonb) ON COMMIT DROP")
    cursor.executemany(
        "INSERT INTO bench_ratings VALUES (%s, %s)",
        [
            (kind, json.dumps({s.key: "green" for s in sections_for(kind)}))
            for kind in ("early_years", "school_age", "post_16")
        ],
    )


def _peps(cursor, sizes: Sizes, today: date) -> str:
    first_year = academic_year_of(today) - sizes.history_years
    cursor.execute(
        f"""
        CREATE TEMP TABLE bench_officer ON COMMIT DROP AS
        SELECT virtual_school_id, min(id) AS officer_id FROM accounts_user
        WHERE role = 'vs_officer' GROUP BY virtual_school_id;
        CREATE TEMP TABLE bench_pep ON COMMIT DROP AS
        WITH spans AS (
          SELECT c.id AS child_id, t.id AS term_id, t.start_date, t.end_date, {YEAR_GROUP} AS yg,
                 (c.id * 2654435761) %% 100 AS h,
                 CASE WHEN t.end_date < %(today)s THEN 'past'
                      WHEN t.start_date <= %(today)s THEN 'now' ELSE 'next' END AS span
          FROM children_child c JOIN peps_term t ON t.virtual_school_id = c.virtual_school_id
          WHERE t.academic_year >= %(first_year)s AND t.end_date >= c.date_entered_care
            AND t.start_date <= %(today)s + 120
        )
        SELECT s.*, CASE WHEN s.yg < 0 THEN 'early_years' WHEN s.yg <= 11 THEN 'school_age'
                         ELSE 'post_16' END AS kind,
               CASE WHEN s.span = 'past' THEN 'signed_off'
                    WHEN s.span = 'next' THEN 'draft'
                    WHEN s.h < 45 THEN 'draft' WHEN s.h < 55 THEN 'school_complete'
                    WHEN s.h < 70 THEN 'submitted' ELSE 'signed_off' END AS state
        FROM spans s WHERE s.yg >= -2;
        -- A next term's PEP exists only where this term's is signed off.
        DELETE FROM bench_pep b WHERE b.span = 'next' AND (b.h < 70 OR b.start_date > (
          SELECT min(t.start_date) FROM peps_term t JOIN children_child c
            ON c.virtual_school_id = t.virtual_school_id
          WHERE c.id = b.child_id AND t.start_date > %(today)s));
    """,
        {"today": today, "first_year": first_year},
    )
    cursor.execute(
        """
        INSERT INTO peps_pep (child_id, kind, term_id, version, state, due_date, due_reason,
          planned_meeting_date, planned_meeting_confirmed, pep2_reviewed_on, pep2_review_due,
          school_completed_at, submitted_at, signed_off_at, overall_rating, created_at,
          social_care_due_date, social_care_due_reason, signed_off_by_id, submitted_by_id)
        SELECT b.child_id, b.kind, b.term_id,
          row_number() OVER (PARTITION BY b.child_id ORDER BY b.start_date), b.state,
          b.start_date + 21, 'The Virtual School''s deadline: the 15th school day of the term',
          b.start_date + 14, b.span <> 'next', NULL, true,
          CASE WHEN b.state <> 'draft' THEN LEAST(b.start_date + 25, %(today)s - 2) END,
          CASE WHEN b.state IN ('submitted', 'signed_off')
               THEN LEAST(b.start_date + 30, %(today)s - 1) END,
          CASE WHEN b.state = 'signed_off' THEN LEAST(b.start_date + 40, %(today)s - 1) END,
          CASE WHEN b.state <> 'signed_off' THEN ''
               WHEN b.h %% 10 = 0 THEN 'red' WHEN b.h %% 10 < 4 THEN 'amber' ELSE 'green' END,
          b.start_date, NULL, '',
          CASE WHEN b.state = 'signed_off' THEN o.officer_id END,
          CASE WHEN b.state IN ('submitted', 'signed_off') THEN a.social_worker_id END
        FROM bench_pep b
        JOIN children_child c ON c.id = b.child_id
        JOIN bench_officer o ON o.virtual_school_id = c.virtual_school_id
        LEFT JOIN children_socialworkerallocation a
          ON a.child_id = b.child_id AND a.end_date IS NULL
        ORDER BY b.child_id, b.start_date
    """,
        {"today": today},
    )
    cursor.execute("""
        UPDATE peps_pep p SET previous_id = q.id FROM peps_pep q
        WHERE q.child_id = p.child_id AND q.version = p.version - 1
    """)
    cursor.execute("SELECT count(*) FROM peps_pep")
    return f"{cursor.fetchone()[0]} PEPs"


def _scale_sql() -> str:
    return (
        "CASE WHEN p.kind = 'post_16' THEN 'none' WHEN p.kind = 'early_years' OR yg <= 0 "
        "THEN 'eyfs' WHEN yg <= 6 THEN 'key_stage' ELSE 'gcse' END"
    )


def _answers(cursor, sizes, today) -> str:
    cursor.execute(f"""
        CREATE TEMP TABLE bench_pep_year ON COMMIT DROP AS
        SELECT p.id AS pep_id, p.kind, p.state, p.term_id, p.child_id, p.created_at,
               t.start_date, t.end_date, {YEAR_GROUP} AS yg
        FROM peps_pep p JOIN peps_term t ON t.id = p.term_id
        JOIN children_child c ON c.id = p.child_id;
        ALTER TABLE bench_pep_year ADD PRIMARY KEY (pep_id);
    """)
    cursor.execute(
        f"""
        INSERT INTO peps_sectionanswer (pep_id, section_key, answers, version, carried_forward,
          saved_at)
        SELECT y.pep_id, a.section, a.answers, 1, false, y.created_at + interval '10 days'
        FROM (SELECT y.*, {_scale_sql().replace("p.kind", "y.kind")} AS scale
              FROM bench_pep_year y) y
        JOIN bench_answers a ON a.kind = y.kind AND a.scale = y.scale AND a.vary = y.pep_id %% 4
        WHERE (NOT a.transition OR y.yg IN (-1, 6, 11))
          AND (y.state <> 'draft' OR y.pep_id %% 3 <> 0 OR a.section IN ('case_details',
               'care_placement'))
    """,
        {},
    )
    cursor.execute("SELECT count(*) FROM peps_sectionanswer")
    return f"{cursor.fetchone()[0]} section answers"


def _targets(cursor, sizes, today) -> str:
    cursor.execute(
        """
        INSERT INTO peps_target (pep_id, area, subject, description, baseline, success_criteria,
          actions, owner, due_by, ppplus_amount, created_at)
        SELECT y.pep_id,
          CASE WHEN n = 3 THEN 'wellbeing' ELSE 'academic' END,
          CASE n WHEN 1 THEN 'English' WHEN 2 THEN 'Maths' WHEN 4 THEN 'Science' ELSE '' END,
          'Target ' || n || ': read and write with growing confidence', 'Working towards',
          'Seen in three pieces of work', 'Weekly sessions with a teaching assistant',
          'Class teacher', y.end_date,
          CASE WHEN n = 1 THEN 120 WHEN n = 2 AND y.pep_id %% 2 = 0 THEN 260 ELSE 0 END,
          y.created_at + interval '12 days'
        FROM bench_pep_year y
        CROSS JOIN LATERAL generate_series(1, 3 + (y.pep_id %% 3 = 0)::int) AS n
        WHERE y.state <> 'draft' OR y.pep_id %% 2 = 0
    """,
        {},
    )
    cursor.execute("SELECT count(*) FROM peps_target")
    return f"{cursor.fetchone()[0]} targets"


def _reviews(cursor, sizes, today) -> str:
    cursor.execute(
        """
        INSERT INTO peps_targetreview (pep_id, target_id, outcome, evidence, ppplus_impact,
          reviewed_at)
        SELECT p.id, t.id,
          CASE WHEN p.state = 'draft' AND p.id %% 2 = 0 THEN ''
               WHEN t.id %% 3 = 0 THEN 'achieved' WHEN t.id %% 3 = 1 THEN 'partly'
               ELSE 'not_achieved' END,
          CASE WHEN p.state = 'draft' AND p.id %% 2 = 0 THEN ''
               ELSE 'Seen in class work and the teacher''s assessment' END,
          CASE WHEN t.ppplus_amount > 0 THEN 'Small-group sessions helped' ELSE '' END,
          CASE WHEN p.state = 'draft' AND p.id %% 2 = 0 THEN NULL
               ELSE p.created_at + interval '5 days' END
        FROM peps_pep p JOIN peps_target t ON t.pep_id = p.previous_id
    """,
        {},
    )
    cursor.execute("""
        INSERT INTO peps_qualityreview (pep_id, reviewer_id, decision, reason, sections,
          section_ratings, overall_rating, created_at)
        SELECT p.id, p.signed_off_by_id, 'signed_off', '', '[]'::jsonb, r.ratings,
          p.overall_rating, p.signed_off_at
        FROM peps_pep p JOIN bench_ratings r ON r.kind = p.kind WHERE p.state = 'signed_off'
    """)
    cursor.execute(
        """
        INSERT INTO peps_signedoffcopy (pep_id, virtual_school_id, file_name, sha256, size,
          rendered_at, attempts, last_attempt_at, last_error, carers_told_at, created_at)
        SELECT p.id, c.virtual_school_id,
          CASE WHEN p.id %% 200 = 0 THEN '' ELSE 'bench/' || p.id || '.pdf' END,
          CASE WHEN p.id %% 200 = 0 THEN '' ELSE repeat('0', 64) END,
          CASE WHEN p.id %% 200 = 0 THEN NULL ELSE 180000 END,
          CASE WHEN p.id %% 200 = 0 THEN NULL ELSE p.signed_off_at + interval '1 minute' END,
          1, p.signed_off_at + interval '1 minute',
          CASE WHEN p.id %% 200 = 0 THEN 'RenderFailed: a font could not be loaded' ELSE '' END,
          CASE WHEN p.id %% 200 = 0 THEN NULL ELSE p.signed_off_at + interval '2 minutes' END,
          p.signed_off_at
        FROM peps_pep p JOIN children_child c ON c.id = p.child_id WHERE p.state = 'signed_off'
    """,
        {},
    )
    cursor.execute("SELECT count(*) FROM peps_targetreview")
    reviews = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM peps_signedoffcopy")
    return f"{reviews} target reviews, {cursor.fetchone()[0]} signed-off copies and their reviews"


def _education(cursor, sizes, today) -> str:
    first_year = academic_year_of(today) - sizes.typed_years + 1
    cursor.execute(
        f"""
        CREATE TEMP TABLE bench_typed ON COMMIT DROP AS
        SELECT y.*, (y.pep_id * 2654435761) %% 1000 AS h,
          {_scale_sql().replace("p.kind", "y.kind")} AS scale
        FROM bench_pep_year y JOIN peps_term t ON t.id = y.term_id
        WHERE t.academic_year >= %(first_year)s AND (y.state <> 'draft' OR y.pep_id %% 2 = 0);
        CREATE TEMP TABLE bench_sessions ON COMMIT DROP AS
        SELECT b.pep_id, 100 + b.h %% 50 AS possible,
          LEAST(100 + b.h %% 50, CASE WHEN b.h < 700 THEN b.h %% 9
               WHEN b.h < 900 THEN 12 + b.h %% 12 WHEN b.h < 985 THEN 25 + b.h %% 20
               ELSE 60 + b.h %% 20 END) AS missed
        FROM bench_typed b WHERE b.kind = 'school_age';
    """,
        {"first_year": first_year},
    )
    cursor.execute(
        """
        INSERT INTO peps_educationrecord (pep_id, child_id, term_id, possible_sessions,
          attended_sessions, authorised_absence_sessions, unauthorised_absence_sessions,
          attendance_percent, persistently_absent, severely_absent, suspensions, suspension_days,
          permanently_excluded, reduced_timetable, alternative_provision_provider,
          alternative_provision_hours, sen_status, sen_primary_need, ehc_plan_review_date,
          sdq_score, sdq_date, eet_status, provider, course, qualification_aim, updated_at)
        SELECT b.pep_id, b.child_id, b.term_id, s.possible, s.possible - s.missed, s.missed / 2,
          s.missed - s.missed / 2,
          CASE WHEN s.possible IS NOT NULL
               THEN round((s.possible - s.missed) * 100.0 / s.possible, 1)
               WHEN b.kind = 'post_16' THEN 80 + b.h %% 20 END,
          CASE WHEN s.possible IS NOT NULL THEN s.missed * 10 >= s.possible
               WHEN b.kind = 'post_16' THEN b.h %% 20 < 10 END,
          CASE WHEN s.possible IS NOT NULL THEN s.missed * 2 >= s.possible
               WHEN b.kind = 'post_16' THEN false END,
          CASE WHEN b.kind = 'school_age' THEN (b.h %% 25 = 0)::int * (1 + b.h %% 3) END,
          CASE WHEN b.kind = 'school_age' THEN (b.h %% 25 = 0)::int * (1 + b.h %% 3) * 1.5 END,
          CASE WHEN b.kind = 'school_age' THEN b.h = 999 END,
          CASE WHEN b.kind = 'school_age' THEN b.h %% 30 = 0 END, '', NULL,
          CASE WHEN b.h %% 10 < 6 THEN 'none' WHEN b.h %% 10 < 8 THEN 'sen_support'
               ELSE 'ehc_plan' END,
          CASE WHEN b.h %% 10 < 6 THEN '' WHEN b.h %% 2 = 0 THEN 'SEMH' ELSE 'ASD' END,
          CASE WHEN b.h %% 10 >= 8 THEN b.end_date + 200 END,
          5 + b.h %% 30, b.start_date,
          CASE WHEN b.kind <> 'post_16' THEN '' WHEN b.h %% 8 = 0 THEN 'neet'
               WHEN b.h %% 8 = 1 THEN 'employment' WHEN b.h %% 8 = 2 THEN 'training'
               ELSE 'education' END,
          CASE WHEN b.kind = 'post_16' THEN 'Council College' ELSE '' END,
          CASE WHEN b.kind = 'post_16' THEN 'Level 3 Business' ELSE '' END,
          CASE WHEN b.kind = 'post_16' THEN 'Level 3 BTEC' ELSE '' END, now()
        FROM bench_typed b LEFT JOIN bench_sessions s ON s.pep_id = b.pep_id
    """,
        {},
    )
    subjects = {
        "eyfs": [k for k, _ in EYFS_SCALE.subjects],
        "key_stage": [k for k, _ in KEY_STAGE_SCALE.subjects],
        "gcse": ["English language", "Maths", "Combined science", "History"],
    }
    for scale, names in subjects.items():
        grades = {"eyfs": 2, "key_stage": 3, "gcse": 9}[scale]
        labels = {
            "eyfs": "ARRAY['emerging','expected']",
            "key_stage": "ARRAY['working_towards','expected','greater_depth']",
            "gcse": "ARRAY['1','2','3','4','5','6','7','8','9']",
        }[scale]
        cursor.execute(
            f"""
            INSERT INTO peps_attainmentresult (pep_id, child_id, term_id, scale, subject,
              current, predicted, target, current_rank)
            SELECT b.pep_id, b.child_id, b.term_id, %(scale)s, subject,
              ({labels})[1 + r], CASE WHEN %(scale)s = 'gcse' THEN ({labels})[1 + LEAST(r + 1,
              {grades - 1})] ELSE '' END,
              CASE WHEN %(scale)s = 'eyfs' THEN '' ELSE ({labels})[{grades}] END, r
            FROM bench_typed b
            CROSS JOIN unnest(%(names)s::text[]) WITH ORDINALITY AS s(subject, i)
            CROSS JOIN LATERAL (SELECT CASE WHEN %(scale)s = 'gcse'
                THEN (b.h + i::int * 7) %% 7 + 1 ELSE ((b.h + i::int) %% 5 > 0)::int END AS r) x
            WHERE b.scale = %(scale)s
        """,
            {"scale": scale, "names": names},
        )
    cursor.execute("SELECT count(*) FROM peps_educationrecord")
    records = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM peps_attainmentresult")
    return f"{records} education records and {cursor.fetchone()[0]} attainment results"


def _funding(cursor, sizes, today) -> str:
    this_year = academic_year_of(today)
    cursor.execute(
        """
        INSERT INTO funding_fundingpolicy (virtual_school_id, academic_year, school_age_allowance,
          early_years_allowance, post_16_allowance, central_share_percent, national_rate,
          target_ceiling, pay_only_rated_amber_or_better, set_at)
        SELECT v.id, y, 520, 0, 0, 0, 2630, 2630, false, now() FROM accounts_virtualschool v
        CROSS JOIN generate_series(%(first)s, %(last)s) AS y
    """,
        {"first": this_year - 2, "last": this_year + 1},
    )
    cursor.execute(
        """
        INSERT INTO funding_ppplusrequest (target_id, virtual_school_id, child_id, school_id,
          intervention, tuition_arranged_by, decision, approved_amount, decision_reason,
          decided_by_id, decided_on, paid_total)
        SELECT t.id, c.virtual_school_id, p.child_id, e.school_id,
          CASE WHEN t.id %% 3 = 0 THEN 'tuition' WHEN t.id %% 3 = 1 THEN 'resources'
               ELSE 'mentoring' END,
          CASE WHEN t.id %% 3 = 0 THEN CASE WHEN t.id %% 2 = 0 THEN 'school'
               ELSE 'virtual_school' END ELSE '' END,
          CASE WHEN p.state <> 'signed_off' THEN 'pending' WHEN t.id %% 50 = 0 THEN 'declined'
               ELSE 'approved' END,
          CASE WHEN p.state <> 'signed_off' THEN NULL WHEN t.id %% 50 = 0 THEN 0
               ELSE t.ppplus_amount END,
          CASE WHEN t.id %% 50 = 0 THEN 'Generic spending: not linked to the target' ELSE '' END,
          p.signed_off_by_id, p.signed_off_at::date, 0
        FROM peps_target t JOIN peps_pep p ON p.id = t.pep_id
        JOIN children_child c ON c.id = p.child_id
        JOIN peps_term term ON term.id = p.term_id
        LEFT JOIN children_enrolment e ON e.child_id = p.child_id AND e.end_date IS NULL
        WHERE t.ppplus_amount > 0 AND term.academic_year >= %(first)s
    """,
        {"first": this_year - 2},
    )
    cursor.execute(
        """
        INSERT INTO funding_payment (request_id, virtual_school_id, child_id, amount, paid_on,
          reference, recorded_by_id, recorded_at)
        SELECT r.id, r.virtual_school_id, r.child_id, r.approved_amount,
          LEAST(r.decided_on + 30, %(today)s),
          'BACS-' || r.id, r.decided_by_id, now()
        FROM funding_ppplusrequest r
        WHERE r.decision = 'approved' AND r.tuition_arranged_by <> 'virtual_school'
          AND r.id %% 10 < 7 AND r.approved_amount > 0
    """,
        {"today": today},
    )
    cursor.execute(
        """
        UPDATE funding_ppplusrequest r SET paid_total = y.amount
        FROM funding_payment y WHERE y.request_id = r.id
    """
    )
    cursor.execute("SELECT count(*) FROM funding_ppplusrequest")
    requests = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM funding_payment")
    return f"{requests} PP+ requests and {cursor.fetchone()[0]} payments"


def _meetings(cursor, sizes, today) -> str:
    """A meeting for each PEP of this term and the last, with three invitations."""
    cursor.execute(
        """
        INSERT INTO meetings_meeting (pep_id, starts_at, duration_minutes, mode, location,
          online_link, uid, sequence, notes, chaired_by, recorded_at, created_by_id, created_at)
        SELECT y.pep_id, (y.start_date + 14) + time '10:00', 60, 'in_person', 'At school', '',
          gen_random_uuid(), 0,
          CASE WHEN y.start_date + 14 < %(today)s THEN 'Discussed progress and agreed targets'
               ELSE '' END,
          CASE WHEN y.start_date + 14 < %(today)s THEN 'Designated teacher' ELSE '' END,
          CASE WHEN y.start_date + 14 < %(today)s THEN (y.start_date + 14) + time '12:00' END,
          a.social_worker_id, y.created_at
        FROM bench_pep_year y
        JOIN children_socialworkerallocation a ON a.child_id = y.child_id AND a.end_date IS NULL
        WHERE y.end_date >= %(today)s - 120 AND y.start_date <= %(today)s
    """,
        {"today": today},
    )
    cursor.execute("""
        INSERT INTO meetings_invitation (meeting_id, role, name, email, attended, attendance,
          absence_reason)
        SELECT m.id, r.role, r.name, r.role || m.id || '@invited.example',
          CASE WHEN m.recorded_at IS NOT NULL THEN true END,
          CASE WHEN m.recorded_at IS NOT NULL THEN 'whole' ELSE '' END, ''
        FROM meetings_meeting m CROSS JOIN (VALUES ('designated_teacher', 'Designated teacher'),
          ('carer', 'Carer'), ('child', 'The young person')) AS r(role, name)
    """)
    cursor.execute("SELECT count(*) FROM meetings_meeting")
    return f"{cursor.fetchone()[0]} meetings with their invitations"


def _audit(cursor, sizes, today) -> str:
    """What the services would have written: each PEP started, submitted and signed off."""
    cursor.execute("""
        INSERT INTO audit_auditevent (occurred_at, actor_id, actor_role, action, child_id,
          object_type, object_id, changes)
        SELECT p.created_at, NULL, '', 'pep.started', p.child_id, 'peps.pep', p.id::text,
          jsonb_build_object('version', jsonb_build_array(NULL, p.version))
        FROM peps_pep p
        UNION ALL
        SELECT p.submitted_at, p.submitted_by_id, 'social_worker', 'pep.submitted', p.child_id,
          'peps.pep', p.id::text, '{"state": ["school_complete", "submitted"]}'::jsonb
        FROM peps_pep p WHERE p.submitted_at IS NOT NULL
        UNION ALL
        SELECT p.signed_off_at, p.signed_off_by_id, 'vs_officer', 'pep.signed_off', p.child_id,
          'peps.pep', p.id::text, '{"state": ["submitted", "signed_off"]}'::jsonb
        FROM peps_pep p WHERE p.signed_off_at IS NOT NULL
    """)
    cursor.execute("SELECT count(*) FROM audit_auditevent")
    return f"{cursor.fetchone()[0]} audit events"


def row_counts() -> dict:
    tables = (
        "accounts_virtualschool",
        "accounts_school",
        "accounts_user",
        "children_child",
        "children_enrolment",
        "children_childuserobjectpermission",
        "children_childgroupobjectpermission",
        "peps_pep",
        "peps_sectionanswer",
        "peps_target",
        "peps_targetreview",
        "peps_educationrecord",
        "peps_attainmentresult",
        "funding_ppplusrequest",
        "funding_payment",
        "meetings_meeting",
        "audit_auditevent",
    )
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - names from code
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        counts["database size"] = cursor.fetchone()[0]
    return counts
