import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.models import Role, User
from accounts.roles import ROLE_HOME, ROLE_NAVIGATION, ROLE_PERMISSIONS, group_name
from accounts.services import user_create
from tests.accounts.factories import SchoolFactory, VirtualSchoolFactory


def test_migration_creates_a_group_for_every_role(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {r.label for r in Role}


def test_role_tables_cover_every_role():
    for table in (ROLE_HOME, ROLE_NAVIGATION, ROLE_PERMISSIONS):
        assert set(table) == set(Role)


def test_groups_hold_the_listed_permissions(db):
    admins = Group.objects.get(name=group_name(Role.SYSTEM_ADMINISTRATOR))
    codenames = set(admins.permissions.values_list("codename", flat=True))
    assert {"add_user", "change_school"} <= codenames
    assert not Group.objects.get(name=group_name(Role.CARER)).permissions.exists()


def test_user_create_puts_the_user_in_their_role_and_school_groups(db):
    school = SchoolFactory()
    user = user_create(
        email="Teacher@School.example",
        full_name="T",
        role=Role.DESIGNATED_TEACHER,
        schools=[school],
    )
    assert user.email == "teacher@school.example"
    assert set(user.groups.values_list("name", flat=True)) == {
        "Designated teacher",
        f"School {school.pk} designated teachers",
    }
    assert user.schools.count() == 1
    assert user.has_perm("accounts.view_school")


@pytest.mark.parametrize(
    ("role", "with_virtual_school", "field"),
    [
        (Role.SOCIAL_WORKER, False, "virtual_school"),
        (Role.VIRTUAL_SCHOOL_OFFICER, False, "virtual_school"),
        (Role.CARER, True, "virtual_school"),
        (Role.DESIGNATED_TEACHER, True, "virtual_school"),
    ],
)
def test_user_create_refuses_the_wrong_organisation(db, role, with_virtual_school, field):
    virtual_school = VirtualSchoolFactory() if with_virtual_school else None
    with pytest.raises(ValidationError) as error:
        user_create(email="x@example.org", full_name="X", role=role, virtual_school=virtual_school)
    assert field in error.value.message_dict
    assert not User.objects.exists()


def test_only_designated_teachers_belong_to_schools(db):
    with pytest.raises(ValidationError):
        user_create(
            email="c@example.org", full_name="C", role=Role.CARER, schools=[SchoolFactory()]
        )
    assert not User.objects.exists()


def test_database_refuses_a_carer_in_a_virtual_school(db):
    with pytest.raises(IntegrityError):
        User.objects.create_user(
            email="c@example.org",
            full_name="C",
            role=Role.CARER,
            virtual_school=VirtualSchoolFactory(),
        )


def test_emails_are_unique_whatever_their_case(db):
    user_create(email="sam@example.org", full_name="Sam", role=Role.CARER)
    with pytest.raises(IntegrityError):
        user_create(email="SAM@example.org", full_name="Sam", role=Role.CARER)


def test_virtual_school_staff_join_their_virtual_schools_group(db):
    virtual_school = VirtualSchoolFactory()
    user = user_create(
        email="o@example.org",
        full_name="O",
        role=Role.VIRTUAL_SCHOOL_OFFICER,
        virtual_school=virtual_school,
    )
    assert set(user.groups.values_list("name", flat=True)) == {
        "Virtual School officer",
        f"Virtual School {virtual_school.pk} staff",
    }


def test_create_superuser_is_a_system_administrator(db):
    user = User.objects.create_superuser(email="root@example.org", password="x" * 12)
    assert user.role == Role.SYSTEM_ADMINISTRATOR
    assert user.is_staff and user.is_superuser
