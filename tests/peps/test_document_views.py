"""Every download for every persona: the signed-off copy, a draft, a blank form, and the
carer's home that lists the copies."""

import hashlib
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from children import services as children_services
from peps.models import Pep
from tests.conftest import CAN_SEE_THE_CHILD, PERSONAS
from tests.peps.factories import SignedOffCopyFactory, TermFactory
from tests.peps.pdf import pdf_pages

DRAFTERS = {"allocated_social_worker", "designated_teacher", "vs_officer", "vs_head"}
# Whoever works on PEPs, for any child: a blank form names none.
PROFESSIONALS = set(PERSONAS) - {
    "carer", "other_carer", "reviewing_officer", "expired_reviewing_officer", "anonymous",
}  # fmt: skip


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("persona", PERSONAS)
def test_downloading_the_signed_off_copy(as_persona, signed_off_pep, persona):
    response = as_persona(persona).get(reverse("peps:signed_off_copy", args=[signed_off_pep.pk]))
    allowed = CAN_SEE_THE_CHILD | {"carer"}
    if persona == "anonymous":
        assert response.status_code == 302
    elif persona in allowed:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert signed_off_pep.child.legal_last_name.lower() not in disposition.lower()
        body = _body(response)
        assert hashlib.sha256(body).hexdigest() == signed_off_pep.signed_off_copy.sha256
    else:
        assert response.status_code == 404


def test_two_downloads_return_the_same_bytes_and_each_is_audited(world, as_persona, signed_off_pep):
    client = as_persona("carer")
    url = reverse("peps:signed_off_copy", args=[signed_off_pep.pk])
    first, second = _body(client.get(url)), _body(client.get(url))
    assert first == second
    events = AuditEvent.objects.filter(action="pep.copy_downloaded", child=signed_off_pep.child)
    assert events.count() == 2
    assert {event.actor for event in events} == {world.carer}


def test_a_carer_whose_placement_ended_reaches_no_copy(world, as_persona, signed_off_pep):
    children_services.placement_end(
        actor=world.vs_officer, placement=world.placement, end_date=timezone.localdate()
    )
    client = as_persona("carer")
    url = reverse("peps:signed_off_copy", args=[signed_off_pep.pk])
    assert client.get(url).status_code == 404
    home = client.get(reverse("children:carer_home")).content.decode()
    assert signed_off_pep.child.display_name not in home


def test_a_stored_copy_that_storage_has_lost_is_not_a_server_error(
    as_persona, signed_off_pep, caplog
):
    from peps.documents.storage import private_storage

    private_storage().delete(signed_off_pep.signed_off_copy.file_name)
    response = as_persona("carer").get(reverse("peps:signed_off_copy", args=[signed_off_pep.pk]))
    assert response.status_code == 503
    assert "the PDF could not be made" in response.content.decode()
    assert f"PEP {signed_off_pep.pk} cannot be served" in caplog.text
    assert signed_off_pep.child.legal_last_name not in caplog.text
    assert not AuditEvent.objects.filter(action="pep.copy_downloaded").exists()


def test_a_pep_in_progress_has_no_signed_off_copy(as_persona, pep):
    for persona in ("carer", "vs_officer"):
        response = as_persona(persona).get(reverse("peps:signed_off_copy", args=[pep.pk]))
        assert response.status_code == 404


def test_a_copy_not_yet_rendered_says_so(as_persona, world, db):
    copy = SignedOffCopyFactory(pep__child=world.child)
    response = as_persona("carer").get(reverse("peps:signed_off_copy", args=[copy.pep.pk]))
    assert response.status_code == 200
    assert "The signed-off copy is being prepared" in response.content.decode()
    assert not AuditEvent.objects.filter(action="pep.copy_downloaded").exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_downloading_a_draft(as_persona, pep, persona):
    response = as_persona(persona).get(reverse("peps:draft", args=[pep.pk]))
    if persona == "anonymous":
        assert response.status_code == 302
    elif persona in DRAFTERS:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
        assert "draft" in response["Content-Disposition"]
        assert all("DRAFT" in page for page in pdf_pages(_body(response)))
        event = AuditEvent.objects.get(action="pep.draft_downloaded")
        assert (event.child_id, event.object_id) == (pep.child_id, str(pep.pk))
    elif persona in CAN_SEE_THE_CHILD:
        assert response.status_code == 403  # the reviewing officer reads the PEP on screen
    else:
        assert response.status_code == 404


def test_the_draft_of_a_signed_off_pep_is_its_signed_off_copy(as_persona, signed_off_pep):
    response = as_persona("designated_teacher").get(reverse("peps:draft", args=[signed_off_pep.pk]))
    assert response.status_code == 302
    assert response.url == reverse("peps:signed_off_copy", args=[signed_off_pep.pk])


@pytest.mark.parametrize("persona", PERSONAS)
def test_downloading_a_blank_form(as_persona, persona):
    response = as_persona(persona).get(reverse("peps:blank_form", args=["early_years"]))
    if persona == "anonymous":
        assert response.status_code == 302
    elif persona in PROFESSIONALS:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "Blank form: Early years PEP" in pdf_pages(_body(response))[0]
        assert AuditEvent.objects.filter(action="pep.blank_form_downloaded").count() == 1
    else:
        assert response.status_code == 403


def test_a_blank_form_of_no_such_kind_is_not_found(as_persona):
    response = as_persona("vs_officer").get(reverse("peps:blank_form", args=["nonsense"]))
    assert response.status_code == 404


def test_the_overview_links_each_pdf(as_persona, pep, signed_off_pep):
    next_pep = Pep.objects.get(previous=signed_off_pep)
    page = as_persona("designated_teacher").get(reverse("peps:overview", args=[next_pep.pk]))
    html = page.content.decode()
    assert reverse("peps:draft", args=[next_pep.pk]) in html
    assert reverse("peps:blank_form", args=[next_pep.kind]) in html
    page = as_persona("reviewing_officer").get(reverse("peps:overview", args=[signed_off_pep.pk]))
    html = page.content.decode()
    assert reverse("peps:signed_off_copy", args=[signed_off_pep.pk]) in html
    assert reverse("peps:blank_form", args=[signed_off_pep.kind]) not in html


def test_the_carer_sees_the_signed_off_peps_of_their_child_newest_first(
    world, as_persona, signed_off_pep, sign_off
):
    from peps import demo

    newer = Pep.objects.get(previous=signed_off_pep)
    # Next term's PEP is signed off once its meeting (on the term's first day) has been held.
    day = max(newer.term.start_date + timedelta(days=1), timezone.localdate())
    with time_machine.travel(timezone.make_aware(datetime.combine(day, time(12))), tick=False):
        demo.complete_and_submit(
            newer, teacher=world.designated_teacher, social_worker=world.allocated_social_worker
        )
        sign_off(newer)
    html = as_persona("carer").get(reverse("children:carer_home")).content.decode()
    assert world.child.display_name in html
    newest = html.index(reverse("peps:signed_off_copy", args=[newer.pk]))
    oldest = html.index(reverse("peps:signed_off_copy", args=[signed_off_pep.pk]))
    assert newest < oldest
    other = as_persona("other_carer").get(reverse("children:carer_home")).content.decode()
    assert world.child.display_name not in other
    assert reverse("peps:signed_off_copy", args=[signed_off_pep.pk]) not in other


def test_the_carers_home_takes_the_same_queries_for_one_child_or_many(
    world, as_persona, django_assert_max_num_queries
):
    from tests.children.factories import ChildFactory, PlacementFactory

    client = as_persona("carer")
    term = TermFactory(virtual_school=world.virtual_school, academic_year=2025)
    SignedOffCopyFactory(pep__child=world.child, pep__term=term)
    with django_assert_max_num_queries(7):
        assert client.get(reverse("children:carer_home")).status_code == 200
    for _ in range(4):
        child = ChildFactory(virtual_school=world.virtual_school)
        PlacementFactory(child=child, carers=[world.carer])
        SignedOffCopyFactory(pep__child=child, pep__term=term)
        SignedOffCopyFactory(pep__child=child, pep__term=term)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("children:carer_home"))
    assert response.content.decode().count("Being prepared") == 9
