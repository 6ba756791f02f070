"""A Virtual School's deadlines page and QA queue keep their lists as their PEPs' ids until
something in the council changes (peps/selectors.py, `pep_portal.kept`): a second look reads a
page of each list by primary key, in the same order, and a change shows at once."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pep_portal.kept import _generations, figures_changed
from pep_portal.pagination import KeptRows
from peps.models import Pep
from tests.children.factories import ChildFactory
from tests.peps.factories import DraftPepFactory, SubmittedPepFactory
from tests.peps.test_page_queries import _children, _terms

URL = reverse("peps:deadlines")


@pytest.fixture(autouse=True)
def _kept(settings):
    settings.DASHBOARD_FIGURES_SECONDS = 600


def _look(client, **params) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _list(html: str, anchor: str) -> list[str]:
    """The PEPs' links of one list, in order."""
    table = re.search(rf'id="{anchor}".*?</table>', html, re.S).group(0)
    return re.findall(r'href="(/peps/\d+/)"', table)


def test_a_second_look_reads_the_kept_lists_a_page_at_a_time_in_order(client, world, settings):
    _children(world, _terms(world.virtual_school), 160)
    client.force_login(world.vs_officer)
    client.get(reverse("home"))  # the session and the permission caches
    figures_changed([world.virtual_school.pk])
    counting, first = _look(client)
    reading, second = _look(client)
    assert reading <= counting - 4  # the counts and the lists' own queries
    assert re.search(r"Lists as of \d{1,2} \w+ \d{4} at \d\d:\d\d", second)
    for anchor in ("overdue", "upcoming"):
        assert _list(first, anchor) == _list(second, anchor)
        assert len(_list(second, anchor)) == 50
    # Page 2 of each, kept, is what it is counted afresh.
    _, kept_page = _look(client, overdue_page=2, upcoming_page=2)
    settings.DASHBOARD_FIGURES_SECONDS = 0
    _, counted_page = _look(client, overdue_page=2, upcoming_page=2)
    assert "Lists as of" not in counted_page
    for anchor in ("overdue", "upcoming"):
        assert _list(kept_page, anchor) == _list(counted_page, anchor)
        assert set(_list(kept_page, anchor)).isdisjoint(_list(second, anchor))


def test_a_new_overdue_pep_and_a_signed_off_one_show_at_once(client, world):
    now, _ = _terms(world.virtual_school)
    _children(world, (now, now), 6)
    client.force_login(world.vs_officer)
    _, before = _look(client)
    assert "Newcomer" not in before
    child = ChildFactory(virtual_school=world.virtual_school, legal_last_name="Newcomer")
    pep = DraftPepFactory(child=child, term=now, due_date=timezone.localdate() - timedelta(9))
    _, after = _look(client)
    assert f"/peps/{pep.pk}/" in _list(after, "overdue")
    pep.state = Pep.State.SIGNED_OFF
    pep.save()
    _, later = _look(client)
    assert f"/peps/{pep.pk}/" not in later


def test_another_virtual_schools_officer_has_their_own_lists(client, world):
    _children(world, _terms(world.virtual_school), 6)
    client.force_login(world.vs_officer)
    _, own = _look(client)
    assert _list(own, "overdue")
    client.force_login(world.other_vs_officer)
    _, other = _look(client)
    assert "/peps/" not in other
    assert "Nothing is overdue." in other


def test_kept_rows_keep_their_order_and_leave_out_a_row_gone(world, pep):
    others = [
        DraftPepFactory(child=ChildFactory(virtual_school=world.virtual_school), term=pep.term)
        for _ in range(2)
    ]
    ids = [others[1].pk, pep.pk, others[0].pk]
    rows = KeptRows(ids, Pep.objects.select_related("child"))
    assert len(rows) == rows.count() == 3
    assert [p.pk for p in rows[0:3]] == ids
    assert [p.pk for p in rows[1:2]] == [pep.pk]
    others[0].delete()
    assert [p.pk for p in rows[:]] == ids[:2]
    with pytest.raises(TypeError):
        rows[0]


QUEUE = reverse("peps:quality_queue")


def _queue(client, **params) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE, params)
    assert response.status_code == 200
    html = response.content.decode()
    return len(queries), re.findall(r'href="(/peps/\d+/quality-assurance/)"', html)


def test_the_quality_assurance_queue_is_kept_the_same_way(client, world, settings):
    now, _ = _terms(world.virtual_school)
    for i in range(53):
        child = ChildFactory(virtual_school=world.virtual_school)
        SubmittedPepFactory(
            child=child, term=now, submitted_at=timezone.now() - timedelta(hours=60 - i)
        )
    client.force_login(world.vs_officer)
    figures_changed([world.virtual_school.pk])
    counting, first = _queue(client)
    reading, second = _queue(client)
    assert reading <= counting - 1
    assert first == second and len(second) == 50
    assert re.search(
        r"List as of \d{1,2} \w+ \d{4} at \d\d:\d\d", client.get(QUEUE).content.decode()
    )
    _, kept_page = _queue(client, peps_page=2)
    settings.DASHBOARD_FIGURES_SECONDS = 0
    _, counted_page = _queue(client, peps_page=2)
    assert "List as of" not in client.get(QUEUE).content.decode()
    assert kept_page == counted_page and len(kept_page) == 3
    settings.DASHBOARD_FIGURES_SECONDS = 600
    # A PEP submitted now joins the end of the queue at once; one signed off leaves it.
    newest = SubmittedPepFactory(child=ChildFactory(virtual_school=world.virtual_school), term=now)
    _, last = _queue(client, peps_page=2)
    assert last[-1] == f"/peps/{newest.pk}/quality-assurance/"
    newest.state = Pep.State.SIGNED_OFF
    newest.save()
    _, last = _queue(client, peps_page=2)
    assert last == kept_page
    client.force_login(world.other_vs_officer)
    assert _queue(client)[1] == []


def test_a_child_moved_to_another_council_leaves_the_old_councils_kept_lists(client, world):
    now, _ = _terms(world.virtual_school)
    _children(world, (now, now), 6)
    client.force_login(world.vs_officer)
    _, before = _look(client)
    moved_child = world.virtual_school.children.filter(
        peps__state=Pep.State.DRAFT, peps__due_date__lt=timezone.localdate()
    ).first()
    moved = [f"/peps/{pk}/" for pk in moved_child.peps.values_list("pk", flat=True)]
    assert set(moved) & set(_list(before, "overdue"))
    old_generation = _generations(world.virtual_school.pk)
    moved_child = type(moved_child).objects.get(pk=moved_child.pk)
    moved_child.virtual_school_id = world.other_vs_officer.virtual_school_id
    moved_child.save()
    assert _generations(world.virtual_school.pk) != old_generation  # the council left, renewed
    _, after = _look(client)
    assert not set(moved) & set(re.findall(r'href="(/peps/\d+/)"', after))


def test_kept_lists_never_show_another_councils_child_even_unrenewed(client, world):
    """A bulk move that sends no signal leaves the kept ids as they were; the rows are still
    fetched within the person's own council."""
    now, _ = _terms(world.virtual_school)
    _children(world, (now, now), 6)
    client.force_login(world.vs_officer)
    _, before = _look(client)
    shown = _list(before, "overdue")
    pep = Pep.objects.get(pk=int(shown[0].split("/")[2]))
    type(pep.child).objects.filter(pk=pep.child_id).update(
        virtual_school_id=world.other_vs_officer.virtual_school_id
    )
    _, after = _look(client)
    assert shown[0] not in re.findall(r'href="(/peps/\d+/)"', after)
    assert len(_list(after, "overdue")) == len(shown) - 1
