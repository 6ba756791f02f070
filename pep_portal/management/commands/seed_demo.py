"""Create the demo: a Virtual School, its terms, schools, one person per role and children.

Every row is found by its natural key before it is created, so running the command again
changes nothing. It refuses to run outside DEBUG unless told to, since it creates accounts
with a published password.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Role, School, User, VirtualSchool
from accounts.services import user_create
from attachments.services import attachment_store_for_demo
from children.models import Child, Placement
from children.school_year import academic_year_of
from children.services import (
    access_grant_create,
    child_create,
    child_transfer_case,
    enrolment_start,
    placement_start,
)
from children.signals import children_changed_in_bulk
from children.upn import upn_check_letter
from funding.services import (
    funding_policy_set,
    payment_record,
    ppplus_decide,
    ppplus_request_save,
)
from meetings.services import Invitee, meeting_schedule
from peps import demo, workflow
from peps.clock.calendar import CalendarIncomplete, SchoolCalendar
from peps.clock.reminders import run_daily_reminders
from peps.documents.copies import signed_off_copies_retry
from peps.models import Pep, Term
from peps.services import pep_start, term_for
from voice.demo import DEMO_CODE, demo_invitation

DEMO_PASSWORD = "pep-portal-demo"  # noqa: S105 - published on purpose, for the demo only
DEMO_SCHOOL_REPORT = (
    b"Riverside Primary School: half-term report\n\n"
    b"Reading: reading with more confidence and choosing books at home.\n"
    b"Maths: times tables to 6 secure; working on 7 and 8.\n"
    b"Wellbeing: settled well in class and joined the lunchtime club.\n"
)

VIRTUAL_SCHOOLS = {
    "990": {
        "name": "Northshire Virtual School",
        "council": "Northshire County Council",
        "email": "virtual.school@northshire.example",
    },
    # A second council, so that access across councils can be tried in the demo.
    "991": {
        "name": "Westshire Virtual School",
        "council": "Westshire Council",
        "email": "virtual.school@westshire.example",
    },
}

SCHOOLS = (
    ("990001", "Riverside Primary School", "Northshire County Council", School.Phase.PRIMARY),
    ("990002", "Northshire Academy", "Northshire County Council", School.Phase.SECONDARY),
    # Out of area: many children in care go to school in another council's area.
    ("991003", "Westbrook High School", "Westshire Council", School.Phase.SECONDARY),
    ("990004", "Little Acorns Nursery", "Northshire County Council", School.Phase.EARLY_YEARS),
)

# (email, name, role, Virtual School code, school URNs). The first seven, one per role, are the
# README's demo sign-ins; the rest give every persona of the access rules a face.
PEOPLE = (
    ("social.worker@northshire.example", "Sam Okafor", Role.SOCIAL_WORKER, "990", ()),
    ("teacher@riverside.example", "Dana Whitfield", Role.DESIGNATED_TEACHER, None, ("990001",)),
    ("officer@northshire.example", "Priya Shah", Role.VIRTUAL_SCHOOL_OFFICER, "990", ()),
    ("head@northshire.example", "Martin Hale", Role.VIRTUAL_SCHOOL_HEAD, "990", ()),
    ("carer@northshire.example", "Jo Bennett", Role.CARER, None, ()),
    ("iro@northshire.example", "Ruth Adeyemi", Role.REVIEWING_OFFICER, None, ()),
    ("admin@northshire.example", "Alex Morgan", Role.SYSTEM_ADMINISTRATOR, None, ()),
    ("second.social.worker@northshire.example", "Chris Doyle", Role.SOCIAL_WORKER, "990", ()),
    ("teacher@westbrook.example", "Lee Carter", Role.DESIGNATED_TEACHER, None, ("991003",)),
    ("teacher@northshire-academy.example", "Nadia Rahman", Role.DESIGNATED_TEACHER, None,
     ("990002",)),
    ("second.carer@northshire.example", "Pat Evans", Role.CARER, None, ()),
    ("officer@westshire.example", "Tom Reid", Role.VIRTUAL_SCHOOL_OFFICER, "991", ()),
    ("teacher@littleacorns.example", "Jess Green", Role.DESIGNATED_TEACHER, None, ("990004",)),
    ("social.worker@westshire.example", "Amy Lowe", Role.SOCIAL_WORKER, "991", ()),
    # Foster carers of the other young children, two each (a sibling group or two placements).
    ("kim.walsh@foster.example", "Kim Walsh", Role.CARER, None, ()),
    ("ola.nowak@foster.example", "Ola Nowak", Role.CARER, None, ()),
    ("ben.hughes@foster.example", "Ben Hughes", Role.CARER, None, ()),
    ("sara.iqbal@foster.example", "Sara Iqbal", Role.CARER, None, ()),
    ("dev.mistry@foster.example", "Dev Mistry", Role.CARER, None, ()),
    ("lena.price@foster.example", "Lena Price", Role.CARER, None, ()),
    ("tom.ellis@foster.example", "Tom Ellis", Role.CARER, None, ()),
)  # fmt: skip

# The README's carers first; the other children up to year 6 live with the foster carers above
# (no young child in the demo is in a children's home). Index of the child to carer emails.
NAMED_CARERS = {
    2: "carer@northshire.example", 9: "carer@northshire.example",  # Jo Bennett fosters two
    4: "second.carer@northshire.example", 23: "second.carer@northshire.example",
}  # fmt: skip
FOSTER_CARERS = tuple(email for email, *_ in PEOPLE if email.endswith("@foster.example"))
# Year 10 and above: some in foster care with Ola Nowak and Tom Ellis, others in children's homes.
OLDER_IN_FOSTER_CARE = {12: "ola.nowak@foster.example", 14: "tom.ellis@foster.example"}

# Each council's children: its own prefix for the council's child id and its own LA number in
# the UPN. Westshire's two children are in year 4 (at Riverside Primary) and year 9.
COUNCIL_ID_PREFIX = {"990": "NS", "991": "WS"}
WESTSHIRE_CHILDREN = ((22, "Mia", "Foster", 4), (23, "Logan", "Price", 9))
# Secondary children who moved school this term: their new PEP falls due soon.
RECENT_MOVES = (10, 12)

CHILD_NAMES = (
    ("Ava", "Thompson"), ("Leo", "Patel"), ("Maya", "Jones"), ("Noah", "Williams"),
    ("Isla", "Brown"), ("Kai", "Taylor"), ("Zara", "Davies"), ("Finley", "Evans"),
    ("Amelia", "Wilson"), ("Reggie", "Roberts"), ("Lily", "Khan"), ("Ethan", "Walker"),
    ("Sophia", "Wright"), ("Jayden", "Hughes"), ("Grace", "Green"), ("Tyler", "Hall"),
    ("Ruby", "Lewis"), ("Mason", "Clarke"), ("Aisha", "Ahmed"), ("Oscar", "Scott"),
    ("Poppy", "Mitchell"), ("Harvey", "Baker"),
)  # fmt: skip


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _school_day_on_or_after(day: date) -> date:
    return day if day.weekday() < 5 else _weekday_on_or_after(day, 0)


def _school_days_before(calendar: SchoolCalendar, day: date, n: int) -> date:
    """The school day n school days before `day` (CalendarIncomplete before the first term)."""
    earlier = day
    while n > 0:
        earlier -= timedelta(days=1)
        if earlier < calendar.first_day:
            raise CalendarIncomplete("No term dates that far back")
        if calendar.is_school_day(earlier):
            n -= 1
    return earlier


def _last_monday(year: int, month: int) -> date:
    next_month = date(year + month // 12, month % 12 + 1, 1)
    return _weekday_on_or_after(next_month - timedelta(days=7), 0)


def _term_dates(academic_year: int) -> list[dict]:
    """Typical English term dates for an academic year (the Virtual School can change them)."""
    y = academic_year
    easter_sunday = {2025: date(2026, 4, 5), 2026: date(2027, 3, 28), 2027: date(2028, 4, 16)}
    easter = easter_sunday.get(y, date(y + 1, 4, 1))
    week = timedelta(days=4)  # Monday to Friday
    october = _last_monday(y, 10)
    february = _weekday_on_or_after(date(y + 1, 2, 15), 0)
    may = _last_monday(y + 1, 5)
    return [
        {
            "name": Term.Name.AUTUMN,
            "start_date": _school_day_on_or_after(date(y, 9, 2)),
            "end_date": _weekday_on_or_after(date(y, 12, 16), 4),
            "half_term_start": october,
            "half_term_end": october + week,
        },
        {
            "name": Term.Name.SPRING,
            "start_date": _school_day_on_or_after(date(y + 1, 1, 4)),
            "end_date": easter - timedelta(days=9),  # the Friday before Holy Week
            "half_term_start": february,
            "half_term_end": february + week,
        },
        {
            "name": Term.Name.SUMMER,
            "start_date": easter + timedelta(days=8),  # two weeks off around Easter
            "end_date": _weekday_on_or_after(date(y + 1, 7, 17), 2) + timedelta(days=1),
            "half_term_start": may,
            "half_term_end": may + week,
        },
    ]


class Command(BaseCommand):
    help = "Create (or complete) the demo data. Safe to run more than once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (never on a live service: the password is public).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a published password; it runs only with "
                "DEBUG=true (or --force on a throwaway database)."
            )
        # The demo's case transfers would each email a social worker: keep those in memory.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            virtual_schools = self._virtual_schools()
            for virtual_school in virtual_schools.values():
                self._terms(virtual_school)
            schools = self._schools()
            people = self._people(virtual_schools, schools)
            self._funding_policy(virtual_schools["990"], people["head@northshire.example"])
            children = self._children(people, schools)
            self._recent_moves(schools)
            self._meeting(people)
            self._document(people)
            self._young_persons_link()
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            # Today's reminders, as the daily job would make them (the digests stay in memory).
            run_daily_reminders()
            # Signed-off copies still owed (a demo database made before copies were kept).
            signed_off_copies_retry(older_than=timedelta(0))
        # The demo's dates were set with bulk updates, which no model signal reports.
        children_changed_in_bulk.send(sender=Child, child_ids=None)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"{len(children)} children, {len(schools)} schools.")
        self.stdout.write(f"Sign in at /account/sign-in/ with password: {DEMO_PASSWORD}")
        self.stdout.write(f"Ethan Walker (year 9) gives his views at /your-views/ with {DEMO_CODE}")
        for user in people.values():
            self.stdout.write(f"  {user.get_role_display():32} {user.email}")

    def _virtual_schools(self) -> dict[str, VirtualSchool]:
        return {
            code: VirtualSchool.objects.get_or_create(local_authority_code=code, defaults=data)[0]
            for code, data in VIRTUAL_SCHOOLS.items()
        }

    def _terms(self, virtual_school: VirtualSchool) -> None:
        current = academic_year_of(timezone.localdate())
        # Last year's terms too: the children's history (see `_history`).
        for academic_year in (current - 1, current, current + 1):
            for term in _term_dates(academic_year):
                Term.objects.get_or_create(
                    virtual_school=virtual_school,
                    academic_year=academic_year,
                    name=term.pop("name"),
                    defaults=term,
                )

    def _schools(self) -> dict[str, School]:
        schools = {}
        for urn, name, council, phase in SCHOOLS:
            schools[urn], _ = School.objects.get_or_create(
                urn=urn, defaults={"name": name, "council": council, "phase": phase}
            )
        return schools

    def _people(self, virtual_schools, schools) -> dict[str, User]:
        people = {}
        for email, name, role, code, urns in PEOPLE:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = user_create(
                    email=email,
                    full_name=name,
                    role=role,
                    password=DEMO_PASSWORD,
                    virtual_school=virtual_schools[code] if code else None,
                    schools=[schools[urn] for urn in urns],
                )
            people[email] = user
        return people

    def _children(self, people, schools) -> list[Child]:
        """22 Northshire children from pre-school to year 13, and two Westshire children at
        Riverside Primary and Westbrook High. Facts are added only to a child just created."""
        today = timezone.localdate()
        academic_year = academic_year_of(today)
        statuses = list(Child.LegalStatus)
        head = people["head@northshire.example"]
        specs = [
            (index, first, last, "990", index % 16 - 2)  # pre-school to year 13
            for index, (first, last) in enumerate(CHILD_NAMES)
        ]
        specs += [
            (index, first, last, "991", year) for index, first, last, year in WESTSHIRE_CHILDREN
        ]
        children = []
        for index, first, last, code, year_group in specs:
            born = date(academic_year - 5 - year_group, 9, 1) + timedelta(days=(37 * index) % 360)
            sen = (Child.SenStatus.NONE, Child.SenStatus.SEN_SUPPORT, Child.SenStatus.EHC_PLAN)[
                index % 3
            ]
            upn_body = f"{code}2001{(academic_year - year_group) % 100:02d}{index:03d}"
            council_child_id = f"{COUNCIL_ID_PREFIX[code]}-{10400 + index}"
            existing = Child.objects.filter(
                virtual_school__local_authority_code=code,
                legal_first_name=first,
                legal_last_name=last,
            ).first()
            if existing is not None:
                children.append(existing)
                continue
            actor = head if code == "990" else people["officer@westshire.example"]
            child = child_create(
                actor=actor,
                virtual_school=actor.virtual_school,
                legal_first_name=first,
                legal_last_name=last,
                date_of_birth=born,
                gender=Child.Gender.FEMALE if index % 2 == 0 else Child.Gender.MALE,
                upn="" if year_group < 0 else upn_check_letter(upn_body) + upn_body,
                council_child_id=council_child_id,
                date_entered_care=max(born, today - timedelta(days=25 + 61 * index)),
                legal_status=statuses[index % len(statuses)],
                sen_status=sen,
                ehc_plan_review_date=(
                    today + timedelta(days=20 + 9 * index)
                    if sen == Child.SenStatus.EHC_PLAN
                    else None
                ),
            )
            self._facts(child, index, year_group, code, actor, people, schools)
            self._pep(child, index, code, people)
            children.append(child)
        return children

    def _funding_policy(self, virtual_school, head) -> None:
        """Northshire passes on £520 a term for school-age children (seed 004), and sets its
        own early years and post-16 allowances."""
        year = academic_year_of(timezone.localdate())
        if not virtual_school.funding_policies.filter(academic_year=year).exists():
            funding_policy_set(
                actor=head, virtual_school=virtual_school, academic_year=year,
                school_age_allowance=Decimal("520.00"), early_years_allowance=Decimal("400.00"),
                post_16_allowance=Decimal("400.00"), central_share_percent=Decimal("10"),
                national_rate=Decimal("2630.00"),
            )  # fmt: skip

    def _document(self, people) -> None:
        """Dana Whitfield has attached Maya Jones's school report to her PEP in progress."""
        child = Child.objects.get(legal_first_name="Maya", legal_last_name="Jones")
        if child.attachments.exists():
            return
        attachment_store_for_demo(
            actor=people["teacher@riverside.example"],
            child=child,
            pep=child.peps.exclude(state="signed_off").get(),
            kind="school_report",
            document_date=timezone.localdate() - timedelta(days=14),
            description="Half-term school report",
            original_name="school-report.txt",
            data=DEMO_SCHOOL_REPORT,
        )

    def _meeting(self, people) -> None:
        """Sam Okafor has arranged Maya Jones's PEP meeting, with her teacher and carer."""
        child = Child.objects.get(legal_first_name="Maya", legal_last_name="Jones")
        pep = child.peps.exclude(state="signed_off").get()
        if pep.meetings.exists():
            return
        calendar = SchoolCalendar.for_virtual_school(child.virtual_school_id)
        try:
            day = calendar.next_school_day(timezone.localdate() + timedelta(days=6))
        except CalendarIncomplete:
            return
        meeting_schedule(
            pep=pep,
            actor=people["social.worker@northshire.example"],
            starts_at=timezone.make_aware(datetime.combine(day, time(10, 0))),
            duration_minutes=60,
            mode="in_person",
            location="Riverside Primary School, the library",
            invitees=[
                Invitee("designated_teacher", "Dana Whitfield", "teacher@riverside.example"),
                Invitee("carer", "Jo Bennett", "carer@northshire.example"),
            ],
        )

    def _young_persons_link(self) -> None:
        """Ethan Walker, in year 9, is invited to give his views on his open PEP by the demo's
        published code."""
        child = Child.objects.get(
            council_child_id="NS-10411", virtual_school__local_authority_code="990"
        )
        pep = child.peps.exclude(state="signed_off").get()
        social_worker = child.allocations.get(end_date__isnull=True).social_worker
        demo_invitation(pep=pep, social_worker=social_worker)

    def _pep(self, child, index, code, people) -> None:
        """Every child has this term's PEP. A few are further on, so that each stage of the
        cycle (and each kind) can be seen: school part complete, waiting for quality assurance,
        and signed off with next term's PEP started and its targets to review."""
        social_worker = child.allocations.get(end_date__isnull=True).social_worker
        teacher = User.objects.filter(
            school_memberships__school__enrolments__child=child,
            school_memberships__school__enrolments__end_date__isnull=True,
        ).first()
        officer = people[
            "officer@northshire.example" if code == "990" else "officer@westshire.example"
        ]
        pep = self._history(child, index, social_worker, teacher, officer) or pep_start(
            child=child, actor=social_worker
        )
        stage = {3: "school_complete", 8: "submitted", 15: "submitted", 1: "submitted",
                 11: "signed_off", 0: "signed_off", 9: "signed_off"}.get(index)  # fmt: skip
        if stage is None or teacher is None:
            return
        demo.fill_school_part(pep, teacher)
        requests = self._ppplus_requests(pep, teacher)
        pep = workflow.pep_complete_school_part(pep=pep, actor=teacher)
        if stage == "school_complete":
            return
        demo.fill_social_worker_part(pep, social_worker)
        pep = workflow.pep_submit(pep=pep, actor=social_worker)
        if stage == "signed_off":
            officer = people["officer@northshire.example"]
            for request in requests:
                ppplus_decide(
                    request=request, actor=officer, decision="approved", approved_amount=None,
                    reason="",
                )  # fmt: skip
            workflow.pep_sign_off(
                pep=pep,
                actor=people["officer@northshire.example"],
                section_ratings=demo.all_green(pep),
                feedback="A clear plan with the child's voice throughout.",
            )
            for request in requests:
                if not request.kept_centrally:
                    half = (request.target.ppplus_amount / 2).quantize(Decimal("0.01"))
                    payment_record(
                        request=request, actor=officer, amount=half,
                        paid_on=timezone.localdate(), reference=f"PPP-{request.pk:05d}",
                    )  # fmt: skip

    def _history(self, child, index, social_worker, teacher, officer) -> Pep | None:
        """Signed-off PEPs for the two terms before this one, or those of them the child was
        in care for (early years from age two), with attendance, attainment and ratings that
        vary from term to term. Returns this term's PEP, which the last sign-off started."""
        if teacher is None:
            return None
        today = timezone.localdate()
        current = term_for(virtual_school_id=child.virtual_school_id, on=today)
        terms = [
            term
            for term in Term.objects.filter(
                virtual_school=child.virtual_school_id,
                end_date__lt=current.start_date,
                end_date__gte=child.date_entered_care,
            ).order_by("-start_date")[:2]
            if child.year_group(on=term.start_date) >= -2
        ][::-1]
        if not terms:
            return None
        pep = pep_start(child=child, actor=social_worker, on=terms[0].start_date)
        for offset in range(len(terms)):
            vary = index + len(terms) - offset
            pep = demo.complete_and_submit(
                pep, teacher=teacher, social_worker=social_worker, vary=vary
            )
            workflow.pep_sign_off(
                pep=pep,
                actor=officer,
                section_ratings=demo.varied_ratings(pep, vary),
                feedback="Targets reviewed and the child's views recorded.",
            )
            demo.date_to_its_term(pep)
            pep = child.peps.exclude(state=Pep.State.SIGNED_OFF).get()
        return pep

    def _ppplus_requests(self, pep, teacher) -> list:
        """English tuition arranged by the Virtual School; maths resources bought by the school."""
        requests = []
        for target in pep.targets.filter(ppplus_amount__gt=0):
            tuition = target.subject == "English"
            requests.append(
                ppplus_request_save(
                    target=target,
                    actor=teacher,
                    intervention="tuition" if tuition else "resources",
                    tuition_arranged_by="virtual_school" if tuition else "",
                )
            )
        if any(request.kept_centrally for request in requests):
            demo.say_who_arranges_tuition(pep, teacher, "virtual_school")
        return requests

    def _carer_emails(self, index: int, year_group: int) -> list[str]:
        """Who the child is placed with: foster carers with accounts for every child up to
        year 6 and a few older ones; no one (a children's home) for the other teenagers."""
        if index in NAMED_CARERS:
            return [NAMED_CARERS[index]]
        if index in OLDER_IN_FOSTER_CARE:
            return [OLDER_IN_FOSTER_CARE[index]]
        if year_group <= 6:
            if index not in range(len(CHILD_NAMES)):
                return [FOSTER_CARERS[index % len(FOSTER_CARERS)]]  # a Westshire child
            young = [i for i in range(len(CHILD_NAMES)) if i not in NAMED_CARERS
                     and i % 16 - 2 <= 6]  # fmt: skip
            return [FOSTER_CARERS[young.index(index) // 2 % len(FOSTER_CARERS)]]
        return []

    def _recent_moves(self, schools) -> None:
        """Two secondary children moved school a fortnight ago (in school days): a new PEP is
        due within 20 school days of the move, so theirs fall due in the coming days."""
        head = User.objects.get(email="head@northshire.example")
        calendar = SchoolCalendar.for_virtual_school(head.virtual_school_id)
        today = timezone.localdate()
        for index in RECENT_MOVES:
            child = Child.objects.get(
                virtual_school=head.virtual_school, legal_first_name=CHILD_NAMES[index][0],
                legal_last_name=CHILD_NAMES[index][1],
            )  # fmt: skip
            current = child.enrolments.filter(end_date__isnull=True).select_related("school")
            enrolment = current.first()
            if enrolment is None or child.enrolments.count() > 1:
                continue  # moved already (the demo seeded before)
            try:
                day = _school_days_before(calendar, today, 14 + index % 3)
            except CalendarIncomplete:
                continue
            if day <= enrolment.start_date:
                continue
            other = schools["990002" if enrolment.school.urn == "991003" else "991003"]
            enrolment_start(
                actor=head, child=child, school=other, start_date=day,
                year_group=enrolment.year_group, replaces_current=True,
            )  # fmt: skip

    def _facts(self, child, index, year_group, code, actor, people, schools) -> None:
        today = timezone.localdate()
        since = max(child.date_entered_care, today - timedelta(days=400))
        if code == "991":
            social_worker = people["social.worker@westshire.example"]
            school = schools["990001" if index == 22 else "991003"]
        else:
            social_worker = people[
                "social.worker@northshire.example"
                if index % 3
                else "second.social.worker@northshire.example"
            ]
            school = schools["990004"]  # nursery and pre-school children
            if 0 <= year_group <= 6:
                school = schools["990001"]
            elif year_group >= 7:
                school = schools["990002" if index % 2 else "991003"]
        if school is not None:
            enrolment_start(
                actor=actor, child=child, school=school, start_date=since, year_group=year_group
            )
        child_transfer_case(actor=actor, child=child, social_worker=social_worker, start_date=since)
        carers = [people[email] for email in self._carer_emails(index, year_group)]
        placement_start(
            actor=actor,
            child=child,
            placement_type=(
                Placement.PlacementType.FOSTER_CARE
                if carers
                else Placement.PlacementType.CHILDRENS_HOME
            ),
            carers=carers,
            start_date=since,
        )
        if index == 6:
            access_grant_create(
                actor=actor,
                child=child,
                grantee=people["iro@northshire.example"],
                reason="Care plan review next month",
                expires_on=today + timedelta(days=45),
            )
