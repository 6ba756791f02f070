from datetime import timedelta

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


def test_seed_demo_gives_its_children_three_terms_of_history(demo_data):
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


def test_the_readme_describes_the_demo_as_it_is_seeded(demo_data):
    """The counts the README states about the demo are the demo's."""
    from pathlib import Path

    from children.models import Placement
    from meetings.models import Meeting

    readme = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text().split())
    assert "two Virtual Schools" in readme and VirtualSchool.objects.count() == 2
    assert "four schools" in readme and School.objects.count() == 4
    assert "and 24 children" in readme and Child.objects.count() == 24
    current = Pep.objects.filter(term__start_date__lte=timezone.localdate())
    open_now = current.exclude(state=Pep.State.SIGNED_OFF)
    assert "one with the school's part complete" in readme
    assert open_now.filter(state=Pep.State.SCHOOL_COMPLETE).count() == 1
    assert "three waiting for quality assurance" in readme
    assert open_now.filter(state=Pep.State.SUBMITTED).count() == 3
    assert "Jo Bennett (the carer) fosters two children" in readme
    jo = User.objects.get(email="carer@northshire.example")
    assert Placement.objects.filter(carers=jo, end_date__isnull=True).count() == 2
    assert "seven more foster carers" in readme
    assert User.objects.filter(email__endswith="@foster.example", role=Role.CARER).count() == 7
    assert "meeting for next week" in readme
    meeting = Meeting.objects.get(pep__child__legal_first_name="Maya")
    days = (timezone.localtime(meeting.starts_at).date() - timezone.localdate()).days
    assert 6 <= days <= 12


def test_the_demo_is_dated_from_the_day_it_is_seeded(demo_data):
    """Some PEPs due within days, real facts: young children with foster carers who have
    accounts, schools of the child's phase, each council's own ids."""
    from children.models import Placement

    today = timezone.localdate()
    due_soon = [
        pep for pep in Pep.objects.exclude(state=Pep.State.SIGNED_OFF).filter(
            due_date__gte=today, due_date__lte=today + timedelta(days=21)
        )
    ]  # fmt: skip
    assert len(due_soon) >= 2
    assert all("starting at" in pep.due_reason for pep in due_soon)
    assert Pep.objects.filter(state=Pep.State.SIGNED_OFF).exists()
    for child in Child.objects.select_related("virtual_school"):
        year = child.year_group(on=today)
        code = child.virtual_school.local_authority_code
        assert child.council_child_id.startswith({"990": "NS-", "991": "WS-"}[code])
        if child.upn:
            assert child.upn[1:4] == code
        school = child.enrolments.get(end_date__isnull=True).school
        phase = (
            School.Phase.EARLY_YEARS if year < 0
            else School.Phase.PRIMARY if year <= 6
            else School.Phase.SECONDARY
        )  # fmt: skip
        assert school.phase == phase, (child, year, school)
        if year <= 6:
            placement = Placement.objects.get(child=child, end_date__isnull=True)
            assert placement.carers.exists(), child
            assert all(carer.is_active and carer.has_usable_password()
                       for carer in placement.carers.all())  # fmt: skip
