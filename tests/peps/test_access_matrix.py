"""Every PEP URL for every persona: allowed, refused (403), or not found (404)."""

import pytest
from django.urls import reverse

from peps import demo
from tests.conftest import CAN_SEE_THE_CHILD, PERSONAS

SEE = CAN_SEE_THE_CHILD
SCHOOL = {"designated_teacher"}
SOCIAL = {"allocated_social_worker"}
VS = {"vs_officer", "vs_head"}


def _expected(persona, allowed, ok=200):
    if persona == "anonymous":
        return 302
    if persona in allowed:
        return ok
    return 403 if persona in SEE else 404


@pytest.fixture
def filled(world, pep):
    demo.fill_school_part(pep, world.designated_teacher)
    return pep


GET_PAGES = [
    ("overview", lambda p: reverse("peps:overview", args=[p.pk]), SEE),
    ("school section", lambda p: reverse("peps:section", args=[p.pk, "attendance"]), SEE),
    ("social section", lambda p: reverse("peps:section", args=[p.pk, "case_details"]), SEE),
    ("targets", lambda p: reverse("peps:section", args=[p.pk, "targets"]), SEE),
    ("target add", lambda p: reverse("peps:target_add", args=[p.pk]), SCHOOL),
    (
        "target edit",
        lambda p: reverse("peps:target_edit", args=[p.pk, p.targets.first().pk]),
        SCHOOL,
    ),
    (
        "target delete",
        lambda p: reverse("peps:target_delete", args=[p.pk, p.targets.first().pk]),
        SCHOOL,
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("page", "url", "allowed"), GET_PAGES, ids=[p[0] for p in GET_PAGES])
def test_pep_pages(as_persona, filled, persona, page, url, allowed):
    response = as_persona(persona).get(url(filled))
    assert response.status_code == _expected(persona, allowed), (page, persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_saving_a_school_section(as_persona, filled, persona):
    response = as_persona(persona).post(
        reverse("peps:section", args=[filled.pk, "strengths_barriers"]),
        {"version": 1, "strengths": "Kind to others", "barriers": "Reading"},
    )
    assert response.status_code == _expected(persona, SCHOOL, ok=302), persona


@pytest.mark.parametrize("persona", PERSONAS)
def test_saving_a_social_worker_section(as_persona, filled, persona):
    response = as_persona(persona).post(
        reverse("peps:section", args=[filled.pk, "care_placement"]),
        {"version": 0, "leisure_interests": "Football"},
    )
    assert response.status_code == _expected(persona, SOCIAL, ok=302), persona


@pytest.mark.parametrize("persona", PERSONAS)
def test_commenting(as_persona, filled, persona):
    response = as_persona(persona).post(
        reverse("peps:comment_add", args=[filled.pk, "attendance"]), {"text": "Please add"}
    )
    assert response.status_code == _expected(persona, VS, ok=302), persona


@pytest.mark.parametrize("persona", PERSONAS)
def test_completing_the_school_part(as_persona, filled, persona):
    response = as_persona(persona).post(reverse("peps:complete_school_part", args=[filled.pk]))
    assert response.status_code == _expected(persona, SCHOOL, ok=302), persona


@pytest.mark.parametrize("persona", PERSONAS)
def test_quality_assurance_page(as_persona, world, filled, persona):
    from peps import workflow

    workflow.pep_complete_school_part(pep=filled, actor=world.designated_teacher)
    demo.fill_social_worker_part(filled, world.allocated_social_worker)
    workflow.pep_submit(pep=filled, actor=world.allocated_social_worker)
    response = as_persona(persona).get(reverse("peps:quality", args=[filled.pk]))
    assert response.status_code == _expected(persona, VS), persona


@pytest.mark.parametrize("persona", PERSONAS)
def test_starting_a_pep(as_persona, world, terms, persona):
    response = as_persona(persona).post(reverse("peps:start", args=[world.child.pk]))
    allowed = SOCIAL | VS
    assert response.status_code == _expected(persona, allowed, ok=302), persona
    assert world.child.peps.exists() == (persona in allowed)


def test_a_target_of_another_pep_is_not_found(as_persona, world, filled):
    from tests.peps.factories import TargetFactory

    stranger = TargetFactory()
    response = as_persona("designated_teacher").get(
        reverse("peps:target_edit", args=[filled.pk, stranger.pk])
    )
    assert response.status_code == 404


def test_a_section_the_pep_does_not_have_is_not_found(as_persona, filled):
    client = as_persona("designated_teacher")
    assert client.get(reverse("peps:section", args=[filled.pk, "eyfs"])).status_code == 404
    assert client.get(reverse("peps:section", args=[filled.pk, "nonsense"])).status_code == 404
