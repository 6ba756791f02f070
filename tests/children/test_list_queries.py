"""List pages run the same number of queries for 5 children as for 200."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from children import services
from tests.accounts.factories import SchoolFactory, UserFactory, VirtualSchoolFactory
from tests.children.factories import AccessGrantFactory, ChildFactory

BUDGET = 20


def _people():
    virtual_school = VirtualSchoolFactory()
    school = SchoolFactory()
    return {
        "virtual_school": virtual_school,
        "school": school,
        "social_worker": UserFactory(role=Role.SOCIAL_WORKER, virtual_school=virtual_school),
        "teacher": UserFactory(role=Role.DESIGNATED_TEACHER, schools=[school]),
        "officer": UserFactory(role=Role.VIRTUAL_SCHOOL_OFFICER, virtual_school=virtual_school),
        "carer": UserFactory(role=Role.CARER),
        "reviewer": UserFactory(role=Role.REVIEWING_OFFICER),
    }


def _children(people, count):
    for _ in range(count):
        child = ChildFactory(virtual_school=people["virtual_school"])
        services.enrolment_start(
            actor=None, child=child, school=people["school"], start_date=child.date_entered_care
        )
        services.child_transfer_case(
            actor=None,
            child=child,
            social_worker=people["social_worker"],
            start_date=child.date_entered_care,
        )
        services.placement_start(
            actor=None,
            child=child,
            placement_type="foster_care",
            carers=[people["carer"]],
            start_date=child.date_entered_care,
        )
        AccessGrantFactory(child=child, grantee=people["reviewer"], actor=people["officer"])


PAGES = [
    ("children:caseload", "social_worker"),
    ("children:school_children", "teacher"),
    ("children:virtual_school_children", "officer"),
    ("children:carer_home", "carer"),
    ("children:reviewing", "reviewer"),
]


def _queries(client, page, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(page))
    assert response.status_code == 200
    return len(queries), response.content.decode().count(
        'class="govuk-table__row"'
    ) + response.content.decode().count('govuk-summary-card__title"')


@pytest.mark.parametrize(("page", "who"), PAGES, ids=[p for p, _ in PAGES])
def test_list_pages_stay_flat_as_children_grow(
    client, db, page, who, django_assert_max_num_queries
):
    people = _people()
    _children(people, 5)
    few, shown_few = _queries(client, page, people[who])
    _children(people, 195)
    many, shown_many = _queries(client, page, people[who])
    assert shown_many > shown_few  # the page really lists more children
    assert many == few
    with django_assert_max_num_queries(BUDGET):
        client.get(reverse(page))


def _school_options(client) -> list[str]:
    html = client.get(reverse("children:virtual_school_children")).content.decode()
    select = html[html.index('name="school"') :]
    return re.findall(
        r'<option value="\d+"[^>]*>([^<]*)</option>', select[: select.index("</select>")]
    )


def test_the_kept_school_filter_follows_a_move_and_a_rename_at_once(db, client, settings):
    """The school filter's schools are kept per council (`pep_portal.kept`); a move of school
    or a school's new name shows on the next look."""
    settings.DASHBOARD_FIGURES_SECONDS = 600
    people = _people()
    _children(people, 1)
    child = people["virtual_school"].children.get()
    client.force_login(people["officer"])
    first = people["school"].name
    assert [label for label in _school_options(client) if label.startswith(first)]
    assert _school_options(client) == _school_options(client)  # kept: the same on a second look
    new_school = SchoolFactory(name="Brookfield Academy")
    moved_on = child.date_entered_care.replace(year=2026)
    services.enrolment_end(actor=None, enrolment=child.enrolments.get(), end_date=moved_on)
    services.enrolment_start(actor=None, child=child, school=new_school, start_date=moved_on)
    moved = _school_options(client)
    assert [label for label in moved if label.startswith("Brookfield Academy")]
    assert not [label for label in moved if label.startswith(first)]
    new_school.name = "Brookfield Church Academy"
    new_school.save()
    assert [label for label in _school_options(client) if label.startswith("Brookfield Church")]


def test_each_row_shows_the_childs_own_school_social_worker_placement_and_open_pep(db, client):
    """A list's rows come from one query for all the children (`with_row_details`): each row
    has its own child's details, a signed-off PEP is not shown as open, and a child with none
    of them shows what is missing."""
    from datetime import date, timedelta

    from children.selectors import with_row_details
    from peps.models import Pep
    from tests.peps.factories import DraftPepFactory, SignedOffPepFactory

    people = _people()
    _children(people, 1)
    listed = people["virtual_school"].children.get()
    other_worker = UserFactory(
        role=Role.SOCIAL_WORKER, virtual_school=people["virtual_school"], full_name="Ola Other"
    )
    bare = ChildFactory(virtual_school=people["virtual_school"], legal_last_name="Zyx")
    earlier = SignedOffPepFactory(child=listed)
    due = date.today() - timedelta(days=3)
    open_pep = DraftPepFactory(
        child=listed, term=earlier.term, due_date=due, due_reason="Entered care in May"
    )
    services.child_transfer_case(
        actor=None, child=bare, social_worker=other_worker, start_date=bare.date_entered_care
    )

    rows = {
        child.pk: child
        for child in with_row_details(
            people["virtual_school"].children.order_by("pk"), placements=True
        )
    }
    assert [pep.pk for pep in rows[listed.pk].open_peps] == [open_pep.pk]
    shown = rows[listed.pk].open_peps[0]
    assert (shown.state, shown.due_date, shown.is_overdue) == (Pep.State.DRAFT, due, True)
    assert rows[listed.pk].school_names == [people["school"].name]
    assert rows[listed.pk].social_worker_names == [str(people["social_worker"])]
    assert rows[listed.pk].placement_types == ["Foster care (council carers)"]
    assert (rows[bare.pk].open_peps, rows[bare.pk].school_names) == ([], [])
    assert rows[bare.pk].social_worker_names == ["Ola Other"]
    assert rows[bare.pk].placement_types == []
    assert with_row_details(people["virtual_school"].children.none()) == []

    client.force_login(people["officer"])
    html = client.get(reverse("children:virtual_school_children")).content.decode()
    row = html[html.index(listed.display_name) :]
    row = row[: row.index("</tr>")]
    assert people["school"].name in row and "Foster care (council carers)" in row
    assert "In progress" in row and "Overdue" in row and "Entered care in May" in row
    bare_row = html[html.index(bare.display_name) :]
    bare_row = bare_row[: bare_row.index("</tr>")]
    assert "No current school" in bare_row and "Ola Other" in bare_row
    assert "No current placement" in bare_row and "None open" in bare_row
