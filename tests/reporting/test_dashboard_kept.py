"""The dashboard's figures are kept until something they count changes (reporting/cached.py):
a second look reads them, any change shows at once, and each person and council has their own."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from children.access import access_sync_children
from children.models import ChildUserObjectPermission
from pep_portal.kept import _generations, figures_changed
from peps.models import Pep
from tests.children.factories import ChildFactory
from tests.reporting.conftest import make_children

URL = reverse("reporting:dashboard")
# The queries that count the figures: the cohort, the children, their open PEPs, the term's
# PEPs with their records, the year's ratings, and PP+ committed and paid.
FIGURE_QUERIES = 7


@pytest.fixture(autouse=True)
def _kept(settings):
    settings.DASHBOARD_FIGURES_SECONDS = 600


def _look(client) -> tuple[int, int, str]:
    """The number of children the page shows, the queries it took, and the page."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    count = int(re.search(r"<strong>(\d+)</strong> children</a> were in care", html).group(1))
    return count, len(queries), html


def _signed_off(html: str) -> str:
    return re.search(r"The term&#x27;s PEP signed off.*?</tr>", html, re.S).group(0)


def test_a_second_look_reads_the_kept_figures_and_says_when_they_were_counted(
    client, world, terms, cohort
):
    client.force_login(world.vs_officer)
    client.get(URL)  # the session and the permission caches
    figures_changed([world.virtual_school.pk])
    counted, counting, first = _look(client)
    kept, reading, second = _look(client)
    assert counted == kept == 8
    assert reading <= counting - FIGURE_QUERIES  # none of the figures' queries
    assert re.search(r"as of \d{1,2} \w+ \d{4} at \d\d:\d\d\.", second)
    assert _signed_off(first) == _signed_off(second)


def test_a_change_shows_at_once(client, world, terms, cohort, django_capture_on_commit_callbacks):
    client.force_login(world.vs_officer)
    before, _, html = _look(client)
    signed_off_before = _signed_off(html)
    make_children(world, 3, django_capture_on_commit_callbacks)  # one of them signed off
    after, _, html = _look(client)
    assert after == before + 3
    assert _signed_off(html) != signed_off_before
    pep = Pep.objects.filter(child__virtual_school=world.virtual_school).first()
    pep.save()  # any save of a PEP counts them again
    _, counting, _ = _look(client)
    assert counting > FIGURE_QUERIES


def test_another_councils_change_keeps_these_figures(client, world, terms, cohort):
    client.force_login(world.vs_officer)
    client.get(URL)
    figures_changed([world.virtual_school.pk])
    _, counting, _ = _look(client)
    ChildFactory(virtual_school=world.other_vs_officer.virtual_school)
    _, reading, _ = _look(client)
    assert reading <= counting - FIGURE_QUERIES


def test_figures_are_kept_for_each_person(client, world, terms, cohort):
    client.force_login(world.vs_officer)
    _look(client)
    _, officer_reading, _ = _look(client)
    client.force_login(world.vs_head)
    client.get(reverse("home"))
    figures_before = _generations(world.virtual_school.pk)
    _, head_counting, _ = _look(client)
    assert _generations(world.virtual_school.pk) == figures_before  # nothing changed...
    # ...yet the head's were counted for them
    assert head_counting >= officer_reading + FIGURE_QUERIES


def test_with_no_shared_cache_they_are_counted_each_time(client, world, terms, cohort, settings):
    settings.DASHBOARD_FIGURES_SECONDS = 0
    client.force_login(world.vs_officer)
    client.get(URL)
    _, first, _ = _look(client)
    _, second, _ = _look(client)
    assert second == first


def test_a_change_renews_the_generation_again_when_it_commits(
    world, django_capture_on_commit_callbacks
):
    before = _generations(world.virtual_school.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        figures_changed([world.virtual_school.pk])
        meanwhile = _generations(world.virtual_school.pk)
    after = _generations(world.virtual_school.pk)
    assert len(callbacks) == 1
    assert before != meanwhile != after
    assert before[0] == meanwhile[0] == after[0]  # the country's generation is not touched


def test_access_rows_written_in_bulk_renew_their_councils_generation(world, terms, cohort):
    child = cohort[0]
    ChildUserObjectPermission.objects.filter(content_object=child).delete()
    before = _generations(world.virtual_school.pk)
    other = _generations(world.other_vs_officer.virtual_school_id)
    assert access_sync_children(child_ids=[child.pk]) > 0
    assert _generations(world.virtual_school.pk) != before
    assert _generations(world.other_vs_officer.virtual_school_id) == other


def test_the_daily_job_renews_the_generation_of_councils_whose_dates_moved(world, terms, cohort):
    from peps.clock.reminders import run_daily_reminders

    Pep.objects.filter(child__virtual_school=world.virtual_school).update(due_date=None)
    before = _generations(world.virtual_school.pk)
    run_daily_reminders(virtual_schools=[world.virtual_school])
    assert _generations(world.virtual_school.pk) != before
