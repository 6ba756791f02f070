"""The Virtual School's busiest PEP pages run as many queries for a few children as for many:
the deadlines page (a page of each list at a time), the quality assurance queue with the
copies still owed, and the children's list with its school filter."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peps.models import Pep
from tests.accounts.factories import SchoolFactory
from tests.children.factories import ChildFactory, EnrolmentFactory, SocialWorkerAllocationFactory
from tests.peps.factories import (
    DraftPepFactory,
    SignedOffCopyFactory,
    SignedOffPepFactory,
    SubmittedPepFactory,
    TermFactory,
)

BUDGET = 25


def _terms(virtual_school):
    today = timezone.localdate()
    now = TermFactory(
        virtual_school=virtual_school,
        start_date=today - timedelta(days=40),
        end_date=today + timedelta(days=40),
        half_term_start=today - timedelta(days=20),
        half_term_end=today - timedelta(days=16),
    )
    later = TermFactory(
        virtual_school=virtual_school,
        name="spring",
        start_date=today + timedelta(days=50),
        end_date=today + timedelta(days=130),
        half_term_start=today + timedelta(days=90),
        half_term_end=today + timedelta(days=94),
    )
    return now, later


def _children(world, terms, count):
    """Children in three shapes: a PEP overdue, one for next term, one waiting for QA; each
    with last term's PEP signed off and its copy not made yet."""
    now, later = terms
    today = timezone.localdate()
    school = SchoolFactory()
    for i in range(count):
        child = ChildFactory(virtual_school=world.virtual_school)
        EnrolmentFactory(child=child, school=school if i % 2 else world.school)
        SocialWorkerAllocationFactory(child=child)
        SignedOffCopyFactory(pep=SignedOffPepFactory(child=child, term=now, version=1))
        if i % 3 == 0:
            DraftPepFactory(child=child, term=now, version=2, due_date=today - timedelta(days=3))
        elif i % 3 == 1:
            DraftPepFactory(child=child, term=later, version=2, due_date=today + timedelta(60))
        else:
            SubmittedPepFactory(child=child, term=now, version=2, due_date=today)


PAGES = [
    ("peps:deadlines", {}),
    ("peps:deadlines", {"overdue_page": "2", "upcoming_page": "2"}),
    ("peps:quality_queue", {}),
    ("children:virtual_school_children", {}),
    ("children:virtual_school_children", {"school": "school"}),
]


def _get(client, world, page, params):
    params = dict(params)
    if params.get("school") == "school":
        params["school"] = world.school.pk
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(page), params)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize(("page", "params"), PAGES)
def test_virtual_school_pages_stay_flat(client, world, page, params, django_assert_max_num_queries):
    terms = _terms(world.virtual_school)
    client.force_login(world.vs_officer)
    _children(world, terms, 6)
    few, _ = _get(client, world, page, params)
    _children(world, terms, 60)
    with django_assert_max_num_queries(BUDGET):
        many, html = _get(client, world, page, params)
    assert many <= few
    assert html.count('class="govuk-table__row"') > 6


def test_deadlines_show_a_page_of_each_long_list(client, world):
    terms = _terms(world.virtual_school)
    _children(world, terms, 160)
    client.force_login(world.vs_officer)
    html = client.get(reverse("peps:deadlines")).content.decode()
    overdue = Pep.objects.filter(state="draft", due_date__lt=timezone.localdate()).count()
    assert overdue > 50
    assert 'aria-label="Pages of overdue PEPs"' in html
    assert 'aria-label="Pages of upcoming PEPs"' in html
    # The next page of one list keeps the page the other list is on.
    second = client.get(reverse("peps:deadlines"), {"upcoming_page": 2}).content.decode()
    assert "upcoming_page=2&amp;overdue_page=2#overdue" in second
    assert 'id="overdue"' in second and 'id="upcoming"' in second


def test_the_quality_assurance_queue_shows_a_page_at_a_time(client, world):
    """Fifty PEPs waiting a page, the longest waiting first, with the count and the next page."""
    now, _ = _terms(world.virtual_school)
    today = timezone.localdate()
    for i in range(53):
        child = ChildFactory(virtual_school=world.virtual_school, legal_last_name=f"Waiting{i:02}")
        pep = SubmittedPepFactory(child=child, term=now, due_date=today)
        Pep.objects.filter(pk=pep.pk).update(submitted_at=timezone.now() - timedelta(hours=60 - i))
    client.force_login(world.vs_officer)

    first = client.get(reverse("peps:quality_queue")).content.decode()
    assert "53 PEPs waiting, showing 1 to 50." in first
    assert "Waiting00" in first and "Waiting49" in first and "Waiting50" not in first
    assert "?peps_page=2" in first

    second = client.get(reverse("peps:quality_queue"), {"peps_page": "2"}).content.decode()
    assert "Waiting50" in second and "Waiting52" in second and "Waiting49" not in second
    # A page number that is not one shows the first or the last page, never an error.
    assert client.get(reverse("peps:quality_queue"), {"peps_page": "x"}).status_code == 200
    last = client.get(reverse("peps:quality_queue"), {"peps_page": "99"}).content.decode()
    assert "Waiting52" in last
