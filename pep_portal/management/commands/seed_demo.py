"""Create the demo: a Virtual School, its terms, schools, one person per role and children.

Every row is found by its natural key before it is created, so running the command again
changes nothing. It refuses to run outside DEBUG unless told to, since it creates accounts
with a published password.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, School, User, VirtualSchool
from accounts.services import user_create
from children.models import Child
from children.school_year import academic_year_of
from children.upn import upn_check_letter
from peps.models import Term

DEMO_PASSWORD = "pep-portal-demo"  # noqa: S105 - published on purpose, for the demo only

VIRTUAL_SCHOOL = {
    "name": "Northshire Virtual School",
    "council": "Northshire County Council",
    "local_authority_code": "990",
    "email": "virtual.school@northshire.example",
}

SCHOOLS = (
    ("990001", "Riverside Primary School", "Northshire County Council", School.Phase.PRIMARY),
    ("990002", "Northshire Academy", "Northshire County Council", School.Phase.SECONDARY),
    # Out of area: many children in care go to school in another council's area.
    ("991003", "Westbrook High School", "Westshire Council", School.Phase.SECONDARY),
)

# (email, name, role, belongs to the Virtual School, school URNs)
PEOPLE = (
    ("social.worker@northshire.example", "Sam Okafor", Role.SOCIAL_WORKER, True, ()),
    ("teacher@riverside.example", "Dana Whitfield", Role.DESIGNATED_TEACHER, False, ("990001",)),
    ("officer@northshire.example", "Priya Shah", Role.VIRTUAL_SCHOOL_OFFICER, True, ()),
    ("head@northshire.example", "Martin Hale", Role.VIRTUAL_SCHOOL_HEAD, True, ()),
    ("carer@northshire.example", "Jo Bennett", Role.CARER, False, ()),
    ("iro@northshire.example", "Ruth Adeyemi", Role.REVIEWING_OFFICER, False, ()),
    ("admin@northshire.example", "Alex Morgan", Role.SYSTEM_ADMINISTRATOR, False, ()),
)

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
        with transaction.atomic():
            virtual_school = self._virtual_school()
            self._terms(virtual_school)
            schools = self._schools()
            people = self._people(virtual_school, schools)
            children = self._children(virtual_school)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"{len(children)} children, {len(schools)} schools.")
        self.stdout.write(f"Sign in at /account/sign-in/ with password: {DEMO_PASSWORD}")
        for user in people:
            self.stdout.write(f"  {user.get_role_display():32} {user.email}")

    def _virtual_school(self) -> VirtualSchool:
        virtual_school, _ = VirtualSchool.objects.get_or_create(
            local_authority_code=VIRTUAL_SCHOOL["local_authority_code"], defaults=VIRTUAL_SCHOOL
        )
        return virtual_school

    def _terms(self, virtual_school: VirtualSchool) -> None:
        current = academic_year_of(timezone.localdate())
        for academic_year in (current, current + 1):
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

    def _people(self, virtual_school, schools) -> list[User]:
        people = []
        for email, name, role, in_virtual_school, urns in PEOPLE:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = user_create(
                    email=email,
                    full_name=name,
                    role=role,
                    password=DEMO_PASSWORD,
                    virtual_school=virtual_school if in_virtual_school else None,
                    schools=[schools[urn] for urn in urns],
                )
            people.append(user)
        return people

    def _children(self, virtual_school) -> list[Child]:
        today = timezone.localdate()
        academic_year = academic_year_of(today)
        statuses = list(Child.LegalStatus)
        children = []
        for index, (first, last) in enumerate(CHILD_NAMES):
            year_group = index % 16 - 2  # pre-school to year 13
            born = date(academic_year - 5 - year_group, 9, 1) + timedelta(days=(37 * index) % 360)
            sen = (Child.SenStatus.NONE, Child.SenStatus.SEN_SUPPORT, Child.SenStatus.EHC_PLAN)[
                index % 3
            ]
            upn_body = f"9902001{(academic_year - year_group) % 100:02d}{index:03d}"
            child, _ = Child.objects.get_or_create(
                virtual_school=virtual_school,
                council_child_id=f"NS-{10400 + index}",
                defaults={
                    "legal_first_name": first,
                    "legal_last_name": last,
                    "date_of_birth": born,
                    "gender": Child.Gender.FEMALE if index % 2 == 0 else Child.Gender.MALE,
                    "upn": "" if year_group < 0 else upn_check_letter(upn_body) + upn_body,
                    "date_entered_care": today - timedelta(days=25 + 61 * index),
                    "legal_status": statuses[index % len(statuses)],
                    "sen_status": sen,
                    "ehc_plan_review_date": (
                        today + timedelta(days=20 + 9 * index)
                        if sen == Child.SenStatus.EHC_PLAN
                        else None
                    ),
                },
            )
            children.append(child)
        return children
