"""`__in_ids` and `__in_array`: the same rows as `__in`, whichever database runs them."""

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from children.models import Child, Enrolment
from pep_portal.lookups import Ids
from tests.children.factories import ChildFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


def test_in_array_finds_exactly_the_children_given():
    chosen, other, last = ChildFactory.create_batch(3)
    ids = [chosen.pk, last.pk]
    assert set(Child.objects.filter(pk__in_array=ids)) == {chosen, last}
    assert list(Child.objects.filter(pk__in_array=[other.pk])) == [other]


def test_in_array_of_no_ids_is_no_rows_and_no_query():
    ChildFactory()
    with CaptureQueriesContext(connection) as ctx:
        assert list(Child.objects.filter(pk__in_array=[])) == []
    assert ctx.captured_queries == []
    assert Child.objects.filter(pk__in_array=[]).count() == 0


def test_in_array_on_a_foreign_key_and_inside_an_aggregate():
    child = ChildFactory()
    ChildFactory()
    EnrolmentFactory(child=child)
    assert Enrolment.objects.filter(child_id__in_array=[child.pk]).aggregate(n=Count("pk")) == {
        "n": 1
    }


def test_in_array_sends_postgresql_one_array_and_others_a_plain_in():
    children = ChildFactory.create_batch(3)
    with CaptureQueriesContext(connection) as ctx:
        list(Child.objects.filter(pk__in_array=[c.pk for c in children]))
    sql = ctx.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY('{" in sql and "::bigint[])" in sql
    else:
        assert " IN (" in sql


def test_in_ids_finds_the_subquery_rows():
    chosen, other = ChildFactory.create_batch(2)
    subquery = Child.objects.filter(pk=chosen.pk).values("pk")
    assert list(Child.objects.filter(pk__in_ids=subquery)) == [chosen]


def test_in_array_takes_ids_as_one_value_and_refuses_what_is_not_an_id():
    chosen, other = ChildFactory.create_batch(2)
    ids = Ids([chosen.pk])
    assert list(Child.objects.filter(pk__in_array=ids)) == [chosen]
    assert list(Enrolment.objects.filter(child_id__in_array=Ids())) == []
    with pytest.raises((TypeError, ValueError)):
        list(Child.objects.filter(pk__in_array=["1 OR 1=1"]))


def test_ids_are_whole_numbers_from_the_start_and_their_array_is_written_once():
    with pytest.raises(ValueError):
        Ids(["1 OR 1=1"])
    ids = Ids(["3", 1, 2])
    assert ids == {1, 2, 3}
    assert sorted(int(v) for v in ids.array.strip("{}").split(",")) == [1, 2, 3]
    assert ids.array is ids.array
    chosen, _ = ChildFactory.create_batch(2)
    assert list(Child.objects.filter(pk__in_array=Ids([chosen.pk]))) == [chosen]
