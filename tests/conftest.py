"""Shared fixtures: named personas, made by the services production uses."""

import os
from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Role
from children import services as children_services
from pep_portal.celery import app as celery_app
from peps import services as peps_services
from peps.models import Term
from tests.accounts.factories import SchoolFactory, UserFactory, VirtualSchoolFactory
from tests.children.factories import (
    AccessGrantFactory,
    ChildFactory,
    EnrolmentFactory,
    PlacementFactory,
    SocialWorkerAllocationFactory,
)
from tests.peps.factories import TermFactory

# Where CI requires everything to run (browser, Redis), a skipped test fails the run.
STRICT = os.environ.get("PEP_PORTAL_STRICT_TESTS") == "1"
_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and STRICT:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if _skipped:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if _skipped:
        terminalreporter.section("skipped tests fail this run", red=True)
        for nodeid in _skipped:
            terminalreporter.line(nodeid)


@pytest.fixture(scope="session")
def clamd_address(tmp_path_factory):
    """A real clamd for the run, started when a test first needs one (tests/attachments)."""
    import shutil

    from tests.attachments.clamd import start_clamd

    if not (shutil.which("clamd") or os.path.exists("/usr/sbin/clamd")):
        pytest.skip("clamd is not installed (apt-get install clamav-daemon)")
    process, address = start_clamd(tmp_path_factory.mktemp("clamd"))
    yield address
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def clamd(settings, clamd_address):
    """Point the service at the test run's clamd."""
    settings.CLAMD_ADDRESS = clamd_address
    return clamd_address


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in-process unless a test starts a real worker (see tests/pep_portal)."""
    before = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = before


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings, request):
    """Argon2 is slow on purpose; tests make many users. One test checks argon2 itself."""
    if "argon2" not in request.node.name:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Each test keeps its signed-off copies in a folder of its own."""
    root = tmp_path / "private"
    settings.PRIVATE_STORAGE_ROOT = root
    private = {**settings.STORAGES["private"], "OPTIONS": {"location": str(root)}}
    settings.STORAGES = {**settings.STORAGES, "private": private}


@pytest.fixture
def demo_data(db):
    """The demo as `seed_demo` makes it (tests/demo_data.py: copied back when a browser
    journey kept it earlier in the run). The content types' cache is emptied after, since the
    demo's rows go with the test's transaction."""
    from django.contrib.contenttypes.models import ContentType

    from tests.demo_data import seed_demo

    seed_demo()
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def virtual_school(db):
    return VirtualSchoolFactory(name="Northshire Virtual School")


@pytest.fixture
def school(db):
    return SchoolFactory(name="Riverside Primary School")


@pytest.fixture
def social_worker(virtual_school):
    return UserFactory(role=Role.SOCIAL_WORKER, virtual_school=virtual_school)


@pytest.fixture
def designated_teacher(school):
    return UserFactory(role=Role.DESIGNATED_TEACHER, schools=[school])


@pytest.fixture
def vs_officer(virtual_school):
    return UserFactory(role=Role.VIRTUAL_SCHOOL_OFFICER, virtual_school=virtual_school)


@pytest.fixture
def vs_head(virtual_school):
    return UserFactory(role=Role.VIRTUAL_SCHOOL_HEAD, virtual_school=virtual_school)


@pytest.fixture
def carer(db):
    return UserFactory(role=Role.CARER)


@pytest.fixture
def reviewing_officer(db):
    return UserFactory(role=Role.REVIEWING_OFFICER)


@pytest.fixture
def system_administrator(db):
    return UserFactory(role=Role.SYSTEM_ADMINISTRATOR)


@pytest.fixture
def persona(request):
    """Look a persona fixture up by name, for tests parametrised over roles."""
    return request.getfixturevalue(request.param)


# The personas of the access rules, around one child (style.md: named personas).
# Who may see the world's child: allocated social worker, teacher at the child's school, the child's
# Virtual School, and the reviewing officer whose grant is live.
CAN_SEE_THE_CHILD = frozenset(
    {"allocated_social_worker", "designated_teacher", "vs_officer", "vs_head", "reviewing_officer"}
)

PERSONAS = (
    "allocated_social_worker",
    "other_social_worker",
    "designated_teacher",
    "other_school_teacher",
    "vs_officer",
    "vs_head",
    "other_vs_officer",
    "carer",
    "other_carer",
    "reviewing_officer",
    "expired_reviewing_officer",
    "anonymous",
)


@dataclass
class World:
    child: object
    virtual_school: object
    school: object
    enrolment: object
    allocation: object
    placement: object
    grant: object
    people: dict

    def __getattr__(self, name):
        try:
            return self.people[name]
        except KeyError as error:
            raise AttributeError(name) from error


@pytest.fixture
def world(db) -> World:
    virtual_school = VirtualSchoolFactory(name="Northshire Virtual School")
    other_virtual_school = VirtualSchoolFactory(name="Westshire Virtual School")
    school = SchoolFactory(name="Riverside Primary School")
    other_school = SchoolFactory(name="Hillside Primary School")
    people = {
        "other_social_worker": UserFactory(role=Role.SOCIAL_WORKER, virtual_school=virtual_school),
        "designated_teacher": UserFactory(role=Role.DESIGNATED_TEACHER, schools=[school]),
        "other_school_teacher": UserFactory(role=Role.DESIGNATED_TEACHER, schools=[other_school]),
        "vs_officer": UserFactory(role=Role.VIRTUAL_SCHOOL_OFFICER, virtual_school=virtual_school),
        "vs_head": UserFactory(role=Role.VIRTUAL_SCHOOL_HEAD, virtual_school=virtual_school),
        "other_vs_officer": UserFactory(
            role=Role.VIRTUAL_SCHOOL_OFFICER, virtual_school=other_virtual_school
        ),
        "carer": UserFactory(role=Role.CARER),
        "other_carer": UserFactory(role=Role.CARER),
        "reviewing_officer": UserFactory(role=Role.REVIEWING_OFFICER),
        "expired_reviewing_officer": UserFactory(role=Role.REVIEWING_OFFICER),
        "anonymous": None,
    }
    child = ChildFactory(virtual_school=virtual_school, legal_first_name="Ava")
    enrolment = EnrolmentFactory(child=child, school=school)
    allocation = SocialWorkerAllocationFactory(child=child)
    people["allocated_social_worker"] = allocation.social_worker
    placement = PlacementFactory(child=child, carers=[people["carer"]])
    grant = AccessGrantFactory(
        child=child, grantee=people["reviewing_officer"], actor=people["vs_officer"]
    )
    # The other reviewing officer's grant ran out yesterday.
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        children_services.access_grant_create(
            actor=people["vs_officer"],
            child=child,
            grantee=people["expired_reviewing_officer"],
            reason="Last term's review",
            expires_on=timezone.localdate() + timedelta(days=9),
        )
    # The other carer looks after a different child of the same council.
    PlacementFactory(
        child=ChildFactory(virtual_school=virtual_school), carers=[people["other_carer"]]
    )
    return World(child, virtual_school, school, enrolment, allocation, placement, grant, people)


@pytest.fixture
def as_persona(client, world):
    """Sign the test client in as a persona of the world (or leave it anonymous)."""

    def sign_in(name: str):
        person = world.people[name]
        client.logout()
        if person is not None:
            client.force_login(person)
        return client

    return sign_in


@pytest.fixture
def terms(world):
    """This term (around today) and the next, for the world's Virtual School."""
    today = timezone.localdate()
    this = TermFactory(
        virtual_school=world.virtual_school,
        academic_year=today.year,
        name=Term.Name.AUTUMN,
        start_date=today - timedelta(days=30),
        end_date=today + timedelta(days=30),
        half_term_start=None,
        half_term_end=None,
    )
    following = TermFactory(
        virtual_school=world.virtual_school,
        academic_year=today.year,
        name=Term.Name.SPRING,
        start_date=today + timedelta(days=45),
        end_date=today + timedelta(days=120),
        half_term_start=None,
        half_term_end=None,
    )
    return this, following


@pytest.fixture
def pep(world, terms):
    """The world's child's PEP for this term, started by their social worker."""
    return peps_services.pep_start(child=world.child, actor=world.allocated_social_worker)
