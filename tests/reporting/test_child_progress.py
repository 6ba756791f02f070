"""The child's progress page and "what changed since last term": who may see them, what they
show, that looking is audited, and that the progress page costs the same queries however many
terms the child has."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from children import services as children_services
from peps import demo, workflow
from peps.models import Pep, Term
from tests.accounts.factories import SchoolFactory
from tests.conftest import CAN_SEE_THE_CHILD, PERSONAS
from tests.peps.factories import TermFactory

# Carers see the signed-off PEPs of the children placed with them and nothing else (as on the
# child's own page, which they cannot open either): the progress and comparison are not theirs.
EXPECTED = {name: 200 if name in CAN_SEE_THE_CHILD else 404 for name in PERSONAS}
EXPECTED["anonymous"] = 302


def more_terms(world, count: int) -> None:
    """`count` more terms after the `terms` fixture's two, a term every 100 days."""
    today = timezone.localdate()
    for i in range(count):
        start = today + timedelta(days=150 + 100 * i)
        TermFactory(
            virtual_school=world.virtual_school,
            academic_year=today.year + 1 + i // 3,
            name=list(Term.Name)[i % 3],
            start_date=start,
            end_date=start + timedelta(days=80),
            half_term_start=None,
            half_term_end=None,
        )


def sign_off_in_turn(world, pep: Pep, count: int, capture) -> Pep:
    """Sign `count` PEPs off one after another (each sign-off starts the next term's PEP), with
    figures that vary; returns the open PEP that follows, its school part filled in."""
    for vary in range(count):
        # The meeting is held on the first day of the PEP's term, and a PEP is signed off only
        # once its meeting has been held: for a term still ahead, do it the day after.
        day = max(pep.term.start_date + timedelta(days=1), timezone.localdate())
        with time_machine.travel(timezone.make_aware(datetime.combine(day, time(12))), tick=False):
            pep = demo.complete_and_submit(
                pep,
                teacher=world.designated_teacher,
                social_worker=world.allocated_social_worker,
                vary=vary,
            )
            with capture(execute=True):
                workflow.pep_sign_off(
                    pep=pep, actor=world.vs_officer, section_ratings=demo.all_green(pep),
                    feedback="",
                )  # fmt: skip
        pep = world.child.peps.exclude(state=Pep.State.SIGNED_OFF).get()
    demo.fill_school_part(pep, world.designated_teacher, vary=count)
    return pep


@pytest.fixture
def history(world, terms, pep, django_capture_on_commit_callbacks):
    """This term's PEP signed off, and next term's being written with different figures."""
    world.child.date_entered_care = timezone.localdate() - timedelta(days=400)
    world.child.save(update_fields=["date_entered_care"])
    return sign_off_in_turn(world, pep, 1, django_capture_on_commit_callbacks)


@pytest.mark.parametrize(("persona", "status"), EXPECTED.items())
def test_the_progress_page_is_for_whoever_may_see_the_child(as_persona, world, persona, status):
    response = as_persona(persona).get(reverse("reporting:child_progress", args=[world.child.pk]))
    assert response.status_code == status


@pytest.mark.parametrize(("persona", "status"), EXPECTED.items())
def test_what_changed_is_for_whoever_may_see_the_child(as_persona, world, pep, persona, status):
    response = as_persona(persona).get(reverse("reporting:pep_changes", args=[pep.pk]))
    assert response.status_code == status


def test_another_childs_pages_are_not_found(client, world, pep):
    client.force_login(world.allocated_social_worker)
    another_child = world.other_carer.placements.get().child  # same council, not on the caseload
    assert (
        client.get(reverse("reporting:child_progress", args=[another_child.pk])).status_code == 404
    )
    assert client.get(reverse("reporting:child_progress", args=[999999])).status_code == 404
    assert client.get(reverse("reporting:pep_changes", args=[999999])).status_code == 404


def test_looking_at_either_page_is_audited(client, world, history):
    client.force_login(world.designated_teacher)
    client.get(reverse("reporting:child_progress", args=[world.child.pk]))
    client.get(reverse("reporting:pep_changes", args=[history.pk]))
    events = AuditEvent.objects.filter(actor=world.designated_teacher, child=world.child)
    assert set(events.values_list("action", flat=True)) >= {
        "child.progress_viewed",
        "pep.changes_viewed",
    }
    seen = events.get(action="pep.changes_viewed")
    assert seen.object_id == str(history.pk)


def test_the_progress_page_has_each_term_in_a_chart_and_its_table(client, world, terms, history):
    client.force_login(world.vs_officer)
    html = client.get(reverse("reporting:child_progress", args=[world.child.pk])).content.decode()
    this, following = terms
    # vary=0 missed 3 of 120 sessions, vary=1 missed 9.
    assert "97.5%" in html and "92.5%" in html
    assert "3 of 120" in html and "9 of 120" in html
    assert str(this) in html and str(following) in html
    assert "PEP not signed off yet" in html  # next term's is still being written
    charts = html.count('<svg class="app-chart app-chart--labelled"')
    assert charts >= 2  # attendance and each subject
    assert html.count("<table") >= charts  # every chart has its table
    assert "down 5.0 percentage points" in html  # the trend since the child came into care
    assert "style=" not in html.split("<main", 1)[1]  # strict CSP: no inline styles


def test_a_child_with_no_pep_yet_is_told_so(client, world):
    client.force_login(world.vs_officer)
    html = client.get(reverse("reporting:child_progress", args=[world.child.pk])).content.decode()
    assert "No PEP records" in html
    assert "<svg" not in html.split("<main", 1)[1]


def test_the_child_page_and_each_pep_link_to_the_new_pages(client, world, pep):
    client.force_login(world.allocated_social_worker)
    progress = reverse("reporting:child_progress", args=[world.child.pk])
    child_page = client.get(reverse("children:detail", args=[world.child.pk]))
    assert progress in child_page.content.decode()
    overview = client.get(reverse("peps:overview", args=[pep.pk])).content.decode()
    assert progress in overview
    assert reverse("reporting:pep_changes", args=[pep.pk]) in overview


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_progress_page_costs_the_same_queries_for_two_terms_or_five(
    client, world, terms, pep, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    more_terms(world, 3)
    url = reverse("reporting:child_progress", args=[world.child.pk])
    client.force_login(world.vs_officer)
    pep = sign_off_in_turn(world, pep, 1, django_capture_on_commit_callbacks)
    small = _queries(client, url)
    sign_off_in_turn(world, pep, 3, django_capture_on_commit_callbacks)
    assert world.child.education_records.count() == 5
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert response.content.decode().count("of 120") == 5


def test_with_no_earlier_signed_off_pep_the_comparison_says_so(client, world, pep):
    client.force_login(world.vs_officer)
    html = client.get(reverse("reporting:pep_changes", args=[pep.pk])).content.decode()
    assert "There is no earlier signed-off PEP" in html


def test_what_changed_since_last_term(client, world, history, terms):
    previous = world.child.peps.get(state=Pep.State.SIGNED_OFF)
    # Signed off a month ago; the child moved school ten days ago.
    Pep.objects.filter(pk=previous.pk).update(signed_off_at=timezone.now() - timedelta(days=30))
    children_services.enrolment_start(
        actor=world.vs_officer, child=world.child, school=SchoolFactory(name="Hillcrest Academy"),
        start_date=timezone.localdate() - timedelta(days=10), replaces_current=True,
    )  # fmt: skip
    client.force_login(world.vs_officer)
    html = client.get(reverse("reporting:pep_changes", args=[history.pk])).content.decode()
    assert f"PEP {previous.version}" in html
    # Attendance moved from 97.5% to 92.5%.
    assert "97.5%" in html and "92.5%" in html and "Down 5.0 percentage points" in html
    # SEN: vary 0 none, vary 1 SEN support (SEMH).
    assert "SEN support (SEMH)" in html
    # Last term's targets, with the outcome recorded in this PEP.
    for _, _, description, _ in demo.SAMPLE_TARGETS:
        assert description in html
    assert "Partly achieved" in html
    # The school then and now.
    assert "Riverside Primary School" in html and "Hillcrest Academy" in html
    assert "1 change of school" in html
    # An answer that changed, old and new (the SEN status is also a question of the PEP).
    answers = html.split("Answers that changed", 1)[1]
    assert "No special educational needs" in answers and "SEN support" in answers
