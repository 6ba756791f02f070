import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Role, School, User, VirtualSchool
from children.models import Child
from peps.models import AttainmentResult, EducationRecord, Pep, Term


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
    assert Term.objects.values("academic_year").distinct().count() == 3  # last year's too


def test_seed_demo_gives_its_children_three_terms_of_history(db):
    call_command("seed_demo", force=True)
    today = timezone.localdate()
    with_history = 0
    for child in Child.objects.all():
        peps = list(child.peps.select_related("term", "education").order_by("version"))
        signed_off = [
            p for p in peps if p.state == Pep.State.SIGNED_OFF and p.term.end_date < today
        ]
        if len(signed_off) < 2:
            continue
        with_history += 1
        # The two previous terms, in order, signed off within their own term.
        assert signed_off[0].term.start_date < signed_off[1].term.start_date
        for pep in signed_off:
            assert pep.term.start_date <= timezone.localtime(pep.signed_off_at).date()
            assert timezone.localtime(pep.signed_off_at).date() <= pep.term.end_date
        # The figures vary from term to term, and last term's targets are reviewed now.
        figures = {
            (p.education.attendance_percent, p.education.sen_status, p.education.sdq_score)
            for p in signed_off
        }
        assert len(figures) > 1, child
        assert peps[-1].target_reviews.exists()
    assert with_history >= 15
    assert AttainmentResult.objects.values("term").distinct().count() >= 3


def test_seed_demo_twice_duplicates_nothing(db):
    call_command("seed_demo", force=True)
    models = (User, VirtualSchool, School, Child, Term, Pep, EducationRecord, AttainmentResult)
    counts = [m.objects.count() for m in models]
    call_command("seed_demo", force=True)
    assert [m.objects.count() for m in models] == counts


def test_seed_demo_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="published password"):
        call_command("seed_demo")
    assert not User.objects.exists()
