"""Every child URL for every persona: allowed, refused (403), or not found (404)."""

import pytest
from django.urls import reverse

from tests.conftest import CAN_SEE_THE_CHILD, PERSONAS

SEE = CAN_SEE_THE_CHILD
ACT = {"vs_officer", "vs_head"}


def _expected(persona: str, *, allowed: set, visible: set = SEE, ok: int = 200) -> int:
    if persona == "anonymous":
        return 302
    if persona in allowed:
        return ok
    return 403 if persona in visible else 404


# (name, method, url builder, who may, status when allowed)
PAGES = [
    ("detail", "get", lambda w: reverse("children:detail", args=[w.child.pk]), SEE),
    ("edit", "get", lambda w: reverse("children:edit", args=[w.child.pk]), ACT),
    ("audit", "get", lambda w: reverse("children:audit", args=[w.child.pk]), ACT),
    ("enrolment_add", "get", lambda w: reverse("children:enrolment_add", args=[w.child.pk]), ACT),
    (
        "enrolment_end",
        "get",
        lambda w: reverse("children:enrolment_end", args=[w.child.pk, w.enrolment.pk]),
        ACT,
    ),
    ("transfer", "get", lambda w: reverse("children:transfer", args=[w.child.pk]), ACT),
    ("placement_add", "get", lambda w: reverse("children:placement_add", args=[w.child.pk]), ACT),
    (
        "placement_end",
        "get",
        lambda w: reverse("children:placement_end", args=[w.child.pk, w.placement.pk]),
        ACT,
    ),
    ("access_add", "get", lambda w: reverse("children:access_add", args=[w.child.pk]), ACT),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("page", "method", "url", "allowed"), PAGES, ids=[p[0] for p in PAGES])
def test_child_pages(as_persona, world, persona, page, method, url, allowed):
    client = as_persona(persona)
    response = getattr(client, method)(url(world))
    assert response.status_code == _expected(persona, allowed=allowed), (page, persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_revoking_access_by_post(as_persona, world, persona):
    client = as_persona(persona)
    url = reverse("children:access_revoke", args=[world.child.pk, world.grant.pk])
    response = client.post(url)
    expected = _expected(persona, allowed=ACT, ok=302)
    assert response.status_code == expected, persona
    world.grant.refresh_from_db()
    assert (world.grant.revoked_at is not None) == (persona in ACT)


@pytest.mark.parametrize(
    ("page", "kwarg"), [("enrolment_end", "enrolment_id"), ("placement_end", "placement_id")]
)
def test_someone_elses_record_inside_a_child_url_is_not_found(as_persona, world, page, kwarg):
    """An enrolment or placement of another child, under this child's URL: 404."""
    from tests.children.factories import EnrolmentFactory, PlacementFactory

    other = (EnrolmentFactory if page == "enrolment_end" else PlacementFactory)()
    client = as_persona("vs_officer")
    response = client.get(reverse(f"children:{page}", args=[world.child.pk, other.pk]))
    assert response.status_code == 404


def test_a_child_id_that_does_not_exist_looks_like_one_you_cannot_see(as_persona, world):
    client = as_persona("vs_officer")
    assert client.get(reverse("children:detail", args=[999999])).status_code == 404


# The list pages: each role's own, and who sees the world's child on it.
LISTS = {
    "children:caseload": (
        {"allocated_social_worker", "other_social_worker"},
        {"allocated_social_worker"},
    ),
    "children:school_children": (
        {"designated_teacher", "other_school_teacher"},
        {"designated_teacher"},
    ),
    "children:virtual_school_children": (
        {"vs_officer", "vs_head", "other_vs_officer"},
        {"vs_officer", "vs_head"},
    ),
    "children:carer_home": ({"carer", "other_carer"}, {"carer"}),
    "children:reviewing": (
        {"reviewing_officer", "expired_reviewing_officer"},
        {"reviewing_officer"},
    ),
    "children:create": ({"vs_officer", "vs_head", "other_vs_officer"}, set()),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", list(LISTS))
def test_list_pages(as_persona, world, persona, page):
    may_open, sees_child = LISTS[page]
    response = as_persona(persona).get(reverse(page))
    if persona == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == (200 if persona in may_open else 403), persona
    if response.status_code == 200 and page != "children:create":
        shows = world.child.display_name in response.content.decode()
        assert shows == (persona in sees_child), persona
