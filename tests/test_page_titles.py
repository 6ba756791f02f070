"""Walk every page the URL sweep knows, signed in as someone who may open it: each kind of page
has a title of its own that names what it is about, and every page that shows an error summary
starts its title with "Error: ", whatever the view called its form."""

import re
from html import unescape

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.models import Role
from tests.accounts.factories import UserFactory
from tests.meetings.factories import MeetingFactory
from tests.peps.factories import TargetFactory
from tests.test_url_sweep import ALL, DUMMY_KWARGS

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
# Pages that are the same page under two names, or that only redirect once opened.
SAME_PAGE = {"accounts:sign_in_code", "accounts:sign_in_set_up"}


class _Rollback(Exception):
    pass


@pytest.fixture
def pages(world, pep):
    """Real objects for every id the URLs take, and who to open them as (first that may)."""
    meeting = MeetingFactory(pep=pep, created_by=world.allocated_social_worker)
    target = TargetFactory(pep=pep)
    kwargs = {
        **DUMMY_KWARGS,
        "child_id": world.child.pk,
        "pep_id": pep.pk,
        "meeting_id": meeting.pk,
        "target_id": target.pk,
        "enrolment_id": world.enrolment.pk,
        "placement_id": world.placement.pk,
        "grant_id": world.grant.pk,
        "term_id": pep.term_id,
        "user_id": world.designated_teacher.pk,
    }
    admin = UserFactory(role=Role.SYSTEM_ADMINISTRATOR, virtual_school=world.virtual_school)
    people = [
        world.allocated_social_worker,
        world.vs_head,
        world.designated_teacher,
        admin,
        world.carer,
    ]
    return kwargs, people


def _title(response) -> str:
    match = TITLE.search(response.content.decode())
    return " ".join(unescape(match.group(1)).split()) if match else ""


def _open(client, people, url, method="get", data=None):
    for person in people:
        client.force_login(person)
        response = getattr(client, method)(url, data or {})
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            return response
    return None


def _url(name, pattern, kwargs):
    return reverse(name, kwargs={k: kwargs[k] for k in pattern.pattern.regex.groupindex})


def test_every_kind_of_page_has_a_title_of_its_own(client, pages, world):
    kwargs, people = pages
    titles = {}
    for name, pattern in ALL:
        if name in SAME_PAGE:
            continue
        response = _open(client, people, _url(name, pattern, kwargs))
        if response is not None:
            titles[name] = _title(response)
    assert len(titles) >= 60, sorted(titles)  # the walk reached the pages, not sign-in
    for name, title in titles.items():
        assert title.endswith(" – PEP Portal") and len(title) > len(" – PEP Portal"), name
    by_title = {}
    for name, title in titles.items():
        by_title.setdefault(title, []).append(name)
    assert {t: n for t, n in by_title.items() if len(n) > 1} == {}
    # Pages about a child name the child.
    name = world.child.display_name
    assert titles["children:transfer"] == f"Transfer the case: {name} – PEP Portal"


def test_every_page_that_refuses_a_form_says_error_in_its_title(client, pages, settings):
    # Each post is rolled back; sessions kept in cookies are not rolled back with it.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    kwargs, people = pages
    refused = []
    for name, pattern in ALL:
        if name in ("accounts:sign_out", *SAME_PAGE):
            continue
        url = _url(name, pattern, kwargs)
        try:
            with transaction.atomic():
                response = _open(client, people, url, "post", {"submit": ""})
                raise _Rollback
        except _Rollback:
            pass
        if response is None:
            continue
        html = response.content.decode()
        shows_summary = 'class="govuk-error-summary"' in html
        assert _title(response).startswith("Error: ") == shows_summary, name
        if shows_summary:
            refused.append(name)
    assert len(refused) >= 25, refused
