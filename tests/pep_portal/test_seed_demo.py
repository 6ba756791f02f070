import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role, School, User, VirtualSchool
from children.models import Child
from peps.models import Term


def test_seed_demo_makes_every_role_and_at_least_20_children(db, capsys):
    call_command("seed_demo", force=True)
    output = capsys.readouterr().out
    assert set(User.objects.values_list("role", flat=True)) == set(Role)
    for user in User.objects.all():
        assert user.email in output
        assert user.check_password("pep-portal-demo")
    assert "pep-portal-demo" in output
    assert Child.objects.count() >= 20
    assert School.objects.count() == 4
    assert Term.objects.values("academic_year").distinct().count() == 2


def test_seed_demo_twice_duplicates_nothing(db):
    call_command("seed_demo", force=True)
    counts = [m.objects.count() for m in (User, VirtualSchool, School, Child, Term)]
    call_command("seed_demo", force=True)
    assert [m.objects.count() for m in (User, VirtualSchool, School, Child, Term)] == counts


def test_seed_demo_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="published password"):
        call_command("seed_demo")
    assert not User.objects.exists()
