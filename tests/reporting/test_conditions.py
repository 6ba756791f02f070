"""The conditions behind the dashboard's figures, on their own: the term's PEP of a child is
its latest version for the term, and a Virtual School's figures count its own children only."""

from datetime import timedelta

from django.utils import timezone

from children.models import Child
from peps.models import Pep
from reporting.conditions import FIGURES, pep_in_state, term_peps
from tests.children.factories import ChildFactory
from tests.peps.factories import (
    DraftPepFactory,
    SignedOffPepFactory,
    SubmittedPepFactory,
    TermFactory,
)


def test_the_terms_pep_is_the_childs_latest_version_for_the_term(world, terms):
    term = terms[0]
    revised = ChildFactory(virtual_school=world.virtual_school)
    first = SignedOffPepFactory(child=revised, term=term, version=1)
    second = DraftPepFactory(child=revised, term=term, version=2, previous=first)
    once = ChildFactory(virtual_school=world.virtual_school)
    only = SignedOffPepFactory(child=once, term=term, version=1)
    SignedOffPepFactory(child=once, term=terms[1], version=2)  # a later term's PEP

    assert set(term_peps(term)) == {second, only}
    signed_off = Child.objects.filter(pep_in_state(term, Pep.State.SIGNED_OFF))
    assert set(signed_off) == {once}


def test_the_overdue_and_waiting_figures_count_the_virtual_schools_own_children(world, terms):
    today = timezone.localdate()
    term = terms[0]
    overdue = ChildFactory(virtual_school=world.virtual_school)
    DraftPepFactory(child=overdue, term=term, due_date=today - timedelta(days=1))
    waiting = ChildFactory(virtual_school=world.virtual_school)
    SubmittedPepFactory(child=waiting, term=term)
    other_council = world.other_vs_officer.virtual_school
    their_term = TermFactory(virtual_school=other_council)
    elsewhere = ChildFactory(virtual_school=other_council)
    DraftPepFactory(child=elsewhere, term=their_term, due_date=today - timedelta(days=1))
    elsewhere_waiting = ChildFactory(virtual_school=other_council)
    SubmittedPepFactory(child=elsewhere_waiting, term=their_term)

    everyone = Child.objects.all()
    assert set(everyone.filter(FIGURES["overdue"].condition(term, today))) == {overdue}
    assert set(everyone.filter(FIGURES["waiting_qa"].condition(term, today))) == {waiting}
