"""A statement compiled once gives the rows its queryset gives, for any values."""

from datetime import UTC, date, datetime, timedelta

import pytest

from accounts.models import Role
from children.models import Child
from pep_portal.compiled import compile_once
from tests.accounts.factories import UserFactory, VirtualSchoolFactory
from tests.children.factories import ChildFactory


@compile_once
def _children(user_id: int, today: date, born_after: int):
    # `born_after` is the statement's shape (fixed), the other two are placeholders.
    return (
        Child.objects.filter(virtual_school__staff__id=user_id, date_entered_care__lte=today)
        .filter(date_of_birth__year__gte=born_after)
        .order_by("pk")
        .values_list("pk")
    )


def test_the_same_rows_as_the_queryset_for_each_value(db):
    first, second = VirtualSchoolFactory(), VirtualSchoolFactory()
    officer = UserFactory(role=Role.VIRTUAL_SCHOOL_OFFICER, virtual_school=first)
    other = UserFactory(role=Role.VIRTUAL_SCHOOL_OFFICER, virtual_school=second)
    children = [ChildFactory(virtual_school=first) for _ in range(3)]
    children.append(ChildFactory(virtual_school=second))
    statement = _children(born_after=1990)
    assert _children(born_after=1990) is statement
    days = [min(c.date_entered_care for c in children) - timedelta(days=1), date(2030, 1, 1)]
    for person in (officer, other):
        for today in days:
            expected = list(
                Child.objects.filter(
                    virtual_school__staff__id=person.pk, date_entered_care__lte=today
                )
                .filter(date_of_birth__year__gte=1990)
                .order_by("pk")
                .values_list("pk")
            )
            assert statement.rows(user_id=person.pk, today=today) == expected
    assert len(statement.rows(user_id=officer.pk, today=date(2030, 1, 1))) == 3


def test_every_value_is_asked_for_and_of_its_placeholders_type(db):
    with pytest.raises(TypeError, match="no value for today"):
        _children(born_after=1990).rows(user_id=1)
    # A datetime for a date would compare as text on SQLite.
    with pytest.raises(TypeError, match="today must be date, not datetime"):
        _children(born_after=1990).rows(user_id=1, today=datetime(2030, 1, 1, tzinfo=UTC))
    with pytest.raises(TypeError, match="user_id must be int, not str"):
        _children(born_after=1990).rows(user_id="1", today=date(2030, 1, 1))


def test_a_placeholder_the_orm_left_out_is_refused(db):
    @compile_once
    def ignores_its_child(user_id: int, child_id: int):
        return Child.objects.filter(pk=user_id).values_list("pk")

    with pytest.raises(ValueError, match="compiled without child_id"):
        ignores_its_child()


def test_as_a_subquery_of_another_queryset(db):
    school = VirtualSchoolFactory()
    officer = UserFactory(role=Role.VIRTUAL_SCHOOL_OFFICER, virtual_school=school)
    mine = {ChildFactory(virtual_school=school).pk for _ in range(2)}
    ChildFactory()
    statement = _children(born_after=1990)
    found = Child.objects.filter(
        pk__in=statement.subquery(user_id=officer.pk, today=date(2030, 1, 1))
    ).values_list("pk", flat=True)
    assert set(found) == mine
    assert not Child.objects.filter(
        pk__in=statement.subquery(user_id=officer.pk, today=date(1990, 1, 1))
    ).exists()
