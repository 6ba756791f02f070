"""Shared fixtures: named personas, made by the services production uses."""

import os

import pytest

from accounts.models import Role
from pep_portal.celery import app as celery_app
from tests.accounts.factories import SchoolFactory, UserFactory, VirtualSchoolFactory

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
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


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
